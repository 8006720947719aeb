"""Shared test helpers: where the shared fixtures are, free ports, fresh AWS credentials."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.fixture
def shared_fixtures() -> Path:
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(
            f"the shared fixtures are not at {SHARED_FIXTURES} (they come with the team's shared/ folder)"
        )
    return SHARED_FIXTURES


#: Where test servers listen: below the kernel's ephemeral range (Linux: 32768-60999), which outgoing
#: connections draw their local ports from. A port taken from that range by binding port 0 can be
#: handed to some client's connection before the server binds it ("Address already in use").
SERVER_PORTS = range(20000, 32000)


def png(width: int, height: int, shade: int) -> bytes:
    """A tiny valid grey PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    """`files` ({relative path: bytes}) written under `root`."""
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def tree_files(root: Path) -> dict[str, bytes]:
    """Every file under `root`, {relative path: bytes}, to compare trees byte for byte."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def packaged_once(tmp_path_factory: pytest.TempPathFactory, stage: str = "prod") -> Any:
    """`make package`'s output for `stage`, built once per test run, whichever worker asks first.

    The packaging tests and the packaged local cloud read the same package, and building it takes most
    of a minute: the first worker to ask builds it under a lock in the run's temporary folder (shared
    by pytest-xdist's workers), the others wait and read it. Readers never change it."""
    import fcntl
    import pickle

    from presslift.packaging.package import package

    base = tmp_path_factory.getbasetemp()
    run_dir = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out, done = run_dir / "shared-package" / stage, run_dir / "shared-package" / f"{stage}.pickle"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(run_dir / "shared-package" / f"{stage}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return pickle.loads(done.read_bytes())
        packaged = package(stage, out)
        done.write_bytes(pickle.dumps(packaged))
        return packaged


def free_port() -> int:
    """A loopback port nothing listens on, outside the ephemeral range (see SERVER_PORTS)."""
    for _ in range(200):
        port = random.choice(SERVER_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {SERVER_PORTS}")


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server of this process on a loopback port the kernel picks as it binds (so nothing else
    can hold it); its endpoint URL. It shares moto's in-process state with any earlier test on this
    worker, so it starts from a reset: what a test lists is what it made."""
    from moto.moto_api import _internal

    from presslift.localcloud.motoapp import serving

    with serving("127.0.0.1") as endpoint:
        _internal.moto_api_backend.reset()
        yield endpoint


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach real AWS: fake credentials, and no profile from the developer's machine."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ.get("PRESSLIFT_TEST_KEY_ID", "testing"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through selenium; skipped without it, except under CI=true."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        message = (
            f"headless browser test needs {' and '.join(missing)} (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    # The console, for tests that look for Content-Security-Policy violations (`driver.get_log`).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_window_size(1100, 900)
    try:
        yield driver
    finally:
        driver.quit()


def save_screenshot(driver: Any, name: str) -> Path:
    """Keep what the page looked like as a test artifact (test-artifacts/ is not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


class _Body:
    """The raw body of an injected answer, as botocore reads a urllib3 response."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def aws_answers(
    client: Any, operation: str, status: int, code: str, *, only: set[int] | None = None
) -> list[str]:
    """The service answers `client`'s `operation` with `status` and error `code` at the HTTP level (every
    attempt, or the `only` ones, counted from 1 over all attempts), so botocore's retry policy meets it
    as it would meet AWS's; the URLs of every attempt sent (the others go on, to moto under mock_aws)."""
    sent: list[str] = []
    lock = threading.Lock()

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        with lock:
            sent.append(request.url)
            number = len(sent)
        if only is not None and number not in only:
            return None
        body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
        if client.meta.service_model.protocol in ("json", "rest-json"):
            body = json.dumps({"__type": code, "message": "injected"}).encode()
        return AWSResponse(request.url, status, {"x-amzn-errortype": code}, _Body(body))

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"before-send.{service}.{operation}", answer)
    return sent


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's backoff delays, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=slept.append))
    return slept
