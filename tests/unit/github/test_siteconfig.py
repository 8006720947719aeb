"""presslift.toml: defaults, a full file, and a table of mistakes whose errors name the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.errors import ConfigError
from chalicelib.siteconfig import SiteConfig, Target, load_site_config, parse_site_config

FULL = """
kind = "hugo"
branches = ["main", "release/*"]
tags = ["v*"]
hugo_version = "v0.168.0"
build_flags = ["--minify", "-e", "production", "--logLevel=info", "-D"]
watch_paths = ["content", "static/**", "hugo.toml"]
source_dir = "site"
approval_ttl_hours = 24

[targets.staging]
prefix = "/acme/"

[targets.prod]
bucket = "acme-www"
distribution = "E2QWRUHAPOMQZL"
origin_path = "/live"

[approval]
staging = false
prod = true

[search]
backend = "algolia"
app_id = "APPID"
index_name = "acme"
search_key = "public-search-only"
admin_key_parameter = "/presslift/search/acme/algolia-admin"

[[cache]]
pattern = "**/*.css"
cache_control = "public, max-age=31536000, immutable"

[[cache]]
pattern = "**/*.html"
cache_control = "no-cache"
"""

CODE = """
kind = "code"
[code]
app = "billing"
include = ["src/**", "pyproject.toml"]
exclude = ["**/tests/**"]
requirements = "requirements.txt"
check = ["python", "-m", "pytest", "-q"]
check_timeout = 120
keep = 3
"""


def test_no_file_means_defaults(tmp_path: Path) -> None:
    config = load_site_config(tmp_path)
    assert config == SiteConfig()
    assert (config.kind, config.branches, config.tags, config.watch_paths) == ("hugo", ("main",), (), ())
    assert config.approval.required("prod") and not config.approval.required("staging")
    assert config.approval_ttl_hours == 72
    assert config.search.backend == "pagefind"
    assert config.target("prod") == Target()


def test_a_file_is_read_from_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "presslift.toml").write_text('branches = ["www"]\n')
    assert load_site_config(tmp_path).branches == ("www",)


def test_full_hugo_config() -> None:
    config = parse_site_config(FULL)
    assert config.branches == ("main", "release/*")
    assert config.tags == ("v*",)
    assert config.hugo_version == "0.168.0"
    assert config.build_flags == ("--minify", "-e", "production", "--logLevel=info", "-D")
    assert config.source_dir == "site"
    assert config.target("staging") == Target(prefix="acme")
    assert config.target("prod") == Target(
        bucket="acme-www", distribution="E2QWRUHAPOMQZL", origin_path="/live"
    )
    assert config.search.admin_key_parameter == "/presslift/search/acme/algolia-admin"
    assert [rule.cache_control for rule in config.cache] == [
        "public, max-age=31536000, immutable",
        "no-cache",
    ]
    assert config.approval_ttl_hours == 24


def test_code_config() -> None:
    config = parse_site_config(CODE)
    assert config.code is not None
    assert (config.code.app, config.code.check_timeout, config.code.keep) == ("billing", 120, 3)
    assert config.code.check == ("python", "-m", "pytest", "-q")


def test_tags_true_builds_every_tag() -> None:
    assert parse_site_config("tags = true").tags == ("*",)
    assert parse_site_config("tags = false").tags == ()


def test_auto_promote_without_prod_approval() -> None:
    config = parse_site_config("[approval]\nprod = false\nauto_promote = true\n")
    assert config.approval.auto_promote and not config.approval.required("prod")


MISTAKES = [
    ("kind = 'wordpress'", "kind must be one of 'hugo', 'code', not 'wordpress'"),
    ("brnches = ['main']", "brnches is not a known key .*did you mean 'branches'"),
    ("branches = []", "branches must name at least one branch"),
    ("branches = [1]", r"branches\[0\] must be a string, not a number \(1\)"),
    ("tags = 3", "tags must be a list of strings"),
    ("hugo_version = 'latest'", "hugo_version must be a Hugo version"),
    (
        "build_flags = ['--destination', '/tmp/x']",
        r"build_flags\[0\] '--destination' is not allowed: .*outside",
    ),
    ("build_flags = ['-d=/tmp/x']", r"build_flags\[0\] '-d=/tmp/x' is not allowed"),
    (
        "build_flags = ['--cacheDir=/x']",
        r"build_flags\[0\] '--cacheDir=/x' is not allowed: .*outside the site",
    ),
    ("build_flags = ['--baseURL', 'https://x']", r"build_flags\[0\] .*the pipeline sets the base URL"),
    ("build_flags = ['--minify', 'deploy']", r"build_flags\[1\] must be a Hugo flag"),
    ("build_flags = ['-DFd']", r"build_flags\[0\] must be a Hugo flag"),
    ("build_flags = ['--minfy']", r"build_flags\[0\] .*did you mean '--minify'"),
    ("build_flags = ['--environment']", r"build_flags\[0\] '--environment' needs a value"),
    ("build_flags = ['--watch']", r"build_flags\[0\] .*a build must finish"),
    ("watch_paths = ['/content']", r"watch_paths\[0\] must be a pattern relative to the repository root"),
    ("watch_paths = ['../x']", r"watch_paths\[0\] must be a pattern relative to the repository root"),
    ("source_dir = '../other'", "source_dir must be a path inside the repository"),
    ("source_dir = '/abs'", "source_dir must be a path inside the repository"),
    ("[targets.prod]\nbucket = 42", "targets.prod.bucket must be a string, not a number"),
    ("[targets.prod]\nbucket = 'Bad_Bucket'", "targets.prod.bucket must be an S3 bucket name"),
    ("[targets.prd]\nbucket = 'x'", "targets.prd is not a known key.*did you mean 'targets.prod'"),
    ("[targets.prod]\nbuckt = 'abc'", "targets.prod.buckt is not a known key.*'targets.prod.bucket'"),
    (
        "[targets.prod]\ndistribution = 'abc'",
        "targets.prod.distribution must be a CloudFront distribution id",
    ),
    ("[targets.prod]\norigin_path = 'live'", "targets.prod.origin_path must start with '/'"),
    ("targets = 'prod'", "targets must be a table, not a string"),
    ("[approval]\nprod = 'yes'", "approval.prod must be true or false"),
    ("[approval]\nauto_promote = true", "approval.auto_promote = true needs approval.prod = false"),
    ("approval_ttl_hours = 0", "approval_ttl_hours must be between 1 and 720"),
    ("approval_ttl_hours = 1.5", "approval_ttl_hours must be a whole number"),
    ("[search]\nbackend = 'elastic'", "search.backend must be one of 'pagefind', 'algolia'"),
    ("[search]\nbackend = 'algolia'\napp_id = 'A'", "search.index_name is required when"),
    ("[search]\nadmin_key = 'sekrit'", "search.admin_key must never be in presslift.toml"),
    (
        "[search]\nadmin_key_parameter = 'sekrit'",
        "search.admin_key_parameter must name an SSM parameter under /presslift/search/",
    ),
    (
        "[search]\nadmin_key_parameter = '/presslift/www/algolia-admin-key'",
        r"search.admin_key_parameter must name an SSM parameter under /presslift/search/ \(the only path",
    ),
    (
        "[search]\nadmin_key_parameter = 'secretsmanager:k'",
        "search.admin_key_parameter is in Secrets Manager, which is not supported",
    ),
    ("[[cache]]\npattern = '*.css'", r"cache\[0\].cache_control is required"),
    ("[[cache]]\ncache_control = 'no-cache'", r"cache\[0\].pattern is required"),
    ("[[cache]]\npattern = '*.css'\ncache_control = \"a\\nb\"", r"cache\[0\].cache_control must be one line"),
    (
        "[[cache]]\npattern = '*.css'\ncache_contrl = 'x'",
        r"cache\[0\].cache_contrl .*did you mean 'cache\[0\].cache_control'",
    ),
    ("cache = {pattern = 'x'}", "cache must be a list of tables"),
    ("kind = 'code'", 'code is required when kind = "code"'),
    ("[code]\napp = 'x'", 'code is only for kind = "code" sites'),
    ("kind = 'code'\n[code]\ninclude = ['src']", "code.app is required"),
    (
        "kind = 'code'\n[code]\napp = 'x'\ncheck_timeout = 5000",
        "code.check_timeout must be between 1 and 900",
    ),
    ("kind = 'code'\n[code]\napp = 'x'\nrequirements = '/etc/x'", "code.requirements must be a path inside"),
    ("branches = [", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES, ids=[m[0].splitlines()[-1] for m in MISTAKES])
def test_mistakes_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"^presslift.toml: {message}"):
        parse_site_config(text)


def test_non_utf8_file_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not UTF-8"):
        parse_site_config(b"title = '\xff'")


def test_the_config_is_frozen() -> None:
    config = parse_site_config(FULL)
    with pytest.raises(AttributeError):
        config.kind = "code"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("wanted", "binary", "accepted"),
    [
        (None, "v0.168.0+extended", True),
        ("0.168.0", "v0.168.0+extended", True),
        ("0.168", "0.168.2", True),
        ("0.168.0", "v0.168.1", False),
        ("0.16", "v0.168.0", False),
        ("0.168.0", "garbage", False),
    ],
)
def test_hugo_version_check(wanted: str | None, binary: str, accepted: bool) -> None:
    assert SiteConfig(hugo_version=wanted).accepts_hugo(binary) is accepted


def test_the_config_is_json_ready() -> None:
    data = parse_site_config(FULL).to_dict()
    assert json.loads(json.dumps(data))["targets"]["prod"]["bucket"] == "acme-www"


def test_the_registered_branch_is_the_default() -> None:
    assert parse_site_config("tags = true", default_branch="gh-pages").branches == ("gh-pages",)
    assert parse_site_config("branches = ['x']", default_branch="gh-pages").branches == ("x",)
