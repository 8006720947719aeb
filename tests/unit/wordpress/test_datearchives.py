import pytest

from chalicelib.wordpress.datearchives import archive_pages, archive_terms


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-05-06 07:08:09", ["2024", "2024-05"]),
        (" 1999-12-31 23:59:59", ["1999", "1999-12"]),
        ("0000-00-00 00:00:00", []),
        ("2024-13-01 00:00:00", []),
        ("", []),
        ("Mon, 06 May 2024", []),
    ],
)
def test_a_post_is_listed_under_its_local_year_and_month(date, expected):
    assert archive_terms(date) == expected


def test_month_titles_are_spelled_out_for_english_sites_only():
    english = {p.folder: (p.title, p.aliases) for p in archive_pages({"2024", "2024-05"}, "en-GB")}
    assert english == {"2024": ("2024", ["/2024/"]), "2024-05": ("May 2024", ["/2024/05/"])}
    german = {p.folder: p.title for p in archive_pages({"2024-05"}, "de-DE")}
    assert german == {"2024-05": "2024-05"}
    assert all(p.taxonomy == "archives" for p in archive_pages({"2024"}, ""))
