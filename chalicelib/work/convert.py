"""Convert: a WordPress export in the ingest bucket becomes a Hugo site source in the artifacts bucket.

A bad export fails the stage with the converter's message (what and which line), and the export moves
to `imports-failed/` with the error beside it, so nothing is built or published from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.errors import ConversionError
from chalicelib.ingest import ExportKey, find_uploads, quarantine
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.work import artifacts, work_dir


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def convert(svc: Services, run: Run, bucket: str, export: ExportKey) -> dict[str, Any]:
    from chalicelib.wordpress import convert_export  # heavy (lxml, markdownify): only this stage pays

    store = artifacts(svc)
    with work_dir() as tmp:
        work = Path(tmp)
        local_export = work / export.name
        svc.s3.download_file(bucket, export.key, str(local_export))
        uploads_key = find_uploads(svc.s3, bucket, export)
        uploads = None
        if uploads_key:
            uploads = work / uploads_key.rsplit("/", 1)[-1]
            svc.s3.download_file(bucket, uploads_key, str(uploads))
        try:
            report = convert_export(local_export, work / "site", uploads=uploads)
        except ConversionError as exc:
            failed_key = quarantine(svc.s3, bucket, export, str(exc))
            raise ConversionError(
                f"{exc.reason} (the export was moved to s3://{bucket}/{failed_key})",
                line=exc.line,
                source=exc.source,
            ) from exc
        report_key = store.put_log(run.site, run.id, "conversion-report.json", report.to_json())
        source_key = store.put_source(run.site, run.id, work / "site")
    counts = report.counts
    drafts = sum(n for key, n in counts.items() if key.endswith("/draft"))
    return {
        "source_key": source_key,
        "report_key": report_key,
        "uploads_key": uploads_key,
        "counts": counts,
        "warnings": len(report.warnings),
        "summary": (
            f"{plural(counts.get('post/published', 0), 'post')}, "
            f"{plural(counts.get('page/published', 0), 'page')} published; "
            f"{plural(drafts, 'draft')}; {plural(len(report.warnings), 'warning')}"
        ),
    }
