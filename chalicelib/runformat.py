"""The run record's format: how a `Run` is written into its item's `doc` and read back, here only.

The doc carries its format version (`"format"`). Version 2, written now, is the run's typed parts field
by field (`Trigger`, `ArtifactRef`, `Approval` or null, the stages). Version 1, the doc without a
version, was the same run with dict-shaped parts as each stage happened to fill them; it still loads:
a restore's `stage` is its `target`, a code rollback to "the previous release" named none (null), an
approval never asked for was `{}`, and a presslift.toml that a fetch left on its stage belongs to the
run's artifact.

Reading keeps what this version knows and drops what it does not (a hand edit, or a field a newer
Presslift added): a doc written in a newer format is read as far as it goes, but never written back,
so nothing a newer function stored is lost by an older one.
"""

from __future__ import annotations

import logging
from dataclasses import MISSING, asdict, fields
from typing import Any, TypeVar

from chalicelib.errors import ConflictError, PipelineError
from chalicelib.runmodel import Run, Stage
from chalicelib.runparts import APPROVAL_STATUSES, TRIGGER_TYPES, Approval, ArtifactRef, Trigger

log = logging.getLogger(__name__)

FORMAT = 2

T = TypeVar("T")


def to_doc(run: Run) -> dict[str, Any]:
    """The doc for `run`'s item, in the current format."""
    if run.format > FORMAT:
        raise ConflictError(
            f"run {run.id} was stored by a newer Presslift (record format {run.format}; this one writes "
            f"{FORMAT}): it is not written back, so nothing the newer one keeps is lost; update this function"
        )
    return {
        "format": FORMAT,
        "id": run.id,
        "site": run.site,
        "kind": run.kind,
        "status": run.status,
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "generation": run.generation,
        "urls": dict(run.urls),
        "trigger": asdict(run.trigger),
        "artifact": asdict(run.artifact),
        "approval": asdict(run.approval) if run.approval is not None else None,
        "stages": [asdict(stage) for stage in run.stages],
    }


def from_doc(doc: dict[str, Any], version: int = 0) -> Run:
    """The run a stored doc holds (any format); `version`, the item's write counter."""
    found = doc.get("format", 1)
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise PipelineError(f"run {doc.get('id')!r}: record format {found!r} is not a version number")
    if found == 1:
        doc = _from_version_1(doc)
    run_id = str(doc.get("id") or "")
    trigger = _read(Trigger, doc.get("trigger"), f"run {run_id} trigger")
    if trigger.type not in TRIGGER_TYPES:
        raise PipelineError(
            f"run {run_id}: trigger type {trigger.type!r} is none of {', '.join(TRIGGER_TYPES)}"
        )
    approval = None
    if isinstance(doc.get("approval"), dict):
        approval = _read(Approval, doc["approval"], f"run {run_id} approval")
        if approval.status not in APPROVAL_STATUSES:
            raise PipelineError(f"run {run_id}: approval status {approval.status!r} is none we know")
    run = _read(
        Run, doc, f"run {run_id}", skip=("trigger", "artifact", "approval", "stages", "version", "format")
    )
    run.trigger = trigger
    run.artifact = _read(ArtifactRef, doc.get("artifact"), f"run {run_id} artifact")
    run.approval = approval
    run.stages = [_read(Stage, stage, f"run {run_id} stage") for stage in doc.get("stages") or []]
    run.version = version
    run.format = found
    return run


def _from_version_1(doc: dict[str, Any]) -> dict[str, Any]:
    """A version-1 doc as version 2 has it (see the module's docstring)."""
    doc = dict(doc)
    trigger = dict(doc.get("trigger") or {})
    if trigger.get("type") == "github-push":
        trigger["type"] = "push"
    if "stage" in trigger:
        trigger.setdefault("target", trigger.pop("stage"))
    if trigger.get("to_release") is None:
        trigger.pop("to_release", None)
    doc["trigger"] = trigger
    doc["approval"] = doc.get("approval") or None
    artifact = dict(doc.get("artifact") or {})
    for stage in doc.get("stages") or []:
        detail = stage.get("detail") if isinstance(stage, dict) else None
        if stage.get("name") == "fetch" and isinstance(detail, dict) and "presslift_toml" in detail:
            stage["detail"] = {k: v for k, v in detail.items() if k != "presslift_toml"}
            artifact.setdefault("presslift_toml", detail["presslift_toml"])
    doc["artifact"] = artifact
    return doc


def _read(cls: type[T], data: Any, where: str, *, skip: tuple[str, ...] = ()) -> T:
    """A `cls` from the keys of `data` that are its fields (each taken as its default's type); the
    rest is dropped, and said so in the log."""
    data = data if isinstance(data, dict) else {}
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    dropped = sorted(set(data) - set(known))
    if dropped:
        log.info("%s: dropped fields this version does not know: %s", where, ", ".join(dropped))
    values: dict[str, Any] = {}
    for name, spec in known.items():
        if name in skip or name not in data or data[name] is None:
            continue
        default = spec.default_factory() if spec.default_factory is not MISSING else spec.default
        values[name] = _as(data[name], default, f"{where} {name}")
    return cls(**_required(cls, values, skip))


def _required(cls: type[Any], values: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    """Fields without a default that the doc left out (or skipped, filled in by the caller) get an
    empty value of their kind, so a sparse record still loads."""
    for spec in fields(cls):
        if spec.name in values or spec.default is not MISSING or spec.default_factory is not MISSING:
            continue
        values[spec.name] = [] if spec.name == "stages" else ""
    return values


def _as(value: Any, default: Any, where: str) -> Any:
    """`value` as the type of its field's default (a str when the field has none)."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise PipelineError(f"{where}: {value!r} is not a number") from exc
    if isinstance(default, dict):
        return dict(value) if isinstance(value, dict) else {}
    return str(value)
