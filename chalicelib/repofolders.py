"""A site in a folder of its repository whose config mounts the repository's other folders.

A docs site often lives in `website/` and mounts the repository's `docs/` (`[[module.mounts]] source =
"../docs"`), or its README. The fetch stage used to send only the site's folder to the build, which
then refused the mount as leaving the source tree, though `docs/` is the repository's own: such a
site could not be built at all, and no setting helped.

Now, where the site's own config points outside its folder but only inside the repository
(`paths_outside`), the fetch stage sends the whole repository, with a marker file at its top,
`SITE_MARKER`, naming the site's folder. The build runner builds that folder (`marked_site`), and
`hugo_policy.check_source_paths` then allows paths anywhere in the repository (`repository_of`), and
still nowhere outside it. The marker is trusted only where it names exactly the folder being built,
from the folder above it: a repository cannot widen what its own site may read beyond itself.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

#: The file at the top of a sent repository that names the site's folder in it (`website`).
SITE_MARKER = ".presslift-site"
MAX_DEPTH = 8  # how many folders above the site the marker is looked for


def mark_site(repository: Path, site: Path) -> None:
    """Writes the marker at the top of `repository` naming `site`, a folder below it."""
    (repository / SITE_MARKER).write_text(site.relative_to(repository).as_posix() + "\n", encoding="utf-8")


def unmark(folder: Path) -> None:
    """Removes a marker the repository itself holds at `folder`'s top (only the fetch stage writes one)."""
    marker = folder / SITE_MARKER
    if marker.is_symlink() or marker.is_file():
        marker.unlink()


def marked_site(root: Path) -> Path:
    """The folder to build in a source extracted at `root`: the one its marker names, or `root`."""
    named = _named(root)
    return root.joinpath(*PurePosixPath(named).parts) if named else root


def repository_of(source: Path) -> Path:
    """The folder the site at `source` may read from: the repository whose marker names it, or itself."""
    source = source.resolve()
    for ancestor in list(source.parents)[:MAX_DEPTH]:
        named = _named(ancestor)
        if named and ancestor.joinpath(*PurePosixPath(named).parts).resolve() == source:
            return ancestor
    return source


def _named(root: Path) -> str:
    marker = root / SITE_MARKER
    if marker.is_symlink() or not marker.is_file():
        return ""
    named = marker.read_text(encoding="utf-8", errors="replace")[:1000].strip()
    parts = PurePosixPath(named).parts
    if not named or PurePosixPath(named).is_absolute() or ".." in parts or "\\" in named:
        return ""
    folder = root.joinpath(*parts)
    if folder.is_symlink() or not folder.is_dir() or not folder.resolve().is_relative_to(root.resolve()):
        return ""
    return named
