"""The build stage's side of a site's kept Hugo caches: offer the runner the site's cache and a place
to leave the next one, and store what it left (`chalicelib.buildrunner.hugocache` does the rest).

The runner function gets a presigned GET for `caches/<site>/hugo-cache.tar.gz` (only when the object
exists) and a presigned PUT for its replacement; a child process on this machine gets files in the
stage's scratch folder, and this stage moves them to and from S3. What the runner leaves is stored
as it is, never opened here: the next runner checks it before using it. This stage must never fail
a build over a cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.artifacts import ArtifactStore, cache_key
from chalicelib.buildrunner.hugocache import MAX_BYTES, megabytes

CONTENT_TYPE = "application/gzip"


@dataclass(frozen=True)
class CacheOffer:
    """The job's two cache URLs, and (for a child process) the files behind them."""

    cache_url: str = ""
    keep_cache_url: str = ""
    fetched_file: Path | None = None
    kept_file: Path | None = None
    note: str = ""  # why this stage offered no cache ("" when it did, or there was none)


def offer(
    store: ArtifactStore,
    site: str,
    folder: Path,
    shares_disk: bool,
    seconds: int,
    *,
    keep: bool = True,
    key: str = "",
) -> CacheOffer:
    """The site's cache for the runner: presigned URLs, or files in `folder` for a child process.
    Without `keep` the runner may read the cache but leaves none: a preview's build (a pull request's
    code, perhaps a fork's) must never write what the site's own builds restore. `key`: another of the
    site's caches than its whole build's (a segment's, `segment_cache_key`)."""
    found = _offer(store, key or cache_key(site), folder, shares_disk, seconds)
    if keep:
        return found
    return CacheOffer(found.cache_url, "", found.fetched_file, None, found.note)


def _offer(store: ArtifactStore, key: str, folder: Path, shares_disk: bool, seconds: int) -> CacheOffer:
    try:
        size = store.object_size(key)
        if size is not None and size > MAX_BYTES:
            return CacheOffer(note=f"cache ignored: {megabytes(size)} is over {megabytes(MAX_BYTES)}")
        if not shares_disk:
            get = store.presign_get(key, seconds) if size is not None else ""
            return CacheOffer(get, store.presign_put(key, CONTENT_TYPE, seconds))
        fetched, kept = folder / "hugo-cache.tar.gz", folder / "hugo-cache.kept.tar.gz"
        if size is not None:
            store.get_object_file(key, fetched, "the site's Hugo cache")
        if size is None:
            return CacheOffer("", kept.as_uri(), kept_file=kept)
        return CacheOffer(fetched.as_uri(), kept.as_uri(), fetched, kept)
    except (ClientError, BotoCoreError, OSError) as exc:
        return CacheOffer(note=f"cache ignored: it could not be fetched ({exc})")


def store_kept(store: ArtifactStore, site: str, offer: CacheOffer, key: str = "") -> str:
    """Store the cache a child process left (bounded like the runner's own) under `key` (by default
    the site's); "" or why it was not."""
    if offer.fetched_file:
        offer.fetched_file.unlink(missing_ok=True)
    kept = offer.kept_file
    if kept is None or not kept.is_file():
        return ""
    try:
        if kept.stat().st_size > MAX_BYTES:
            return f"cache not kept: {megabytes(kept.stat().st_size)} is over {megabytes(MAX_BYTES)}"
        store.upload_file(key or cache_key(site), kept, CONTENT_TYPE)
        return ""
    except (ClientError, BotoCoreError, OSError) as exc:
        return f"cache not kept: {exc}"
    finally:
        kept.unlink(missing_ok=True)
