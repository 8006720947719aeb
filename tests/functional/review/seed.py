"""Two runs of one site as the pipeline leaves them: run records, stored trees and manifests (prod and
staging trees, built with their own base URLs), the older build live on prod, the newer on staging."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chalicelib.artifacts import ArtifactStore
from chalicelib.manifest import Manifest
from chalicelib.publish import PublishOptions, publish_tree
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from chalicelib.work.deploy import target
from tests.unit.review.builds import NEW_CSS, alias, page, write_build

SITE = "harbour"
BASES = {"prod": "https://harbour.example/", "staging": "https://staging.harbour.example/"}
POSTS = {f"posts/p{n}/index.html": (f"Post {n}", f"Words of post {n}.") for n in range(8)}


def site_files(base: str, *, edited: bool) -> dict[str, bytes]:
    """A small site; the edited version changes post 3's text and the stylesheet, and adds a redirect."""
    css = NEW_CSS if edited else "css/main.0123456789abcdef0123456789abcdef.css"
    files = {
        "index.html": page("Home", "Latest posts.", css=css, base_url=base),
        css: f"/*{edited}*/".encode(),
    }
    for path, (title, words) in POSTS.items():
        text = "Words of post 3, corrected." if edited and path == "posts/p3/index.html" else words
        files[path] = page(title, text, css=css, base_url=base)
    if edited:
        files["old-p3/index.html"] = alias(f"{base}posts/p3/")
    return files


@dataclass(frozen=True)
class Seeded:
    live: Run
    new: Run
    manifests: dict[tuple[str, str], Manifest]


def store_build(svc: Services, tmp: Path, run_id: str, *, edited: bool) -> dict[str, Manifest]:
    """Build both target trees of one run and store them as the build stage does."""
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    built = {}
    for tree, base in BASES.items():
        folder = tmp / run_id / tree
        manifest = write_build(folder, site_files(base, edited=edited), run_id=run_id, base_url=base)
        manifest.site, manifest.stage = SITE, tree
        store.put_tree(folder, manifest)
        built[tree] = manifest
    return built


def publish(svc: Services, tmp: Path, manifest: Manifest) -> None:
    """Deploy one stored tree to its target, as the deploy stage does (the real publish)."""
    where = target(svc, svc.sites.registration(SITE), manifest.stage)
    tree = tmp / manifest.run_id / manifest.stage
    publish_tree(
        s3=svc.s3, cloudfront=None, tree=tree, manifest=manifest, target=where, options=PublishOptions()
    )


def deployed_run(svc: Services, run_id: str, targets: tuple[str, ...], finished_at: str) -> Run:
    stages = [Stage("build", "succeeded")]
    stages += [Stage(f"deploy-{t}", "succeeded", finished_at=finished_at) for t in targets]
    return svc.runs.create(Run(run_id, SITE, "hugo", Trigger("push"), stages))


def seed(svc: Services, tmp: Path) -> Seeded:
    live_id, new_id = new_run_id(), new_run_id()
    manifests = {}
    for run_id, edited in ((live_id, False), (new_id, True)):
        for tree, manifest in store_build(svc, tmp, run_id, edited=edited).items():
            manifests[(run_id, tree)] = manifest
    publish(svc, tmp, manifests[(live_id, "prod")])
    publish(svc, tmp, manifests[(live_id, "staging")])
    publish(svc, tmp, manifests[(new_id, "staging")])
    live = deployed_run(svc, live_id, ("staging", "prod"), "2026-11-30T10:00:00Z")
    new = deployed_run(svc, new_id, ("staging",), "2026-11-30T11:00:00Z")
    return Seeded(live, new, manifests)
