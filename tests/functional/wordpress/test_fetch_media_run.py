"""The pipeline fetches an import's media only for a site whose operator turned `fetch_media` on, and
the run lists every media file left at the old site's URL (a real server on 127.0.0.1, which the
pipeline refuses: it has no test override)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import pipeline
from chalicelib.events import ObjectCreated
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from tests.functional.wordpress.oldsite import UP, OldSite, running, serve_media, stop
from tests.functional.wordpress.wxr_builder import Post, export

KEY = "imports/blog/export.xml"


@pytest.fixture
def old_site() -> Iterator[OldSite]:
    site = running()
    yield site
    stop(site)


def start(svc: Services, old: OldSite, *, fetch_media: bool) -> dict[str, object]:
    svc.sites.add(Site("blog", source="import", fetch_media=fetch_media))
    body = f'<p><img src="{old.url}{UP}/a.jpg"></p>\n\n[audio mp3="{old.url}{UP}/song.mp3"]'
    bucket = svc.settings.ingest_bucket
    svc.s3.put_object(Bucket=bucket, Key=KEY, Body=export(old.url, [Post(10, "news", body)]).encode())
    run = pipeline.start_import(svc, ObjectCreated(bucket, KEY), final_attempt=True)
    assert run is not None
    convert = run.stage("convert")
    assert convert.status == "succeeded", convert.error
    return dict(convert.detail)


def test_a_site_that_fetches_media_lists_what_stayed_at_the_old_url(provisioned, old_site):
    serve_media(old_site)
    detail = start(provisioned, old_site, fetch_media=True)
    assert detail["media_not_in_site"] == [f"{old_site.url}{UP}/a.jpg", f"{old_site.url}{UP}/song.mp3"]
    assert detail["media"] == {"found": 2, "kept": 2, "remote": 2, "lost": 0}
    assert "2 media files left at the old site's URL" in str(detail["summary"])
    assert sum(old_site.hits.values()) == 0  # 127.0.0.1 is private: refused before any request


def test_a_site_that_does_not_fetch_asks_nothing_of_the_old_host(provisioned, old_site):
    serve_media(old_site)
    detail = start(provisioned, old_site, fetch_media=False)
    assert detail["media"] == {"found": 2, "kept": 2, "remote": 2, "lost": 0}
    assert sum(old_site.hits.values()) == 0
