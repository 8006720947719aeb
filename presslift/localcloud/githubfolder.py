"""The folder of `presslift up --github DIR`, watched: a repository put there while the local cloud runs
is served from then on, as the ones it held at the start are, and `<state dir>/github.json` says so
(`presslift push` reads it). Before, a second site's repository meant restarting `presslift up`.

Only added repositories are looked for (one listing of the folder a second); one that goes away stays
served until the next start, as a repository deleted on GitHub is not the local cloud's to notice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from presslift.gitrepo import GitError, repositories
from standins.github import LocalGitHub

INTERVAL_SECONDS = 1.0


class FolderWatch(threading.Thread):
    def __init__(
        self,
        folder: Path,
        github: LocalGitHub,
        served: dict[str, Path],
        stop: threading.Event,
        *,
        tokens: Iterable[str] = (),
        on_added: Callable[[list[str]], None],
    ) -> None:
        super().__init__(name="github-folder", daemon=True)
        self.folder = folder
        self._github = github
        self._served = served  # the local cloud's own map: what it serves, updated here
        self._halt = stop
        self._tokens = list(tokens)
        self._on_added = on_added

    def run(self) -> None:
        while not self._halt.wait(INTERVAL_SECONDS):
            self.scan()

    def scan(self) -> list[str]:
        """Serve what was added to the folder since the last look; the names served now."""
        try:
            found = repositories(self.folder)
        except (GitError, OSError):
            return []  # the folder emptied or went away for a moment: nothing new to serve
        added = [name for name in found if name not in self._served]
        for name in added:
            self._github.add_git_repo(name, found[name], tokens=self._tokens)
            self._served[name] = found[name].path
        if added:
            self._on_added(added)
        return added
