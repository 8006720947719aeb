"""What the code-drop stage asks of the mount function, and what it answers: plain JSON both ways.

A job carries only what one mount operation needs; never a credential, a secret or a resource name.
Everything in it is checked again where it is used (names by `AppTree`, paths by `plan_release`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.codedrop import DropResult
from chalicelib.resources import CODE_STAGES

ACTIONS = ("drop", "rollback", "releases")


@dataclass(frozen=True)
class MountJob:
    action: str  # "drop", "rollback" or "releases"
    target: str  # dev, stage or prod
    app: str
    release: str = ""  # drop: the bundle's run id; rollback: the release to switch to ("": the one before)
    manifest: str = ""  # drop: the bundle's manifest (JSON)
    bundle_url: str = ""  # drop: GET the bundle's tarball (presigned; file:// on the stage's own disk)
    expected_current: str | None = None  # drop: the release the stage's plan compared with
    keep: int = 5
    force: bool = False
    run_id: str = ""  # for messages only

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> MountJob:
        data: Any = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a mount job is a JSON object")
        action = str(data.get("action", ""))
        if action not in ACTIONS:
            raise ValueError(f"a mount job's action is one of {', '.join(ACTIONS)}, not {action[:40]!r}")
        target = str(data.get("target", ""))
        if target not in CODE_STAGES:
            raise ValueError(f"a mount job's target is one of {', '.join(CODE_STAGES)}, not {target[:40]!r}")
        expected = data.get("expected_current")
        return cls(
            action=action,
            target=target,
            app=str(data["app"]),
            release=str(data.get("release", "")),
            manifest=str(data.get("manifest", "")),
            bundle_url=str(data.get("bundle_url", "")),
            expected_current=None if expected is None else str(expected),
            keep=int(data.get("keep", 5)),
            force=bool(data.get("force", False)),
            run_id=str(data.get("run_id", ""))[:80],
        )


@dataclass(frozen=True)
class MountReply:
    """The mount function's answer: what the drop or rollback did (`result`, `DropResult.summary()`),
    the release that was current when it planned (`current_run`), or the releases kept; or the error
    (`error_kind`: the `chalicelib.errors` class it raised)."""

    ok: bool
    error: str = ""
    error_kind: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    current_run: str | None = None
    releases: tuple[tuple[str, bool], ...] = ()

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> MountReply:
        data: Any = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            raise ValueError("a mount function's reply needs a boolean 'ok'")
        current = data.get("current_run")
        return cls(
            ok=data["ok"],
            error=str(data.get("error", ""))[:4000],
            error_kind=str(data.get("error_kind", ""))[:40],
            result=dict(data.get("result") or {}),
            current_run=None if current is None else str(current),
            releases=tuple((str(run_id), bool(current)) for run_id, current in data.get("releases", ())),
        )

    def drop_result(self) -> DropResult:
        """The `DropResult` the reply carries (ValueError when it carries none that fits)."""
        r = self.result
        try:
            return DropResult(
                action=str(r["action"]),
                stage=str(r["stage"]),
                app=str(r["app"]),
                run_id=str(r["run_id"]),
                release=Path(str(r["release"])),
                previous=None if r.get("previous") is None else str(r["previous"]),
                files=int(r["files"]),
                files_copied=int(r["files_copied"]),
                files_linked=int(r["files_linked"]),
                bytes_written=int(r["bytes_written"]),
                manifest_bytes=int(r["manifest_bytes"]),
                seconds=float(r["seconds"]),
                switch_seconds=float(r["switch_seconds"]),
                pruned=tuple(str(p) for p in r.get("pruned", ())),
                forced_past=tuple(str(f) for f in r.get("forced_past", ())),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"the mount function's result lacks {exc}") from exc
