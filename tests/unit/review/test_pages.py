"""The visible text of a page's main content: what the change review compares."""

from __future__ import annotations

from chalicelib.review.pages import read_page
from tests.unit.review.builds import NEW_CSS, page


def test_main_content_is_read_line_by_line_without_chrome_scripts_or_markup() -> None:
    text = read_page(page("Alpha", "The harbour opens at <b>nine</b>.", "Boats leave."))
    assert text.title == "Alpha · Blog"
    assert text.lines == ("Alpha", "The harbour opens at nine.", "Boats leave.")
    assert not any("Home" in line or "Older" in line or "©" in line for line in text.lines)


def test_markup_navigation_and_stylesheet_changes_leave_the_text_digest_alone() -> None:
    before = read_page(page("Alpha", "Same words."))
    after = read_page(page("Alpha", "Same   <em>words</em>.", nav=("Home", "Posts", "Shop"), css=NEW_CSS))
    assert before.digest == after.digest
    assert read_page(page("Alpha", "Other words.")).digest != before.digest


def test_whole_page_lines_include_navigation_and_footer() -> None:
    text = read_page(page("Alpha", "Body.", nav=("Home", "Shop")), whole_page=True)
    assert {"Home", "Shop", "© 2026 Blog", "Body."} <= set(text.page_lines)
    assert "window.built" not in " ".join(text.page_lines)


def test_an_image_is_a_line_naming_its_alt_text_and_file() -> None:
    html = page("Alpha", 'Look: <img src="https://blog.example/images/cat.jpg?w=3" alt="A cat">')
    assert "[image: A cat (cat.jpg)]" in read_page(html).lines


def test_without_main_the_only_article_or_else_the_body_less_its_chrome_is_read() -> None:
    article = b"<html><body><nav>Menu</nav><article><h1>T</h1><p>Words</p></article>"
    article += b"<footer>F</footer></body></html>"
    assert read_page(article).lines == ("T", "Words")
    bare = b"<html><body><header>Site</header><div><p>Only words</p></div><aside>Side</aside></body></html>"
    text = read_page(bare)
    assert text.lines == ("Only words",)
    assert text.title == ""


def test_hidden_parts_are_not_visible_text() -> None:
    html = page("Alpha", 'Shown<span hidden>secret</span> <span aria-hidden="true">icon</span>')
    assert "secret" not in " ".join(read_page(html).lines)
    assert "icon" not in " ".join(read_page(html).lines)


def test_a_page_that_cannot_be_parsed_reads_as_empty() -> None:
    assert read_page(b"").lines == ()


def test_control_characters_in_a_pages_text_are_left_out_not_a_crash() -> None:
    """A Japanese blog's posts hold backspaces (U+0008) its writers' input method typed; lxml parses
    them but refuses them as an element's text, and the whole build failed on reading its pages."""
    image = "<img src='/a\x08.png' alt='x\x1fy'>"
    html = page("Alpha", "設定\x08は <code>max\x08Limit</code>", f"Form\x0cfeed {image}")
    text = read_page(html, whole_page=True)
    assert "設定は maxLimit" in text.lines and "Formfeed" in text.lines
    assert "[image: x y (a.png)]" in text.lines
    assert not any(c in line for line in text.lines + text.page_lines for c in "\x08\x0c\x1f")
