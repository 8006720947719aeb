"""presslift.toml: defaults, a full file, a table of mistakes whose errors name the key, and the keys
a repository may not set (they are its operator's, in the site's registration)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.errors import ConfigError
from chalicelib.siteconfig import CodeConfig, SiteConfig, load_site_config, parse_site_config

FULL = """
kind = "hugo"
hugo_version = "v0.168.0"
build_flags = ["--minify", "-e", "production", "--logLevel=info", "-D"]
watch_paths = ["content", "static/**", "hugo.toml"]
source_dir = "site"

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
    assert (config.kind, config.watch_paths, config.source_dir, config.code) == ("hugo", (), ".", None)


def test_a_file_is_read_from_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "presslift.toml").write_text('watch_paths = ["content"]\n')
    assert load_site_config(tmp_path).watch_paths == ("content",)


def test_full_hugo_config() -> None:
    config = parse_site_config(FULL)
    assert config.hugo_version == "0.168.0"
    assert config.build_flags == ("--minify", "-e", "production", "--logLevel=info", "-D")
    assert config.source_dir == "site"
    assert config.watch_paths == ("content", "static/**", "hugo.toml")
    assert [rule.cache_control for rule in config.cache] == [
        "public, max-age=31536000, immutable",
        "no-cache",
    ]


def test_code_config() -> None:
    config = parse_site_config(CODE)
    assert config.code is not None
    assert (config.code.check_timeout, config.code.keep) == (120, 3)
    assert config.code.check == ("python", "-m", "pytest", "-q")


def test_a_code_site_without_a_code_table_bundles_everything() -> None:
    config = parse_site_config("kind = 'code'")
    assert config.code is not None and config.code.include == ("**",)


OPERATOR_OWNED = [
    ('branches = ["main"]', "branches", "--branches"),
    ('tags = ["v*"]', "tags", "--tags"),
    ("tags = true", "tags", "--tags"),
    ('[targets.prod]\nbucket = "other-site"\nprefix = ""', "targets.prod.bucket", "--prod-bucket"),
    ('[targets.staging]\nprefix = ""', "targets.staging.prefix", "--staging-prefix"),
    ('[targets.prod]\nurl = "https://evil.example/"', "targets.prod.url", "--prod-url"),
    ("[approval]\nprod = false", "approval.prod", "--prod-approval/--no-prod-approval"),
    ("[approval]\nauto_promote = true", "approval.auto_promote", "--auto-promote"),
    ("approval_ttl_hours = 720", "approval_ttl_hours", "--approval-ttl-hours"),
    ('[search]\nbackend = "algolia"\napp_id = "EVIL"', "search.backend", "--search"),
    ('[search]\napp_id = "EVIL"', "search.app_id", "--algolia-app-id"),
    (
        '[search]\nadmin_key_parameter = "/presslift/search/other/key"',
        "search.admin_key_parameter",
        "--algolia-admin-key-parameter",
    ),
    ('[search]\nadmin_key = "sekrit"', "search.admin_key", "the key itself goes in SSM"),
    ("kind = 'code'\n[code]\napp = 'billing'", "code.app", "--code-app"),
    ("fetch_media = true", "fetch_media", "--fetch-media"),
]


@pytest.mark.parametrize(("text", "key", "option"), OPERATOR_OWNED, ids=[o[0] for o in OPERATOR_OWNED])
def test_operator_owned_keys_are_refused_naming_the_key_and_the_option(
    text: str, key: str, option: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_site_config(text)
    message = str(caught.value)
    assert "sekrit" not in message
    assert message.startswith(f"presslift.toml: {key} is set by the site's operator, not the repository")
    assert "presslift site update SITE" in message and option in message


MISTAKES = [
    ("kind = 'wordpress'", "kind must be one of 'hugo', 'code', not 'wordpress'"),
    ("wtch_paths = ['content']", "wtch_paths is not a known key .*did you mean 'watch_paths'"),
    ("watch_paths = [1]", r"watch_paths\[0\] must be a string, not a number \(1\)"),
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
    ("watch_paths = ['../x']", r"watch_paths\[0\] must be a pattern relative to the repository root"),
    ("source_dir = '../other'", "source_dir must be a path inside the repository"),
    ("source_dir = '/abs'", "source_dir must be a path inside the repository"),
    ("[[cache]]\npattern = '*.css'", r"cache\[0\].cache_control is required"),
    ("[[cache]]\ncache_control = 'no-cache'", r"cache\[0\].pattern is required"),
    ("[[cache]]\npattern = '*.css'\ncache_control = \"a\\nb\"", r"cache\[0\].cache_control must be one line"),
    (
        "[[cache]]\npattern = '*.css'\ncache_contrl = 'x'",
        r"cache\[0\].cache_contrl .*did you mean 'cache\[0\].cache_control'",
    ),
    ("cache = {pattern = 'x'}", "cache must be a list of tables"),
    ("[code]\ninclude = ['x']", 'code is only for kind = "code" sites'),
    ("kind = 'code'\n[code]\ncheck_timeout = 5000", "code.check_timeout must be between 1 and 900"),
    ("kind = 'code'\n[code]\nrequirements = '/etc/x'", "code.requirements must be a path inside"),
    ("watch_paths = [", "not valid TOML"),
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
    assert json.loads(json.dumps(data))["source_dir"] == "site"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SiteConfig()),
        ("kind = 'code'", SiteConfig(kind="code", code=CodeConfig())),
        ("kind = 'code'\n[code]\n", SiteConfig(kind="code", code=CodeConfig())),
        ("kind = 'code'\n[code]\nkeep = 2", SiteConfig(kind="code", code=CodeConfig(keep=2))),
    ],
)
def test_a_key_left_out_takes_the_dataclass_default(text: str, expected: SiteConfig) -> None:
    assert parse_site_config(text) == expected


def test_a_wrong_value_is_reported_before_an_unknown_key() -> None:
    with pytest.raises(ConfigError, match=r"^presslift.toml: kind must be one of"):
        parse_site_config("kind = 'x'\nzzz = 1")
