"""The front matter writer: the same text libyaml writes, whether written directly or by libyaml.

`writer.front_matter` writes short scalars and lists of them itself (most pages) and hands the rest to
libyaml entry by entry; a content file must not change by a byte either way.
"""

from __future__ import annotations

import random

import pytest
import yaml

from chalicelib.wordpress.writer import YAML_DUMPER, _yaml_entry, content_file, front_matter

TRICKY = [
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "null",
    "~",
    "1",
    "-3",
    "1.5",
    "0x1F",
    "0o17",
    "1_000",
    "1e3",
    ".inf",
    "190:20:30",
    "2024-01-02",
    "2024-01-02T03:04:05+00:00",
    "a: b",
    "a:b",
    "x:",
    "a #b",
    "a#b",
    "Don't stop",
    "it's: here",
    "=",
    "<<",
    "-a",
    "- a",
    "_x",
    "/wp-content/uploads/2024/01/a.jpg",
    "/category/news/",
    "(copy 1)",
    "Hello, world! (copy 12)",
    "Ελληνικά και 中文",
    "x" * 73,
    "x" * 74,
    "x" * 90,
    "word " * 20,
    "trailing ",
    " leading",
    "two  spaces",
    'say "hi"',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "emoji 😀",
    "combining e\u0301",
    "nbsp\u00a0here",
    "bom\ufeff",
]  # a line separator (U+2028) is the one exception: see the last test


def libyaml(data: dict[str, object]) -> str:
    return str(
        yaml.dump(data, Dumper=YAML_DUMPER, default_flow_style=False, allow_unicode=True, sort_keys=False)
    )


@pytest.mark.parametrize("text", TRICKY)
def test_each_tricky_string_is_written_as_libyaml_writes_it(text: str) -> None:
    for data in ({"title": text}, {"aliases": [text, "/old/"]}, {"x": 1, "draft": False, "summary": text}):
        assert front_matter(data) == libyaml(data)


def test_the_common_shapes_take_the_direct_path() -> None:
    assert _yaml_entry("title", "Hello, world (copy 3)") == "title: Hello, world (copy 3)\n"
    assert _yaml_entry("date", "2024-01-02T03:04:05+00:00") == "date: '2024-01-02T03:04:05+00:00'\n"
    assert _yaml_entry("draft", False) == "draft: false\n"
    assert _yaml_entry("wordpress_id", 1201) == "wordpress_id: 1201\n"
    assert _yaml_entry("tags", ["news", "yes"]) == "tags:\n- news\n- 'yes'\n"
    assert _yaml_entry("summary", "x " * 44 + "x") is None  # libyaml folds long lines at spaces: left to it
    # With no space to fold at, libyaml writes a long text on its line: a featured image's URL, say.
    url = "https://example.files.wordpress.com/2013/03/a-rather-long-featured-image-name-horizontal.jpg"
    assert (
        _yaml_entry("featured_image", url) == f"featured_image: {url}\n" == libyaml({"featured_image": url})
    )
    assert _yaml_entry("enclosure", {"url": "a"}) is None


def test_random_strings_and_mixed_pages_match_libyaml() -> None:
    rng = random.Random(19)
    alphabet = list(
        "aZ09 .,()/+-!?&%$=;@':#\"\\[]{}|>*~`^<\t\n_\u00c9\u00df\u03a9\u4e2d\U0001f600\u0301\u00a0"
    )

    def text() -> str:
        if rng.random() < 0.4:
            return rng.choice(TRICKY) + rng.choice(["", " x", "!", " (copy 3)", "  y"])
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, rng.choice([5, 20, 90]))))

    for _ in range(3000):
        data = {
            "title": text(),
            "date": "2024-01-02T03:04:05+01:00",
            "draft": rng.random() < 0.5,
            "tags": [text(), text()],
            "summary": text(),
            "enclosure": {"url": text(), "length": 3},
            "wordpress_id": rng.randint(-5, 10**6),
        }
        assert front_matter(data) == libyaml(data)


def test_a_list_given_twice_keeps_libyamls_anchor() -> None:
    shared = ["/a/", "/b/"]
    data = {"aliases": shared, "redirects": shared}
    assert "&id001" in front_matter(data)
    assert front_matter(data) == libyaml(data)


def test_a_content_file_is_the_front_matter_between_rules_and_the_body() -> None:
    text = content_file({"title": "One", "summary": "", "tags": [], "draft": False}, "Body text.\n\n")
    assert text == "---\ntitle: One\ndraft: false\n---\n\nBody text.\n"
    assert content_file({}, "") == "---\n{}\n---\n"


def test_line_separators_in_a_value_read_back_as_written() -> None:
    """A slug and a file name holding U+2028 (an editor's invisible line separator) were written as
    libyaml writes them, and read back folded, with spaces in: a dead alias and a broken image."""
    import yaml

    from chalicelib.wordpress.writer import front_matter

    data = {
        "aliases": ["/free-\u2028t-shirt/", '/plain/"quoted"\t'],
        "featured_image": "https://x.example/Free-\u2029shirt.jpg",
        "title": 'a "b" \\ c\x85d',
    }
    written = front_matter(data)
    assert "\u2028" not in written and "\u2029" not in written and "\x85" not in written
    assert yaml.safe_load(written) == data
