"""One entry of a WordPress menu, from a classic `nav_menu_item` or a block theme's navigation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class MenuItem:
    id: int  # the nav_menu_item's post id; 0 for a navigation block
    menu: str
    menu_name: str
    title: str
    order: int
    parent: int
    kind: str  # custom, post_type, taxonomy, post_type_archive; home and page_list from blocks
    object: str
    object_id: int
    url: str
    key: str = ""  # unique within the export: wp-<id> for a nav_menu_item
    parent_key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = f"wp-{self.id}"
        if not self.parent_key and self.parent:
            self.parent_key = f"wp-{self.parent}"
