"""Fetching an import's media from its old host is the operator's choice, per site, kept with the
registration (never read from a repository) and off unless turned on."""

from __future__ import annotations

import argparse

import pytest

from chalicelib.sitemodel import Site, site_from_dict
from presslift.siteoptions import add_site_options, describe, settings_from_args


def parse(*argv: str, adding: bool) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_site_options(parser, adding=adding)
    return parser.parse_args(list(argv))


def test_fetching_media_is_off_unless_the_operator_turns_it_on():
    assert Site("blog", source="import").fetch_media is False
    assert "fetch_media" not in settings_from_args(parse(adding=True), None)


@pytest.mark.parametrize(("flag", "value"), [("--fetch-media", True), ("--no-fetch-media", False)])
def test_site_update_sets_fetch_media(flag, value):
    current = Site("blog", source="import", fetch_media=not value)
    assert settings_from_args(parse(flag, adding=False), current) == {"fetch_media": value}


def test_the_setting_survives_the_registration_round_trip_and_is_shown():
    site = Site("blog", source="import", fetch_media=True)
    assert site.settings_dict()["fetch_media"] is True
    assert site_from_dict(site.to_dict()).fetch_media is True
    assert "media: fetched from the old host" in describe(site)
    assert site_from_dict({"name": "old", "source": "import"}).fetch_media is False  # older records
