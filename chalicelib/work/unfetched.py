"""A failed build, told with what the fetch stage could not add to the source.

A theme's submodule the token could not read, a Hugo module not vendored, a Git LFS file over the
quota: the runner sees only that a theme or file is missing, and its advice ("add it as a git
submodule") cannot say the theme is one already. So where the build's error names what is missing
(its folder's or file's name, or Hugo's words for a missing theme, module, template or file), the
error leads with what the fetch stage could not add. Where it does not (a real site's bad front
matter dates, beside a `.gitmodules` entry left over from a theme it now takes as a module), the
error is Hugo's, and what was not added follows it, said to be unrelated (an operator read it as the cause).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from chalicelib.errors import BuildError
from chalicelib.runs import Run

UNFETCHED = ("submodule-not-fetched", "module-not-vendored", "lfs-file-not-fetched")
MAX_UNFETCHED = 3
#: Hugo's words for something missing from the source.
MISSING = re.compile(
    r"not found|no such file|found no layout|failed to load modules|module \S+ not|\btheme\b|"
    r"does not exist|not a (?:theme|module)|not in (?:the repository|its themes)",
    re.I,
)
#: What a note names first: the folder or file the fetch stage could not add.
NAMED = re.compile(r"[^\s:(]+")


def fetch_left_out(run: Run) -> list[str]:
    """The fetch stage's warnings of what it could not add to the source (a submodule, a module, an
    LFS file), themes before files."""
    fetched = run.stage("fetch").detail if run.has_stage("fetch") else {}
    found = [
        (UNFETCHED.index(str(warning.get("code"))), str(warning.get("message")))
        for warning in fetched.get("warning_list", [])
        if isinstance(warning, dict) and warning.get("code") in UNFETCHED
    ]
    return [message for _, message in sorted(found, key=lambda found: found[0])]


def with_unfetched(failed: BuildError, run: Run) -> BuildError:
    """`failed`, led by what the fetch stage could not add to the source where its error names
    something missing, else followed by it; the notes whose names the error holds come first (a
    theme's submodule was "and 16 more" after a site's LFS images)."""
    notes = sorted(fetch_left_out(run), key=lambda note: not _named_in(note, str(failed).lower()))
    if not notes:
        return failed
    more = f" and {len(notes) - MAX_UNFETCHED} more" if len(notes) > MAX_UNFETCHED else ""
    said = "; ".join(notes[:MAX_UNFETCHED]) + more
    if not _names_what_is_missing(str(failed), notes):
        return BuildError(
            f"{failed} (unrelated to it, the fetch stage could not add {said})", log_tail=failed.log_tail
        )
    return BuildError(
        f"the fetch stage could not add {said}; the build failed without it: {failed}",
        log_tail=failed.log_tail,
    )


def _hidden(note: str) -> bool:
    """Whether the note names a path under a hidden top folder (`.github/vale`, `.vale`), which Hugo
    does not read."""
    named = NAMED.match(note)
    path = named.group(0) if named else ""
    return path.startswith(".") and not path.startswith("./")


def _names_what_is_missing(error: str, notes: list[str]) -> bool:
    """Whether `error` is about something missing: Hugo's words for it, or the name of a folder or
    file a note says was not added (its last part: a theme's `ananke`, an image's `hero.png`)."""
    # A folder Hugo never reads (`.github/vale`, a linter's submodule) is no build's cause.
    notes = [note for note in notes if not _hidden(note)]
    if not notes:
        return False
    if MISSING.search(error):
        return True
    lowered = error.lower()
    return any(_named_in(note, lowered) for note in notes)


def _named_in(note: str, lowered: str) -> bool:
    """Whether the lower-cased error `lowered` holds the last part of what `note` names (`perplex`)."""
    named = NAMED.match(note)
    name = PurePosixPath(named.group(0)).name.lower() if named else ""
    return len(name) >= 3 and name in lowered
