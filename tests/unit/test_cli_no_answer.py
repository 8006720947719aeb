"""An operator's command at an endpoint that takes the connection and never answers stops after a
few short waits with one line saying so; it used to wait 60 s five times (the functions' clients)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.unit.clirun import presslift


@pytest.fixture
def silent_endpoint() -> Iterator[int]:
    """A TCP port that accepts every connection and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_an_endpoint_that_never_answers_is_given_up_on_in_one_line(silent_endpoint: int) -> None:
    done = presslift(
        "site", "list", PRESSLIFT_AWS_PORT=str(silent_endpoint), PRESSLIFT_AWS_READ_TIMEOUT="0.3"
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: no answer from http://127.0.0.1:{silent_endpoint}/ in time (tried 3 times): is it the"
        " right endpoint? On a slow link, set PRESSLIFT_AWS_READ_TIMEOUT (seconds, 20 by default)"
    ]


@pytest.mark.parametrize("value", ["soon", "0", "-1", "nan", "901"])
def test_a_wait_that_is_not_a_number_of_seconds_is_refused(value: str) -> None:
    done = presslift("site", "list", PRESSLIFT_AWS_READ_TIMEOUT=value)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: PRESSLIFT_AWS_READ_TIMEOUT={value!r}")
