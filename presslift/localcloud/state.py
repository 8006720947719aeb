"""The local cloud's state on disk: moto's backends, snapshot to `<state dir>/cloud.state` and restored.

moto 5 keeps every resource in memory and has no persistence of its own (its recorder replays requests,
which would create new distribution ids and new secrets), so the local cloud keeps the backends
themselves: buckets with their objects, queues with their messages (in flight too), topics and
subscriptions, the table with its items, distributions with their ids, and SSM parameters.

Every request to moto but a receive passes a `Gate` (shared); a snapshot waits for the requests in
progress and holds new ones back (exclusive) while it pickles, so no backend is caught half-changed.
A snapshot is taken within a second of any change (`Snapshots`, a thread) and on stop, and is written
to a temporary file, flushed to disk and renamed over the old one: a kill -9 leaves either the
previous snapshot or the new one, never a torn file.

The state file is a pickle: it is the operator's own file in their own folder, read by their own
process; a file that cannot be read is refused with the way out (`presslift up --fresh`).
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import pickle
import re
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

#: The moto services the local cloud uses; only they are kept.
SERVICES = ("s3", "sqs", "sns", "dynamodb", "cloudfront", "ssm")
STATE_FILE = "cloud.state"
LOCK_FILE = "cloud.lock"
FORMAT = 1
#: Beside the state file: S3 object bodies of this size or more, one file each (`Blobs`).
BLOB_DIR = "objects"
BLOB_MIN_BYTES = 4096
BLOB_FIELD = "presslift_blob"
BLOB_NAME = re.compile(r"[0-9a-f]{64}")
#: The blob folder of the state being loaded (`load_backends`), read by `_set_key_state`.
_LOADING: Path | None = None
READ_PREFIXES = ("Get", "List", "Describe", "Scan", "Query", "Receive", "Head", "BatchGet")


class StateError(RuntimeError):
    """The saved state cannot be used; the message says what to do."""


class Gate:
    """A readers-writer lock that lets a waiting writer in first: requests share it, a snapshot takes it
    alone (long polls hold it for their wait, so a snapshot waits at most that long)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def _operation(environ: dict[str, Any], body: bytes) -> str:
    """The AWS operation a request names: JSON protocols in X-Amz-Target, query protocols in Action."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        return target.rsplit(".", 1)[-1]
    if "form-urlencoded" in str(environ.get("CONTENT_TYPE", "")):
        return (parse_qs(body.decode("utf-8", "replace")).get("Action") or [""])[0]
    return (parse_qs(str(environ.get("QUERY_STRING", ""))).get("Action") or [""])[0]


def changes_state(environ: dict[str, Any], body: bytes) -> bool:
    """Whether a request may change what is kept (a receive only moves a message in flight, which a
    restart undoes harmlessly: SQS delivers at least once)."""
    operation = _operation(environ, body)
    if operation:
        return not operation.startswith(READ_PREFIXES)
    return str(environ.get("REQUEST_METHOD", "GET")) not in ("GET", "HEAD", "OPTIONS")


class GatedApp:
    """moto's WSGI app behind the gate; notes every request that changes state (`changed`)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], gate: Gate) -> None:
        self._app = app
        self._gate = gate
        self.changed = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if _operation(environ, body) == "ReceiveMessage":
            # Long polls wait up to their WaitTimeSeconds: behind the gate, every snapshot would stall
            # all requests that long. A receive only marks a message in flight, which a snapshot may
            # catch either way (SQS delivers at least once); a pickle it disturbs is retried.
            return list(self._app(environ, start_response))
        with self._gate.shared():
            if changes_state(environ, body):
                self.changed.set()
            # The whole answer is made inside the gate, so a snapshot never sees half a request.
            return list(self._app(environ, start_response))


class MotoServer:
    """moto's server on a background thread (as `ThreadedMotoServer`), its requests passing `gate`."""

    def __init__(self, host: str, port: int, gate: Gate) -> None:
        from presslift.localcloud.motoapp import moto_app, moto_server
        from presslift.localcloud.motoguard import LocalCallersOnly

        self.app = GatedApp(moto_app(), gate)
        self._server = moto_server(host, port, LocalCallersOnly(self.app))
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def _ssm_tags() -> defaultdict[Any, Any]:
    """The inner map of SSM's resource tags (moto makes it with a lambda, which pickle cannot name)."""
    return defaultdict(dict)


def _new_defaultdict(cls: type[defaultdict[Any, Any]], factory: Any) -> defaultdict[Any, Any]:
    """An empty `cls` (a defaultdict, perhaps a subclass whose __init__ takes other arguments, as
    SSM's ParameterDict); pickle then restores its attributes and items."""
    made = cls.__new__(cls)
    defaultdict.__init__(made, factory)
    return made


class Blobs:
    """The S3 object bodies of a state, one file each in `folder`, named by their content's SHA-256.

    A snapshot names them instead of holding them, so it costs the objects that changed, not the
    whole store: a local cloud with a few sites holds gigabytes (their trees, their published files),
    which were pickled again, in memory and under the gate, within a second of every change. A body is
    read and hashed once per S3 object (`FakeKey`; moto makes a new one for every write): the object is
    known again by identity, size, etag and time, as long as it lives. Bodies no snapshot names are
    removed once a newer snapshot is on disk (`prune`). Small bodies stay in the pickle.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._known: dict[int, tuple[Any, tuple[Any, ...], str]] = {}
        self._named: set[str] = set()
        self._seen: set[int] = set()

    def begin(self) -> None:
        self._named, self._seen = set(), set()

    def name_of(self, key: Any) -> str | None:
        """The blob holding `key`'s body (written now if new), or None for a body kept inline."""
        mark = (
            getattr(key, "contentsize", None),
            key.__dict__.get("_etag"),
            key.__dict__.get("last_modified"),
        )
        known = self._known.get(id(key))
        if known is not None and known[0] is key and known[1] == mark:
            name = known[2]
        else:
            try:
                value = key.value
            except ValueError:  # its buffer is closed (moto disposed of it): pickled as moto does
                return None
            if len(value) < BLOB_MIN_BYTES:
                return None
            name = hashlib.sha256(value).hexdigest()
            path = self.folder / name
            if not path.is_file():
                self.folder.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
                temporary.write_bytes(value)
                os.replace(temporary, path)
            self._known[id(key)] = (key, mark, name)
        self._named.add(name)
        self._seen.add(id(key))
        return name

    def prune(self) -> None:
        """After a snapshot is on disk: forget objects it did not hold, remove bodies it does not name."""
        self._known = {ident: known for ident, known in self._known.items() if ident in self._seen}
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self._named and not path.name.startswith("."):
                path.unlink(missing_ok=True)


def _new_key(cls: Any) -> Any:
    return object.__new__(cls)


def _set_key_state(key: Any, state: dict[str, Any]) -> None:
    """A saved S3 object with its body read back from the blob its state names."""
    name = state.pop(BLOB_FIELD)
    try:
        if _LOADING is None or not BLOB_NAME.fullmatch(name):
            raise OSError(name)
        state["value"] = (_LOADING / name).read_bytes()
    except OSError as exc:
        key.disposed = True  # a shell moto's finaliser must not mistake for a live object
        raise StateError(f"an S3 object's body ({name!r}) is not in the state's {BLOB_DIR}/ folder") from exc
    key.__setstate__(state)


class _Pickler(pickle.Pickler):
    """Pickles moto's backends: locks and conditions are made anew, defaultdicts are rebuilt whatever
    their __init__ takes, SSM's lambda-made factory is replaced by `_ssm_tags`, and with `blobs` an S3
    object's body is kept as a file of its own (`Blobs`)."""

    def __init__(self, file: IO[bytes], blobs: Blobs | None = None) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._blobs = blobs

    def reducer_override(self, obj: Any) -> Any:
        if self._blobs is not None and type(obj).__name__ == "FakeKey" and hasattr(obj, "_value_buffer"):
            name = self._blobs.name_of(obj)
            if name is not None:
                state = {k: v for k, v in obj.__dict__.items() if k not in ("_value_buffer", "lock")}
                return _new_key, (type(obj),), {**state, BLOB_FIELD: name}, None, None, _set_key_state
        if isinstance(obj, type(threading.Lock())):
            return threading.Lock, ()
        if isinstance(obj, type(threading.RLock())):
            return threading.RLock, ()
        if isinstance(obj, threading.Condition):
            return threading.Condition, ()
        if not isinstance(obj, defaultdict):
            return NotImplemented
        factory = obj.default_factory
        if "<lambda>" in getattr(factory, "__qualname__", ""):
            if "SimpleSystemManagerBackend" not in getattr(factory, "__qualname__", ""):
                return NotImplemented  # unknown: pickle says which, the snapshot is not written
            factory = _ssm_tags
        elif type(obj) is defaultdict:
            return NotImplemented
        return _new_defaultdict, (type(obj), factory), getattr(obj, "__dict__", None), None, iter(obj.items())


def dump_backends(blobs: Blobs | None = None) -> bytes:
    """Every kept service's backends (all accounts and regions) as one pickle; with `blobs`, large S3
    object bodies are files of their own that it names."""
    from moto.backends import get_backend

    backends = {
        service: {
            account: dict(regions.items())
            for account, regions in get_backend(service).items()  # type: ignore[call-overload]
        }
        for service in SERVICES
    }
    # Bucket names are global: moto keeps which account owns each beside the backends.
    owners = dict(get_backend("s3").bucket_accounts)  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    if blobs is not None:
        blobs.begin()
    _Pickler(buffer, blobs).dump(
        {"format": FORMAT, "moto": version("moto"), "backends": backends, "bucket_owners": owners}
    )
    return buffer.getvalue()


def load_backends(path: Path) -> int:
    """Put the backends saved in `path` into moto; the number of service backends restored."""
    from moto.backends import get_backend

    global _LOADING
    _LOADING = path.parent / BLOB_DIR
    try:
        saved = pickle.loads(path.read_bytes())  # the operator's own state file
    except Exception as exc:
        raise StateError(
            f"cannot read the saved local cloud state {path}: {exc}. Move it away to keep it, "
            "or start empty with presslift up --fresh"
        ) from exc
    finally:
        _LOADING = None
    if not isinstance(saved, dict) or saved.get("format") != FORMAT or "backends" not in saved:
        raise StateError(
            f"{path} is not a Presslift local cloud state; start empty with presslift up --fresh"
        )
    if saved.get("moto") != version("moto"):
        raise StateError(
            f"{path} was saved by moto {saved.get('moto')}, this is moto {version('moto')}: its state "
            "cannot be read back; start empty with presslift up --fresh"
        )
    restored = 0
    for service, accounts in saved["backends"].items():
        if service not in SERVICES:
            continue
        for account, regions in accounts.items():
            for region, backend in regions.items():
                get_backend(service)[account][region] = backend
                restored += 1
    get_backend("s3").bucket_accounts.update(saved.get("bucket_owners") or {})  # type: ignore[attr-defined]
    return restored


def private_folder(folder: Path) -> None:
    """Make `folder` (the local cloud's state: webhook secrets, the GitHub token, approval emails with
    their tokens) readable by its owner alone, as `~/.aws` is."""
    os.chmod(folder, 0o700)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves the old file or the new one, whole; its owner's
    to read alone (the state holds the pipeline's secrets)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class Snapshots(threading.Thread):
    """Saves the backends to `path` within `seconds` of any change, and once more on `stop`."""

    def __init__(self, path: Path, gate: Gate, changed: threading.Event, seconds: float = 1.0) -> None:
        super().__init__(name="state-snapshots", daemon=True)
        self.path = path
        self._gate = gate
        self._changed = changed
        self._seconds = seconds
        self._blobs = Blobs(path.parent / BLOB_DIR)
        self._halt = threading.Event()
        self._write_lock = threading.Lock()
        self.saved = 0
        #: The last snapshot's error, "" while snapshots succeed.
        self.failing = ""

    def run(self) -> None:
        while not self._halt.wait(self._seconds):
            if self._changed.is_set():
                self.save()

    def save(self) -> None:
        with self._write_lock:
            try:
                with self._gate.exclusive():
                    self._changed.clear()
                    data = dump_backends(self._blobs)
                write_atomically(self.path, data)
            except Exception as exc:
                self._changed.set()  # try again next time; the previous snapshot stays as it was
                if self.failing != repr(exc):  # once per cause, not every second
                    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                        # One line, not a traceback: a full disk is the operator's to free.
                        log.warning(
                            "cannot save the local cloud's state to %s: %s; free space (what changed "
                            "since the last save is lost if it stops before then)",
                            self.path,
                            (exc.strerror or str(exc)).lower(),
                        )
                    else:
                        log.exception("could not snapshot the local cloud's state to %s", self.path)
                self.failing = repr(exc)
                return
            self._blobs.prune()  # bodies only an older snapshot named
            self.failing = ""
            self.saved += 1

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout=30)
        self.save()


def hold_state_lock(state_dir: Path) -> IO[bytes]:
    """An exclusive lock on `state_dir` for this process's life (closing the file releases it): two
    local clouds saving into one state would overwrite each other's snapshots."""
    import fcntl

    handle = open(state_dir / LOCK_FILE, "wb")  # noqa: SIM115 - held open until stop
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        raise StateError(
            f"another presslift up is using the state in {state_dir}: stop it, or give this one "
            "its own --state-dir"
        ) from exc
    return handle


def start_fresh(state_dir: Path) -> Path | None:
    """`presslift up --fresh`: set the saved state aside (as `cloud.state.previous`, its object bodies
    as `objects.previous/`, so a mistaken --fresh can be undone by renaming both back); the path it
    was moved to, if there was one."""
    current = state_dir / STATE_FILE
    if not current.exists():
        return None
    previous = state_dir / f"{STATE_FILE}.previous"
    os.replace(current, previous)
    bodies, kept = state_dir / BLOB_DIR, state_dir / f"{BLOB_DIR}.previous"
    if bodies.is_dir():
        shutil.rmtree(kept, ignore_errors=True)
        os.replace(bodies, kept)
    return previous
