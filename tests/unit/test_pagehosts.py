"""The hosts a site's operator lets its pages load from join the page's Content-Security-Policy, and
nothing but host names can: never a keyword, a scheme or a path; never from the repository."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConfigError, InputError
from chalicelib.pagehosts import with_page_hosts
from chalicelib.siteconfig import parse_site_config
from chalicelib.sitemodel import Site

POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'"


def test_each_host_joins_the_directives_a_theme_needs() -> None:
    assert with_page_hosts(POLICY, "fonts.googleapis.com fonts.gstatic.com") == (
        "default-src 'self'; "
        "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com https://fonts.gstatic.com; "
        "script-src 'self' https://fonts.googleapis.com https://fonts.gstatic.com; "
        "connect-src 'self' https://fonts.googleapis.com https://fonts.gstatic.com; "
        "font-src 'self' https://fonts.googleapis.com https://fonts.gstatic.com; "
        "frame-src 'self' https://fonts.googleapis.com https://fonts.gstatic.com"
    )
    assert "https://*.giscus.app" in with_page_hosts(POLICY, "*.giscus.app")


@pytest.mark.parametrize(
    "hosts", ["", "'unsafe-inline'", "https://cdn.example", "cdn.example/x", "a b;c", "x"]
)
def test_anything_but_host_names_changes_nothing(hosts: str) -> None:
    assert with_page_hosts(POLICY, hosts) == POLICY


def test_the_operator_names_them_and_a_repository_cannot() -> None:
    site = Site("harbour", repo="acme/harbour", page_hosts=("fonts.gstatic.com", "*.giscus.app"))
    assert site.page_hosts == ("fonts.gstatic.com", "*.giscus.app")
    with pytest.raises(InputError, match="--page-hosts takes host names"):
        Site("harbour", repo="acme/harbour", page_hosts=("'unsafe-eval'",))
    with pytest.raises(InputError, match="at most 20"):
        Site("harbour", repo="acme/harbour", page_hosts=tuple(f"h{n}.example" for n in range(21)))
    with pytest.raises(ConfigError, match="--page-hosts"):
        parse_site_config('page_hosts = ["evil.example"]\n')
