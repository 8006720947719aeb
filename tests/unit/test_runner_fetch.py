"""The build runner fetches the job's source and the site's kept Hugo cache side by side, over real HTTP
on loopback (as from presigned URLs): neither waits for the other, and a failed source is still the
job's failure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chalicelib.artifacts import pack
from chalicelib.buildrunner.hugocache import pack_cache
from chalicelib.buildrunner.job import BuildJob
from chalicelib.buildrunner.render import _source_and_cache
from chalicelib.errors import BuildError
from chalicelib.hugo import RESOURCE_DIR

VERSION = "0.150.0"
#: How long the source's answer waits for the cache to be asked for: far longer than the fetch takes.
PATIENCE = 20.0


class Answers:
    """What the loopback server answers: the source (after the cache was asked for, or PATIENCE), the
    cache; and whether the source saw the cache asked for while it waited."""

    def __init__(self, source: bytes, cache: bytes, source_status: int = 200) -> None:
        self.source, self.cache, self.source_status = source, cache, source_status
        self.cache_asked = threading.Event()
        self.overlapped: bool | None = None


@pytest.fixture
def serve() -> Iterator[object]:
    servers: list[ThreadingHTTPServer] = []

    def start(answers: Answers) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/cache":
                    answers.cache_asked.set()
                    status, body = 200, answers.cache
                else:
                    answers.overlapped = answers.cache_asked.wait(PATIENCE)
                    status, body = answers.source_status, answers.source
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def archives(tmp_path: Path) -> tuple[bytes, bytes]:
    """A source tarball with a config and a post, and a kept cache with one processed image."""
    source = tmp_path / "site"
    (source / "content").mkdir(parents=True)
    (source / "hugo.toml").write_text('title = "T"\n')
    (source / "content" / "post.md").write_text("---\ntitle: P\n---\nText\n")
    kept = tmp_path / "kept"
    image = kept / RESOURCE_DIR / "_gen" / "images" / "photo_hu1.jpg"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\xff\xd8" + bytes(4096))
    return (
        pack(source, tmp_path / "source.tar.gz").read_bytes(),
        pack_cache(kept, VERSION, tmp_path / "cache.tar.gz").read_bytes(),
    )


def job(base: str) -> BuildJob:
    return BuildJob(f"{base}/source", f"{base}/trees", f"{base}/log", (), site="s", cache_url=f"{base}/cache")


def test_the_source_and_the_cache_are_fetched_side_by_side(serve, tmp_path):
    answers = Answers(*archives(tmp_path))
    work = tmp_path / "work"
    work.mkdir()

    source, cache = _source_and_cache(job(serve(answers)), work, VERSION)

    assert answers.overlapped is True, "the source's answer waited and the cache was never asked for"
    assert (source / "hugo.toml").read_text() == 'title = "T"\n'
    assert (source / "content" / "post.md").is_file()
    assert cache.note.startswith("cache restored ("), cache.note
    assert (work / RESOURCE_DIR / "_gen" / "images" / "photo_hu1.jpg").read_bytes().startswith(b"\xff\xd8")


def test_a_source_that_cannot_be_fetched_fails_the_job_after_the_cache_is_done(serve, tmp_path):
    _, cache = archives(tmp_path)
    answers = Answers(b"gone", cache, source_status=404)
    work = tmp_path / "work"
    work.mkdir()

    with pytest.raises(BuildError, match="could not fetch its source"):
        _source_and_cache(job(serve(answers)), work, VERSION)

    assert answers.overlapped is True
    # The cache's restore had finished (it was waited for) before the failure was raised.
    assert (work / RESOURCE_DIR / "_gen" / "images" / "photo_hu1.jpg").is_file()
