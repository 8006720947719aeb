"""In-page anchors survive the conversion: heading ids as Goldmark heading attributes, named anchors and
linked-to ids as the anchor shortcode, and nothing else."""

from __future__ import annotations

import pytest

from tests.unit.wordpress.bodies import markdown_of

body = markdown_of


def test_a_block_editor_heading_anchor_is_the_headings_id() -> None:
    markdown = body(
        '<!-- wp:heading --><h2 class="wp-block-heading" id="start-here">Getting started</h2>'
        "<!-- /wp:heading -->"
        '<!-- wp:paragraph --><p>Back to <a href="#start-here">the start</a>.</p><!-- /wp:paragraph -->'
    )
    assert "## Getting started {#start-here}\n" in markdown
    assert "[the start](#start-here)" in markdown


def test_a_named_anchor_gives_its_id_to_the_heading_it_is_in() -> None:
    markdown = body('<h3><a name="faq"></a>Questions</h3><p>x</p>')
    assert "### Questions {#faq}" in markdown and "anchor" not in markdown


def test_a_heading_keeps_its_own_id_and_a_named_anchor_inside_stands_apart() -> None:
    markdown = body('<h3 id="mine"><a id="theirs"></a>Questions</h3>')
    assert '### {{< anchor "theirs" >}}Questions {#mine}' in markdown


def test_a_named_anchor_elsewhere_is_the_anchor_shortcode_and_keeps_its_text() -> None:
    markdown = body('<p>Intro</p>\n\n<p><a name="part-2">Part</a> two</p>')
    assert '{{< anchor "part-2" >}}Part two' in markdown


def test_hand_written_footnotes_keep_both_ends() -> None:
    markdown = body(
        '<p>Claim.<sup><a href="#fn1" id="ref1">1</a></sup></p>'
        '<ol><li id="fn1">Source. <a href="#ref1">↩</a></li></ol>'
    )
    # The mark's anchor stands before its <sup>, so the link inside is still written as one.
    assert 'Claim.{{< anchor "ref1" >}}[^1^](#fn1)' in markdown
    assert '1. {{< anchor "fn1" >}}Source. [↩](#ref1)' in markdown


def test_ids_no_link_points_at_are_left_out() -> None:
    markdown = body('<div id="attachment_5"><p id="intro">Text</p></div><span id="more-12"></span>')
    assert markdown == "Text\n"


@pytest.mark.parametrize(
    "ident",
    ['x" onmouseover="alert(1)', "two words", 'a">}}{{< evil', "", "é{x}"],
)
def test_an_id_markdown_could_not_hold_is_left_out(ident: str) -> None:
    escaped = ident.replace('"', "&quot;")
    markdown = body(
        f'<h2 id="{escaped}">Title</h2><p><a name="{escaped}"></a>x <a href="#{escaped}">go</a></p>'
    )
    assert "## Title\n" in markdown and "{{< anchor" not in markdown and "{#" not in markdown


def test_ids_of_any_script_are_kept() -> None:
    assert "## Über {#über-uns}" in body('<h2 id="über-uns">Über</h2>')
