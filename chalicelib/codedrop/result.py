"""What a drop or a rollback did, as plain data for run records and as text for people."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chalicelib.runview import plural
from chalicelib.units import human_size


@dataclass(frozen=True)
class DropResult:
    """One drop or rollback of an app on a stage.

    `bytes_written` counts file contents written into the release (copies only; links write none);
    `manifest_bytes` is the release's manifest file. `switch_seconds` is the symlink plus the rename.
    """

    action: str  # "drop", "redrop" (the release already existed) or "rollback"
    stage: str
    app: str
    run_id: str
    release: Path
    previous: str | None
    files: int
    files_copied: int
    files_linked: int
    bytes_written: int
    manifest_bytes: int
    seconds: float
    switch_seconds: float
    pruned: tuple[str, ...] = ()
    forced_past: tuple[str, ...] = ()

    def summary(self) -> dict[str, object]:
        return {
            "action": self.action,
            "stage": self.stage,
            "app": self.app,
            "run_id": self.run_id,
            "release": str(self.release),
            "previous": self.previous,
            "files": self.files,
            "files_copied": self.files_copied,
            "files_linked": self.files_linked,
            "bytes_written": self.bytes_written,
            "manifest_bytes": self.manifest_bytes,
            "seconds": round(self.seconds, 6),
            "switch_seconds": round(self.switch_seconds, 6),
            "pruned": list(self.pruned),
            "forced_past": list(self.forced_past),
        }

    def describe(self) -> str:
        before = self.previous or "(nothing)"
        if self.action == "rollback":
            head = f"{self.app} on {self.stage}: rolled back, current {before} -> {self.run_id}"
        else:
            head = f"{self.app} on {self.stage}: dropped {self.run_id}, current {before} -> {self.run_id}"
        lines = [
            head,
            f"  release: {self.release} ({plural(self.files, 'file')})",
            f"  copied {plural(self.files_copied, 'file')} ({human_size(self.bytes_written)}), "
            f"hard-linked {plural(self.files_linked, 'unchanged file')}",
            f"  switch: {self.switch_seconds * 1000:.2f} ms; all: {self.seconds:.2f} s",
        ]
        if self.pruned:
            lines.append(f"  pruned: {', '.join(self.pruned)}")
        lines.extend(f"  forced past: {reason}" for reason in self.forced_past)
        return "\n".join(lines)
