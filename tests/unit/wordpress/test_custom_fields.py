"""An item's custom fields (postmeta without a leading underscore) are kept in its front matter, PHP's
arrays as lists and tables; WordPress's and plugins' own keys, and a theme's page settings, are not."""

from __future__ import annotations

from chalicelib.wordpress.customfields import custom_fields, fields_note


def test_a_seafood_guides_fields_are_kept_and_plumbing_is_not() -> None:
    meta = {
        "ct_Classifica_radio_a43a": "Orange",
        "ct_Badges_checkbox_110e": 'a:1:{i:0;s:3:"MSC";}',
        "progression_studios_review_score": "9.2",
        "review_ratings": 'a:2:{s:5:"sound";s:1:"8";s:7:"display";s:2:"10";}',
        "_edit_lock": "1700000000:1",
        "_yoast_wpseo_title": "x",
        "rank_math_title": "x",
        "dsq_thread_id": "123",
        "footnotes": "[]",
        "enclosure": "https://x.org/a.mp3\n123\naudio/mpeg",
        "progression_studios_page_sidebar": "no-sidebar",
        "themesflat_post_views_count": "77",
        "empty": "  ",
        "blob": "x" * 20_000,
    }
    assert custom_fields(meta) == {
        "ct_Classifica_radio_a43a": "Orange",
        "ct_Badges_checkbox_110e": ["MSC"],
        "progression_studios_review_score": "9.2",
        "review_ratings": {"sound": "8", "display": "10"},
    }


def test_a_serialized_look_alike_stays_text_and_the_note_names_the_fields() -> None:
    assert custom_fields({"motto": "a: b"}) == {"motto": "a: b"}
    note = fields_note({f"f{n}": n for n in range(7)})
    assert note.endswith("f0, f1, f2, f3, f4 and 2 more") and "custom_fields" in note
