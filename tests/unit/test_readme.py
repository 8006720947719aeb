"""The README's presslift.toml example is a valid configuration (the docs cannot drift from the parser),
and it sets nothing that belongs to the site's operator."""

import re

from chalicelib.siteconfig import OPERATOR_KEYS, parse_site_config
from tests.conftest import ROOT


def readme_example() -> str:
    found = re.search(r"```toml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert found, "the README has no ```toml example"
    return found.group(1)


def test_the_readme_presslift_toml_example_parses():
    example = readme_example()
    config = parse_site_config(example)
    assert config.hugo_version == "0.168" and config.watch_paths[0] == "content"
    assert [rule.pattern for rule in config.cache] == [("downloads/**",)]


def test_the_example_sets_no_operator_owned_key():
    example = readme_example()
    keys = {found.split(".")[0] for found in re.findall(r"^\[*([a-z_.]+)", example, re.M)}
    assert not keys & {key.split(".")[0] for key in OPERATOR_KEYS} - {"code"}
