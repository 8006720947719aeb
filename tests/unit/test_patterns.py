"""presslift.toml has one pattern syntax (gitignore's): the same pattern selects the same paths in
[code] include, [[cache]] pattern and watch_paths, each read through the code that really uses it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.bundle import BundleSpec, build_bundle
from chalicelib.errors import ConfigError, InputError
from chalicelib.github import should_build
from chalicelib.github.webhook import parse_push
from chalicelib.patterns import PatternError, Patterns
from chalicelib.publish import cache_control_for
from chalicelib.siteconfig import SiteConfig, parse_site_config
from chalicelib.sitemodel import Site
from chalicelib.work.deploy import options
from standins.github.payloads import push_payload

REPO = "acme/site"
MARK = "public, max-age=7"  # the test rule's Cache-Control, which no default rule gives

# (pattern, path, matches): gitignore's reading of each pattern.
CASES = [
    ("*.css", "main.css", True),
    ("*.css", "css/main.css", True),  # no slash: any depth (the old [[cache]] and watch_paths said no)
    ("*.css", "main.css.map", False),
    ("content", "content/post.md", True),  # a folder covers what is under it
    ("content", "site/content/post.md", True),
    ("/content", "content/post.md", True),  # a leading slash anchors at the root
    ("/content", "site/content/post.md", False),
    ("docs/*.md", "docs/a.md", True),  # a slash in the middle anchors too
    ("docs/*.md", "docs/sub/a.md", False),
    ("docs/*.md", "site/docs/a.md", False),
    ("docs/", "docs/a/b.md", True),
    ("/top.txt", "sub/top.txt", False),
    (".git/**", "sub/.git/config", False),
    ("src/**/*.py", "src/a.py", True),
    ("src/**/*.py", "src/x/y/a.py", True),
    ("**/__pycache__/**", "pkg/__pycache__/a.pyc", True),
    ("file?.txt", "file1.txt", True),
    ("file?.txt", "file10.txt", False),
    ("[!ab].py", "c.py", True),
    ("[!ab].py", "a.py", False),
    ("a+b(1).py", "a+b(1).py", True),
]
IDS = [f"{pattern} {'~' if hit else '!~'} {path}" for pattern, path, hit in CASES]


def config_with(pattern: str) -> SiteConfig:
    """One presslift.toml that uses `pattern` in all three places."""
    return parse_site_config(
        f"kind = 'code'\nwatch_paths = [{pattern!r}]\n"
        f"[[cache]]\npattern = {pattern!r}\ncache_control = {MARK!r}\n"
        f"[code]\ninclude = [{pattern!r}]\n"
    )


@pytest.mark.parametrize(("pattern", "path", "hit"), CASES, ids=IDS)
def test_a_pattern_means_the_same_in_code_cache_and_watch_paths(
    tmp_path: Path, pattern: str, path: str, hit: bool
) -> None:
    config = config_with(pattern)
    assert config.code is not None
    assert Patterns.compile([pattern]).matches(path) is hit

    source = tmp_path / "repo"
    (source / path).parent.mkdir(parents=True, exist_ok=True)
    (source / path).write_text("x")
    spec = BundleSpec(include=config.code.include, exclude=config.code.exclude)
    build_bundle(source, tmp_path / "out", spec, site="s", run_id="r")
    assert (tmp_path / "out" / path).is_file() is hit, "[code] include"

    rules = options(config).cache_rules
    assert (cache_control_for(path, rules) == MARK) is hit, "[[cache]] pattern"

    event = parse_push(push_payload(REPO, "refs/heads/main", "1" * 40, "2" * 40, [path]))
    assert should_build(event, Site("www", repo=REPO), config).build is hit, "watch_paths"


def test_cache_pattern_keeps_every_pattern_of_a_list() -> None:
    config = parse_site_config("[[cache]]\npattern = ['*.css', '*.js']\ncache_control = 'no-store'\n")
    assert config.cache[0].pattern == ("*.css", "*.js")
    rules = options(config).cache_rules
    assert cache_control_for("app/site.js", rules) == "no-store"
    assert cache_control_for("css/site.css", rules) == "no-store"


@pytest.mark.parametrize(
    ("patterns", "path", "hit"),
    [
        (["assets/**", "!assets/raw/**"], "assets/a.png", True),
        (["assets/**", "!assets/raw/**"], "assets/raw/a.png", False),
        (["*.html", "!drafts/*", "drafts/keep.html"], "drafts/keep.html", True),
        (["*.html", "!drafts/*", "drafts/keep.html"], "drafts/other.html", False),
        (["!*.md"], "a.md", False),
    ],
)
def test_the_planner_regex_agrees_with_the_matcher_last_match_wins(
    patterns: list[str], path: str, hit: bool
) -> None:
    compiled = Patterns.compile(patterns)
    assert compiled.matches(path) is hit
    assert (re.search(compiled.regex(), path) is not None) is hit


@pytest.mark.parametrize(("patterns", "folder", "covered"), [
    ([".git/**"], ".git", True),
    (["node_modules/"], "node_modules", True),
    (["docs/*"], "docs", True),  # gitignore: `docs/*` matches every folder in docs, so all below
    (["docs/*.md"], "docs", False),
    (["*.pyc"], "pkg", False),
])  # fmt: skip
def test_a_walk_skips_only_folders_the_patterns_cover(
    patterns: list[str], folder: str, covered: bool
) -> None:
    assert Patterns.compile(patterns).covers_folder(folder) is covered


@pytest.mark.parametrize("pattern", ["", "  ", "[abc.py", "!", "a/../b", "# note"])
def test_malformed_patterns_are_refused_naming_the_pattern(pattern: str) -> None:
    with pytest.raises(
        PatternError, match=re.escape(repr(pattern)) if pattern.strip() not in ("!",) else "!"
    ):
        Patterns.compile([pattern])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("watch_paths = ['[abc']", r"watch_paths\[0\] is not a gitignore-style pattern: .*'\[abc'"),
        ("[[cache]]\npattern = ['*.css', '../x']\ncache_control = 'x'", r"cache\[0\]\.pattern\[1\] must be"),
        ("[[cache]]\npattern = []\ncache_control = 'x'", r"cache\[0\]\.pattern is required"),
        ("kind = 'code'\n[code]\nexclude = ['a', '!']", r"code\.exclude\[1\] is not a gitignore-style"),
    ],
)
def test_bad_patterns_in_presslift_toml_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"^presslift.toml: {message}"):
        parse_site_config(text)


def test_a_bad_code_glob_given_directly_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    with pytest.raises(InputError, match=r"\[code\] include: pattern '\[x' is not"):
        build_bundle(tmp_path / "repo", tmp_path / "out", BundleSpec(include=("[x",)), site="s", run_id="r")
