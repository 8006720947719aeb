"""The build's warnings on the run: in the order the build said them, once each, Hugo's own sorted by
what they ask of the site's owner, and the warning that explains pages missing first of all."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import warning_lines
from chalicelib.npmmounts import NOTE_START
from chalicelib.work.build import Built

NPM = NOTE_START + "the site mounts node_modules/@thulite/doks-core/layouts, which npm installs, ..."


def test_the_npm_warning_comes_first_and_deprecations_have_their_own_code() -> None:
    said = [
        "deprecated: .Site.LanguageCode was deprecated in Hugo v0.158.0 and will be removed",
        'found no layout file for "html" for kind "page"',
        NPM,
        'found no layout file for "html" for kind "page"',  # the prod tree's, the same: said once
        "Could not retrieve FlexSearch js file from https://cdn.jsdelivr.net/x.js. Search may not work. "
        "(the site's operator allows that host with "
        "`presslift site update www --remote-hosts cdn.jsdelivr.net`)",
    ]
    built = Built(
        log_key="k",
        hugo="0.168.0",
        trees={
            "staging": {
                "files": 1,
                "hugo_notes": said[:3],
                "header_notes": ["a _headers rule S3 cannot keep"],
            },
            "prod": {"files": 1, "hugo_notes": said[3:]},
        },
        artifact_run="r",
        summary="",
    )
    assert [(w["code"], w["message"][:20]) for w in built.redirect_warnings()] == [
        ("npm-not-run", NPM[:20]),
        ("header-rule", "a _headers rule S3 c"),
        ("hugo-deprecation", said[0][:20]),
        ("hugo-warning", said[1][:20]),
        ("remote-refused", said[4][:20]),
    ]


def test_a_failure_shown_in_part_says_how_many_errors_it_leaves_out() -> None:
    """19 drafts with dates Hugo cannot read: the error showed 3 and said nothing of the 16 others."""
    from chalicelib.hugo import error_lines

    log = "\n".join(
        f'ERROR the "date" front matter field is not a parsable date: content/p{n}.md' for n in range(19)
    )
    shown = error_lines(log, 3).splitlines()
    assert len(shown) == 4 and shown[-1] == "(and 16 more errors: see the build log)"
    assert "more errors" not in error_lines(log)  # 20 at most: all 19 shown


def test_unused_templates_of_presslifts_own_theme_are_not_the_sites() -> None:
    """A site that sets printUnusedTemplates and is built in Presslift's theme: 12 of its 14 warnings
    shown were Presslift's shortcodes, and its own were crowded out."""
    log = (
        "WARN  Template /_shortcodes/gallery.html is unused, "
        'source "themes/presslift/layouts/_shortcodes/gallery.html"\n'
        'WARN  Template /single.html is unused, source "layouts/single.html"\n'
    )
    assert warning_lines(log, Path("/tmp/w/source")) == [
        'Template /single.html is unused, source "layouts/single.html"'
    ]
