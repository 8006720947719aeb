"""Runs that could not end on their own: a message that failed its last attempt (`give_up`), and the
scheduled sweep of the dead-letter queues (`fail_dead_lettered`), so no run stays "running" forever.
"""

from __future__ import annotations

import logging

from chalicelib import deadletters, events
from chalicelib.collaborators import Reporting
from chalicelib.errors import NotFoundError, PipelineError
from chalicelib.pipeline.flow import import_run_id
from chalicelib.pipeline.steps import after_failure, end_unfinished, enqueue
from chalicelib.runs import Run
from chalicelib.services import Services

log = logging.getLogger(__name__)


def give_up(svc: Reporting, body: str, error: BaseException) -> None:
    """A message failed its last attempt outside any stage's own handling: end its run as failed, so
    no run is left "running" while its message sits in the dead-letter queue."""
    try:
        message = events.decode(body)
        if isinstance(message, events.CommitStatus | events.PreviewRemoval):
            return  # a status or a removal belongs to no run (the idle sweep removes what is left)
        run = svc.runs.get(message.run_id)
    except PipelineError:
        return
    if not run.finished and end_unfinished(svc, run.id, f"internal error (gave up after retries): {error!r}"):
        after_failure(svc, run.id)


#: What to do again, by how the run started, for the reason a dead-lettered run shows.
_AGAIN = {
    "import": "upload the export again",
    "push": "push again",
    "rollback": "start the rollback again",
    "publish": "publish again",
    "preview": "push to the pull request or branch again",
}


def dead_letter_runs(role: str, body: str) -> list[str]:
    """The runs a dead-lettered message was about (none when it names none we can tell)."""
    try:
        if role == "ingest":
            return [import_run_id(c) for c in events.s3_objects_created(body) if c.sequencer]
        message = events.decode(body)
        return [] if isinstance(message, events.PreviewRemoval) else [message.run_id]
    except PipelineError:
        return []


def gave_up_reason(svc: Services, run: Run, letter: deadletters.DeadLetter) -> str:
    again = _AGAIN.get(run.trigger.type, "start it again")
    return (
        f"gave up after {svc.settings.max_receive_count} attempts: the {letter.role} function never "
        f"recorded an outcome (it ran out of time or memory); fix the cause, then {again}"
    )


def fail_dead_lettered(svc: Services) -> list[str]:
    """Fail every run whose message reached a dead-letter queue without an outcome (the sweep); the ids.

    Idempotent: a run that has ended is left as it is. A message is deleted once every run it names has
    ended (its copy stays on the failed stage as `dead_letter`): every stage refuses an ended run, so
    redriving it could do nothing, and a DLQ that keeps only what still needs an operator keeps its alarm
    meaningful. A message naming no run we know (unreadable, or lost before its run was recorded) stays
    for an operator to read or redrive.
    """
    failed: list[str] = []
    for letter in deadletters.waiting(svc.sqs, dict(svc.settings.queues)):
        runs = []
        for run_id in dead_letter_runs(letter.role, letter.body):
            try:
                runs.append(svc.runs.get(run_id))
            except NotFoundError:
                continue
        if not runs:
            log.warning(
                "dead letter %s in %s names no known run; left for an operator",
                letter.message_id,
                letter.queue_name,
            )
            continue
        for run in runs:
            detail = {
                "dead_letter": {
                    "queue": letter.queue_name,
                    "message_id": letter.message_id,
                    "body": letter.body[:4000],
                }
            }
            if not run.finished and end_unfinished(svc, run.id, gave_up_reason(svc, run, letter), detail):
                failed.append(run.id)
                after_failure(svc, run.id)
        deadletters.remove(svc.sqs, letter)
    return failed


def scheduled_sweep(svc: Services) -> dict[str, list[str]]:
    """Every 15 minutes: approvals past their time expire; runs whose message reached a DLQ fail;
    previews idle past their site's time are queued for removal by the deploy function."""
    from chalicelib.pipeline.approval import expire_approvals

    return {
        "expired": expire_approvals(svc),
        "dead_lettered": fail_dead_lettered(svc),
        "previews_to_remove": queue_idle_removals(svc),
    }


def queue_idle_removals(svc: Services) -> list[str]:
    """Queue the removal of each preview idle past its site's time (`previews.expiry`): the deploy
    function removes it in the site's FIFO group, after any publish of it still queued, if it is still
    idle then. One removal per idle spell: a later sweep's repeat is dropped by the queue."""
    from chalicelib.previews.expiry import idle_previews

    queued: list[str] = []
    for idle in idle_previews(svc, svc.clock()):
        request = events.PreviewRemoval(
            idle.site,
            idle.path,
            idle.reason,
            requested_by=f"idle-since-{idle.updated_at}",
            idle_days=idle.idle_days,
        )
        enqueue(svc, "deploy", request)
        queued.append(f"{idle.site}: {idle.path} ({idle.reason})")
    return queued
