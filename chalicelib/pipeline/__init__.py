"""What happens after each stage: the pipeline's state machine, in one place.

Each public function is the whole work of one Lambda invocation for one message or request: it moves
the run by one of its transitions (`runmodel.Run`: `begin`, `succeed`, `supersede`, `approve` ...,
each allowed only from the statuses `runmodel.TRANSITIONS` names), has the stage's work done (`work/`,
which returns a typed result), and enqueues the next step. Every step is safe to repeat (SQS delivers
at least once): a finished stage is not run again.

Latest wins: every run takes the site's next generation when it starts. A deploy to staging goes ahead
only if no newer run of the site has started since, and the deploy queue is FIFO per site, so two
pushes in quick succession never deploy out of order; a newer staging deploy supersedes older runs
still waiting for approval.

Prod changes only for a run that `clearance` clears from the run records (a person's approval, the
site's policy, or an artifact prod had before), checked before anything else happens, the latest-wins
claim included. Rollbacks and publishes restore an artifact instead of building one: they take no new
generation, so they never supersede a run that waits for approval.

The flows, one module each: `flow` (import, push, fetch, build, deploy, code drop), `approval` (between
staging and prod), `restore` (rollback and publish), `sweep` (runs that could not end on their own),
and `steps`, the moves they share. The handlers call them through this package.
"""

from chalicelib.knownsites import check_known_site
from chalicelib.pipeline.approval import after_staging, check_approvable, decide, expire_approvals
from chalicelib.pipeline.flow import (
    ask_approval,
    build,
    build_prod,
    codedrop,
    deploy,
    fetch,
    import_run_id,
    post_commit_status,
    start_import,
    start_push,
)
from chalicelib.pipeline.previews import refuse as refuse_preview
from chalicelib.pipeline.previews import remove as remove_preview
from chalicelib.pipeline.previews import request_removal as request_preview_removal
from chalicelib.pipeline.previews import review as review_preview
from chalicelib.pipeline.previews import start as start_preview
from chalicelib.pipeline.restore import check_publish, publish, publishable, rollback, rollback_target
from chalicelib.pipeline.sweep import dead_letter_runs, fail_dead_lettered, give_up, scheduled_sweep

__all__ = [
    "after_staging",
    "ask_approval",
    "build",
    "build_prod",
    "check_approvable",
    "check_known_site",
    "check_publish",
    "codedrop",
    "dead_letter_runs",
    "decide",
    "deploy",
    "expire_approvals",
    "fail_dead_lettered",
    "fetch",
    "give_up",
    "import_run_id",
    "post_commit_status",
    "publish",
    "publishable",
    "refuse_preview",
    "remove_preview",
    "request_preview_removal",
    "review_preview",
    "rollback",
    "rollback_target",
    "scheduled_sweep",
    "start_import",
    "start_preview",
    "start_push",
]
