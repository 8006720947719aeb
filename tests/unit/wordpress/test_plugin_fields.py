"""A custom type's data in its plugin's hidden fields is named when it is not carried over: a coupon
plugin's 43 codes and expiry dates went without a word; settings and WordPress's own fields do not."""

from __future__ import annotations

from chalicelib.wordpress.pluginfields import plugin_fields, plugin_fields_note


def test_a_custom_types_data_is_named_and_its_settings_are_not() -> None:
    meta = {
        "_wpc_coupon_type_code": "45634567556",
        "_wpc_expires": "1735603200",
        "_subtitle": "Royle vs. Crest",
        "_edit_lock": "1598000000:1",
        "_thumbnail_id": "12",
        "_elementor_data": "[{}]",
        "_base_color": "#ff0000",
        "_no_intro": "1",
        "_bbp_reply_count": "3",
        "_layout": "full",
        "_sidebar": "none",
        "_gallery": "a:2:{i:0;i:5;i:1;i:6;}",
        "visible_field": "shown by custom_fields instead",
    }
    assert plugin_fields("coupon", meta) == ["_subtitle", "_wpc_coupon_type_code", "_wpc_expires"]
    note = plugin_fields_note("coupon", plugin_fields("coupon", meta))
    assert note.startswith(
        "items of the type 'coupon' keep their plugin's data in fields the page does not show (_subtitle"
    )


def test_acfs_reference_beside_a_field_carried_over_is_not_named() -> None:
    """146 items of a Hebrew site were warned of `_year` (= field_5ad5cd8d24509, ACF's reference to the
    field's definition) while `year` itself was carried over."""
    meta = {"year": "שניה", "_year": "field_5ad5cd8d24509", "_orphan": "field_5ad5cd8d24510"}
    assert plugin_fields("students", meta) == ["_orphan"]


def test_types_the_converter_reads_itself_are_not_named() -> None:
    for kind in ("post", "page", "product", "tribe_events", "ctc_event"):
        assert plugin_fields(kind, {"_wpc_coupon_type_code": "1234"}) == []
