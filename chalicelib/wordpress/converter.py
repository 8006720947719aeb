"""The converter's entry point: `convert_export` checks its arguments, runs `convert`'s two passes in a
work folder beside `out_dir`, and puts the site in place only when all of it succeeded.

Everything is written into a temporary folder beside `out_dir` and moved into place (outdir.py) only
when the whole conversion succeeded: a failed conversion leaves nothing behind (nor pass one's spool),
and a non-empty `out_dir` is refused unless `force`. The export is read as WordPress's importer reads
it: as XML first, where every `]]>` ends its CDATA section (a well-formed file may put text after one,
`<![CDATA[]]> &lt;b&gt;`); only when that fails where a `]]>` had text after it is it read once more
with such a `]]>` as part of the section's content (old exporters nested sections, and the importer's
last-resort parser reads them so). If that fails too, its error is the one reported: it read further.

This module must never publish, build or upload anything, and never leave a half-written site.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from chalicelib.errors import ConversionError
from chalicelib.wordpress.convert import Conversion
from chalicelib.wordpress.exportfiles import Parts, gathered
from chalicelib.wordpress.media import UploadsArchive
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.outdir import place, refuse_unless_empty
from chalicelib.wordpress.report import ConversionReport
from chalicelib.wordpress.wxr import ExportReader, read_as_importer

# What hugo.toml's `theme` may say: a folder under themes/ or a Hugo module path.
THEME_NAME_RE = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)*")


def convert_export(
    export: Path | Sequence[Path],
    out_dir: Path,
    *,
    uploads: Path | None = None,
    options: ConvertOptions | None = None,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> ConversionReport:
    """Converts a WordPress export into a Hugo site source in `out_dir`; see the package docstring.

    `export` is one file (WXR, a .zip of WXR files, an .xml.gz) or the parts one export was split into
    (see `exportfiles`)."""
    exports = [Path(export)] if isinstance(export, (str, Path)) else [Path(part) for part in export]
    if not exports:
        raise ConversionError("no export file given")
    out_dir = Path(out_dir)
    options = options or ConvertOptions()
    if options.hacked_content not in ("strip", "quarantine", "keep"):
        raise ConversionError(
            f"unknown hacked-content policy {options.hacked_content!r} (choose strip, quarantine or keep)",
            source=exports[0].name,
        )
    if not THEME_NAME_RE.fullmatch(options.theme) or ".." in options.theme.split("/"):
        raise ConversionError(
            f"{options.theme!r} is not a theme name (a folder in themes/ or a module path such as "
            "github.com/owner/theme)"
        )
    for part in exports:
        if not part.is_file():
            what = (
                "is a folder: give the export file (.xml) inside it"
                if part.is_dir()
                else "is not a regular file"
                if part.exists()
                else "does not exist"
            )
            raise ConversionError(f"the export file {what}", source=str(part))
    refuse_unless_empty(out_dir, force=force)
    # The work folder goes beside the real folder (out_dir may be a link to it), on its filesystem.
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    archive = UploadsArchive(Path(uploads)) if uploads is not None else None
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.converting-", dir=out_dir.parent))
    scratch = work.with_name(work.name + ".parts")
    try:
        scratch.mkdir()
        with gathered(exports, scratch) as (export, parts):
            return _convert(export, parts, work, out_dir, archive, options, progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
        work.with_name(work.name + ".items").unlink(missing_ok=True)
        if archive is not None:
            archive.close()


def _convert(
    export: Path,
    parts: Parts,
    work: Path,
    out_dir: Path,
    archive: UploadsArchive | None,
    options: ConvertOptions,
    progress: Callable[[int], None] | None,
) -> ConversionReport:
    """Both passes over the gathered export, the site put in place; errors name the part they are in."""
    try:

        def planned(reader: ExportReader) -> Conversion:
            if any(work.iterdir()):  # a second reading starts afresh
                shutil.rmtree(work)
                work.mkdir()
            conversion = Conversion(export, work, archive, options, progress)
            conversion.make_plan(reader)
            return conversion

        conversion = read_as_importer(export, planned)
        conversion.report.source = parts.label
        conversion.write_items()
        conversion.write_site()
    except ConversionError as exc:
        if exc.source != export.name:
            raise
        name, line = parts.where(exc.line) if exc.line else (parts.label, None)
        raise ConversionError(exc.reason, line=line, source=name) from exc
    place(work, out_dir)
    return conversion.report
