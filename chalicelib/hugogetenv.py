"""Which environment variables a site's templates may read with `getenv`: `HUGO_*`, and the names the
site's own config (or its theme's, or a vendored module's) allows that can never be a secret.

Presslift sets Hugo's `security.funcs.getenv` over every config (hugo_policy.security_env), and it was
`^HUGO_` alone: every site on Wowchemy/HugoBlox Academic v5 failed, because its module reads
`getenv "WC_POST_CSS"` and allows `^WC_` in its own hugo.yaml (three real repositories; plain Hugo
builds them). Hugo's environment here holds nothing secret anyway (childenv.py: an allowlist, never
AWS_* or PRESSLIFT_*), so a name the site allows reads as unset (""), as these templates expect. A
pattern that would also allow a name a secret goes by (`.*`, `^AWS_`) is not taken: the repository still
cannot loosen the policy to that.

Never: take a pattern Python cannot compile, or one that matches any of `GUARDED`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: Names of the kind a secret goes by, on AWS and here: a site pattern matching any is refused.
GUARDED = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_LAMBDA_FUNCTION_NAME",
    "PRESSLIFT_WEBHOOK_SECRET",
    "PRESSLIFT_GITHUB_TOKEN",
    "GITHUB_TOKEN",
    "HOME",
    "PATH",
    "TMPDIR",
    "_HANDLER",
    "LAMBDA_TASK_ROOT",
)
MAX_PATTERNS = 20
ALWAYS = "^HUGO_"


def getenv_policy(configs: Iterable[tuple[Path, Mapping[str, Any]]]) -> str:
    """Hugo's `security.funcs.getenv` for a site whose config files are `configs` (one RE2 pattern)."""
    taken: list[str] = []
    for path, config in configs:
        for pattern in _patterns(path, config):
            if pattern not in (ALWAYS, *taken) and len(taken) < MAX_PATTERNS and _harmless(pattern):
                taken.append(pattern)
    return "|".join(f"(?:{pattern})" for pattern in [ALWAYS, *taken]) if taken else ALWAYS


def _patterns(path: Path, config: Mapping[str, Any]) -> list[str]:
    """The getenv patterns one config file gives (`security.funcs.getenv`, or `funcs.getenv` in a
    config folder's security file)."""
    security = config if path.stem.lower() == "security" else _table(config, "security")
    value = _table(security, "funcs").get("getenv") if security else None
    listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(item) for item in listed if isinstance(item, str) and 0 < len(item) <= 200]


def _table(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = next((v for k, v in config.items() if str(k).lower() == key), None)
    return value if isinstance(value, Mapping) else {}


def _harmless(pattern: str) -> bool:
    """Whether `pattern` allows no name a secret goes by (and is a regular expression at all)."""
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError):
        return False
    return not any(compiled.search(name) for name in GUARDED)
