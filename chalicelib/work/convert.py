"""Convert: a WordPress export in the ingest bucket becomes a Hugo site source in the artifacts bucket.

A bad export fails the stage with the converter's message (what and which line), and the export moves
to `imports-failed/` with the error beside it, so nothing is built or published from it. So does an
export (with its uploads archive) too big for the function's /tmp: a full disk is the input's size,
not a passing fault, so it fails the run at once instead of being retried into the same wall.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chalicelib.errors import ConversionError, DiskFullError, is_disk_full
from chalicelib.ingest import ExportKey, find_uploads, quarantine
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.work import artifacts, work_dir

MEDIA_LISTED = 100  # on the run; the conversion report lists them all


@dataclass(frozen=True)
class Converted:
    """The import's conversion: the Hugo site source it stored, its report, and what a reader will not
    find in the new site (`media_not_in_site`, the first `MEDIA_LISTED`)."""

    source_key: str
    report_key: str
    uploads_key: str | None
    counts: dict[str, int]
    warnings: int
    media: dict[str, int]
    media_not_in_site: list[str]
    summary: str

    def detail(self) -> dict[str, Any]:
        return asdict(self)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def convert(svc: Services, run: Run, bucket: str, export: ExportKey) -> Converted:
    try:
        return _convert(svc, run, bucket, export)
    except (ConversionError, DiskFullError) as exc:
        # The temporary folder is gone by now, so a full disk has room again for what follows.
        failed_key = quarantine(svc.s3, bucket, export, str(exc))
        moved = f" (the export was moved to s3://{bucket}/{failed_key})"
        if isinstance(exc, ConversionError):
            raise ConversionError(exc.reason + moved, line=exc.line, source=exc.source) from exc
        raise DiskFullError(f"{exc}{moved}") from exc


def _convert(svc: Services, run: Run, bucket: str, export: ExportKey) -> Converted:
    from chalicelib.wordpress import ConvertOptions, convert_export  # heavy: only this stage pays

    store = artifacts(svc)
    fetch = svc.sites.registration(run.site).fetch_media
    # A warm function keeps its /tmp: the next import of the same site reuses what was fetched.
    cache = Path(tempfile.gettempdir()) / "presslift-media-cache" / run.site
    options = ConvertOptions(fetch_missing_media=fetch, fetch_cache_dir=str(cache) if fetch else "")
    try:
        with work_dir() as tmp:
            work = Path(tmp)
            local_export = work / export.name
            svc.s3.download_file(bucket, export.key, str(local_export))
            uploads_key = find_uploads(svc.s3, bucket, export)
            uploads = None
            if uploads_key:
                uploads = work / uploads_key.rsplit("/", 1)[-1]
                svc.s3.download_file(bucket, uploads_key, str(uploads))
            report = convert_export(local_export, work / "site", uploads=uploads, options=options)
            report_key = store.put_log(run.site, run.id, "conversion-report.json", report.to_json())
            source_key = store.put_source(run.site, run.id, work / "site")
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        raise _disk_full(exc) from exc
    counts = report.counts
    drafts = sum(n for key, n in counts.items() if key.endswith("/draft"))
    media = report.media
    # What a reader will not find in the new site, listed on the run (the report has every warning).
    elsewhere = [w.item for w in report.warnings if w.code in ("unfetched-media", "missing-media")]
    return Converted(
        source_key=source_key,
        report_key=report_key,
        uploads_key=uploads_key,
        counts=dict(counts),
        warnings=len(report.warnings),
        media={"found": media.found, "kept": media.kept, "remote": media.remote, "lost": media.lost},
        media_not_in_site=elsewhere[:MEDIA_LISTED],
        summary=(
            f"{plural(counts.get('post/published', 0), 'post')}, "
            f"{plural(counts.get('page/published', 0), 'page')} published; "
            f"{plural(drafts, 'draft')}; {plural(len(report.warnings), 'warning')}"
            + (f"; {plural(len(elsewhere), 'media file')} left at the old site's URL" if elsewhere else "")
            + (f"; {media.lost} media lost" if media.lost else "")
        ),
    )


def _disk_full(error: OSError) -> DiskFullError:
    megabytes = shutil.disk_usage(tempfile.gettempdir()).total // 2**20
    where = f" writing {error.filename}" if error.filename else ""
    return DiskFullError(
        f"the export and its media need more than the function's /tmp (ephemeral storage, "
        f"{megabytes:,} MB): {error.strerror or 'no space left on device'}{where}. Give the convert "
        "function more ephemeral_storage in .chalice/config.json (at most 10,240 MB), or import the "
        "media in a smaller uploads archive"
    )
