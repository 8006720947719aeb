"""`make bench-search`: Presslift's Algolia sync vs the seed's clear-then-save, on one local server.

A generated 5,000-page site (bench/search/site.py) gives the records of a first deploy and of a
one-post edit. For each way of syncing and each repetition, on a fresh local Algolia-protocol server
(standins/algolia/, the real algoliasearch client over HTTP): sync the first records, then the
edited ones. The server counts requests and record operations and times every moment the live index
was empty or partially written. Medians go to bench/results/search.json and a table.

The seed synced with `clear_index()` then `add_objects()` (algoliasearch v2); the same calls in v4 are
`clear_objects()` then `save_objects()`. Benchmark-only code: never imported by chalicelib.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

from algoliasearch.http.hosts import HostsCollection
from algoliasearch.search.client import SearchClientSync
from algoliasearch.search.config import SearchConfig
from rich.console import Console
from rich.table import Table

from bench.search.site import ROOT, write_site
from chalicelib.search.algolia import parse_host
from chalicelib.search.apply import sync_index
from chalicelib.search.records import build_records, index_settings
from standins.algolia import LocalAlgolia

WORK = ROOT / "bench" / "work" / "search"
RESULTS = ROOT / "bench" / "results" / "search.json"
INDEX = "bench_staging"
EDITED_POST = 1234
Sync = Callable[[LocalAlgolia, list[dict[str, Any]]], None]


def presslift_sync(server: LocalAlgolia, records: list[dict[str, Any]]) -> None:
    sync_index(server.target(INDEX), records, settings=index_settings())


def seed_sync(server: LocalAlgolia, records: list[dict[str, Any]]) -> None:
    """The seed's way: empty the live index, then add every record (batches of 1,000), then wait."""
    config = SearchConfig(server.app_id, server.admin_key)
    config.hosts = HostsCollection([parse_host(server.url)])
    with SearchClientSync.create_with_config(config) as client:
        client.clear_objects(INDEX)
        client.save_objects(INDEX, records, wait_for_tasks=True)


TOOLS: dict[str, Sync] = {"presslift": presslift_sync, "seed_clear_and_save": seed_sync}


def measure(server: LocalAlgolia, sync: Sync, records: list[dict[str, Any]]) -> dict[str, Any]:
    server.reset_counts()
    started = time.monotonic()
    sync(server, records)
    seconds = time.monotonic() - started
    report = server.report(INDEX, since=started)
    return {
        "seconds": round(seconds, 3),
        "requests": sum(server.requests.values()),
        "record_operations": sum(server.record_operations.values()),
        "empty_seconds": round(report["empty_seconds"], 4),
        "partial_seconds": round(report["partial_seconds"], 4),
        "dark_seconds": round(report["dark_seconds"], 4),
        "empty_moments": report["empty_moments"],
        "partial_moments": report["partial_moments"],
        "records_after": len(server.records(INDEX)),
    }


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def build(pages: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, float]]:
    """The records of the generated site, before and after editing one post (and how long that took)."""
    timings: dict[str, float] = {}
    if WORK.exists():
        shutil.rmtree(WORK)
    trees = {}
    for name, edited in (("first", None), ("edited", EDITED_POST % pages)):
        started = time.monotonic()
        manifest = write_site(WORK / name, pages, edited=edited)
        timings[f"write_{name}_seconds"] = round(time.monotonic() - started, 2)
        started = time.monotonic()
        trees[name] = build_records(WORK / name, manifest)
        timings[f"records_{name}_seconds"] = round(time.monotonic() - started, 2)
    return trees["first"], trees["edited"], timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    console = Console(width=120)
    console.print(f"generating a {args.pages}-page site and its search records …")
    first, edited, timings = build(args.pages)
    changed = sum(1 for a, b in zip(first, edited, strict=True) if a != b)
    console.print(f"{len(first)} records; the edit changes {changed} record(s)")
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {tool: {"first": [], "edit": []} for tool in TOOLS}
    for repetition in range(args.repetitions):
        for tool, sync in TOOLS.items():
            with LocalAlgolia() as server:
                runs[tool]["first"].append(measure(server, sync, first))
                runs[tool]["edit"].append(measure(server, sync, edited))
            console.print(f"  repetition {repetition + 1}: {tool} done")
    medians = {tool: {step: median_of(r) for step, r in steps.items()} for tool, steps in runs.items()}
    ours, seed = medians["presslift"], medians["seed_clear_and_save"]
    targets = {
        "edit_costs_only_changed_records": ours["edit"]["record_operations"] == changed,
        "empty_or_partial_seconds_is_zero": ours["first"]["dark_seconds"] == 0
        and ours["edit"]["dark_seconds"] == 0,
        "empty_or_partial_moments_is_zero": ours["first"]["empty_moments"]
        + ours["first"]["partial_moments"]
        + ours["edit"]["empty_moments"]
        + ours["edit"]["partial_moments"]
        == 0,
        "index_complete_after_each_sync": ours["first"]["records_after"] == len(first)
        and ours["edit"]["records_after"] == len(edited),
    }
    result = {
        "benchmark": "search",
        "site_pages": args.pages,
        "records": len(first),
        "records_changed_by_edit": changed,
        "repetitions": args.repetitions,
        "build": timings,
        "medians": medians,
        "runs": runs,
        "ratios_seed_over_presslift": {
            "edit_record_operations": _ratio(
                seed["edit"]["record_operations"], ours["edit"]["record_operations"]
            ),
            "edit_requests": _ratio(seed["edit"]["requests"], ours["edit"]["requests"]),
            "edit_seconds": _ratio(seed["edit"]["seconds"], ours["edit"]["seconds"]),
            "first_record_operations": _ratio(
                seed["first"]["record_operations"], ours["first"]["record_operations"]
            ),
        },
        "targets": targets,
        "target_met": all(targets.values()),
        "environment": {"python": platform.python_version(), "machine": platform.machine()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    console.print(table(medians, args.pages, len(first), changed))
    console.print(f"targets: {targets} → target_met = {result['target_met']}  ({RESULTS.relative_to(ROOT)})")
    return 0


def _ratio(peer: float, ours: float) -> float | None:
    return round(peer / ours, 1) if ours else None


def table(medians: dict[str, Any], pages: int, records: int, changed: int) -> Table:
    view = Table(title=f"search sync, {pages} pages / {records} records, medians (edit changes {changed})")
    for column in (
        "tool",
        "step",
        "record ops",
        "requests",
        "seconds",
        "empty s",
        "partial s",
        "records after",
    ):
        view.add_column(column, justify="left" if column in ("tool", "step") else "right")
    for tool, steps in medians.items():
        for step, figures in steps.items():
            view.add_row(
                tool,
                step,
                f"{figures['record_operations']:.0f}",
                f"{figures['requests']:.0f}",
                f"{figures['seconds']:.2f}",
                f"{figures['empty_seconds']:.3f}",
                f"{figures['partial_seconds']:.3f}",
                f"{figures['records_after']:.0f}",
            )
    return view


if __name__ == "__main__":
    raise SystemExit(main())
