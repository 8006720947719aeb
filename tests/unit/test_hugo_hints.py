"""Hugo's failures told with what to do: a front matter date it cannot read names its whole file,
spaces and all (a real site's `content/company/news/2021/2021.4 Release.md` was cut at the space); a
missing image and a removed privacy setting are named."""

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


def test_a_missing_resource_and_a_removed_privacy_setting_are_named() -> None:
    """Real sites failed with Hugo's raw `nil pointer evaluating resource.Resource.RelPermalink` (an
    image absent from a page bundle) and `can't evaluate field Twitter in type privacy.Config` (a
    theme's copy of Hugo's old tweet shortcode)."""
    head = 'ERROR error building site: render: failed to render pages: render of "/" failed: '
    missing = (
        head + '"/tmp/w/source/layouts/_partials/hero.html:12:58": execute of template failed: template: '
        'hero.html:12:58: executing "hero.html" at <$img.RelPermalink>: nil pointer evaluating '
        "resource.Resource.RelPermalink\n"
    )
    assert hint(missing).startswith(
        "layouts/_partials/hero.html:12 uses a resource that is not there ($img.RelPermalink): "
    )
    privacy = (
        head + '"/tmp/w/source/themes/t/layouts/shortcodes/tweet-single.html:1:16": execute of template '
        'failed: template: x:1:16: executing "x" at <.Page.Site.Config.Privacy.Twitter>: can\'t evaluate '
        "field Twitter in type privacy.Config\n"
    )
    assert hint(privacy).startswith(
        "themes/t/layouts/shortcodes/tweet-single.html:1 reads the privacy setting Twitter, which Hugo"
    )


def test_a_missing_resource_passed_on_to_fingerprint_is_named() -> None:
    """A real blog's `resources.Get "app.css" | fingerprint` (vite builds app.css, .gitignore keeps it
    out) failed with Hugo's bare "error calling fingerprint: <nil> can not be transformed"."""
    log = (
        "ERROR error building site: render: failed to render pages: render of "
        '"/tmp/w/source/content/_index.md" failed: '
        '"/tmp/w/source/layouts/partials/head.html:83:37": execute of template failed: '
        'template: head.html:83:37: executing "head.html" at <fingerprint>: '
        "error calling fingerprint: <nil> can not be transformed\n"
    )
    assert hint(log).startswith(
        "layouts/partials/head.html:83 passes a resource that is not there to fingerprint: resources.Get "
        "found no such file under assets/"
    )
