"""A site's kept Hugo caches, through the build stage (moto) and the runner as a child process with the
real Hugo: the second build restores the first's cache and Hugo resizes no image again; a corrupt, a
hostile or another Hugo's cache is ignored with the reason, and the build still succeeds."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.artifacts import ArtifactStore, cache_key
from chalicelib.budget import TimeBudget
from chalicelib.buildrunner.hugocache import MARKER
from chalicelib.hugo import hugo_version
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.sitemodel import Site
from chalicelib.work.build import build
from tests.conftest import png

SITE = "photos"
LAYOUT = """<html><body>{{ range site.RegularPages }}{{ with .Resources.GetMatch "*.png" }}
{{ $small := .Resize "8x" }}<img src="{{ $small.RelPermalink }}">{{ end }}{{ end }}</body></html>"""


def write_source(root: Path, edited: bool = False) -> None:
    files: dict[str, bytes] = {
        "hugo.toml": b'title = "Photos"\n',
        "layouts/home.html": LAYOUT.encode(),
        "layouts/page.html": b"<html><body>{{ .Content }}</body></html>",
        "layouts/list.html": b"<html><body>{{ .Title }}</body></html>",  # or Hugo warns of its lists
    }
    for n in range(3):
        body = f"---\ntitle: Post {n}\n---\nText {n}{' edited' if edited and n == 0 else ''}\n"
        files[f"content/posts/p{n}/index.md"] = body.encode()
        files[f"content/posts/p{n}/photo.png"] = png(32, 24, 40 * n)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


@pytest.fixture
def site(provisioned: Any, tmp_path: Path) -> Any:
    provisioned.sites.add(Site(SITE, repo="acme/photos", kind="hugo"))
    return provisioned


def build_once(
    svc: Any, tmp_path: Path, edited: bool = False, trigger: Trigger | None = None
) -> dict[str, Any]:
    source = tmp_path / f"source-{new_run_id()}"
    write_source(source, edited)
    run = svc.runs.create(
        Run(
            id=new_run_id(),
            site=SITE,
            kind="hugo",
            trigger=trigger or Trigger("push"),
            stages=[Stage("build")],
        )
    )
    key = store(svc).put_source(SITE, run.id, source)
    detail: dict[str, Any] = build(svc, run, key, TimeBudget.starting_now(300)).detail()
    return detail


def store(svc: Any) -> ArtifactStore:
    return ArtifactStore(svc.s3, svc.settings.artifacts_bucket)


def put_cache(svc: Any, members: dict[str, bytes], tmp_path: Path) -> None:
    archive = tmp_path / "planted.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    store(svc).upload_file(cache_key(SITE), archive, "application/gzip")


def marker(version: str) -> bytes:
    return json.dumps({"hugo": version}).encode()


def test_a_rebuild_restores_the_cache_and_hugo_resizes_no_image_again(site, tmp_path):
    first = build_once(site, tmp_path)
    assert first["cache"]["restored"] == "no cache yet"
    # Three photos, each resized once for both targets (staging reuses nothing; prod reuses staging's).
    assert first["cache"]["written"].endswith("(3 processed images)"), first["cache"]
    assert first["cache"]["kept"].startswith("cache kept (")
    assert store(site).object_size(cache_key(SITE))

    second = build_once(site, tmp_path, edited=True)
    assert second["cache"]["restored"].startswith("cache restored ("), second["cache"]
    assert "warnings" not in first and "warnings" not in second
    assert second["cache"]["written"].endswith("(0 processed images)"), second["cache"]
    assert second["cache"]["kept"] == "cache unchanged"
    assert "cache restored" in second["summary"]


def test_a_preview_reads_the_sites_cache_but_never_writes_it(site, tmp_path):
    """A pull request's code (perhaps a fork's) builds the preview: what its Hugo wrote must never be
    restored into the site's own builds, so the kept cache stays the one the site's build left."""
    build_once(site, tmp_path)
    kept = site.s3.get_object(Bucket=site.settings.artifacts_bucket, Key=cache_key(SITE))["Body"].read()
    preview = Trigger("preview", repository="acme/photos", sha="a" * 40, preview="previews/pr-7/", number=7)
    detail = build_once(site, tmp_path, edited=True, trigger=preview)
    assert detail["cache"]["restored"].startswith("cache restored ("), detail["cache"]
    assert detail["cache"]["kept"] == ""  # offered no place to leave one
    assert set(detail["trees"]) == {"preview"}  # the tree for the review comes after it is live
    after = site.s3.get_object(Bucket=site.settings.artifacts_bucket, Key=cache_key(SITE))["Body"].read()
    assert after == kept


def test_a_corrupt_cache_is_ignored_and_replaced(site, tmp_path):
    store(site)._s3.put_object(
        Bucket=site.settings.artifacts_bucket, Key=cache_key(SITE), Body=b"\x1f\x8b not really gzip"
    )
    detail = build_once(site, tmp_path)
    assert detail["cache"]["restored"].startswith("cache ignored: it cannot be read"), detail["cache"]
    assert detail["warnings"] == 1
    assert "(3 processed images)" in detail["cache"]["written"]
    assert detail["cache"]["kept"].startswith("cache kept (")
    assert build_once(site, tmp_path)["cache"]["restored"].startswith("cache restored (")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../escaped.txt", "'../escaped.txt' is outside the cache"),
        ("hugo-resources/../../escaped.txt", "is outside the cache"),
        ("/tmp/escaped.txt", "'/tmp/escaped.txt' is outside the cache"),
        ("source/content/injected.md", "'source/content/injected.md' is not in Hugo's cache folders"),
        # What resources.GetRemote fetched is never kept, so never restored either.
        ("hugo-cache/source/filecache/getresource/x", "is not in Hugo's cache folders"),
    ],
)
def test_a_hostile_cache_is_ignored_with_the_reason(site, tmp_path, name, reason):
    put_cache(site, {MARKER: marker(hugo_version()), name: b"planted"}, tmp_path)
    detail = build_once(site, tmp_path)
    assert detail["cache"]["restored"].startswith("cache ignored: "), detail["cache"]
    assert reason in detail["cache"]["restored"]
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_cache_with_a_link_is_ignored(site, tmp_path):
    archive = tmp_path / "linked.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(MARKER)
        info.size = len(marker(hugo_version()))
        tar.addfile(info, io.BytesIO(marker(hugo_version())))
        link = tarfile.TarInfo("hugo-cache/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    store(site).upload_file(cache_key(SITE), archive, "application/gzip")
    detail = build_once(site, tmp_path)
    assert detail["cache"]["restored"] == "cache ignored: 'hugo-cache/passwd' is not a file or a folder"


def test_a_cache_from_another_hugo_version_is_discarded(site, tmp_path):
    planted = "hugo-resources/_gen/images/posts/p0/planted.png"
    put_cache(site, {MARKER: marker("0.99.0"), planted: b"old"}, tmp_path)
    detail = build_once(site, tmp_path)
    assert detail["cache"]["restored"] == (
        f"cache ignored: Hugo 0.99.0 wrote it, this build has Hugo {hugo_version()}"
    )
    assert "(3 processed images)" in detail["cache"]["written"]
    assert detail["cache"]["kept"].startswith("cache kept (")


def test_the_runner_function_gets_and_leaves_the_cache_by_presigned_urls(presigned, tmp_path):
    presigned.sites.add(Site(SITE, repo="acme/photos", kind="hugo"))
    first = build_once(presigned, tmp_path)
    second = build_once(presigned, tmp_path, edited=True)
    assert first["cache"]["kept"].startswith("cache kept ("), first["cache"]
    assert second["cache"]["restored"].startswith("cache restored ("), second["cache"]
    assert second["cache"]["written"].endswith("(0 processed images)")
