"""Immutable run artifacts in the artifacts bucket: site sources, built stage trees, manifests, logs.

Layout (all keys under the artifacts bucket):
    sources/<site>/<run>.tar.gz                 the site source a run builds (converted or fetched)
    artifacts/<site>/<run>/<stage>.tar.gz       one built tree per stage
    artifacts/<site>/<run>/<stage>.manifest.json
    artifacts/<site>/<run>/<stage>.records.json search records built from that tree
    artifacts/<site>/<run>/review.json          the change review the run's approver sees
    logs/<site>/<run>/<name>.log                build logs, conversion reports
    caches/<site>/hugo-cache.tar.gz             the site's kept Hugo caches (replaced by each build)

A tree is stored as one gzip'd tarball rather than object by object: the deploy stage needs the whole
tree on local disk anyway. Tarballs never pass through memory whole: they are packed into a file in the
temporary directory and uploaded from it (s3transfer: multipart past 8 MB, each part checksummed), and
downloaded into a file and extracted from it, so a function's memory does not grow with its site (its
ephemeral storage does: see presslift/packaging/template.py). Artifacts are written once and never
changed; deploy, promotion and rollback only read them. Extraction refuses members that would land
outside the target.
"""

from __future__ import annotations

import html
import re
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.errors import InputError, NotFoundError
from chalicelib.manifest import Manifest, scan_tree
from chalicelib.targz import write_tar_gz

# Hugo's alias pages: a tiny HTML page with a canonical link and a zero-second meta refresh.
_ALIAS = re.compile(
    rb'<meta http-equiv="?refresh"? content="?0; url=([^"\s>]+)"?',
    re.IGNORECASE,
)
ALIAS_MAX_BYTES = 1024


def source_key(site: str, run_id: str) -> str:
    return f"sources/{site}/{run_id}.tar.gz"


def tree_key(site: str, run_id: str, stage: str) -> str:
    return f"artifacts/{site}/{run_id}/{stage}.tar.gz"


def manifest_key(site: str, run_id: str, stage: str) -> str:
    return f"artifacts/{site}/{run_id}/{stage}.manifest.json"


def records_key(site: str, run_id: str, stage: str) -> str:
    return f"artifacts/{site}/{run_id}/{stage}.records.json"


def review_key(site: str, run_id: str) -> str:
    return f"artifacts/{site}/{run_id}/review.json"


#: The names the pipeline gives its logs and reports (`build.log`, `conversion-report.json`).
LOG_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")


def log_key(site: str, run_id: str, name: str) -> str:
    return f"logs/{site}/{run_id}/{name}"


def runner_output_key(site: str, run_id: str, name: str) -> str:
    """Where the build runner PUTs what it rendered, before the build stage checks and stores it."""
    return f"runner/{site}/{run_id}/{name}"


def cache_key(site: str) -> str:
    """The site's kept Hugo caches (`chalicelib.buildrunner.hugocache`): the one object a build replaces."""
    return f"caches/{site}/hugo-cache.tar.gz"


def segment_cache_key(site: str, segment: str) -> str:
    """One segment's kept Hugo caches, for a site built in segments (`chalicelib.work.segmented`)."""
    return f"caches/{site}/segments/{segment}.tar.gz"


#: Uploads and downloads of tarballs name the S3 checksum they carry: artifacts cross from one function
#: to the next, and S3 checks their bytes (each part's, for multipart uploads) against it.
CHECKSUM = "CRC32"


def pack(folder: Path, archive: Path) -> Path:
    """Write `folder`'s files into the tar.gz file `archive`, streaming (memory does not grow with it);
    images and other compressed files are stored, not deflated again (`targz`)."""
    with write_tar_gz(archive) as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tar.add_file(path, path.relative_to(folder).as_posix())
    return archive


def unpack(archive: Path, into: Path) -> None:
    """Extract the tarball file `archive` (one we wrote), as `unpack_stream` does."""
    try:
        with archive.open("rb") as stream:
            unpack_stream(stream, into)
    except OSError as exc:  # the file could not be opened: unpack_stream explains the rest
        raise InputError(f"artifact archive cannot be extracted: {exc}") from exc


def unpack_stream(stream: Any, into: Path) -> None:
    """Extract a tarball we wrote as it arrives (`stream`: a file or a download's body, read once and
    never held whole); the `data` filter refuses absolute paths, `..` and links outward. What
    `stream.read` raises is the caller's to explain."""
    into.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(fileobj=stream, mode="r|*") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"artifact archive cannot be extracted: {exc}") from exc


@contextmanager
def scratch_archive() -> Iterator[Path]:
    """A path for one tarball in the temporary directory (Lambda's /tmp), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="presslift-artifact-") as folder:
        yield Path(folder) / "artifact.tar.gz"


def alias_target(page: bytes) -> str | None:
    """The URL a Hugo alias page (at most ALIAS_MAX_BYTES) redirects to, or None for any other page."""
    if b"canonical" not in page:
        return None
    match = _ALIAS.search(page)
    # The URL is an HTML attribute's value: Hugo (and redirectrules) write `&` in it as `&amp;`.
    return html.unescape(match.group(1).decode("utf-8", "replace")) if match else None


def find_redirects(tree: Path, manifest: Manifest) -> dict[str, str]:
    """Hugo alias pages in the tree, as {path: target URL}."""
    redirects: dict[str, str] = {}
    for entry in manifest.files:
        if not entry.path.endswith(".html") or entry.size > ALIAS_MAX_BYTES:
            continue
        target = alias_target((tree / entry.path).read_bytes())
        if target is not None:
            redirects[entry.path] = target
    return redirects


def build_manifest(tree: Path, *, site: str, run_id: str, stage: str, base_url: str) -> Manifest:
    manifest = Manifest(site=site, run_id=run_id, stage=stage, base_url=base_url, files=scan_tree(tree))
    manifest.redirects = find_redirects(tree, manifest)
    manifest.text_md5 = page_text_digests(tree, manifest)
    return manifest


def page_text_digests(tree: Path, manifest: Manifest) -> dict[str, str]:
    """The MD5 of each page's title and visible main text, {path: digest} (alias pages left out)."""
    from chalicelib.review.pages import read_page

    return {
        entry.path: read_page((tree / entry.path).read_bytes()).digest
        for entry in manifest.files
        if entry.path.endswith(".html") and entry.path not in manifest.redirects
    }


class ArtifactStore:
    """Reads and writes a run's artifacts in one bucket."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self.bucket = bucket

    def _put(self, key: str, body: bytes, content_type: str) -> None:
        # Small JSON and logs (manifests, records, reports): one request, checksummed like the tarballs.
        self._s3.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, ChecksumAlgorithm=CHECKSUM
        )

    def _get(self, key: str, what: str) -> bytes:
        try:
            return bytes(self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except self._s3.exceptions.NoSuchKey as exc:
            raise NotFoundError(f"{what} is missing: s3://{self.bucket}/{key}") from exc

    def _put_folder(self, key: str, folder: Path) -> None:
        with scratch_archive() as archive:
            pack(folder, archive)
            self.upload_file(key, archive, "application/gzip")

    def _get_folder(self, key: str, what: str, into: Path) -> None:
        with scratch_archive() as archive:
            self.get_object_file(key, archive, what)
            unpack(archive, into)

    def get_object_file(self, key: str, into: Path, what: str) -> None:
        """One object into the file `into`; NotFoundError naming `what` when it is missing."""
        try:
            self._s3.download_file(self.bucket, key, str(into))
        except ClientError as exc:
            # download_file asks HeadObject first, whose "not found" is a bare 404.
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise NotFoundError(f"{what} is missing: s3://{self.bucket}/{key}") from exc
            raise

    def object_size(self, key: str) -> int | None:
        """The object's bytes, or None when there is no such object."""
        try:
            return int(self._s3.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return None
            raise

    def upload_file(self, key: str, path: Path, content_type: str) -> None:
        """A file as the object `key` (multipart past 8 MB, checksummed like every tarball)."""
        self._s3.upload_file(
            str(path),
            self.bucket,
            key,
            ExtraArgs={"ContentType": content_type, "ChecksumAlgorithm": CHECKSUM},
        )

    def presign_get(self, key: str, seconds: int) -> str:
        """A URL that lets its holder read this one object for `seconds`, and nothing else."""
        return str(
            self._s3.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=seconds
            )
        )

    def presign_put(self, key: str, content_type: str, seconds: int) -> str:
        """A URL that lets its holder write this one object (with `content_type`) for `seconds`."""
        return str(
            self._s3.generate_presigned_url(
                "put_object",
                Params={"Bucket": self.bucket, "Key": key, "ContentType": content_type},
                ExpiresIn=seconds,
            )
        )

    def put_source(self, site: str, run_id: str, folder: Path) -> str:
        key = source_key(site, run_id)
        self._put_folder(key, folder)
        return key

    def get_source(self, key: str, into: Path) -> None:
        self._get_folder(key, "site source", into)

    def put_tree(self, tree: Path, manifest: Manifest) -> str:
        with scratch_archive() as archive:
            return self.put_tree_archive(pack(tree, archive), manifest)

    def put_tree_archive(self, archive: Path, manifest: Manifest) -> str:
        """A stage tree already packed (`work.treestore`), with its manifest."""
        key = tree_key(manifest.site, manifest.run_id, manifest.stage)
        self.upload_file(key, archive, "application/gzip")
        self._put(
            manifest_key(manifest.site, manifest.run_id, manifest.stage),
            manifest.to_json().encode(),
            "application/json",
        )
        return key

    def get_manifest(self, site: str, run_id: str, stage: str) -> Manifest:
        key = manifest_key(site, run_id, stage)
        return Manifest.from_json(self._get(key, f"the {stage} manifest of run {run_id}"))

    def get_tree(self, site: str, run_id: str, stage: str, into: Path) -> Manifest:
        manifest = self.get_manifest(site, run_id, stage)
        self.download_tree(site, run_id, stage, into)
        return manifest

    def download_tree_archive(self, site: str, run_id: str, stage: str, into: Path) -> None:
        """The tree's archive as it is stored (a tar.gz), into the file `into`."""
        self.get_object_file(tree_key(site, run_id, stage), into, f"the {stage} tree of run {run_id}")

    def download_tree(self, site: str, run_id: str, stage: str, into: Path) -> None:
        """The tree alone, for whoever read its manifest already (a deploy's plan)."""
        self._get_folder(tree_key(site, run_id, stage), f"the {stage} tree of run {run_id}", into)

    def put_records(self, site: str, run_id: str, stage: str, data: bytes) -> str:
        """A stage tree's search records: beside the tree, never in it (so they are not published)."""
        key = records_key(site, run_id, stage)
        self._put(key, data, "application/json")
        return key

    def get_records(self, site: str, run_id: str, stage: str) -> bytes:
        return self._get(records_key(site, run_id, stage), f"the {stage} search records of run {run_id}")

    def put_review(self, key: str, data: bytes) -> None:
        """A run's whole change review (JSON, see `review.approval`), at `review_key`."""
        self._put(key, data, "application/json")

    def get_review(self, key: str) -> bytes:
        return self._get(key, "the change review")

    def get_log(self, site: str, run_id: str, name: str) -> tuple[str, str]:
        """A run's log or report by file name (no folders), with its content type."""
        if not LOG_NAME.fullmatch(name):  # no folders, no control characters (a 500 from S3 for `\n`)
            raise NotFoundError(f"no log named {name!r}")
        body = self._get(log_key(site, run_id, name), f"log {name} of run {run_id}")
        content_type = "application/json" if name.endswith(".json") else "text/plain; charset=utf-8"
        return body.decode("utf-8", "replace"), content_type

    def list_logs(self, site: str, run_id: str) -> list[str]:
        """The names of a run's logs and reports, in the order they were written."""
        prefix = log_key(site, run_id, "")
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        found = [obj for page in pages for obj in page.get("Contents", [])]
        return [obj["Key"][len(prefix) :] for obj in sorted(found, key=lambda o: o["LastModified"])]

    def put_log(self, site: str, run_id: str, name: str, text: str) -> str:
        key = log_key(site, run_id, name)
        content_type = "application/json" if name.endswith(".json") else "text/plain; charset=utf-8"
        self._put(key, text.encode("utf-8"), content_type)
        return key
