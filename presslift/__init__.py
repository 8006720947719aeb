"""Presslift on an operator's machine: the CLI and the local cloud. Never packaged into Lambda."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("presslift")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0.1.0+checkout"
