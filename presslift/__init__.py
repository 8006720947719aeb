"""Presslift on an operator's machine: the CLI and the local cloud. Never packaged into Lambda."""

from __future__ import annotations

from pathlib import Path

#: Where the local cloud keeps its state unless told otherwise (`presslift up --state-dir`).
LOCAL_STATE_DIR = Path(".presslift")


def __getattr__(name: str) -> str:
    # The version is looked up when asked for: importlib.metadata costs every command 20 ms at start.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("presslift")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0.1.0+checkout"
