"""Who approves prod is one question asked by two flags: --prod-approval turns auto-promotion off
(it said "nothing to change" on a site that auto-promoted, and prod stayed open), and asking both
ways at once is refused (it was settled silently on the side that asks no one)."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pytest

from chalicelib.errors import InputError
from chalicelib.sitemodel import Site
from presslift.siteoptions import add_site_options, settings_from_args

SITE = Site("harbour", repo="acme/harbour")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_site_options(parser, adding=False)
    return parser.parse_args(list(argv))


def test_prod_approval_turns_auto_promotion_off() -> None:
    promoting = replace(SITE, approval=replace(SITE.approval, auto_promote=True))
    assert not promoting.approval.prod_needs_approval
    changes = settings_from_args(parse("--prod-approval"), promoting)
    assert changes["approval"].prod_needs_approval and not changes["approval"].auto_promote


def test_asking_both_ways_at_once_is_refused() -> None:
    with pytest.raises(InputError, match="--prod-approval and --auto-promote ask opposite things"):
        settings_from_args(parse("--auto-promote", "--prod-approval"), SITE)
    assert settings_from_args(parse("--auto-promote"), SITE)["approval"].auto_promote
