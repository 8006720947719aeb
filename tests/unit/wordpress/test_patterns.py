"""Synced patterns (reusable blocks) shown in place of their references; loops, drafts, missing ones."""

from __future__ import annotations

from chalicelib.wordpress.patterns import Patterns


def inline(patterns: Patterns, html: str) -> tuple[str, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    return patterns.inline(html, lambda code, message: warnings.append((code, message))), warnings


def test_a_reference_becomes_the_patterns_content_nested_ones_too() -> None:
    patterns = Patterns()
    patterns.keep(
        10,
        "publish",
        '<!-- wp:paragraph --><p>Sign up</p><!-- /wp:paragraph --><!-- wp:block {"ref":11} /-->',
    )
    patterns.keep(11, "publish", "<p>Inner</p>")
    html, warnings = inline(patterns, '<p>Before</p><!-- wp:block {"ref":10} /--><p>After</p>')
    assert "<p>Before</p>" in html and "<p>Sign up</p>" in html and "<p>Inner</p>" in html and "After" in html
    assert html.index("Sign up") < html.index("Inner") < html.index("After")
    assert warnings == []


def test_loops_drafts_bad_and_missing_references_leave_nothing_behind() -> None:
    patterns = Patterns()
    patterns.keep(1, "publish", '<p>one</p><!-- wp:block {"ref":2} /-->')
    patterns.keep(2, "publish", '<p>two</p><!-- wp:block {"ref":1} /-->')
    patterns.keep(3, "draft", "<p>draft</p>")
    html, warnings = inline(
        patterns,
        '<!-- wp:block {"ref":1} /--><!-- wp:block {"ref":3} /--><!-- wp:block {"ref":"x"} /-->'
        '<!-- wp:block {"ref":99} /--><!-- wp:block {not json} /-->',
    )
    assert html.count("<p>one</p>") == 1 and html.count("<p>two</p>") == 1 and "draft" not in html
    assert "wp:block" not in html
    assert warnings == [
        ("missing-pattern", "synced pattern 3 is not published; left out of the page"),
        ("missing-pattern", "synced pattern 99 is not in this export; left out of the page"),
    ]


def test_bodies_without_references_are_returned_as_they_are() -> None:
    body = "<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->"
    assert inline(Patterns(), body) == (body, [])
