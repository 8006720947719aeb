"""What the fetch stage adds to a source beyond GitHub's tarball (submodules, vendored Hugo modules):
one line per thing added, one per thing it could not add and why, and the files and bytes in all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.github.api import api_base

#: What making a folder raises when the repository's own files are in the way (a file where it goes).
FOLDER_IN_THE_WAY = (FileExistsError, NotADirectoryError, IsADirectoryError)


@dataclass(frozen=True)
class Reach:
    """How the fetch stage reaches GitHub for what it adds: the token, the REST API ("" for
    `api_base()`), and `seconds(what)`, how long the next download for `what` may take (it raises when
    the stage has no time left: that fails the stage, never just one addition)."""

    token: str | None
    seconds: Callable[[str], float]
    api: str = ""

    @property
    def api_url(self) -> str:
        return (self.api or api_base()).rstrip("/")


@dataclass
class Additions:
    noun: str  # what is added, as the summary names it: "submodule", "Hugo module"
    verb: str  # what was done to it: "fetched", "vendored"
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files: int = 0  # the repository's own files and bytes included: the caps hold for all of them
    bytes: int = 0

    @property
    def held(self) -> tuple[int, int]:
        """The source's files and bytes once these are added: where the next addition's counts start."""
        return self.files, self.bytes

    def summary(self) -> str:
        """For the stage's summary: `2 submodules fetched`, `1 Hugo module vendored, 1 Hugo module not
        vendored`, or nothing when there was nothing to add."""
        parts = []
        if self.done:
            parts.append(f"{count(len(self.done), self.noun)} {self.verb}")
        if self.skipped:
            parts.append(f"{count(len(self.skipped), self.noun)} not {self.verb}")
        return ", ".join(parts)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
