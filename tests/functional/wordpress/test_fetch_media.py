"""With no uploads archive, media come from the export's own site over real HTTP (a server on
127.0.0.1): only from hosts the export names, within the caps, through the cache; what cannot be
fetched keeps its original URL and is reported, and no link points at a file the site lacks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.wordpress import ConvertOptions, convert_export
from chalicelib.wordpress.fetchmedia import FetchLimits
from tests.functional.wordpress.oldsite import JPEG, UP, OldSite, media_post, running, serve_media, stop
from tests.functional.wordpress.wxr_builder import Post, write_export


@pytest.fixture
def old_site() -> Iterator[OldSite]:
    site = running()
    yield site
    stop(site)


def convert(tmp_path: Path, old: OldSite, name: str = "site", **options: object) -> tuple[Path, object]:
    export = write_export(tmp_path / "export.xml", old.url, [Post(10, "media", media_post(old.url), "Media")])
    settings: dict[str, object] = {
        "fetch_missing_media": True,
        "fetch_private_hosts": ("127.0.0.1",),
        "fetch_limits": FetchLimits(max_file_bytes=1000),
        "fetch_cache_dir": str(tmp_path / "cache"),
        **options,
    }
    site = tmp_path / name
    return site, convert_export(export, site, options=ConvertOptions(**settings))  # type: ignore[arg-type]


def local_paths(site: Path) -> list[str]:
    text = (site / "content/posts/media/index.md").read_text()
    return re.findall(r"(?<![\w:/.])/wp-content/uploads/[^\s\")]+", text)


def test_media_are_fetched_from_the_old_site_and_what_fails_keeps_its_url(tmp_path, old_site, hugo_build):
    serve_media(old_site)
    site, report = convert(tmp_path, old_site)
    uploads = site / "static/wp-content/uploads/2024/01"
    assert (uploads / "a.jpg").read_bytes() == JPEG
    assert (uploads / "rel.gif").read_bytes() == b"GIF89a"
    assert (uploads / "song.mp3").exists() and (uploads / "moved.jpg").read_bytes() == JPEG
    assert sorted(p.name for p in uploads.iterdir()) == ["a.jpg", "moved.jpg", "rel.gif", "song.mp3"]
    # Every local path in the content is a file the site has; the rest keep their old absolute URL.
    for path in local_paths(site):
        assert (site / "static" / path.lstrip("/")).is_file(), path
    body = (site / "content/posts/media/index.md").read_text()
    for name in ("gone.png", "login.jpg", "big.pdf", "away.jpg"):
        assert f"{old_site.url}{UP}/{name}" in body
    assert f"http://elsewhere.example{UP}/x.jpg" in body
    reasons = {w.item.rsplit("/", 1)[1]: w.message for w in report.warnings if w.code == "unfetched-media"}
    assert sorted(reasons) == ["away.jpg", "big.pdf", "gone.png", "login.jpg"]
    assert "HTTP 404" in reasons["gone.png"]
    assert "text/html, not a media file" in reasons["login.jpg"]
    assert "cap on one file" in reasons["big.pdf"]
    assert "localhost is not a host the export names" in reasons["away.jpg"]
    assert old_site.hits[f"{UP}/x.jpg"] == 0  # never asked: elsewhere.example is not the export's
    assert report.counts["media-file/fetched"] == 4 and report.counts["media-file/not-fetched"] == 4
    assert (report.media.local, report.media.remote, report.media.lost) == (4, 5, 0)
    public = hugo_build(site, tmp_path)
    html = (public / "posts/media/index.html").read_text()
    assert 'src="/wp-content/uploads/2024/01/a.jpg"' in html
    assert f'src="{old_site.url}{UP}/gone.png"' in html
    assert (public / "wp-content/uploads/2024/01/song.mp3").exists()


def test_a_second_run_takes_fetched_media_from_the_cache(tmp_path, old_site):
    serve_media(old_site)
    convert(tmp_path, old_site, "one")
    first = dict(old_site.hits)
    site, report = convert(tmp_path, old_site, "two")
    assert old_site.hits[f"{UP}/a.jpg"] == first[f"{UP}/a.jpg"] == 1
    assert old_site.hits[f"{UP}/gone.png"] == 2  # failures are not cached: they are asked again
    assert (site / "static/wp-content/uploads/2024/01/a.jpg").read_bytes() == JPEG
    assert report.counts["media-file/fetched"] == 4


def test_private_addresses_are_refused_unless_named_for_tests(tmp_path, old_site):
    serve_media(old_site)
    site, report = convert(tmp_path, old_site, fetch_private_hosts=())
    assert not (site / "static/wp-content/uploads").exists()
    assert sum(old_site.hits.values()) == 0
    reasons = [w.message for w in report.warnings if w.code == "unfetched-media"]
    assert len(reasons) == 8 and all("127.0.0.1 resolves to a private or local address" in r for r in reasons)
    assert local_paths(site) == []


def test_the_count_cap_stops_fetching_and_says_so(tmp_path, old_site):
    serve_media(old_site)
    site, report = convert(tmp_path, old_site, fetch_limits=FetchLimits(max_files=2))
    reasons = [w.message for w in report.warnings if w.code == "unfetched-media"]
    assert sum("past the cap of 2 fetched files" in r for r in reasons) == 6
    assert len(list((site / "static/wp-content/uploads").rglob("*.*"))) <= 2
    for path in local_paths(site):
        assert (site / "static" / path.lstrip("/")).is_file(), path


def test_without_fetching_nothing_is_asked_for(tmp_path, old_site):
    serve_media(old_site)
    site, report = convert(tmp_path, old_site, fetch_missing_media=False)
    assert sum(old_site.hits.values()) == 0 and local_paths(site) == []
    assert report.media.local == 0 and report.media.lost == 0


def test_presslift_convert_fetch_media_refuses_a_loopback_site_and_reports_every_url(tmp_path, old_site):
    from presslift.cli import main

    serve_media(old_site)
    export = write_export(
        tmp_path / "export.xml", old_site.url, [Post(10, "media", media_post(old_site.url))]
    )
    out, report_file = tmp_path / "site", tmp_path / "report.json"
    argv = ["convert", str(export), "--out", str(out), "--report", str(report_file), "--fetch-media"]
    assert main([*argv, "--media-cache", str(tmp_path / "cache")]) == 0
    report = json.loads(report_file.read_text())
    refused = [w for w in report["warnings"] if w["code"] == "unfetched-media"]
    assert len(refused) == 8 and all("private or local address" in w["message"] for w in refused)
    assert sum(old_site.hits.values()) == 0 and local_paths(out) == []
    assert report["media"] == {"found": 9, "local": 0, "remote": 9, "lost": 0, "kept": 9}
