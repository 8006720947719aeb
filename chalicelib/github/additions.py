"""What the fetch stage adds to a source beyond GitHub's tarball (submodules, vendored Hugo modules):
one line per thing added, one per thing it could not add and why, and the files and bytes in all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from chalicelib.errors import NotFoundError, PipelineError, UnauthorizedError
from chalicelib.github.api import api_base
from chalicelib.github.tarball import MAX_SOURCE_BYTES, MAX_SOURCE_FILES, Source, download_tarball

T = TypeVar("T")

#: What making a folder raises when the repository's own files are in the way (a file where it goes).
FOLDER_IN_THE_WAY = (FileExistsError, NotADirectoryError, IsADirectoryError)


#: Said when a repository the token was not sent for could not be read.
WITHHELD = (
    "the pipeline's GitHub token is sent only for the site's own repository and those its operator "
    "allows (presslift site update SITE --private-sources OWNER/REPO); a public one needs none"
)


@dataclass(frozen=True)
class Reach:
    """How the fetch stage reaches GitHub for what it adds: the token, the REST API ("" for
    `api_base()`), and `seconds(what)`, how long the next download for `what` may take (it raises when
    the stage has no time left: that fails the stage, never just one addition).

    `trusted` names the repositories the token is sent for (OWNER/REPO, or OWNER/* for all of an
    owner's, any case): the site's own and those its operator allows. A submodule or a module a pushed
    repository names elsewhere is fetched without it: public ones still come, and a pusher cannot
    publish a private repository the token reads (an organisation's token reads all of them). None
    sends it for every repository (tools, tests)."""

    token: str | None
    seconds: Callable[[str], float]
    api: str = ""
    trusted: tuple[str, ...] | None = None

    @property
    def api_url(self) -> str:
        return (self.api or api_base()).rstrip("/")

    def token_for(self, repo: str) -> str | None:
        """The token, if it may be sent to read `repo` (OWNER/REPO)."""
        if self.token is None or self.trusted is None:
            return self.token
        wanted = repo.strip("/").lower()
        owner_all = wanted.split("/", 1)[0] + "/*"
        return self.token if any(p.lower() in (wanted, owner_all) for p in self.trusted) else None

    def withheld(self, repo: str) -> bool:
        """Whether a token exists that is not sent for `repo`."""
        return self.token is not None and self.token_for(repo) is None


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

    def tarball(self, reach: Reach, repo: str, ref: str, dest: Path, timeout: float) -> Source:
        """`repo` at `ref` extracted into `dest`, within what is left of the repository's caps, and
        counted."""
        try:
            source = download_tarball(
                reach.api_url,
                repo,
                ref,
                dest,
                token=reach.token_for(repo),
                max_bytes=max(0, MAX_SOURCE_BYTES - self.bytes),
                max_files=max(0, MAX_SOURCE_FILES - self.files),
                timeout=timeout,
            )
        except (NotFoundError, UnauthorizedError) as exc:
            if reach.withheld(repo):
                raise type(exc)(f"{exc} ({WITHHELD})") from exc
            raise
        self.files += source.files
        self.bytes += source.bytes
        return source

    def attempt(self, shown: str, action: Callable[[], T]) -> T | None:
        """`action()`; or None, with a line in `skipped` saying why, when GitHub refused or lacked what
        it asked for, a cap was reached, or a file of the repository is where a folder must go. (GitHub
        being unavailable, and the stage running out of time, are not caught: the stage is retried or
        fails.)"""
        try:
            return action()
        except PipelineError as exc:
            self.skipped.append(f"{shown}: {exc}")
        except FOLDER_IN_THE_WAY as exc:
            self.skipped.append(f"{shown}: its folder cannot be made there ({exc.strerror})")
        return None

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
