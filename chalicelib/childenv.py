"""The environment of every program the pipeline starts on a repository's input.

Hugo (with the repository's config and templates), Pagefind (over the pages they rendered) and a code
site's `check` command all run code or configuration that whoever can push wrote. They get an
environment built here from an allowlist (what a program needs to start: PATH, the locale, the time
zone, the layer's library path) plus HOME and TMPDIR inside the build's own scratch folder and the
variables the caller names (`HUGO_*` that Presslift sets, `PYTHONPATH` for a check).

This module must never pass on anything else from the function's environment: not AWS_* (the role's
keys), not PRESSLIFT_* (resource names, the webhook secret and GitHub token when set locally), not any
variable it does not name. A new need is a new name in `INHERITED`, never a blocklist.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# What a program needs from the function's environment to start and behave: where programs are, the
# layer's shared libraries (Lambda puts /opt/lib there), the locale and the time zone (Lambda sets TZ).
INHERITED = ("PATH", "LD_LIBRARY_PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
# Names a caller may never set either: a caller that forwards a mapping must not forward a key.
_NEVER = ("AWS_", "PRESSLIFT_")


def child_environment(
    home: Path, extra: Mapping[str, str] | None = None, *, parent: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment for a program started on repository input: the allowlist, HOME and TMPDIR at
    `home` (created if absent), then `extra`. `parent` is the environment to take the allowlist from
    (by default this process's)."""
    parent = os.environ if parent is None else parent
    home.mkdir(parents=True, exist_ok=True)
    env = {name: parent[name] for name in INHERITED if parent.get(name)}
    env.setdefault("PATH", DEFAULT_PATH)
    env["HOME"] = str(home)
    env["TMPDIR"] = str(home)
    for name, value in (extra or {}).items():
        if name.upper().startswith(_NEVER):
            raise ValueError(f"{name} may not be passed to a program started on repository input")
        env[name] = value
    return env
