"""The README's presslift.toml example is a valid configuration (the docs cannot drift from the parser)."""

import re

from chalicelib.siteconfig import parse_site_config
from tests.conftest import ROOT


def test_the_readme_presslift_toml_example_parses():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```toml\n(.*?)```", readme, re.S)
    config = parse_site_config(example)
    assert config.search.backend == "algolia" and config.target("prod").bucket == "www-example-com"
