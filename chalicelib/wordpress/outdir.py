"""Putting a finished conversion into the folder the site owner named, and nothing else there.

A conversion writes into a temporary folder beside the output folder; only when it has all been
written are its files moved into place, one by one. The output folder may hold the site owner's own
work (a `.git/`, a theme, a README): a non-empty folder is refused unless `force`, and even then
only what a conversion wrote is touched. Every conversion leaves a manifest, `.presslift-convert.json`,
listing the files it wrote; the next forced conversion removes those (less what it writes again) and
overwrites what it writes now. Every check runs before the first file moves, so a refused or failed
placement leaves the folder as it was.

This module must never delete or follow anything it did not write: nothing outside the output
folder, nothing under `.git/`, no file missing from the previous manifest; and it must never change
the output folder's mode.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path, PurePosixPath

from chalicelib.errors import ConversionError

MANIFEST = ".presslift-convert.json"
NEVER_TOUCHED = (".git",)


def refuse_unless_empty(out_dir: Path, *, force: bool) -> None:
    """Raises unless `out_dir` is missing, empty, or `force` is given (checked before converting)."""
    if out_dir.is_symlink() and not out_dir.exists():
        raise ConversionError(f"{out_dir} is a symbolic link to nothing")
    if out_dir.exists() and not out_dir.is_dir():
        raise ConversionError(f"{out_dir} is not a folder")
    if not out_dir.exists() or force:
        return
    entries = sum(1 for _ in out_dir.iterdir())
    if entries:
        raise ConversionError(
            f"{out_dir} is not empty ({entries} entries); "
            "pass --force to replace what presslift convert wrote there"
        )


def files_under(folder: Path) -> list[str]:
    """Every file under `folder`, as sorted POSIX paths relative to it (symbolic links count as files,
    as `os.walk` lists them; a conversion writes none)."""
    found: list[str] = []
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found.append(prefix + entry.name)
    return sorted(found)


def _checked(relative: object, where: Path) -> str:
    """A manifest entry, if it is a plain relative path inside the folder and outside `.git/`."""
    path = PurePosixPath(str(relative))
    if (
        not isinstance(relative, str)
        or not relative
        or path.is_absolute()
        or ".." in path.parts
        or "\\" in relative
        or "\x00" in relative
        or path.parts[0] in NEVER_TOUCHED
        or path.as_posix() != relative
    ):
        raise ConversionError(
            f"{where} lists {relative!r}, which is not a file presslift convert writes; "
            "remove the manifest or choose another folder"
        )
    return relative


def previous_files(out_dir: Path) -> list[str]:
    """The files the last conversion into `out_dir` wrote, from its manifest (none without one)."""
    path = out_dir / MANIFEST
    if not path.exists() and not path.is_symlink():
        return []
    if path.is_symlink() or not path.is_file():
        raise ConversionError(f"{path} is not a manifest presslift convert wrote")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConversionError(f"{path} is not a manifest presslift convert wrote ({exc})") from exc
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        raise ConversionError(f"{path} is not a manifest presslift convert wrote (no list of files)")
    return [_checked(entry, path) for entry in files]


def _refuse_unsafe_targets(out_dir: Path, relatives: list[str]) -> None:
    """Every folder on the way to each new file must be a real folder (a symlink could lead
    outside), and no new file may land where a folder is."""
    seen: set[str] = set()
    for relative in relatives:
        parts = PurePosixPath(relative).parts
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix in seen:
                continue
            seen.add(prefix)
            path = out_dir / prefix
            last = depth == len(parts)
            if path.is_symlink() and not last:
                raise ConversionError(
                    f"{path} is a symbolic link; presslift convert will not write through it"
                )
            if path.exists() and not path.is_symlink() and path.is_dir() == last:
                kind = "folder" if last else "file"
                raise ConversionError(
                    f"{path} is a {kind}; presslift convert needs to write {relative} there"
                )


def _refuse_owners_files(out_dir: Path, relatives: list[str], previous: list[str]) -> None:
    """No new file may replace one the previous conversion did not write: the owner's own (a
    `hugo.toml` of theirs was replaced under --force, which promises to replace only what an earlier
    conversion wrote)."""
    ours = set(previous)
    theirs = [r for r in relatives if r not in ours and (out_dir / r).is_file()]
    if theirs:
        shown = ", ".join(theirs[:5]) + (f" and {len(theirs) - 5} more" if len(theirs) > 5 else "")
        raise ConversionError(
            f"{out_dir} holds files of its own that this conversion would write over ({shown}); "
            "move them away, or convert into another folder"
        )


def place(work: Path, out_dir: Path) -> list[str]:
    """Moves every file of the finished conversion in `work` into `out_dir`, removes the files the
    previous conversion wrote that this one did not, records the new manifest; returns its list."""
    written = files_under(work)
    if MANIFEST in written:
        raise ConversionError(f"the conversion wrote its own {MANIFEST}")
    old = previous_files(out_dir) if out_dir.is_dir() else []
    if _is_empty_folder(out_dir):
        # Nothing there to keep, check or overwrite: each top-level entry moves in whole.
        for entry in sorted(os.listdir(work)):
            # A rename where it can (the work folder is beside DIR), a copy when DIR is another mount.
            shutil.move(work / entry, out_dir / entry)
    else:
        _refuse_unsafe_targets(out_dir, written)
        _refuse_owners_files(out_dir, written, old)
        out_dir.mkdir(parents=True, exist_ok=True)
        for relative in written:
            dest = out_dir / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(work / relative, dest)
    keep = set(written)
    for relative in old:
        if relative not in keep:
            _remove_file(out_dir, relative)
    manifest = {"written_by": "presslift convert", "files": written}
    tmp = out_dir / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / MANIFEST)
    return written


def _is_empty_folder(out_dir: Path) -> bool:
    """True when `out_dir` is missing (it is then made, with the usual mode) or an empty real folder."""
    if not out_dir.exists() and not out_dir.is_symlink():
        out_dir.mkdir(parents=True)
        return True
    if out_dir.is_symlink() or not out_dir.is_dir():
        return False
    with os.scandir(out_dir) as entries:
        return next(entries, None) is None


def _remove_file(out_dir: Path, relative: str) -> None:
    """Removes one file a previous conversion wrote, then the folders it leaves empty."""
    parts = PurePosixPath(relative).parts
    folders = [out_dir.joinpath(*parts[:depth]) for depth in range(1, len(parts))]
    # Never through a symlinked folder: the file would be somewhere else.
    if any(folder.is_symlink() for folder in folders):
        return
    path = out_dir / relative
    if path.is_symlink() or path.is_file():
        path.unlink()
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            return
