"""Build: one tree per stage from the same source (each with its own baseURL), as the run's artifact.

Each tree is rendered by Hugo, indexed for search (Pagefind, records for Algolia), hashed into a
manifest and stored; deploys only ever read these artifacts. A site whose theme is not in its source
(GitHub's tarballs leave out git submodules) or that has no layouts at all is built with Presslift's
default theme, and the run says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from chalicelib import hugo
from chalicelib.artifacts import build_manifest
from chalicelib.budget import TimeBudget
from chalicelib.errors import BuildError, PipelineError
from chalicelib.resources import SITE_STAGES
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sites import Site
from chalicelib.theme_path import THEME_NAME, theme_dir
from chalicelib.work import artifacts, site_config, work_dir


def build(svc: Services, run: Run, source_key: str, budget: TimeBudget) -> dict[str, Any]:
    """Render, index and store every stage's tree; each Hugo and Pagefind run takes what `budget` has left."""
    config = site_config(run)
    version = hugo.hugo_version()
    if not config.accepts_hugo(version):
        raise BuildError(
            f"presslift.toml asks for Hugo {config.hugo_version}, but this build has Hugo {version}: "
            "change hugo_version, or deploy the Hugo layer of that version"
        )
    store = artifacts(svc)
    logs: list[str] = []
    trees: dict[str, dict[str, Any]] = {}
    with work_dir() as tmp:
        work = Path(tmp)
        source = work / "source"
        store.get_source(source_key, source)
        flags = tuple(config.build_flags)
        try:
            for stage in SITE_STAGES:
                trees[stage], flags = _stage_tree(svc, run, source, work, stage, flags, logs, budget)
        except PipelineError as exc:
            logs.append(f"== failed\n{exc}\n{getattr(exc, 'log_tail', '')}")
            store.put_log(run.site, run.id, "build.log", "\n".join(logs))
            raise
        log_key = store.put_log(run.site, run.id, "build.log", "\n".join(logs))
    files = ", ".join(f"{stage} {tree['files']} files" for stage, tree in trees.items())
    fallback = f"; theme {THEME_NAME} (the site's own was missing)" if "--theme" in flags else ""
    return {
        "log_key": log_key,
        "hugo": version,
        "trees": trees,
        "artifact_run": run.id,
        "summary": f"Hugo {version}: {files}{fallback}",
    }


def _stage_tree(
    svc: Services,
    run: Run,
    source: Path,
    work: Path,
    stage: str,
    flags: tuple[str, ...],
    logs: list[str],
    budget: TimeBudget,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Render, index and store one stage's tree; the flags that worked (with the theme fallback)."""
    from chalicelib.search.pagefind import index_with_pagefind
    from chalicelib.search.records import build_records, records_json

    base_url = svc.settings.site_url(run.site, stage)
    dest = work / "public" / stage
    result, flags = _render(
        source,
        dest,
        base_url,
        work,
        flags,
        logs,
        search_params(svc, svc.sites.registration(run.site), stage),
        budget,
    )
    search = index_with_pagefind(result.destination, budget=budget)
    logs.append(f"== {stage} ({base_url}) in {result.seconds:.2f} s\n{result.log}\n{search.describe()}")
    manifest = build_manifest(
        result.destination, site=run.site, run_id=run.id, stage=stage, base_url=base_url
    )
    records = build_records(result.destination, manifest)
    store = artifacts(svc)
    store.put_tree(result.destination, manifest)
    store.put_records(run.site, run.id, stage, records_json(records))
    return {"files": len(manifest.files), "bytes": manifest.total_bytes, "records": len(records)}, flags


def search_params(svc: Services, site: Site, stage: str) -> dict[str, str]:
    """Site params for the theme's search page: the backend, and for Algolia only public values (the
    search-only key; the admin key never reaches a site)."""
    params = {"search": "true"}
    search = site.search  # the registration's, never the repository's
    if search.backend == "algolia" and search.app_id and search.index_name and search.search_key:
        from chalicelib.work.deploy import algolia_index

        params.update(
            algolia_appId=search.app_id,
            algolia_indexName=algolia_index(site, stage),
            algolia_searchKey=search.search_key,
        )
        if svc.settings.algolia_hosts:
            params["algolia_host"] = svc.settings.algolia_hosts[0]
    return params


def _render(
    source: Path,
    dest: Path,
    base_url: str,
    work: Path,
    flags: tuple[str, ...],
    logs: list[str],
    params: dict[str, str],
    budget: TimeBudget,
) -> tuple[hugo.HugoBuild, tuple[str, ...]]:
    try:
        result = hugo.build_site(
            source, dest, base_url=base_url, work_dir=work, budget=budget, extra_args=flags, params=params
        )
        if (dest / "index.html").is_file() or "--theme" in flags:
            return result, flags
        reason = "the site rendered no home page (it has no layouts or theme)"
    except BuildError as exc:
        if "--theme" in flags or "failed to load modules" not in exc.log_tail:
            raise
        reason = f"its theme is not in the source ({exc.log_tail.strip().splitlines()[-1][:200]})"
    logs.append(f"== using the {THEME_NAME} theme: {reason}")
    themes = source / "themes" / THEME_NAME
    if not themes.exists():
        shutil.copytree(theme_dir(), themes)
    flags = (*flags, "--theme", THEME_NAME)
    return hugo.build_site(
        source, dest, base_url=base_url, work_dir=work, budget=budget, extra_args=flags, params=params
    ), flags
