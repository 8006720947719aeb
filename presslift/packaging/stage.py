"""A Chalice stage's resource names and function settings, from `.chalice/config.json` and
`chalicelib/resources.py`.

Names a stage sets explicitly win; a name it leaves out is the local cloud's default with the stage
in it (`presslift-build` -> `presslift-prod-build`), so a resource added to `resources.py` needs no
config edit. Pure: reads one file, never talks to AWS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib import resources

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT_ROOT / ".chalice" / "config.json"
#: Values the stack computes (topic ARN, distribution ids, URLs): never fixed names in config.
STACK_VALUES: frozenset[str] = frozenset(
    {
        resources.APPROVALS_TOPIC.name,
        resources.API_URL.name,
        *(var.name for var in resources.DISTRIBUTIONS.values()),
        *(var.name for var in resources.SITE_URLS.values()),
    }
)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


class StageError(ValueError):
    """The stage cannot be packaged as configured; the message says which setting and why."""


@dataclass(frozen=True)
class Stage:
    name: str
    config: Mapping[str, Any]  # the whole config.json, for Chalice's own lookups
    names: Mapping[str, str]  # environment variable -> fixed resource name (buckets, queues, table)
    notes: tuple[str, ...]  # what was adjusted, for the packaging log

    @property
    def max_receive_count(self) -> int:
        return int(self.names[resources.MAX_RECEIVE_COUNT.name])

    def queue(self, role: str) -> str:
        return self.names[resources.QUEUES[role].name]

    def queue_roles(self) -> dict[str, str]:
        """queue name -> role (ingest, build, ...), to find which queue a handler consumes."""
        return {self.queue(role): role for role in resources.QUEUE_ROLES}


def read_config(path: Path = CONFIG) -> dict[str, Any]:
    """config.json; trailing commas (which Chalice's strict parser rejects) are tolerated here, since
    packaging writes Chalice a clean copy anyway."""
    text = path.read_text()
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError:
        try:
            loaded = json.loads(_TRAILING_COMMA.sub(r"\1", text))
        except json.JSONDecodeError as exc:
            raise StageError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(loaded, dict):
        raise StageError(f"{path} must hold a JSON object")
    return loaded


def stage_name(default: str, stage: str) -> str:
    """The local cloud's name with the stage in it: presslift-build -> presslift-prod-build."""
    prefix = "presslift-"
    return f"{prefix}{stage}-{default.removeprefix(prefix)}" if default.startswith(prefix) else default


#: A run's stages, which `--stage` (the deployment: dev, prod) is mistaken for.
RUN_STAGE_NAMES = frozenset(
    {"convert", "fetch", "build", "deploy-staging", "build-prod", "approval", "deploy-prod", "staging"}
)


def load_stage(name: str, config: Mapping[str, Any] | None = None) -> Stage:
    config = read_config() if config is None else config
    stages = config.get("stages", {})
    if name not in stages:
        # `--stage` picks the deployment; a run's stage (`logs RUN build`) is written without it.
        run_stage = (
            "; a run's stage is named without --stage (`presslift logs RUN build`)"
            if name in RUN_STAGE_NAMES
            else ""
        )
        raise StageError(
            f"no stage {name!r} in .chalice/config.json (stages: {', '.join(stages)}){run_stage}"
        )
    configured: Mapping[str, str] = stages[name].get("environment_variables", {})
    names: dict[str, str] = {}
    notes: list[str] = []
    for var in resources.all_variables():
        if var.name in STACK_VALUES:
            continue
        names[var.name] = configured.get(var.name) or stage_name(var.default, name)
    for role in resources.FIFO_ROLES:
        var = resources.QUEUES[role]
        if not resources.is_fifo(names[var.name]):
            names[var.name] += ".fifo"
            notes.append(
                f"{var.name}: the {role} queue is FIFO (chalicelib/resources.py), so stage {name} packages "
                f"it as {names[var.name]}; add the .fifo suffix in .chalice/config.json"
            )
    try:
        int(names[resources.MAX_RECEIVE_COUNT.name])
    except ValueError as exc:
        raise StageError(
            f"{resources.MAX_RECEIVE_COUNT.name} in stage {name} must be a whole number"
        ) from exc
    return Stage(name=name, config=config, names=names, notes=tuple(notes))
