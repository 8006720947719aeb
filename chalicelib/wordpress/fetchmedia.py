"""Fetching a site's media from its old host, when there is no uploads archive (or it lacks a file).

Only what the export itself names is fetched: URLs on the hosts the export names (its site and blog
URLs, its items' links, its attachments' URLs), over http(s), redirects included, and never from a
private, loopback or link-local address (a hostile export must not make the pipeline read its own
network). Every fetch is capped: bytes per file, files, bytes in all, and time in all; a response
must be a media type (a WordPress "not found" page is HTML, and is refused). Files are fetched by a
few threads at once and kept in a cache folder, keyed by the URL's hash, that later runs reuse.

`FetchPolicy.private_hosts` lets named hosts resolve to private addresses: for tests, which serve
media from 127.0.0.1. It is an explicit list, never a switch that turns the check off.

This module must never write outside the folder and cache it is given, follow a redirect to a host
the export does not name, or keep a partial file: what fails is reported with its reason.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import posixpath
import shutil
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from chalicelib.pool import ContextPool
from chalicelib.units import human_size
from chalicelib.wordpress.media import MEDIA_SUFFIXES

# Content types a media file may come as; anything else (HTML, script) is not the file asked for.
MEDIA_TYPES = ("image/", "audio/", "video/", "font/", "application/", "text/plain", "text/csv", "text/vtt")
REFUSED_TYPES = ("application/xhtml", "application/javascript", "application/x-httpd-php", "application/xml")
USER_AGENT = "Presslift media fetch (migrating this site's media to its new home)"


@dataclass(frozen=True)
class FetchLimits:
    """Caps on fetching one site's media; the defaults suit a blog's library within Lambda's limits."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_files: int = 2_000
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_seconds: float = 300.0  # all of it: the convert function has 15 minutes in all
    timeout_seconds: float = 10.0  # one connection's connect and each read
    workers: int = 4
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchPolicy:
    """Where media may come from: `hosts` the export names (www. or not), and the hosts allowed to be
    private addresses (tests only)."""

    hosts: frozenset[str]
    private_hosts: frozenset[str] = frozenset()

    def allows(self, host: str) -> bool:
        host = host.lower()
        return host in self.hosts or host.removeprefix("www.") in self.hosts


@dataclass
class FetchResult:
    fetched: dict[str, Path] = field(default_factory=dict)  # url -> file written
    failed: dict[str, str] = field(default_factory=dict)  # url -> why
    from_cache: int = 0


class Refused(Exception):
    """One URL not fetched, with the reason the report gives."""


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"{host} does not resolve ({error})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def _media_type(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if not kind:
        return True  # no type said: the extension (checked before) decides
    if kind.startswith(REFUSED_TYPES):
        return False
    return kind.startswith(MEDIA_TYPES)


class MediaFetcher:
    """Fetches media URLs into a site's uploads folder, within a policy and caps, through a cache."""

    def __init__(self, policy: FetchPolicy, limits: FetchLimits, cache: Path | None = None) -> None:
        self.policy = policy
        self.limits = limits
        self.cache = cache
        self._lock = threading.Lock()
        self._total = 0
        self._deadline = 0.0

    def fetch_all(self, wanted: dict[str, Path]) -> FetchResult:
        """Fetches each `url -> file` of `wanted` (one URL per file; the caller checked the paths)."""
        result = FetchResult()
        self._deadline = time.monotonic() + self.limits.max_seconds
        items = sorted(wanted.items(), key=lambda kv: str(kv[1]))
        over = items[self.limits.max_files :]
        for url, _ in over:
            result.failed[url] = f"past the cap of {self.limits.max_files:,} fetched files"
        with ContextPool(max_workers=max(1, self.limits.workers)) as pool:
            outcomes = list(pool.map(lambda kv: self._one(*kv), items[: self.limits.max_files]))
        for (url, dest), (why, cached) in zip(items, outcomes, strict=False):
            if why:
                result.failed[url] = why
            else:
                result.fetched[url] = dest
                result.from_cache += cached
        return result

    def _one(self, url: str, dest: Path) -> tuple[str, bool]:
        try:
            return "", self._fetch(url, dest)
        except Refused as error:
            dest.unlink(missing_ok=True)
            return str(error), False
        except (OSError, http.client.HTTPException, ValueError) as error:
            dest.unlink(missing_ok=True)
            return f"the request failed ({type(error).__name__}: {error})", False

    def _cached(self, url: str) -> Path | None:
        if self.cache is None:
            return None
        return self.cache / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def _fetch(self, url: str, dest: Path) -> bool:
        """Writes `url`'s file at `dest`; True when it came from the cache."""
        cached = self._cached(url)
        if cached is not None and cached.is_file() and cached.with_suffix(".json").is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, dest)
            return True
        if time.monotonic() > self._deadline:
            raise Refused(f"past the {self.limits.max_seconds:g} s cap on fetching media")
        name = posixpath.basename(unquote(urlsplit(url).path))
        if posixpath.splitext(name)[1].lower() not in MEDIA_SUFFIXES:
            raise Refused("not a media file name")
        current = url
        for _ in range(self.limits.max_redirects + 1):
            response, connection = self._request(current)
            try:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location") or ""
                    if not location:
                        raise Refused(f"HTTP {response.status} with no Location")
                    current = urljoin(current, location)
                    continue
                if response.status != 200:
                    raise Refused(f"HTTP {response.status} from {urlsplit(current).hostname}")
                content_type = response.getheader("Content-Type") or ""
                if not _media_type(content_type):
                    raise Refused(f"the server answered with {content_type.split(';')[0]}, not a media file")
                self._save(response, dest)
            finally:
                connection.close()
            if cached is not None:
                self._keep(url, dest, cached, content_type)
            return False
        raise Refused(f"more than {self.limits.max_redirects} redirects")

    def _request(self, url: str) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise Refused(f"not an http(s) URL: {url}")
        if not self.policy.allows(host):
            raise Refused(f"{host} is not a host the export names")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = _addresses(host, port)
        if host not in self.policy.private_hosts and not all(_public(a) for a in addresses):
            raise Refused(f"{host} resolves to a private or local address")
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(host, port, timeout=self.limits.timeout_seconds)
        address = addresses[0]

        # Connect to the address that was checked, not to whatever a second lookup answers.
        def create_connection(_: Any, timeout: Any = None, source: Any = None) -> socket.socket:
            return socket.create_connection((address, port), timeout, source)

        connection._create_connection = create_connection  # type: ignore[attr-defined]
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        return connection.getresponse(), connection

    def _save(self, response: http.client.HTTPResponse, dest: Path) -> None:
        limit = self.limits.max_file_bytes
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise Refused(f"{human_size(int(declared))} is past the {human_size(limit)} cap on one file")
        dest.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with dest.open("wb") as out:
            while chunk := response.read(64 * 1024):
                written += len(chunk)
                if written > limit:
                    raise Refused(f"past the {human_size(limit)} cap on one file")
                with self._lock:
                    self._total += len(chunk)
                    if self._total > self.limits.max_total_bytes:
                        raise Refused(f"past the {human_size(self.limits.max_total_bytes)} cap on all media")
                if time.monotonic() > self._deadline:
                    raise Refused(f"past the {self.limits.max_seconds:g} s cap on fetching media")
                out.write(chunk)

    def _keep(self, url: str, dest: Path, cached: Path, content_type: str) -> None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(cached.name + f".{threading.get_ident()}.part")
        shutil.copyfile(dest, partial)
        partial.replace(cached)
        cached.with_suffix(".json").write_text(json.dumps({"url": url, "type": content_type}) + "\n")


def export_hosts(urls: Iterable[str]) -> frozenset[str]:
    """The hosts of the URLs an export names, without "www."."""
    hosts = set()
    for url in urls:
        try:
            host = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            continue
        if host:
            hosts.add(host.removeprefix("www."))
    return frozenset(hosts)
