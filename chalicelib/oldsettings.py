"""Config settings Hugo renamed and no longer reads by their old names, given by their new ones.

Hugo 0.128 moved `paginate` and `paginatePath` into a `[pagination]` table (`pagerSize`, `path`), and
Hugo 0.168 ignores the old names without a word: a site with `paginate = 5` shows 10 posts a page, and
one with `paginatePath = "seite"` moves every later list page from /seite/2/ to /page/2/, breaking the
addresses visitors and search engines have. The fetch stage writes the old settings under their new
names into the build's copy of the site (never the repository): `config/_default/pagination.toml` (or
beside the environment's own config file that set them), which Hugo merges with the rest. A site that
has a `[pagination]` table of its own, anywhere, keeps it as it is. One note per file.

This module reads the site's own config files (never its themes': Hugo never took these from a theme)
and writes only below its `config/` folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, CONFIG_SUFFIXES, component_configs
from chalicelib.removedfeatures import quoted

#: Old top-level name (lower case) -> its name in [pagination].
RENAMED = {"paginate": "pagerSize", "paginatepath": "path"}
_PATH = re.compile(r"[\w-]{1,64}")


def give_renamed_settings(site_root: Path) -> list[str]:
    """Write each old pagination setting of the site's config under its new name; the notes."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return []  # Hugo says what is wrong with it
    if any(str(key).lower() == "pagination" for _, config in configs for key in config):
        return []
    notes = []
    for path, config in configs:
        found = {
            RENAMED[str(key).lower()]: (str(key), value)
            for key, value in config.items()
            if str(key).lower() in RENAMED and _valid(RENAMED[str(key).lower()], value)
        }
        if not found:
            continue
        folder = site_root / CONFIG_DIR / "_default" if path.parent == site_root else path.parent
        targets = [folder / f"pagination{suffix}" for suffix in CONFIG_SUFFIXES]
        if any(t.exists() or t.is_symlink() for t in targets) or folder.is_symlink():
            continue
        lines = [f"{new} = {quoted(value)}" for new, (_, value) in sorted(found.items())]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pagination.toml").write_text(
            "# Presslift: the site's old pagination settings, by the names Hugo reads now\n"
            + "\n".join(lines)
            + "\n",
            encoding="utf-8",
        )
        given = ", ".join(f"{old} = {json.dumps(value)}" for _, (old, value) in sorted(found.items()))
        renamed = ", ".join(f"pagination.{new}" for new in sorted(found))
        notes.append(
            f"{path.relative_to(site_root).as_posix()} sets {given}, which Hugo no longer reads (it would "
            f"build with its defaults, without a word): built with {renamed} (set those there instead)"
        )
    return notes


def _valid(new: str, value: object) -> bool:
    if new == "pagerSize":
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100_000
    return isinstance(value, str) and _PATH.fullmatch(value) is not None
