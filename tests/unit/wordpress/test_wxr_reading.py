"""Which elements of an export are read: the channel's own fields and items, wherever the root's start
tag falls in the reads, and nothing deeper that shares their names."""

from pathlib import Path

import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress.wxr import ExportReader

WP = "http://wordpress.org/export/1.2/"


def export(tmp_path: Path, before_root: str, channel: str, root: str = "rss") -> Path:
    path = tmp_path / "export.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n{before_root}<{root} version="2.0" xmlns:wp="{WP}" '
        f'xmlns:plugin="https://plugin.example/ns"><channel>{channel}</channel></{root}>\n',
        encoding="utf-8",
    )
    return path


ITEM = (
    "<item><title>{title}</title><wp:post_id>{id}</wp:post_id><wp:post_type>post</wp:post_type>"
    "<wp:status>publish</wp:status><plugin:extra><title>not the site's</title></plugin:extra></item>"
)
CHANNEL = (
    "<title>The site</title><wp:wxr_version>1.2</wp:wxr_version>"
    "<wp:base_site_url>https://old.example</wp:base_site_url>"
    + ITEM.format(title="One", id=1)
    # A plugin's own list at the channel's level: its items are not the export's.
    + "<plugin:list><item><title>Deeper</title><wp:post_id>9</wp:post_id></item></plugin:list>"
    + ITEM.format(title="Two", id=2)
)


def test_only_the_channels_own_fields_and_items_are_read(tmp_path):
    reader = ExportReader(export(tmp_path, "", CHANNEL))
    items = list(reader.items())
    assert [(item.id, item.title) for item in items] == [(1, "One"), (2, "Two")]
    assert reader.site.title == "The site"
    assert reader.site.base_site_url == "https://old.example"


def test_a_root_after_a_long_prologue_is_found_and_read(tmp_path):
    # The root's start tag arrives after the first reads (the repair stream hands over 64 KiB at a time).
    prologue = "<!-- " + "x" * 200_000 + " -->\n"
    reader = ExportReader(export(tmp_path, prologue, CHANNEL))
    assert [item.id for item in reader.items()] == [1, 2]


def test_another_document_after_a_long_prologue_is_refused_by_its_root(tmp_path):
    prologue = "<!-- " + "x" * 200_000 + " -->\n"
    with pytest.raises(ConversionError, match="root element is <feed>, not <rss>"):
        list(ExportReader(export(tmp_path, prologue, CHANNEL, root="feed")).items())
