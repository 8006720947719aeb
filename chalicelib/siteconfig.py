"""A site's settings from `presslift.toml` at its repository root, parsed and validated.

`parse_site_config` turns the file's text into a frozen `SiteConfig`; a repository without the file
gets `SiteConfig()` (the defaults live in the dataclasses, in one place). Every problem is a
`ConfigError` whose message names the key (`presslift.toml: hugo_version must be a string`), and a
key we do not know is an error with a "did you mean" suggestion, because a misspelt key that is
silently ignored is a build nobody asked for.

A repository describes only how its site builds (Hugo version, flags, watch paths, source dir, cache
headers, a code site's bundle). Where it publishes, who approves, which code app it is, its search
credentials and which branches build are the operator's (`chalicelib.sitemodel.Site`): a repository that
sets one of those keys gets a ConfigError naming the key and the `presslift site update` option that
sets it now (`OPERATOR_KEYS`).

This module reads text only: it never touches the network, AWS or the file system beyond reading the
one file in `load_site_config`, and it never holds a secret (search keys are referenced by the SSM
parameter that holds them).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from chalicelib.errors import ConfigError
from chalicelib.patterns import PatternError, Patterns
from chalicelib.tomltable import (
    Check,
    Invalid,
    choice,
    describe,
    key_of,
    read_dataclass,
    relative_path,
    string,
    strings,
    table,
    whole,
)

FILE_NAME = "presslift.toml"
STAGES = ("staging", "prod")
KINDS = ("hugo", "code")

#: Keys that belong to the site's registration, with the `presslift site update` option that sets each
#: (a table's keys are named one by one where the option differs).
OPERATOR_KEYS: dict[str, str] = {
    "branches": "--branches",
    "tags": "--tags",
    "targets": (
        "--staging-bucket/--prod-bucket (and -prefix, -distribution, -origin-path, -url, --own-bucket)"
    ),
    "approval": "--prod-approval/--no-prod-approval, --auto-promote",
    "approval.prod": "--prod-approval/--no-prod-approval",
    "approval.auto_promote": "--auto-promote",
    "approval_ttl_hours": "--approval-ttl-hours",
    "search": "--search algolia with --algolia-app-id, --algolia-index-name, --algolia-search-key, "
    "--algolia-admin-key-parameter",
    "search.backend": "--search",
    "search.app_id": "--algolia-app-id",
    "search.index_name": "--algolia-index-name",
    "search.search_key": "--algolia-search-key",
    "search.admin_key_parameter": "--algolia-admin-key-parameter",
    "search.admin_key": "--algolia-admin-key-parameter (the key itself goes in SSM)",
    "code.app": "--code-app",
    "fetch_media": "--fetch-media",
    "build_segments": "--build-segments",
    "remote_hosts": "--remote-hosts",
    "page_hosts": "--page-hosts",
    "private_sources": "--private-sources",
}
_TARGET_KEY = re.compile(r"^targets\.(staging|prod)\.(bucket|prefix|distribution|origin_path|url)$")

# Hugo build flags a site may add. Anything else is refused: flags that take a path could read or
# write outside the source tree (--destination, --cacheDir, --config ...), the pipeline owns
# --baseURL and --noBuildLock, and --watch or --renderToMemory would never produce an artifact.
_BOOLEAN_FLAGS = frozenset(
    {
        "buildDrafts", "buildExpired", "buildFuture", "cleanDestinationDir", "forceSyncStatic", "gc",
        "ignoreCache", "minify", "noChmod", "noTimes", "panicOnWarning", "printI18nWarnings",
        "printPathWarnings", "printUnusedTemplates", "quiet", "templateMetrics", "templateMetricsHints",
    }
)  # fmt: skip
_VALUE_FLAGS = frozenset(
    {"clock", "disableKinds", "environment", "ignoreVendorPaths", "logLevel", "renderSegments", "theme"}
)
_SHORT_FLAGS = {
    "-D": "buildDrafts",
    "-E": "buildExpired",
    "-F": "buildFuture",
    "-e": "environment",
    "-t": "theme",
}
_REFUSED_FLAGS = {
    "baseURL": "the pipeline sets the base URL of each stage",
    "b": "the pipeline sets the base URL of each stage",
    "noBuildLock": "the pipeline always passes it",
    "enableGitInfo": "the source is a tarball without .git",
    "watch": "a build must finish",
    "w": "a build must finish",
    "poll": "a build must finish",
    "renderToMemory": "a build must write its output",
    "M": "a build must write its output",
    "printMemoryUsage": "a build must finish",
    "help": "it builds nothing",
    "h": "it builds nothing",
}
_PATH_FLAGS = frozenset(
    {"cacheDir", "config", "configDir", "contentDir", "c", "destination", "d", "layoutDir", "l",
     "source", "s", "themesDir", "trace", "logFile"}
)  # fmt: skip

_HUGO_VERSION = re.compile(r"^v?(\d+\.\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class CacheRule:
    """`[[cache]]`: the Cache-Control of the published files that `pattern` (one or a list) matches."""

    pattern: tuple[str, ...]
    cache_control: str

    def regex(self) -> str:
        """The publish planner's form of this rule: one regex, from the one pattern matcher."""
        return Patterns.compile(self.pattern).regex()


@dataclass(frozen=True)
class CodeConfig:
    """A `kind = "code"` site: how its Python bundle is built (the app it becomes is the operator's)."""

    include: tuple[str, ...] = ("**",)
    exclude: tuple[str, ...] = ()
    requirements: str | None = None
    wheelhouse: str | None = None
    check: tuple[str, ...] = ()
    check_timeout: int = 300
    keep: int = 5


@dataclass(frozen=True)
class SiteConfig:
    kind: str = "hugo"
    hugo_version: str | None = None
    build_flags: tuple[str, ...] = ()
    watch_paths: tuple[str, ...] = ()
    source_dir: str = "."
    cache: tuple[CacheRule, ...] = ()
    code: CodeConfig | None = None

    def accepts_hugo(self, version: str) -> bool:
        """Whether Hugo `version` (as `hugo version` prints it, e.g. "v0.168.0+extended") is the one
        wanted: "0.168" accepts any 0.168.x, "0.168.0" only itself; no wanted version accepts all."""
        if self.hugo_version is None:
            return True
        found = re.match(r"^v?(\d+(?:\.\d+)*)", version.strip())
        if not found:
            return False
        wanted, actual = self.hugo_version.split("."), found.group(1).split(".")
        return actual[: len(wanted)] == wanted

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for a run's record and the API."""
        return asdict(self)


def load_site_config(root: Path) -> SiteConfig:
    """The config of the repository checked out at `root`; the defaults when it has no presslift.toml."""
    path = root / FILE_NAME
    if not path.is_file():
        return SiteConfig()
    return parse_site_config(path.read_bytes())


def parse_site_config(text: str | bytes, *, source: str = FILE_NAME) -> SiteConfig:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return _site_config(data)
    except Invalid as exc:
        raise ConfigError(f"{source}: {exc.key} {exc.message}") from None


# --- the checks: each raises Invalid naming the key and returns the value in its final type ------


def _patterns(key: str, value: Any) -> tuple[str, ...]:
    """Path patterns in presslift.toml's one syntax (`chalicelib.patterns`, gitignore's)."""
    patterns = strings(key, value)
    for i, pattern in enumerate(patterns):
        if ".." in pattern.lstrip("!").split("/"):
            raise Invalid(
                f"{key}[{i}]", f"must be a pattern relative to the repository root, not {pattern!r}"
            )
        try:
            Patterns.compile([pattern])
        except PatternError as exc:
            raise Invalid(f"{key}[{i}]", f"is not a gitignore-style pattern: {exc}") from None
    return patterns


def _required_patterns(key: str, value: Any) -> tuple[str, ...]:
    patterns = _patterns(key, value)
    if not patterns:
        raise Invalid(key, "is required")
    return patterns


def _header_value(key: str, value: Any) -> str:
    text = string(key, value)
    if any(ch in text for ch in "\r\n"):
        raise Invalid(key, "must be one line (it becomes an HTTP header)")
    return text


def _hugo_version(key: str, value: Any) -> str | None:
    text = string(key, value)
    found = _HUGO_VERSION.match(text.strip())
    if not found:
        raise Invalid(key, f'must be a Hugo version like "0.168.0", not {text!r}')
    return found.group(1)


def _build_flags(key: str, value: Any) -> tuple[str, ...]:
    flags = strings(key, value)
    expects_value = False
    for i, flag in enumerate(flags):
        where = f"{key}[{i}]"
        if expects_value:
            expects_value = False
            continue
        name, has_value = _flag_name(flag)
        if name is None:
            raise Invalid(where, f'must be a Hugo flag such as "--minify", not {flag!r}')
        if name in _PATH_FLAGS:
            raise Invalid(where, f"{flag!r} is not allowed: it would read or write outside the site")
        if name in _REFUSED_FLAGS:
            raise Invalid(where, f"{flag!r} is not allowed: {_REFUSED_FLAGS[name]}")
        if name in _VALUE_FLAGS:
            expects_value = not has_value
        elif name not in _BOOLEAN_FLAGS:
            hint = difflib.get_close_matches(name, sorted(_BOOLEAN_FLAGS | _VALUE_FLAGS), n=1)
            suggestion = f"; did you mean '--{hint[0]}'?" if hint else ""
            raise Invalid(where, f"{flag!r} is not a Hugo build flag we allow{suggestion}")
    if expects_value:
        raise Invalid(f"{key}[{len(flags) - 1}]", f"{flags[-1]!r} needs a value")
    return flags


# --- the sections: which check reads each dataclass field -----------------------------------------

_CACHE_RULE: dict[str, Check] = {"pattern": _required_patterns, "cache_control": _header_value}

_CODE: dict[str, Check] = {
    "include": _patterns,
    "exclude": _patterns,
    "requirements": relative_path,
    "wheelhouse": relative_path,
    "check": strings,
    "check_timeout": whole(1, 900),
    "keep": whole(1, 100),
}


def _cache_rules(key: str, value: Any) -> tuple[CacheRule, ...]:
    if not isinstance(value, list):
        raise Invalid(key, f"must be a list of tables ([[cache]]), not {describe(value)}")
    rules: list[CacheRule] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise Invalid(
                f"{key}[{i}]", f"must be a table with pattern and cache_control, not {describe(item)}"
            )
        rules.append(read_dataclass(CacheRule, item, f"{key}[{i}]", _CACHE_RULE))
    return tuple(rules)


def _code(kind: str) -> Check:
    def check(key: str, value: Any) -> CodeConfig:
        code = table(key, value)
        if kind != "code":
            raise Invalid(key, f'is only for kind = "code" sites; this one is kind = {kind!r}')
        if "app" in code:
            raise _operator_owned(key, "app", code["app"])
        return read_dataclass(CodeConfig, code, key, _CODE)

    return check


_SITE: dict[str, Check] = {
    "hugo_version": _hugo_version,
    "build_flags": _build_flags,
    "watch_paths": _patterns,
    "source_dir": relative_path,
    "cache": _cache_rules,
}

_OPERATOR_TOP_KEYS = (
    "branches",
    "tags",
    "targets",
    "approval",
    "approval_ttl_hours",
    "search",
    "fetch_media",
    "build_segments",
    "remote_hosts",
    "page_hosts",
    "private_sources",
)


def _site_config(data: Mapping[str, Any]) -> SiteConfig:
    for name in _OPERATOR_TOP_KEYS:
        if name in data:
            raise _operator_owned("", name, data[name])
    kind = choice(KINDS)("kind", data["kind"]) if "kind" in data else SiteConfig.kind
    config = read_dataclass(SiteConfig, data, "", {**_SITE, "code": _code(kind)}, kind=kind)
    if kind == "code" and config.code is None:
        config = replace(config, code=CodeConfig())
    return config


def _operator_owned(path: str, name: str, value: Any) -> Invalid:
    """The error for a key the site's registration owns; inside a table it names the first key set
    (`targets.prod.bucket`) and the `presslift site update` option that sets it."""
    key = top = key_of(path, name)
    while isinstance(value, dict) and value:
        inner, value = next(iter(value.items()))
        key = f"{key}.{inner}"
    found = _TARGET_KEY.match(key)
    option = (
        f"--{found.group(1)}-{found.group(2).replace('_', '-')}"
        if found
        else OPERATOR_KEYS.get(key) or OPERATOR_KEYS[top]
    )
    return Invalid(
        key,
        "is set by the site's operator, not the repository: remove it from presslift.toml; an "
        f"operator sets it with `presslift site update SITE {option}`",
    )


def _flag_name(flag: str) -> tuple[str | None, bool]:
    """(name without dashes, whether it carries `=value`), or (None, False) when it is not a flag."""
    if flag in _SHORT_FLAGS:
        return _SHORT_FLAGS[flag], False
    found = re.match(r"^(--?)([A-Za-z][A-Za-z0-9-]*)(=.*)?$", flag, re.DOTALL)
    if not found:
        return None, False
    dashes, name, value = found.groups()
    if dashes == "-" and len(name) > 1:
        return None, False  # combined short flags (-DFd) would hide a refused one
    return _SHORT_FLAGS.get(f"-{name}", name) if dashes == "-" else name, value is not None
