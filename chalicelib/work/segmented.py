"""A site too big for one build runner, rendered by several at once: each renders one Hugo segment
(`chalicelib.buildrunner.segments`), this stage merges their trees, and one more runner job (kind
"index") makes the search index over the merged trees.

`SegmentedRunner` keeps the build runner's contract (a job in; the trees and the log at the job's
URLs; a `RunnerResult` back), so `build.hand_off` unpacks, checks and stores its output as it does one
runner's. Each segment's job is the site's job with its own output and log URLs and its segment; the
segments run at once (on AWS, concurrent invocations of the runner function), and all of them finish
before the build goes on or fails.

- Merging: a path that two segments both wrote (static files, which every segment copies; an image
  two segments' pages resize; an asset their templates publish) must hold the same bytes,
  or the build fails naming the path. A failed segment fails the build with its own message and log.
- The index: Pagefind reads the site's output, which the repository's templates wrote, so it runs in
  the keyless runner like everything that reads that output, never in this stage; it runs once over
  the merged trees (Pagefind cannot merge indexes made per segment into the one a whole build makes).
  The index job hands back the whole trees with their index at the job's own output URL: the merged
  trees cross the network once each way, and what is stored went through the same unpacking and
  checks as any build's.
- Presslift's theme: the runner renders a site with no layouts with it, which it tells by a missing
  home page; only the last segment renders the home page, so when it finds none, the other segments
  render again with the theme (`_follow_the_home_page`).
- Hugo's caches: every segment reads its own kept cache (or, before it has one, the site's whole-build
  cache) and keeps its own (never a preview's). Pages fall into the same segment build after build,
  so each segment's cache holds the images its pages use; one cache kept by every segment at once
  would be overwritten by each in turn, and one kept by a single segment would leave the others cold.

This module runs in the build stage: it never runs Hugo, Pagefind or anything of the repository, and
trusts what the runners return no further than unpacking it and comparing bytes.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.artifacts import ArtifactStore, pack, runner_output_key, segment_cache_key, unpack
from chalicelib.budget import TimeBudget
from chalicelib.buildrunner import segments
from chalicelib.buildrunner.job import BuildJob, RunnerResult
from chalicelib.buildrunner.render import LOG_TYPE, TARBALL_TYPE, put_text
from chalicelib.errors import BuildError, PipelineError
from chalicelib.hugo import WARNINGS_KEPT
from chalicelib.pool import ContextPool
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.work import buildcache

#: Of the job's seconds, what the segments may take; the rest is for merging and the index job.
SEGMENT_SHARE = 0.7
_CACHE_WARNINGS = ("cache ignored", "cache not kept")


class Runner(Protocol):
    shares_disk: bool

    def run(self, job: BuildJob) -> RunnerResult: ...


@dataclass(frozen=True)
class Share:
    """One segment's job, and where what it hands back lands (files, or keys for presigned URLs)."""

    number: int
    count: int
    name: str
    job: BuildJob
    folder: Path
    output: str  # the file (beside the stage) or the key the segment's trees are PUT to
    log: str  # the same, for its log
    cache: buildcache.CacheOffer
    cache_key: str

    @property
    def title(self) -> str:
        return f"segment {self.number} of {self.count} ({self.name})"


class SegmentedRunner:
    """The build runner's contract kept by `count` runner jobs at once and one index job."""

    def __init__(
        self, runner: Runner, store: ArtifactStore, run_id: str, count: int, folder: Path, expires: int
    ) -> None:
        self.runner = runner
        self.store = store
        self.run_id = run_id
        self.count = count
        self.folder = folder
        self.expires = expires
        self.shares_disk = runner.shares_disk

    def run(self, job: BuildJob) -> RunnerResult:
        if job.kind != "hugo":  # a code site's bundle is one job
            return self.runner.run(job)
        segments.refuse_own_segments(job.flags)
        budget = TimeBudget.starting_now(job.seconds, margin=0)
        shares = [self._share(job, number, name) for number, name in enumerate(segments.names(self.count), 1)]
        results = self._render_all(shares)
        shares, results = self._follow_the_home_page(shares, results, budget)
        logs = [f"== {share.title}\n{self._log(share)}" for share in shares]
        failed = next(((s, r) for s, r in zip(shares, results, strict=True) if not r.ok), None)
        if failed:
            share, result = failed
            put_text(job.log_url, "\n".join(logs))
            return RunnerResult(ok=False, error=f"{share.title}: {result.error}", log_tail=result.log_tail)
        kept = [self._keep_cache(share, result) for share, result in zip(shares, results, strict=True)]
        try:
            index, index_log = self._index(job, self._merge(shares), budget)
        except PipelineError as exc:  # a conflict, or a tree that cannot be read: the build's failure
            put_text(job.log_url, "\n".join([*logs, f"== merging the segments failed\n{exc}"]))
            return RunnerResult(ok=False, error=str(exc), log_tail=getattr(exc, "log_tail", ""))
        put_text(job.log_url, "\n".join([*logs, f"== search index\n{self._log_of(index_log)}"]))
        if not index.ok:
            return RunnerResult(ok=False, error=f"the search index: {index.error}", log_tail=index.log_tail)
        return _combined(results, index, kept)

    # --- the segments ---------------------------------------------------------------------------

    def _share(self, job: BuildJob, number: int, name: str) -> Share:
        folder = self.folder / f"segment-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        key = segment_cache_key(job.site, name)
        cache = buildcache.offer(
            self.store,
            job.site,
            folder,
            self.shares_disk,
            self.expires,
            keep=bool(job.keep_cache_url),
            key=key,
        )
        if self.shares_disk:
            output, log = str(folder / "trees.tar.gz"), str(folder / "build.log")
            urls = (Path(output).as_uri(), Path(log).as_uri())
        else:
            output = runner_output_key(job.site, self.run_id, f"{_trees(job)}-{name}.tar.gz")
            log = runner_output_key(job.site, self.run_id, f"{_trees(job)}-{name}.log")
            urls = (
                self.store.presign_put(output, TARBALL_TYPE, self.expires),
                self.store.presign_put(log, LOG_TYPE, self.expires),
            )
        segment_job = replace(
            job,
            trees_url=urls[0],
            log_url=urls[1],
            seconds=max(1.0, job.seconds * SEGMENT_SHARE),
            render_segments=(name,),
            segments=self.count,
            cache_url=cache.cache_url or job.cache_url,  # before its own, the whole build's
            keep_cache_url=cache.keep_cache_url,
        )
        return Share(number, self.count, name, segment_job, folder, output, log, cache, key)

    def _render_all(self, shares: list[Share]) -> list[RunnerResult]:
        with ContextPool(max_workers=len(shares), thread_name_prefix="segment") as pool:
            return list(pool.map(self._render, shares))

    def _render(self, share: Share) -> RunnerResult:
        return _outcome(self.runner, share.job)

    def _follow_the_home_page(
        self, shares: list[Share], results: list[RunnerResult], budget: TimeBudget
    ) -> tuple[list[Share], list[RunnerResult]]:
        """When the segment that renders the home page found the site has no layouts (and so rendered
        with Presslift's theme, as a whole build would), the segments that kept the site's own (none)
        render again with Presslift's theme. Only a site with no layouts pays for it."""
        home = results[-1]
        again = [n for n, result in enumerate(results[:-1]) if result.ok and not result.theme_fallback]
        if not (home.ok and home.theme_fallback and again):
            return shares, results
        seconds = max(1.0, budget.left() * SEGMENT_SHARE)
        for n in again:
            job = replace(shares[n].job, theme_fallback=home.theme_fallback, seconds=seconds)
            shares[n] = replace(shares[n], job=job)
        for n, result in zip(again, self._render_all([shares[n] for n in again]), strict=True):
            results[n] = result
        return shares, results

    def _keep_cache(self, share: Share, result: RunnerResult) -> str:
        """What became of the segment's cache; a child process's is stored here."""
        not_kept = buildcache.store_kept(self.store, share.job.site, share.cache, key=share.cache_key)
        return not_kept or result.cache_kept

    def _log(self, share: Share) -> str:
        return self._log_of(share.log)

    def _log_of(self, where: str) -> str:
        """A runner's log (a file beside the stage, or a key), or why there is none."""
        path = Path(where) if self.shares_disk else self.folder / "fetched.log"
        try:
            if not self.shares_disk:
                self.store.get_object_file(where, path, "a segment's log")
            return path.read_text(encoding="utf-8", errors="replace")
        except (PipelineError, OSError, ClientError, BotoCoreError) as exc:
            return f"(no log: {exc})"

    # --- merging and the index ------------------------------------------------------------------

    def _merge(self, shares: list[Share]) -> Path:
        """Each segment's trees into one folder, one segment at a time (so /tmp holds the merged trees
        and one segment's, never all of them)."""
        merged = self.folder / "merged"
        merged.mkdir()
        owners: dict[str, str] = {}
        for share in shares:
            archive = Path(share.output) if self.shares_disk else share.folder / "trees.tar.gz"
            if not self.shares_disk:
                self.store.get_object_file(share.output, archive, f"{share.title}'s trees")
            tree = share.folder / "trees"
            unpack(archive, tree)
            archive.unlink()
            merge_tree(tree, merged, share.title, owners)
            shutil.rmtree(tree)
        return merged

    def _index(self, job: BuildJob, merged: Path, budget: TimeBudget) -> tuple[RunnerResult, str]:
        """The index job over the merged trees; its result, and where its log is."""
        archive = pack(merged, self.folder / "merged.tar.gz")
        shutil.rmtree(merged)
        if self.shares_disk:
            source, log = archive.as_uri(), self.folder / "index.log"
            log_where, log_url = str(log), log.as_uri()
        else:
            key = runner_output_key(job.site, self.run_id, f"{_trees(job)}-merged.tar.gz")
            self.store.upload_file(key, archive, TARBALL_TYPE)
            archive.unlink()
            source = self.store.presign_get(key, self.expires)
            log_where = runner_output_key(job.site, self.run_id, f"{_trees(job)}-index.log")
            log_url = self.store.presign_put(log_where, LOG_TYPE, self.expires)
        index_job = BuildJob(
            source,
            job.trees_url,
            log_url,
            job.stages,
            seconds=budget.allow("the search index of the merged segments"),
            kind="index",
            site=job.site,
        )
        return _outcome(self.runner, index_job), log_where


def _trees(job: BuildJob) -> str:
    """The stages a job renders, for its scratch objects' names: a run renders staging's tree and
    later prod's, each in segments of its own."""
    return "-".join(stage.stage for stage in job.stages) or "trees"


def _outcome(runner: Runner, job: BuildJob) -> RunnerResult:
    """The runner's result, or its own failure (timed out, crashed, its invocation refused: Lambda
    throttles invocations past the account's concurrency) as a failed result."""
    try:
        return runner.run(job)
    except BuildError as exc:
        return RunnerResult(ok=False, error=str(exc), log_tail=exc.log_tail)
    except (ClientError, BotoCoreError) as exc:
        return RunnerResult(ok=False, error=f"the build runner could not be invoked: {exc}")


def merge_tree(tree: Path, merged: Path, title: str, owners: dict[str, str]) -> None:
    """Move `tree`'s files into `merged`; a file another segment wrote must hold the same bytes
    (BuildError naming the path and both segments). `owners`: which segment wrote each path so far."""
    for path in sorted(tree.rglob("*")):
        name = path.relative_to(tree).as_posix()
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise BuildError(f"{title} returned {name}, which is not a file or a folder")
        if path.is_dir():
            if (merged / name).exists() and not (merged / name).is_dir():
                raise BuildError(f"{name} is a file from {owners[name]} but a folder from {title}")
            continue
        target = merged / name
        if name in owners or target.exists():
            if not target.is_file() or not filecmp.cmp(path, target, shallow=False):
                raise BuildError(
                    f"{name} differs between {owners.get(name, 'another segment')} and {title}: "
                    "segments must render the same bytes for the same path (is the page's output "
                    "built from the time or a random value?)"
                )
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
        owners[name] = title


def _combined(results: list[RunnerResult], index: RunnerResult, kept: list[str]) -> RunnerResult:
    """One result for the whole build, as one runner's would read: the segments' Hugo, flags and
    cache notes (the worst of each), the slowest segment's seconds and the index's search per stage,
    and the runner functions' time summed over their invocations (for the run's cost)."""
    first = results[0]
    stages = {
        stage: {
            "seconds": max(_seconds(r.stages.get(stage, {}).get("seconds")) for r in results),
            **summary,
            "segments": len(results),
            **_warnings(results, stage),
        }
        for stage, summary in index.stages.items()
    }
    return RunnerResult(
        ok=True,
        hugo=first.hugo,
        flags=first.flags,
        stages=stages,
        theme_fallback=next((r.theme_fallback for r in results if r.theme_fallback), ""),
        cache=_worst([r.cache for r in results]),
        cache_written="; ".join(
            f"{n}: {r.cache_written}" for n, r in enumerate(results, 1) if r.cache_written
        ),
        cache_kept=_worst(kept),
        memory_mb=first.memory_mb,
        seconds=sum(r.seconds for r in (*results, index)),
        invocations=len(results) + 1,
    )


def _seconds(value: object) -> float:
    """A stage's render time as a runner reported it (a number, else 0: its answer is not trusted)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _worst(notes: list[str]) -> str:
    """A warning any segment had, else the first segment's note, for all of them."""
    warning = next((note for note in notes if note.startswith(_CACHE_WARNINGS)), "")
    if warning:
        return warning
    return f"{notes[0]} (segment 1 of {len(notes)})" if notes and notes[0] else ""


def runner_for(
    svc: Services, run: Run, runner: Runner, store: ArtifactStore, folder: Path, expires: int
) -> Runner:
    """The runner a build of `run`'s site hands its job to: `runner` itself, or, for a site its
    operator split (`presslift site update --build-segments N`), the segmented runner over it."""
    count = svc.sites.registration(run.site).build_segments
    if count < 2:
        return runner
    return SegmentedRunner(runner, store, run.id, count, folder, expires)


def _warnings(results: list[RunnerResult], stage: str) -> dict[str, list[str]]:
    """The segments' Hugo warnings for `stage`, each once, as many as one build's."""
    said: list[str] = []
    for result in results:
        for warning in result.stages.get(stage, {}).get("hugo_warnings", []):
            if isinstance(warning, str) and warning not in said:
                said.append(warning)
    if len(said) > WARNINGS_KEPT + 1:
        said = [*said[:WARNINGS_KEPT], "and more Hugo warnings (see the build log)"]
    return {"hugo_warnings": said} if said else {}
