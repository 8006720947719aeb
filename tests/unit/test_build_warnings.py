"""The build's warnings on the run: in the order the build said them, once each, Hugo's own sorted by
what they ask of the site's owner, and the warning that explains pages missing first of all."""

from __future__ import annotations

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
        "(the site's operator allows that host with `presslift site update www --remote-hosts cdn.jsdelivr.net`)",
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
