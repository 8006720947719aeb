"""Hugo's warnings reach the run: each WARN line once, without the runner's folder, at most twenty."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import WARNINGS_KEPT, warning_lines

LOG = """Start building sites …
WARN  deprecated: project config key languageCode was deprecated in Hugo v0.158.0 and will be removed.
WARN  Raw HTML omitted while rendering "{root}/content/posts/post-5.md"; see https://gohugo.io/x
You can suppress this warning by adding the following to your project configuration:
ignoreLogs = ['warning-goldmark-raw-html']
WARN  Raw HTML omitted while rendering "{root}/content/posts/post-5.md"; see https://gohugo.io/x
INFO  not a warning
ERROR not a warning either
Total in 85 ms
"""


def test_each_warning_once_and_named_by_the_sites_own_paths(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    assert warning_lines(LOG.format(root=source), source) == [
        "deprecated: project config key languageCode was deprecated in Hugo v0.158.0 and will be removed.",
        'Raw HTML omitted while rendering "content/posts/post-5.md"; see https://gohugo.io/x',
    ]


def test_many_warnings_are_counted_past_the_first_twenty_and_long_ones_cut(tmp_path: Path) -> None:
    log = "\n".join(f"WARN  found no layout file for page {n}" for n in range(25)) + "\nWARN  " + "x" * 500
    found = warning_lines(log, tmp_path)
    assert len(found) == WARNINGS_KEPT + 1
    assert found[-1] == "and 6 more Hugo warnings (see the build log)"
    assert warning_lines("WARN  " + "x" * 500, tmp_path) == ["x" * 299 + "…"]


def test_a_remote_fetch_the_policy_refused_names_the_host_to_allow(tmp_path: Path) -> None:
    line = (
        'WARN  The "x" shortcode was unable to retrieve the remote data: template: _shortcodes/x.html:20:23: '
        'executing "render-x" at <resources.GetRemote>: error calling GetRemote: access denied: '
        '"https://publish.x.com/oembed?dnt=false&url=https%3A%2F%2Fx.com%2FSanDiegoZoo%2Fstatus%2F1" is not '
        'whitelisted in policy "security.http.urls"; the current security configuration is: ...'
    )
    (said,) = warning_lines(line, tmp_path)
    assert said.startswith('The "x" shortcode was unable to retrieve the remote data')
    assert said.endswith(
        "… (the site's operator allows that host with "
        "`presslift site update SITE --remote-hosts publish.x.com`)"
    )


def test_a_failed_builds_error_names_the_sites_paths_not_the_runners(tmp_path: Path) -> None:
    from chalicelib.hugo import site_relative

    source = tmp_path / "source"
    source.mkdir()
    log = f'ERROR error building site: "{source}/themes/t/layouts/_partials/logo.html:1:16": execute failed'
    assert site_relative(log, source) == (
        'ERROR error building site: "themes/t/layouts/_partials/logo.html:1:16": execute failed'
    )
