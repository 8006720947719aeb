"""The folder Chalice packages: `app.py`, `chalicelib/`, `vendor/` (the runtime dependencies, see
`dependencies`) and a generated `.chalice/config.json`, and nothing else, so `presslift/`, tests and
dev dependencies cannot reach the deployment package.

The generated config is the stage from the real one with two changes: the stage's resource names
(complete, from `chalicelib/resources.py`) as its environment, and `manage_iam_role: false`, since
each function gets its own role from the merge template. Chalice's cache of built dependencies
lives in this folder, so repeated packaging reuses it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from presslift.packaging.stage import PROJECT_ROOT, Stage

LAMBDA_SOURCES = ("app.py", "chalicelib")
#: Chalice insists on a role when it does not manage one; every function's Role is replaced by the
#: merge template, and the checks fail if this value survives.
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/presslift-replaced-by-merge-template"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache")


def chalice_config(stage: Stage) -> dict[str, Any]:
    source = stage.config["stages"][stage.name]
    return {
        **{key: value for key, value in stage.config.items() if key != "stages"},
        "stages": {
            stage.name: {
                **source,
                "environment_variables": dict(stage.names),
                "manage_iam_role": False,
                "iam_role_arn": PLACEHOLDER_ROLE,
            }
        },
    }


def assemble(stage: Stage, folder: Path, source: Path = PROJECT_ROOT) -> Path:
    """Refresh `folder` as the Chalice project for `stage`; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in LAMBDA_SOURCES:
        target = folder / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        origin = source / name
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=_IGNORE)
        else:
            shutil.copy2(origin, target)
    config = folder / ".chalice" / "config.json"
    config.parent.mkdir(exist_ok=True)
    config.write_text(json.dumps(chalice_config(stage), indent=2) + "\n")
    return folder
