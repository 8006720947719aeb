"""The hint for a front matter date Hugo cannot read names the whole file, spaces and all (a real
site's `content/company/news/2021/2021.4 Release.md` was cut at the space)."""

from __future__ import annotations

from chalicelib.hugo_hints import hint


def test_a_file_name_with_spaces_is_named_whole() -> None:
    log = (
        "Start building sites …\n"
        'ERROR the "date" front matter field is not a parsable date: see '
        "/tmp/w/source/content/news/2021.4 Release.md\n"
        "Total in 16 ms\n"
    )
    assert hint(log).startswith("content/news/2021.4 Release.md sets date, which Hugo reads as a date,")
