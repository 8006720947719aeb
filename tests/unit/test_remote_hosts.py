"""The hosts a site's build may fetch from are the operator's choice, kept with the registration,
never read from the repository, and none unless named."""

from __future__ import annotations

import argparse

import pytest

from chalicelib.buildrunner.job import BuildJob, StageRender
from chalicelib.errors import ConfigError, InputError
from chalicelib.hugo_hints import hint
from chalicelib.hugo_policy import security_env
from chalicelib.siteconfig import parse_site_config
from chalicelib.sitemodel import Site, site_from_dict
from presslift.siteoptions import add_site_options, describe, settings_from_args


def parse(*argv: str, adding: bool) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_site_options(parser, adding=adding)
    return parser.parse_args(list(argv))


def test_a_build_fetches_nothing_unless_the_operator_names_hosts():
    assert Site("docs", repo="acme/docs").remote_hosts == ()
    assert security_env()["HUGO_SECURITY_HTTP_URLS"] == "none"
    env = security_env(("data.example.com",))
    assert env["HUGO_SECURITY_HTTP_URLS"] == r"^https://(data\.example\.com)(/|$)"
    assert env["HUGO_SECURITY_HTTP_METHODS"] == "(?i)GET" and env["HUGO_SECURITY_EXEC_ALLOW"] == "none"


def test_the_option_sets_clears_and_shows_them():
    current = Site("docs", repo="acme/docs")
    args = parse("--remote-hosts", "Data.Example.com, cdn.example.org", adding=False)
    assert settings_from_args(args, current) == {"remote_hosts": ("data.example.com", "cdn.example.org")}
    named = Site("docs", repo="acme/docs", remote_hosts=("data.example.com",))
    assert settings_from_args(parse("--remote-hosts", "", adding=False), named) == {"remote_hosts": ()}
    assert "build may fetch from: data.example.com (https, GET)" in describe(named)
    assert "fetch from" not in describe(current)
    assert site_from_dict(named.to_dict()).remote_hosts == ("data.example.com",)
    assert site_from_dict({"name": "old", "repo": "acme/old"}).remote_hosts == ()  # older records


@pytest.mark.parametrize(
    "host",
    [
        "https://data.example.com",
        "*.example.com",
        "data.example.com:443",
        "localhost",
        "data.example.com/x",
        "-a.example.com",
        "",
    ],
)
def test_anything_but_a_host_name_is_refused(host):
    with pytest.raises(InputError, match="--remote-hosts takes host names"):
        Site("docs", repo="acme/docs", remote_hosts=(host,))


def test_at_most_twenty_hosts():
    with pytest.raises(InputError, match="at most 20 hosts"):
        Site("docs", repo="acme/docs", remote_hosts=tuple(f"h{n}.example.com" for n in range(21)))


def test_a_repository_cannot_name_its_own():
    with pytest.raises(ConfigError, match=r"remote_hosts is set by the site.s operator.*--remote-hosts"):
        parse_site_config('remote_hosts = ["evil.example.com"]\n')


def test_the_hosts_reach_the_runner_in_its_job():
    job = BuildJob("s", "t", "l", (StageRender("staging", "https://x/", remote_hosts=("data.example.com",)),))
    assert BuildJob.from_json(job.to_json()) == job


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        (
            'POSTCSS: failed to transform "/main.css" (text/css): access denied: "postcss" is not '
            'whitelisted in policy "security.exec.allow"; the current security configuration is:',
            "start postcss",
        ),
        (
            'error calling resources.GetRemote: access denied: "https://data.example.com/a.json" is not '
            'whitelisted in policy "security.http.urls"',
            "--remote-hosts data.example.com",
        ),
        (
            # Every host refused, in the order Hugo met them, once each: one settings change lets all through.
            'WARN access denied: "https://octodex.github.com/images/a.png" is not whitelisted in policy '
            '"security.http.urls"\nERROR access denied: "https://embed.bsky.app/oembed?url=x" is not '
            'whitelisted in policy "security.http.urls"\naccess denied: "https://octodex.github.com/b.png" '
            'is not whitelisted in policy "security.http.urls"',
            "(and files from 1 more host) while it builds (resources.GetRemote), and Presslift's builds "
            "fetch nothing from hosts the site's operator has not allowed: ask them to run `presslift site "
            "update SITE --remote-hosts octodex.github.com,embed.bsky.app`",
        ),
        (
            "TOCSS-DART: failed to transform. You need to install Dart Sass, see https://gohugo.io",
            "Dart Sass",
        ),
        (
            'ERROR failed to load modules: module "github.com/acme/theme" not found in "/src/themes/'
            'github.com/acme/theme"; either add it as a Hugo Module or store it in "/src/themes".',
            "imports Hugo Modules (github.com/acme/theme)",
        ),
        ('access denied: "go" is not whitelisted in policy "security.exec.allow"', "hugo mod vendor"),
        (
            'failed to load modules: module "ananke" not found in "/src/themes/ananke"',
            "theme ananke is not in",
        ),
        (
            'error calling RelPermalink: JSBUILD: failed to transform "/js/x.js" (text/javascript): '
            '"/src/assets/js/x.js:1:7": Could not resolve "bootstrap"',
            "imports bootstrap, an npm package",
        ),
        ('JSBUILD: failed to transform "/js/x.js": "/src/x.js:2:7": Could not resolve "./missing"', ""),
        (
            'TOCSS: failed to transform "/scss/main.scss" (text/x-scss): "/src/assets/scss/main.scss:1:1": '
            "File to import not found or unreadable: vendor/bootstrap/bootstrap.",
            "stylesheet imports vendor/bootstrap/bootstrap, which is not in the repository",
        ),
        ("ERROR template: list.html:1: unexpected EOF", ""),
    ],
)
def test_failures_the_policy_causes_say_what_to_do(log, expected):
    said = hint(log)
    assert (expected in said) if expected else said == ""
