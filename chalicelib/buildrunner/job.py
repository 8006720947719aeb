"""What the build stage asks of the build runner, and what the runner answers: plain JSON both ways.

A job carries only what one build needs: short-lived presigned URLs (GET the source, PUT the output
and the log), and either (kind "hugo") each stage's base URL and public site params, the site's Hugo
flags and wanted version (and, for one share of a segmented build, its segment), or (kind "index")
the stages whose merged trees (its source) get their search index, or (kind "bundle") a code site's
bundle settings (globs, wheelhouse, check command); and the seconds the runner may use. It must
never carry a credential, a secret, a resource name or anything of another site.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: How a result's `theme_fallback` begins when the site's own theme was missing from the source (the
#: build stage warns of it), not merely absent (a site of content alone, which Presslift's theme serves).
THEME_MISSING = "its theme is not in the source"


@dataclass(frozen=True)
class StageRender:
    """One stage's tree: where it will be served, the public params its pages get, and whether Pagefind
    indexes it (not for a site searched with Algolia: its search page then asks Algolia)."""

    stage: str
    base_url: str
    params: dict[str, str] = field(default_factory=dict)
    pagefind: bool = True
    #: The hosts its render may fetch from (the site registration's `remote_hosts`).
    remote_hosts: tuple[str, ...] = ()
    #: Served below a path Presslift chose (the shared distribution's `/<site>/`, a preview's folder):
    #: root-relative addresses are made to lead inside it (`rootlinks`). Not below the path of a URL
    #: the operator gave, where an address from the root may mean the domain's other site.
    fix_root_links: bool = True


@dataclass(frozen=True)
class BundleSettings:
    """A code site's bundle: `chalicelib.bundle.BundleSpec` as plain data."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]
    requirements: str | None = None
    wheelhouse: str | None = None
    check: tuple[str, ...] | None = None
    check_timeout: float = 300


@dataclass(frozen=True)
class BuildJob:
    source_url: str  # GET: the site's source tarball
    trees_url: str  # PUT: one tarball of the output: every stage's tree (`<stage>/...`), or the bundle
    log_url: str  # PUT: the build log (text)
    stages: tuple[StageRender, ...]
    flags: tuple[str, ...] = ()
    hugo_version: str | None = None  # what presslift.toml asks for; the runner refuses another
    seconds: float = 600
    kind: str = "hugo"  # or "bundle"
    bundle: BundleSettings | None = None
    site: str = ""  # for messages only
    cache_url: str = ""  # GET: the site's kept Hugo cache ("" when it has none yet)
    keep_cache_url: str = ""  # PUT: the cache after this build ("" keeps none)
    #: A share of a segmented build (`segments.py`): the one segment to render of `segments`, and no
    #: search index (the "index" job makes it over the merged trees).
    render_segments: tuple[str, ...] = ()
    segments: int = 0
    #: Why to render with Presslift's theme from the start ("" to decide by the render): a segmented
    #: build's other segments, once the one that renders the home page found the site has no layouts.
    theme_fallback: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> BuildJob:
        data: dict[str, Any] = json.loads(text)
        return cls(
            source_url=str(data["source_url"]),
            trees_url=str(data["trees_url"]),
            log_url=str(data["log_url"]),
            stages=tuple(_stage(stage) for stage in data["stages"]),
            flags=tuple(str(flag) for flag in data.get("flags", ())),
            hugo_version=data.get("hugo_version"),
            seconds=float(data.get("seconds", 600)),
            kind=str(data.get("kind", "hugo")),
            bundle=_bundle(data.get("bundle")),
            site=str(data.get("site", "")),
            cache_url=str(data.get("cache_url", "")),
            keep_cache_url=str(data.get("keep_cache_url", "")),
            render_segments=tuple(str(name) for name in data.get("render_segments", ())),
            segments=int(data.get("segments", 0)),
            theme_fallback=str(data.get("theme_fallback", "")),
        )


def _stage(data: dict[str, Any]) -> StageRender:
    return StageRender(**{**data, "remote_hosts": tuple(str(h) for h in data.get("remote_hosts", ()))})


def _bundle(data: dict[str, Any] | None) -> BundleSettings | None:
    if data is None:
        return None
    check = data.get("check")
    return BundleSettings(
        include=tuple(data["include"]),
        exclude=tuple(data["exclude"]),
        requirements=data.get("requirements"),
        wheelhouse=data.get("wheelhouse"),
        check=tuple(check) if check else None,
        check_timeout=float(data.get("check_timeout", 300)),
    )


@dataclass(frozen=True)
class RunnerResult:
    """The runner's answer: success with what it rendered, or the error and Hugo's lines about it."""

    ok: bool
    error: str = ""
    log_tail: str = ""
    hugo: str = ""
    flags: tuple[str, ...] = ()
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    theme_fallback: str = ""  # why the runner built with Presslift's theme ("" when it did not)
    #: The site's kept Hugo cache: restored ("cache restored (N MB)", "no cache yet", "cache ignored:
    #: <why>"), what Hugo wrote into it, and whether it was kept ("" when the job keeps none).
    cache: str = ""
    cache_written: str = ""
    cache_kept: str = ""
    #: The runner function's own memory (MB) and how long its caller waited for it, for the run's cost;
    #: 0 for a child process, which the stage's own function pays for.
    memory_mb: int = 0
    seconds: float = 0.0
    #: How many runner invocations `seconds` sums (a segmented build's, `chalicelib.work.segmented`):
    #: the build stage's own count, never read from a runner's answer.
    invocations: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> RunnerResult:
        data: dict[str, Any] = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            raise ValueError("a build runner's result needs a boolean 'ok'")
        return cls(
            ok=data["ok"],
            error=str(data.get("error", ""))[:4000],
            log_tail=str(data.get("log_tail", ""))[:8000],
            hugo=str(data.get("hugo", ""))[:40],
            flags=tuple(str(flag) for flag in data.get("flags", ())),
            stages={str(k): dict(v) for k, v in dict(data.get("stages", {})).items()},
            theme_fallback=str(data.get("theme_fallback", ""))[:400],
            cache=str(data.get("cache", ""))[:400],
            cache_written=str(data.get("cache_written", ""))[:200],
            cache_kept=str(data.get("cache_kept", ""))[:400],
            memory_mb=_memory(data.get("memory_mb")),
        )


def _memory(value: object) -> int:
    """A runner's reported memory when it is one Lambda allows (128 to 10,240 MB), else 0 (unknown)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 128 <= value <= 10240 else 0
