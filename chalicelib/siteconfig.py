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
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from chalicelib.errors import ConfigError

FILE_NAME = "presslift.toml"
STAGES = ("staging", "prod")
KINDS = ("hugo", "code")

#: Keys that belong to the site's registration, with the `presslift site update` option that sets each
#: (a table's keys are named one by one where the option differs).
OPERATOR_KEYS: dict[str, str] = {
    "branches": "--branches",
    "tags": "--tags",
    "targets": "--staging-bucket/--prod-bucket (and -prefix, -distribution, -origin-path, --own-bucket)",
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
}
_TARGET_KEY = re.compile(r"^targets\.(staging|prod)\.(bucket|prefix|distribution|origin_path)$")

T = TypeVar("T")

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
    pattern: str
    cache_control: str


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
    return _Table(data, "", source).site_config()


class _Table:
    """One TOML table being read: each `take` consumes a key, `done` refuses what is left."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self._data = dict(data)
        self._path = path
        self._source = source
        self._known: list[str] = []

    def key(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self._source}: {key} {message}")

    def take(self, name: str, check: Callable[[str, Any], T], default: T) -> T:
        self._known.append(name)
        if name not in self._data:
            return default
        return check(self.key(name), self._data.pop(name))

    def table(self, name: str) -> _Table | None:
        self._known.append(name)
        if name not in self._data:
            return None
        value = self._data.pop(name)
        if not isinstance(value, dict):
            raise self.error(self.key(name), f"must be a table, not {_describe(value)}")
        return _Table(value, self.key(name), self._source)

    def done(self) -> None:
        for name in self._data:
            hint = difflib.get_close_matches(name, self._known, n=1, cutoff=0.6)
            suggestion = f"; did you mean {self.key(hint[0])!r}?" if hint else ""
            known = ", ".join(sorted(self._known))
            raise self.error(self.key(name), f"is not a known key (known here: {known}){suggestion}")

    # The checks below raise with the key in the message; each returns the value in its final type.

    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, not {_describe(value)}")
        if not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def optional_string(self, key: str, value: Any) -> str | None:
        return self.string(key, value)

    def boolean(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {_describe(value)}")
        return value

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of strings, not {_describe(value)}")
        return tuple(self.string(f"{key}[{i}]", item) for i, item in enumerate(value))

    def choice(self, options: tuple[str, ...]) -> Callable[[str, Any], str]:
        def check(key: str, value: Any) -> str:
            text = self.string(key, value)
            if text not in options:
                raise self.error(key, f"must be one of {', '.join(map(repr, options))}, not {text!r}")
            return text

        return check

    def whole(self, low: int, high: int) -> Callable[[str, Any], int]:
        def check(key: str, value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.error(key, f"must be a whole number, not {_describe(value)}")
            if not low <= value <= high:
                raise self.error(key, f"must be between {low} and {high}, not {value}")
            return value

        return check

    def matching(self, pattern: re.Pattern[str], what: str) -> Callable[[str, Any], str | None]:
        def check(key: str, value: Any) -> str | None:
            text = self.string(key, value)
            if not pattern.match(text):
                raise self.error(key, f"must be {what}, not {text!r}")
            return text

        return check

    def relative_path(self, key: str, value: Any) -> str:
        text = self.string(key, value)
        path = PurePosixPath(text)
        if path.is_absolute() or text.startswith("\\") or ".." in path.parts:
            raise self.error(key, f"must be a path inside the repository, not {text!r}")
        return str(path)

    def optional_relative_path(self, key: str, value: Any) -> str | None:
        return self.relative_path(key, value)

    def globs(self, key: str, value: Any) -> tuple[str, ...]:
        patterns = self.strings(key, value)
        for i, pattern in enumerate(patterns):
            if pattern.startswith("/") or ".." in pattern.split("/"):
                raise self.error(
                    f"{key}[{i}]", f"must be a pattern relative to the repository root, not {pattern!r}"
                )
        return patterns

    # Sections.

    def operator_owned(self, name: str) -> ConfigError | None:
        """The error for a key the site's registration owns, if `name` is one; inside a table it names
        the first key set (`targets.prod.bucket`) and the option that sets it."""
        key, value = self.key(name), self._data.get(name)
        if key not in OPERATOR_KEYS:
            return None
        while isinstance(value, dict) and value:
            inner, value = next(iter(value.items()))
            key = f"{key}.{inner}"
        found = _TARGET_KEY.match(key)
        option = (
            f"--{found.group(1)}-{found.group(2).replace('_', '-')}"
            if found
            else OPERATOR_KEYS.get(key) or OPERATOR_KEYS[self.key(name)]
        )
        return self.error(
            key,
            "is set by the site's operator, not the repository: remove it from presslift.toml; an "
            f"operator sets it with `presslift site update SITE {option}`",
        )

    def site_config(self) -> SiteConfig:
        for name in (
            "branches",
            "tags",
            "targets",
            "approval",
            "approval_ttl_hours",
            "search",
            "fetch_media",
        ):
            if name in self._data and (error := self.operator_owned(name)):
                raise error
        kind = self.take("kind", self.choice(KINDS), "hugo")
        config = SiteConfig(
            kind=kind,
            hugo_version=self.take("hugo_version", self.hugo_version, None),
            build_flags=self.take("build_flags", self.build_flags, ()),
            watch_paths=self.take("watch_paths", self.globs, ()),
            source_dir=self.take("source_dir", self.relative_path, "."),
            cache=self.take("cache", self.cache_rules, ()),
            code=self.code(kind),
        )
        self.done()
        return config

    def hugo_version(self, key: str, value: Any) -> str | None:
        text = self.string(key, value)
        found = _HUGO_VERSION.match(text.strip())
        if not found:
            raise self.error(key, f'must be a Hugo version like "0.168.0", not {text!r}')
        return found.group(1)

    def build_flags(self, key: str, value: Any) -> tuple[str, ...]:
        flags = self.strings(key, value)
        expects_value = False
        for i, flag in enumerate(flags):
            where = f"{key}[{i}]"
            if expects_value:
                expects_value = False
                continue
            name, has_value = _flag_name(flag)
            if name is None:
                raise self.error(where, f'must be a Hugo flag such as "--minify", not {flag!r}')
            if name in _PATH_FLAGS:
                raise self.error(where, f"{flag!r} is not allowed: it would read or write outside the site")
            if name in _REFUSED_FLAGS:
                raise self.error(where, f"{flag!r} is not allowed: {_REFUSED_FLAGS[name]}")
            if name in _VALUE_FLAGS:
                expects_value = not has_value
            elif name not in _BOOLEAN_FLAGS:
                hint = difflib.get_close_matches(name, sorted(_BOOLEAN_FLAGS | _VALUE_FLAGS), n=1)
                suggestion = f"; did you mean '--{hint[0]}'?" if hint else ""
                raise self.error(where, f"{flag!r} is not a Hugo build flag we allow{suggestion}")
        if expects_value:
            raise self.error(f"{key}[{len(flags) - 1}]", f"{flags[-1]!r} needs a value")
        return flags

    def cache_rules(self, key: str, value: Any) -> tuple[CacheRule, ...]:
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of tables ([[cache]]), not {_describe(value)}")
        rules: list[CacheRule] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(
                    f"{key}[{i}]", f"must be a table with pattern and cache_control, not {_describe(item)}"
                )
            table = _Table(item, f"{key}[{i}]", self._source)
            pattern: tuple[str, ...] = table.take("pattern", table.globs, ())
            control = table.take("cache_control", table.header_value, "")
            table.done()
            if not pattern:
                raise self.error(f"{key}[{i}].pattern", "is required")
            if not control:
                raise self.error(f"{key}[{i}].cache_control", "is required")
            rules.append(CacheRule(pattern=pattern[0], cache_control=control))
        return tuple(rules)

    def header_value(self, key: str, value: Any) -> str:
        text = self.string(key, value)
        if any(ch in text for ch in "\r\n"):
            raise self.error(key, "must be one line (it becomes an HTTP header)")
        return text

    def code(self, kind: str) -> CodeConfig | None:
        table = self.table("code")
        if table is None:
            return CodeConfig() if kind == "code" else None
        if kind != "code":
            raise self.error("code", f'is only for kind = "code" sites; this one is kind = {kind!r}')
        if "app" in table._data and (error := table.operator_owned("app")):
            raise error
        code = CodeConfig(
            include=table.take("include", table.globs, ("**",)),
            exclude=table.take("exclude", table.globs, ()),
            requirements=table.take("requirements", table.optional_relative_path, None),
            wheelhouse=table.take("wheelhouse", table.optional_relative_path, None),
            check=table.take("check", table.strings, ()),
            check_timeout=table.take("check_timeout", table.whole(1, 900), 300),
            keep=table.take("keep", table.whole(1, 100), 5),
        )
        table.done()
        return code


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


def _describe(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return (
        f"{names.get(type(value), type(value).__name__)} ({value!r})"
        if not isinstance(value, dict)
        else "a table"
    )
