"""Where the change review reads a page's bytes from, and how many it read.

A side of the review (the build under review, or the one it is compared with) is read where it is
published when the target still holds that very build: each object is checked against the MD5 its
publish recorded (`Metadata.md5`, else a single-part ETag), so a page that a later deploy replaced is
never taken for this build's. What the target does not hold is streamed out of the build's tarball in
the artifacts bucket, one pass, keeping only the members asked for. Every source counts what it read.

Never: write anything, or read a file nobody asked for (beyond the tarball stream it skips over).
"""

from __future__ import annotations

import tarfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError

from chalicelib.errors import NotFoundError
from chalicelib.pool import ContextPool
from chalicelib.publish.bucket import MD5_METADATA

#: Parallel GETs against a published target: small pages, so latency dominates, not bandwidth.
READ_CONCURRENCY = 16


class PageSource(Protocol):
    """Reads files of one build by path; `where` says from where, `files_read` how many it returned,
    `requests` how many requests that took."""

    @property
    def where(self) -> str: ...

    @property
    def files_read(self) -> int: ...

    @property
    def requests(self) -> int: ...

    def read_pages(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of each path this source holds in the expected version; the others are left out."""
        ...


@dataclass
class PublishedPages:
    """A build's files where a deploy published them: `bucket`/`prefix`, expected as `md5s` says."""

    s3: Any
    bucket: str
    prefix: str
    md5s: Mapping[str, str]
    label: str = ""
    files_read: int = 0
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" + (f" ({self.label})" if self.label else "")

    def read_pages(self, paths: Iterable[str]) -> dict[str, bytes]:
        wanted = [path for path in paths if path in self.md5s]
        with ContextPool(max_workers=READ_CONCURRENCY) as pool:
            found = dict(zip(wanted, pool.map(self._get, wanted), strict=True))
        return {path: body for path, body in found.items() if body is not None}

    def _get(self, path: str) -> bytes | None:
        with self._lock:
            self.requests += 1
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=f"{self.prefix}{path}")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "AccessDenied"):
                return None
            raise
        body = bytes(response["Body"].read())
        etag = str(response.get("ETag", "")).strip('"')
        md5 = response.get("Metadata", {}).get(MD5_METADATA) or ("" if "-" in etag else etag)
        if md5 != self.md5s[path]:
            return None  # the target holds another build's version of this file now
        with self._lock:
            self.files_read += 1
        return body


@dataclass
class TarballPages:
    """A build's files streamed out of its tarball (`artifacts/<site>/<run>/<stage>.tar.gz`)."""

    s3: Any
    bucket: str
    key: str
    files_read: int = 0
    requests: int = 0

    @property
    def where(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def read_pages(self, paths: Iterable[str]) -> dict[str, bytes]:
        wanted = set(paths)
        if not wanted:
            return {}
        self.requests += 1
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=self.key)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFoundError(f"the build to review is missing: {self.where}") from exc
            raise
        found: dict[str, bytes] = {}
        try:
            # "r|gz" reads the stream once, front to back: members not asked for are skipped over.
            with tarfile.open(fileobj=body, mode="r|gz") as tar:
                for member in tar:
                    if member.name in wanted and member.isfile():
                        handle = tar.extractfile(member)
                        if handle is not None:
                            found[member.name] = handle.read()
                            if len(found) == len(wanted):
                                break
        finally:
            body.close()
        self.files_read += len(found)
        return found


@dataclass
class EitherSource:
    """The published files first; what the target no longer holds, from the tarball."""

    published: PublishedPages | None
    tarball: TarballPages

    @property
    def where(self) -> str:
        parts = [s.where for s in (self.published, self.tarball) if s is not None and s.files_read]
        return " and ".join(parts) or (self.published or self.tarball).where

    @property
    def files_read(self) -> int:
        return (self.published.files_read if self.published else 0) + self.tarball.files_read

    @property
    def requests(self) -> int:
        return (self.published.requests if self.published else 0) + self.tarball.requests

    def read_pages(self, paths: Iterable[str]) -> dict[str, bytes]:
        wanted = list(paths)
        found = self.published.read_pages(wanted) if self.published else {}
        missing = [path for path in wanted if path not in found]
        return found | self.tarball.read_pages(missing) if missing else found
