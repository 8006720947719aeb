"""The runner's work: fetch the source, render each stage's tree with Hugo, index it with Pagefind,
and hand the trees and the log back, all through the job's presigned URLs.

A job may be one share of a segmented build (`segments.py`): it renders only its Hugo segment and
makes no search index; the "index" job then runs Pagefind over the merged trees it fetches as its
source, and hands them back with their index.

A site whose theme is not in its source (a theme submodule the fetch stage could not fetch) or that has no
layouts at all is built with Presslift's default theme, and the log says so. Each Hugo and Pagefind
run takes what is left of the job's seconds.

This module runs inside the runner: it must never read the environment for anything, never make an
AWS client call, and never send anything anywhere but the job's own URLs.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from chalicelib import hugo
from chalicelib.artifacts import pack, unpack_stream
from chalicelib.budget import TimeBudget
from chalicelib.buildrunner import hugocache, segments
from chalicelib.buildrunner.job import THEME_MISSING, BuildJob, RunnerResult, StageRender
from chalicelib.buildrunner.reaper import arm, kill_strays
from chalicelib.errors import BuildError, PipelineError
from chalicelib.hugo_policy import DEFAULT_THEMES_DIR
from chalicelib.onlytheme import only_theme
from chalicelib.pool import ContextPool
from chalicelib.repofolders import marked_site
from chalicelib.rootlinks import base_path_of, fix_root_links
from chalicelib.siteconfig import SiteConfig
from chalicelib.theme_path import THEME_NAME, theme_dir

TARBALL_TYPE = "application/gzip"
LOG_TYPE = "text/plain; charset=utf-8"
_CHUNK = 1024 * 1024
# The runner keeps a few seconds to hand back its log and result after the last step.
MARGIN_SECONDS = 5.0


#: Set by Lambda (and the local cloud's packaged mode) in a function's own process. Where the handler is
#: called by another program (a test), that program's other children are not the job's to kill.
LAMBDA_FUNCTION_ENV = "AWS_LAMBDA_FUNCTION_NAME"


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """The runner function's handler: the job as its event, the result as its answer."""
    if os.environ.get(LAMBDA_FUNCTION_ENV):  # Lambda's process for the runner function alone (reaper.py)
        arm()
    try:
        result: dict[str, Any] = json.loads(run_job(BuildJob.from_json(json.dumps(event))).to_json())
    finally:
        kill_strays()
    memory = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")  # Lambda's, from its MemorySize
    result["memory_mb"] = int(memory) if memory.isdigit() else 0
    return result


def run_job(job: BuildJob) -> RunnerResult:
    """Carry out `job`; failures a repository can cause come back as a result, never as a crash."""
    budget = TimeBudget.starting_now(job.seconds, margin=MARGIN_SECONDS)
    logs: list[str] = []
    kill_strays()  # a warm environment's last job ended them; a crash or a timeout may not have
    try:
        with tempfile.TemporaryDirectory(prefix="presslift-runner-") as tmp:
            result = _render_all(job, Path(tmp), logs, budget)
    except PipelineError as exc:
        tail = getattr(exc, "log_tail", "")
        logs.append(f"== failed\n{exc}\n{tail}")
        try:
            put_text(job.log_url, "\n".join(logs))
        except BuildError as lost:
            tail = f"{tail}\n(and the log was lost: {lost})"
        return RunnerResult(ok=False, error=str(exc), log_tail=tail)
    put_text(job.log_url, "\n".join(logs))
    return result


def _render_all(job: BuildJob, work: Path, logs: list[str], budget: TimeBudget) -> RunnerResult:
    if job.kind == "bundle":
        return _bundle(job, work, logs, budget)
    if job.kind == "index":
        return _index(job, work, logs, budget)
    version = hugo.hugo_version()
    if job.hugo_version and not SiteConfig(hugo_version=job.hugo_version).accepts_hugo(version):
        raise BuildError(
            f"presslift.toml asks for Hugo {job.hugo_version}, but this build has Hugo {version}: "
            "change hugo_version, or deploy the Hugo layer of that version"
        )
    source, cache = _source_and_cache(job, work, version)
    logs.append(f"== {cache.note}")
    public = work / "public"
    stages, flags, fallback = _render_stages(job, source, public, work, logs, budget)
    trees = work / "trees.tar.gz"
    pack(public, trees)
    put_file(job.trees_url, trees, TARBALL_TYPE)
    wrote = hugocache.written(cache.before, hugocache.snapshot(work))
    kept = hugocache.keep(
        job.keep_cache_url,
        work,
        version,
        cache,
        lambda archive: put_file(job.keep_cache_url, archive, TARBALL_TYPE),
    )
    logs.append(f"== {wrote}" + (f"; {kept}" if kept else ""))
    return RunnerResult(
        ok=True,
        hugo=version,
        flags=flags,
        stages=stages,
        theme_fallback=fallback,
        cache=cache.note,
        cache_written=wrote,
        cache_kept=kept,
    )


def _render_stages(
    job: BuildJob, source: Path, public: Path, work: Path, logs: list[str], budget: TimeBudget
) -> tuple[dict[str, dict[str, object]], tuple[str, ...], str]:
    """Each stage's tree under `public`: what each stage's render said, the flags the last render
    took, and why Presslift's theme was used ("" when it was not)."""
    flags = job.flags
    stages: dict[str, dict[str, object]] = {}
    fallback = job.theme_fallback
    segment = _Segment.of(job)
    theme = None if fallback else only_theme(source, flags)  # one the site names only in a script
    if fallback:  # the segment that renders the home page found the site has no layouts
        flags = _use_presslift_theme(source, flags, fallback, logs)
    elif theme is not None:
        flags = (*flags, *theme.flags)
        logs.append(f"== {theme.note()}")
    for stage in job.stages:
        try:
            stages[stage.stage], flags, why = _stage_tree(
                source, public, work, stage, flags, logs, budget, segment
            )
        except BuildError as exc:
            if theme is None:
                raise
            # A theme nothing names may not be the one meant: the site is published in Presslift's,
            # and the run says why (a site whose config names its theme gets that theme's failure).
            failed = str(exc).splitlines()[0][:300]
            why = f"themes/{theme.name}, the only theme in its themes/ folder, failed: {failed}"
            flags, theme = _use_presslift_theme(source, job.flags, why, logs), None
            stages[stage.stage], flags, _ = _stage_tree(
                source, public, work, stage, flags, logs, budget, segment
            )
        fallback = fallback or why
        if theme is not None:  # on the run, with Hugo's own warnings
            said = stages[stage.stage]
            said["hugo_warnings"] = [theme.note(), *cast(list[str], said.get("hugo_warnings", []))]
    return stages, flags, fallback


def _stage_tree(
    source: Path,
    public: Path,
    work: Path,
    stage: StageRender,
    flags: tuple[str, ...],
    logs: list[str],
    budget: TimeBudget,
    segment: _Segment,
) -> tuple[dict[str, object], tuple[str, ...], str]:
    from chalicelib.search.pagefind import index_with_pagefind

    dest = public / stage.stage
    result, flags, fallback = _render(source, dest, stage, work, flags, logs, budget, segment)
    heading = f"== {stage.stage} ({stage.base_url}){segment.describe()} in {result.seconds:.2f} s"
    said: dict[str, object] = {"seconds": round(result.seconds, 3)}
    if warnings := hugo.warning_lines(result.log, source):  # on the run, not only in the build log
        said["hugo_warnings"] = warnings
    if segment.name:  # a share of the site: the index job fixes and indexes the merged trees
        logs.append(f"{heading}\n{result.log}")
        return said, flags, fallback
    heading += _root_links(result.destination, stage)
    if not stage.pagefind:  # the site searches with Algolia, which never reads a Pagefind index
        logs.append(f"{heading}\n{result.log}\nno Pagefind index: the site searches with Algolia")
        return said, flags, fallback
    try:
        search = index_with_pagefind(result.destination, budget=budget)
    except BuildError as exc:  # the site still works without its search index: a warning, not a failure
        logs.append(f"{heading}\n{result.log}\nno Pagefind index: {exc}")
        return {**said, "search_error": str(exc)}, flags, fallback
    logs.append(f"{heading}\n{result.log}\n{search.describe()}")
    return {**said, "search": search.summary()}, flags, fallback


def _root_links(tree: Path, stage: StageRender) -> str:
    """Root-relative addresses made to lead inside a site served below a path Presslift chose, and
    on every site a slash doubled after the site's path taken out (see `rootlinks`)."""
    from chalicelib.search.pagefind import OUTPUT_FOLDER

    coming = (f"{OUTPUT_FOLDER}/",) if stage.pagefind else ()  # Pagefind writes its bundle next
    fixed = fix_root_links(tree, stage.base_url, coming, below_path=stage.fix_root_links)
    return f"; {fixed.describe(base_path_of(stage.base_url))}" if fixed.addresses else ""


@dataclass(frozen=True)
class _Segment:
    """The one Hugo segment a job renders, and what Hugo needs to render it (nothing for a whole site)."""

    name: str = ""
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    #: Whether it renders the home page, by which the runner tells a site with no layouts.
    renders_home: bool = True

    @classmethod
    def of(cls, job: BuildJob) -> _Segment:
        if not job.render_segments:
            return cls()
        if len(job.render_segments) != 1:
            raise BuildError(f"a build runner renders one segment, not {len(job.render_segments)}")
        (name,) = job.render_segments
        return cls(
            name,
            segments.render_args(name, job.segments),
            segments.hugo_env(job.segments),
            segments.renders_home(name, job.segments),
        )

    def describe(self) -> str:
        return f" segment {self.name}" if self.name else ""


def _index(job: BuildJob, work: Path, logs: list[str], budget: TimeBudget) -> RunnerResult:
    """A segmented build's search index: Pagefind over each stage's merged tree (the job's source),
    and the trees with their index handed back as a whole build's are."""
    from chalicelib.search.pagefind import index_with_pagefind

    public = _fetch_source(job, work)
    stages: dict[str, dict[str, object]] = {}
    for stage in job.stages:
        if fixed := _root_links(public / stage.stage, stage):
            logs.append(f"== {stage.stage}{fixed}")
        if not stage.pagefind:  # the site searches with Algolia: its merged trees go back as they are
            logs.append(f"== {stage.stage}: no Pagefind index, the site searches with Algolia")
            continue
        try:
            search = index_with_pagefind(public / stage.stage, budget=budget)
        except BuildError as exc:  # the site still works without its search index
            logs.append(f"== {stage.stage}: no Pagefind index: {exc}")
            stages[stage.stage] = {"search_error": str(exc)}
            continue
        logs.append(f"== {stage.stage} search index\n{search.describe()}")
        stages[stage.stage] = {"search": search.summary()}
    trees = work / "trees.tar.gz"
    pack(public, trees)
    put_file(job.trees_url, trees, TARBALL_TYPE)
    return RunnerResult(ok=True, stages=stages)


def _render(
    source: Path,
    dest: Path,
    stage: StageRender,
    work: Path,
    flags: tuple[str, ...],
    logs: list[str],
    budget: TimeBudget,
    segment: _Segment,
) -> tuple[hugo.HugoBuild, tuple[str, ...], str]:
    """Hugo's render of one stage, the flags it took, and why it fell back to Presslift's theme ("" when
    it did not: a site's own theme, even one named by its own `--theme` flag, is never replaced)."""

    def build(with_flags: tuple[str, ...]) -> hugo.HugoBuild:
        ours = with_flags[-2:] == ("--theme", THEME_NAME)
        return hugo.build_site(
            source,
            dest,
            base_url=stage.base_url,
            work_dir=work,
            budget=budget,
            extra_args=(*with_flags, *segment.args),
            params=stage.params,
            # Presslift's theme is where it was put, whatever the site's themesDir says (node_modules/,
            # where npm put a docs site's theme: Hugo looked for Presslift's there, and the error told
            # the operator to commit a theme named "presslift"). Hugo 0.168's build reads this setting
            # from its environment, not from its --themesDir flag.
            settings={**segment.env, **({"HUGO_THEMESDIR": DEFAULT_THEMES_DIR} if ours else {})},
            remote_hosts=stage.remote_hosts,
        )

    missing: BuildError | None = None
    try:
        result = build(flags)
        if (dest / "index.html").is_file() or "--theme" in flags or not segment.renders_home:
            return result, flags, ""
        reason = NO_LAYOUTS
    except BuildError as exc:
        if "--theme" in flags or "failed to load modules" not in exc.log_tail:
            raise
        missing = exc
        reason = f"{THEME_MISSING} ({exc.log_tail.strip().splitlines()[-1][:200]})"
    flags = _use_presslift_theme(source, flags, reason, logs)
    try:
        return build(flags), flags, reason
    except BuildError as exc:
        if missing is None:
            raise
        # The site needs its own theme (its shortcodes, its layouts): the missing theme is what to fix.
        # Failing the same way (a module import, which a theme in its place does not take away), once.
        same = str(exc).split("Hugo said:")[0] == str(missing).split("Hugo said:")[0]
        raise BuildError(
            f"{missing} (Presslift's theme in its place failed the same way)"
            if same
            else f"{missing} (with Presslift's theme in its place the build failed too: {exc})",
            log_tail=exc.log_tail,
        ) from exc


#: Why the site is rendered with Presslift's theme when it has no theme and no layouts of its own.
NO_LAYOUTS = "the site rendered no home page (it has no layouts or theme)"
#: What of the site's own layouts a render in Presslift's theme keeps: what its content calls.
KEPT_LAYOUTS = frozenset({"shortcodes", "_shortcodes", "_markup"})
SET_ASIDE = ".presslift-layouts-set-aside"


def _use_presslift_theme(
    source: Path, flags: tuple[str, ...], reason: str, logs: list[str]
) -> tuple[str, ...]:
    """Put Presslift's theme in the source and name it: the flags to render with, and the log says why.

    In place of a theme the site has (missing, or failing), the site's own layouts are set aside but
    for its shortcodes and render hooks, which its content needs: they were written over that theme
    (its head partial, its page layouts), and over Presslift's they replaced its head and pages with
    ones that call what is not there (a real blog's head.html failed on the missing theme's CSS)."""
    logs.append(f"== using the {THEME_NAME} theme: {reason}")
    themes = source / "themes" / THEME_NAME
    if not themes.exists():
        shutil.copytree(theme_dir(), themes)
    if reason != NO_LAYOUTS and (left := _set_aside_own_layouts(source)):
        logs.append(f"== the site's own layouts for its theme were left out: {', '.join(left[:10])}")
    return (*flags, "--theme", THEME_NAME)


def _set_aside_own_layouts(source: Path) -> list[str]:
    """Move the site's layouts but its shortcodes and render hooks out of Hugo's sight; their names."""
    layouts = source / "layouts"
    if not layouts.is_dir() or layouts.is_symlink():
        return []
    aside = source / SET_ASIDE
    left = []
    for entry in sorted(layouts.iterdir()):
        if entry.name in KEPT_LAYOUTS:
            continue
        aside.mkdir(exist_ok=True)
        shutil.move(str(entry), str(aside / entry.name))
        left.append(entry.name + ("/" if (aside / entry.name).is_dir() else ""))
    return left


def _bundle(job: BuildJob, work: Path, logs: list[str], budget: TimeBudget) -> RunnerResult:
    """A code site's bundle: the selected files, its wheels, then its check command, in the runner."""
    from chalicelib.bundle import BundleSpec, build_bundle

    if job.bundle is None:
        raise BuildError("a bundle job without bundle settings")
    settings = job.bundle
    source, out = _fetch_source(job, work), work / "bundle"
    spec = BundleSpec(
        include=settings.include,
        exclude=settings.exclude,
        requirements=settings.requirements,
        wheelhouse=settings.wheelhouse,
        check=settings.check,
        check_timeout=settings.check_timeout,
    )
    manifest = build_bundle(source, out, spec, site=job.site, run_id="", budget=budget)
    logs.append(f"== bundle: {len(manifest.files)} files, {manifest.total_bytes} bytes")
    archive = work / "bundle.tar.gz"
    pack(out, archive)
    put_file(job.trees_url, archive, TARBALL_TYPE)
    return RunnerResult(ok=True, stages={"code": {"files": len(manifest.files)}})


def _source_and_cache(job: BuildJob, work: Path, version: str) -> tuple[Path, hugocache.Restored]:
    """The job's source and the site's kept Hugo cache, fetched side by side: they go to different
    folders, and each is mostly waiting on its download or the disk (on the 2,000-image scale site,
    3.7 s and 4.3 s one after the other). A failed source still waits for the cache before it is
    raised, so nothing writes into the work folder once it is being removed."""
    with ContextPool(max_workers=1, thread_name_prefix="hugo-cache") as pool:
        cache = pool.submit(hugocache.restore, job.cache_url, work, version)
        source = _fetch_source(job, work)
        return source, cache.result()


def _fetch_source(job: BuildJob, work: Path) -> Path:
    """The job's source, extracted as it downloads: no copy of the archive is written and read back
    (62 MB for the 2,000-page scale site), and on AWS the download and the extraction overlap."""
    source = work / "source"
    try:
        with urllib.request.urlopen(job.source_url, timeout=60) as response:
            unpack_stream(_Download(response), source)
    except (OSError, _DownloadFailed) as exc:
        raise BuildError(f"the build runner could not fetch its source: {exc}") from exc
    return marked_site(source)  # a site in a folder of the repository sent whole (repofolders.py)


# --- the job's URLs ------------------------------------------------------------------------------


class _DownloadFailed(Exception):
    """The source's download broke off: the fetch's failure, not a bad archive's."""


class _Download:
    """A download's body for tarfile, whose read errors stay the download's."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def read(self, size: int = -1) -> bytes:
        try:
            data: bytes = self._response.read(size)
        except (OSError, http.client.HTTPException) as exc:  # a reset, a timeout
            raise _DownloadFailed(str(exc) or type(exc).__name__) from exc
        missing = getattr(self._response, "length", None)  # an HTTP body's bytes still to come
        if not data and size != 0 and missing:
            raise _DownloadFailed(f"the connection closed {missing} bytes before the end")
        return data


def put_file(url: str, path: Path, content_type: str) -> None:
    with path.open("rb") as body:
        _put(url, body, path.stat().st_size, content_type)


def put_text(url: str, text: str) -> None:
    data = text.encode("utf-8")
    _put(url, io.BytesIO(data), len(data), LOG_TYPE)


def _put(url: str, body: object, size: int, content_type: str) -> None:
    if url.startswith("file://"):  # a child process on the build's own machine (see invoke.ProcessRunner)
        with open(urllib.request.url2pathname(url.removeprefix("file://")), "wb") as out:
            shutil.copyfileobj(body, out, _CHUNK)  # type: ignore[arg-type,type-var]
        return
    request = urllib.request.Request(
        url,
        data=body,  # type: ignore[arg-type]
        method="PUT",
        headers={"Content-Type": content_type, "Content-Length": str(size)},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()
    except OSError as exc:
        raise BuildError(f"the build runner could not hand back its output: {exc}") from exc
