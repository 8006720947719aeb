from hypothesis import given
from hypothesis import strategies as st

from chalicelib.wordpress.slugs import (
    MAX_SEGMENT_BYTES,
    SlugRegistry,
    fit_segment,
    hugo_term_path,
    slugify,
    taxonomy_value,
)


def test_keeps_unicode_letters():
    assert slugify("Ελληνικά Τίτλος") == "ελληνικά-τίτλος"


def test_decodes_percent_encoded_post_names():
    assert slugify("%e4%b8%ad%e6%96%87") == "中文"


def test_drops_html_suffix():
    assert slugify("my-post.html") == "my-post"


def test_reserved_names_get_a_suffix():
    assert slugify("index") == "index-page"


def test_duplicates_are_numbered_within_a_section():
    registry = SlugRegistry()
    assert registry.claim("posts", "hello", "p1") == ("hello", False)
    assert registry.claim("posts", "hello", "p2") == ("hello-2", True)
    assert registry.claim("pages", "hello", "p3") == ("hello", False)


def test_falls_back_when_nothing_usable_is_left():
    assert SlugRegistry().claim("posts", "///", "post-7") == ("post-7", False)


@given(st.text())
def test_a_slug_is_one_safe_path_segment(text):
    slug = slugify(text)
    assert "/" not in slug and "\\" not in slug and "\x00" not in slug
    assert slug not in (".", "..") and not slug.startswith((".", "-"))
    assert len(slug) <= 80


@given(st.lists(st.text(), min_size=1, max_size=20))
def test_claimed_slugs_are_unique_and_never_empty(names):
    registry = SlugRegistry()
    slugs = [registry.claim("posts", name, f"post-{i}")[0] for i, name in enumerate(names)]
    assert len(set(slugs)) == len(slugs)
    assert all(slugs)


@given(st.text())
def test_term_paths_never_leave_the_taxonomy_folder(text):
    path = hugo_term_path(text)
    assert "/" not in path and "\\" not in path
    assert path.strip(".") != "" or path == ""


def test_term_path_follows_hugo_urlize():
    assert hugo_term_path("News & Events") == "news-events"
    assert hugo_term_path("C++ tips") == "c++-tips"
    assert hugo_term_path("Snake_Case") == "snake_case"  # Hugo's urlize keeps underscores


def test_a_segment_is_cut_between_characters_to_what_a_file_name_takes() -> None:
    assert fit_segment("café_") == "café_"  # short enough: as it was, trailing underscore and all
    assert fit_segment("é" * 200) == "é" * (MAX_SEGMENT_BYTES // 2)
    assert fit_segment("\U00020000" * 70) == "\U00020000" * (MAX_SEGMENT_BYTES // 4)
    assert fit_segment("a" * (MAX_SEGMENT_BYTES - 1) + "-b") == "a" * (
        MAX_SEGMENT_BYTES - 1
    )  # no hyphen at the cut
    assert fit_segment("." * 300) == "" and fit_segment("..") == ""  # never a folder that leaves its parent


def test_a_term_is_named_by_its_name_unless_hugo_s_folder_for_it_would_be_too_long() -> None:
    assert taxonomy_value("Café au lait_") == "Café au lait_"
    long = "Café au lait " * 40
    value = taxonomy_value(long)
    assert value == fit_segment(hugo_term_path(long)) and hugo_term_path(value) == value
