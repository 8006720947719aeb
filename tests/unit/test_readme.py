"""The README's presslift.toml example is a valid configuration (the docs cannot drift from the parser).

The example lives in tests/unit/examples/presslift.toml until the README carries it (the README is
the lead's to edit); then `EXAMPLE` reads the README's ```toml block again.
"""

import re

from chalicelib.siteconfig import OPERATOR_KEYS, parse_site_config
from tests.conftest import ROOT

EXAMPLE = ROOT / "tests" / "unit" / "examples" / "presslift.toml"


def test_the_readme_presslift_toml_example_parses():
    example = EXAMPLE.read_text(encoding="utf-8")
    config = parse_site_config(example)
    assert config.hugo_version == "0.168" and config.watch_paths[0] == "content"
    assert [rule.pattern for rule in config.cache] == ["downloads/**"]


def test_the_example_sets_no_operator_owned_key():
    example = EXAMPLE.read_text(encoding="utf-8")
    keys = {found.split(".")[0] for found in re.findall(r"^\[*([a-z_.]+)", example, re.M)}
    assert not keys & {key.split(".")[0] for key in OPERATOR_KEYS} - {"code"}
