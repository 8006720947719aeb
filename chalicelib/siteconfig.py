"""A site's settings from `presslift.toml` at its repository root, parsed and validated.

`parse_site_config` turns the file's text into a frozen `SiteConfig`; a repository without the file
gets `SiteConfig()` (the defaults live in the dataclasses, in one place). Every problem is a
`ConfigError` whose message names the key (`presslift.toml: targets.prod.bucket must be a string`),
and a key we do not know is an error with a "did you mean" suggestion, because a misspelt key that is
silently ignored is a deploy to the wrong place.

This module reads text only: it never touches the network, AWS or the file system beyond reading the
one file in `load_site_config`, and it never holds a secret (search keys are referenced by the SSM
parameter that holds them).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from chalicelib import resources
from chalicelib.errors import ConfigError

FILE_NAME = "presslift.toml"
STAGES = ("staging", "prod")
KINDS = ("hugo", "code")
SEARCH_BACKENDS = ("pagefind", "algolia")

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

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DISTRIBUTION = re.compile(r"^[A-Z0-9]{10,20}$")
_HUGO_VERSION = re.compile(r"^v?(\d+\.\d+(?:\.\d+)?)$")
_APP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Target:
    """Where one stage publishes: all optional; unset fields fall back to the pipeline's defaults."""

    bucket: str | None = None
    prefix: str | None = None
    distribution: str | None = None
    origin_path: str | None = None


@dataclass(frozen=True)
class Approval:
    """Which stages wait for a person. `auto_promote`: staging goes on to prod with no one asked."""

    staging: bool = False
    prod: bool = True
    auto_promote: bool = False

    def required(self, stage: str) -> bool:
        return bool(getattr(self, stage))


@dataclass(frozen=True)
class Search:
    backend: str = "pagefind"
    app_id: str | None = None
    index_name: str | None = None
    search_key: str | None = None
    admin_key_parameter: str | None = None


@dataclass(frozen=True)
class CacheRule:
    pattern: str
    cache_control: str


@dataclass(frozen=True)
class CodeConfig:
    """A `kind = "code"` site: a Python app dropped onto the EFS mount points."""

    app: str
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
    branches: tuple[str, ...] = ("main",)
    tags: tuple[str, ...] = ()
    hugo_version: str | None = None
    build_flags: tuple[str, ...] = ()
    watch_paths: tuple[str, ...] = ()
    source_dir: str = "."
    targets: Mapping[str, Target] = field(default_factory=dict)
    approval: Approval = field(default_factory=Approval)
    approval_ttl_hours: int = 72
    search: Search = field(default_factory=Search)
    cache: tuple[CacheRule, ...] = ()
    code: CodeConfig | None = None

    def target(self, stage: str) -> Target:
        return self.targets.get(stage, Target())

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


def load_site_config(root: Path, *, default_branch: str = "main") -> SiteConfig:
    """The config of the repository checked out at `root`; the defaults when it has no presslift.toml.

    `default_branch` (the branch the site was registered with) applies when the file sets no `branches`.
    """
    path = root / FILE_NAME
    if not path.is_file():
        return SiteConfig(branches=(default_branch,))
    return parse_site_config(path.read_bytes(), default_branch=default_branch)


def parse_site_config(
    text: str | bytes, *, source: str = FILE_NAME, default_branch: str = "main"
) -> SiteConfig:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    return _Table(data, "", source).site_config(default_branch)


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

    def site_config(self, default_branch: str) -> SiteConfig:
        kind = self.take("kind", self.choice(KINDS), "hugo")
        config = SiteConfig(
            kind=kind,
            branches=self.take("branches", self.strings, (default_branch,)),
            tags=self.take("tags", self.tag_patterns, ()),
            hugo_version=self.take("hugo_version", self.hugo_version, None),
            build_flags=self.take("build_flags", self.build_flags, ()),
            watch_paths=self.take("watch_paths", self.globs, ()),
            source_dir=self.take("source_dir", self.relative_path, "."),
            targets=self.targets(),
            approval=self.approval(),
            approval_ttl_hours=self.take("approval_ttl_hours", self.whole(1, 24 * 30), 72),
            search=self.search(),
            cache=self.take("cache", self.cache_rules, ()),
            code=self.code(kind),
        )
        if not config.branches:
            raise self.error("branches", "must name at least one branch")
        self.done()
        return config

    def tag_patterns(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, bool):
            return ("*",) if value else ()
        return self.strings(key, value)

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

    def targets(self) -> dict[str, Target]:
        table = self.table("targets")
        if table is None:
            return {}
        targets = {}
        for stage in STAGES:
            stage_table = table.table(stage)
            if stage_table is not None:
                targets[stage] = stage_table.target()
        table.done()
        return targets

    def target(self) -> Target:
        target = Target(
            bucket=self.take("bucket", self.matching(_BUCKET, "an S3 bucket name"), None),
            prefix=self.take("prefix", self.prefix, None),
            distribution=self.take(
                "distribution",
                self.matching(_DISTRIBUTION, "a CloudFront distribution id like E2QWRUHAPOMQZL"),
                None,
            ),
            origin_path=self.take("origin_path", self.origin_path, None),
        )
        self.done()
        return target

    def prefix(self, key: str, value: Any) -> str | None:
        if value == "":
            return ""
        return self.relative_path(key, value.strip("/") if isinstance(value, str) else value)

    def origin_path(self, key: str, value: Any) -> str | None:
        if value == "":
            return ""
        text = self.string(key, value)
        if not text.startswith("/") or text.endswith("/") or ".." in text.split("/"):
            raise self.error(
                key, f"must start with '/' and not end with one (CloudFront's rule), not {text!r}"
            )
        return text

    def approval(self) -> Approval:
        table = self.table("approval")
        if table is None:
            return Approval()
        approval = Approval(
            staging=table.take("staging", table.boolean, False),
            prod=table.take("prod", table.boolean, True),
            auto_promote=table.take("auto_promote", table.boolean, False),
        )
        table.done()
        if approval.auto_promote and approval.prod:
            raise self.error(
                "approval.auto_promote",
                "= true needs approval.prod = false (prod cannot both wait and not wait)",
            )
        return approval

    def search(self) -> Search:
        table = self.table("search")
        if table is None:
            return Search()
        if "admin_key" in table._data:
            raise self.error(
                "search.admin_key",
                "must never be in presslift.toml: store the key in SSM and set search.admin_key_parameter",
            )
        search = Search(
            backend=table.take("backend", table.choice(SEARCH_BACKENDS), "pagefind"),
            app_id=table.take("app_id", table.optional_string, None),
            index_name=table.take("index_name", table.optional_string, None),
            search_key=table.take("search_key", table.optional_string, None),
            admin_key_parameter=table.take("admin_key_parameter", table.parameter_name, None),
        )
        table.done()
        if search.backend == "algolia":
            for name in ("app_id", "index_name", "search_key", "admin_key_parameter"):
                if getattr(search, name) is None:
                    raise self.error(f"search.{name}", 'is required when search.backend = "algolia"')
        return search

    def parameter_name(self, key: str, value: Any) -> str | None:
        """An SSM parameter under the stack's search keys path, the only one the deploy may read."""
        text = self.string(key, value)
        path = os.environ.get(resources.SEARCH_KEYS_PATH.name) or resources.SEARCH_KEYS_PATH.default
        prefix = path.rstrip("/") + "/"
        if text.startswith("secretsmanager:"):
            raise self.error(
                key, f"is in Secrets Manager, which is not supported: store the key in SSM under {prefix}"
            )
        if not text.startswith(prefix):
            raise self.error(
                key, f"must name an SSM parameter under {prefix} (the only path granted), not {text!r}"
            )
        return text

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
            if kind == "code":
                raise self.error("code", 'is required when kind = "code" (at least code.app)')
            return None
        if kind != "code":
            raise self.error("code", f'is only for kind = "code" sites; this one is kind = {kind!r}')
        app = table.take("app", table.matching(_APP_NAME, "a name of letters, digits, '.', '_' or '-'"), None)
        code = CodeConfig(
            app=app or "",
            include=table.take("include", table.globs, ("**",)),
            exclude=table.take("exclude", table.globs, ()),
            requirements=table.take("requirements", table.optional_relative_path, None),
            wheelhouse=table.take("wheelhouse", table.optional_relative_path, None),
            check=table.take("check", table.strings, ()),
            check_timeout=table.take("check_timeout", table.whole(1, 900), 300),
            keep=table.take("keep", table.whole(1, 100), 5),
        )
        table.done()
        if not code.app:
            raise self.error("code.app", "is required")
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
