"""The moves every flow of the pipeline makes: record a new run, queue its next step, and end it
failed (with the notifications that go with a failure).

This module must never decide what comes next: the flows (`flow`, `approval`, `restore`, `sweep`) do.
"""

from __future__ import annotations

from typing import Any

from chalicelib import events
from chalicelib.collaborators import Queue, Records, Reporting
from chalicelib.errors import NotFoundError
from chalicelib.runmodel import IllegalTransition
from chalicelib.runs import Run


def promote(queue: Queue, run: Run, stage: str) -> None:
    """Queue the deploy (sites) or the code drop (code) of `run` to `stage`."""
    role = "codedrop" if run.kind == "code" else "deploy"
    enqueue(queue, role, events.DeployRequest(run_id=run.id, site=run.site, stage=stage))


def enqueue(queue: Queue, role: str, message: events.Message) -> None:
    """Send the next step; ordered per site where the queue is FIFO, at most once per run and step."""
    queue.send(role, events.encode(message), group=message.site, dedup=events.dedup_id(message))


def create(svc: Records, run: Run, *, newer_build: bool = True) -> Run:
    """Store a new run with the site's next generation; a retried creation returns the stored run.

    A run that restores an earlier artifact (`newer_build=False`) keeps the site's current generation:
    it is no newer build, so it must not supersede a run that waits for approval.
    """
    try:
        existing = svc.runs.get(run.id)
    except NotFoundError:
        sites = svc.sites
        run.generation = (
            sites.next_generation(run.site) if newer_build else sites.current_generation(run.site)
        )
        return svc.runs.create(run)
    return existing


def after_failure(svc: Reporting, run_id: str) -> None:
    """Tell the world a run failed: a notification, and the commit status for pushes."""
    run = svc.runs.get(run_id)
    if run.status == "failed":
        svc.notifier.run_failed(run)
        svc.notifier.commit_status(run, "failure", "the Presslift run failed")


def end_unfinished(svc: Records, run_id: str, reason: str, detail: dict[str, Any] | None = None) -> bool:
    """Fail a run that has not ended at its current stage (running, else the next to run); whether it
    did (False: it had already ended, or has no stage left)."""
    run = svc.runs.get(run_id)
    if not run.may("give_up") or run.current_stage() is None:
        return False
    try:
        svc.runs.update(run_id, lambda r: r.give_up(reason, detail))
    except IllegalTransition:  # it ended meanwhile, as it ended
        return False
    return True
