"""The --github folder, watched: repositories added later are served; a folder gone is not an error."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

from presslift.localcloud.githubfolder import FolderWatch


class Served:
    def __init__(self) -> None:
        self.repos: dict[str, object] = {}

    def add_git_repo(self, name: str, git: object, *, tokens: object = ()) -> None:
        self.repos[name] = git


def repo(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    return path


def test_only_what_was_added_is_served_and_announced(tmp_path: Path) -> None:
    repo(tmp_path / "one")
    github, announced = Served(), []
    served = {"local/one": tmp_path / "one"}
    watch = FolderWatch(tmp_path, github, served, threading.Event(), on_added=announced.append)  # type: ignore[arg-type]
    assert watch.scan() == []
    repo(tmp_path / "two")
    assert watch.scan() == ["local/two"] and announced == [["local/two"]]
    assert set(github.repos) == {"local/two"} and served["local/two"] == tmp_path / "two"
    assert watch.scan() == []


def test_a_folder_that_empties_or_goes_away_serves_nothing_new(tmp_path: Path) -> None:
    folder = tmp_path / "repos"
    repo(folder / "one")
    watch = FolderWatch(folder, Served(), {"local/one": folder / "one"}, threading.Event(), on_added=print)  # type: ignore[arg-type]
    shutil.rmtree(folder / "one")
    assert watch.scan() == []
    shutil.rmtree(folder)
    assert watch.scan() == []
