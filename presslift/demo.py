"""`presslift demo`: the whole pipeline on the local cloud with the sample WordPress export.

It does what a user would: drops the export (and its uploads archive) into the ingest bucket, follows
the run through the public API, prints the approval link from the email, and either waits for a
person's click or (with `--approve`) opens the link and posts the confirm form itself.
"""

from __future__ import annotations

import io
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from chalicelib import metrics
from presslift.api_client import ApiClient
from presslift.localcloud import LocalCloud, LocalCloudOptions
from presslift.localcloud.outbox import Email

SAMPLE = Path(__file__).parent / "samples" / "demo"
SITE = "demo"
STYLES = {
    "pending": "dim",
    "running": "yellow",
    "waiting": "cyan",
    "succeeded": "green",
    "failed": "red",
    "skipped": "dim",
}


def zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def drop_sample(s3: Any, bucket: str, site: str = SITE, sample: Path = SAMPLE) -> str:
    """Put the sample's uploads archive, then its export, into the ingest bucket; the export's key."""
    uploads = sample / "uploads"
    if uploads.is_dir():
        s3.put_object(Bucket=bucket, Key=f"imports/{site}/uploads.zip", Body=zip_folder(uploads))
    key = f"imports/{site}/export.xml"
    s3.put_object(
        Bucket=bucket, Key=key, Body=(sample / "export.xml").read_bytes(), ContentType="application/xml"
    )
    return key


def stage_table(run: dict[str, Any]) -> Table:
    table = Table(title=f"run {run['id']} · site {run['site']} · {run['status']}", title_justify="left")
    table.add_column("stage")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for stage in run["stages"]:
        detail = stage.get("error") or stage.get("detail", {}).get("summary") or ""
        table.add_row(stage["name"], f"[{STYLES.get(stage['status'], '')}]{stage['status']}", detail)
    return table


def follow(
    api: ApiClient, run_id: str, until: Callable[[dict[str, Any]], bool], console: Console, timeout: float
) -> dict[str, Any]:
    with Live(console=console, refresh_per_second=8, transient=not console.is_terminal) as live:
        run = api.wait_for_run(
            run_id, until, timeout=timeout, on_change=lambda r: live.update(stage_table(r))
        )
    if not console.is_terminal:
        console.print(stage_table(run))
    return run


def print_metrics(console: Console) -> None:
    """The stage metrics this process emitted (on AWS CloudWatch has them; locally, the collector)."""
    lines = metrics.COLLECTOR.summary()
    if lines:
        console.print("\nStage metrics (on AWS: CloudWatch, namespace Presslift/<stack>):")
        for line in lines:
            console.print(f"  {line}", highlight=False)


def decided(run: dict[str, Any]) -> bool:
    """Whether `run` is past its approval step (approved and published, rejected, or failed)."""
    return run["status"] not in ("running", "awaiting_approval")


def run_demo(
    *,
    approve: bool,
    exit_when_live: bool,
    state_dir: Path,
    console: Console | None = None,
    timeout: float = 600,
    decision_timeout: float | None = None,
) -> int:
    """The whole pipeline on the local cloud with the sample export; `timeout` seconds for each stretch
    the pipeline works, `decision_timeout` (default: `timeout`) for the approval click."""
    decision_timeout = timeout if decision_timeout is None else decision_timeout
    # Piped or logged, text is never wrapped (approval links stay whole); tables keep 120 columns.
    tty = sys.stdout.isatty()
    console = console or Console(width=None if tty else 120, soft_wrap=not tty)
    emails: list[Email] = []
    cloud = LocalCloud(LocalCloudOptions(state_dir=state_dir), on_email=emails.append)
    console.print("Starting the local cloud…")
    cloud.start()
    stopped = "Stopped before staging was live; run the demo again to start over."
    try:
        print(cloud.banner(), flush=True)
        assert cloud.services is not None and cloud.settings is not None
        api = ApiClient(cloud.options.api_url)
        known = {run["id"] for run in api.runs(SITE)}
        key = drop_sample(cloud.services.s3, cloud.settings.ingest_bucket)
        console.print(f"\nDropped the sample export at s3://{cloud.settings.ingest_bucket}/{key}")
        run = api.wait_for_new_run(SITE, known, timeout=60)
        run = follow(api, run["id"], lambda r: r["status"] != "running", console, timeout)
        if run["status"] != "awaiting_approval":
            console.print(f"[red]The run ended {run['status']}.[/red] Details: presslift show {run['id']}")
            return 1
        email = cloud.wait_for_email(lambda e: run["id"] in e.body, timeout=30)
        link = next(link for link in email.links if "/approvals/" in link)
        # Plain prints: links must never be wrapped, so they stay clickable and copyable.
        print(f"\nStaging is live: {run['urls']['staging']}")
        print(f"Approval email:  {email.path}")
        print(f"Approve here:    {link}", flush=True)
        if approve:
            status, _ = api.request("GET", link)
            console.print(
                f"Opened the link (HTTP {status}: it only shows the plan), now confirming with a POST…"
            )
            status, _ = api.decide(link, "approve")
            if status != 200:
                console.print(f"[red]The approval was refused (HTTP {status}).[/red]")
                return 1
        else:
            console.print("Waiting for your click (open the link, press Approve)…")
        stopped = (
            "Stopped while the run waited for approval; it still waits: start `presslift up` and open "
            "the link above, or run `make demo DEMO_ARGS=--approve`."
        )
        try:
            run = follow(api, run["id"], decided, console, decision_timeout)
        except TimeoutError:
            console.print(
                f"[red]No decision within {decision_timeout:.0f} s; the run still waits: start "
                "`presslift up` and open the link above, or run `make demo DEMO_ARGS=--approve`.[/red]"
            )
            return 1
        if run["status"] != "succeeded":
            console.print(f"[red]The run ended {run['status']}.[/red]")
            return 1
        print(f"\nProd is live: {run['urls']['prod']}", flush=True)
        if run.get("cost_line"):
            print(f"This run: {run['cost_line']}", flush=True)
        print_metrics(console)
        if exit_when_live:
            return 0
        stopped = ""  # Ctrl-C is how a finished demo ends
        console.print("Serving until Ctrl-C.")
        threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        if stopped:
            console.print(f"\n[yellow]{stopped}[/yellow]")
            return 130
        return 0
    finally:
        cloud.stop()
