"""Hugo's `resources.PostProcess` placeholders left in a built site.

A template that pipes a resource through `resources.PostProcess` (many themes' stylesheets) writes a
placeholder (`__h_pp_l1_1_RelPermalink__e=`) where the resource's address goes; once every page is
written, Hugo replaces each one. Hugo 0.168 sometimes does not, and exits 0: measured with the real
Hugo on a two-core machine, twelve builds at once beside three busy loops, a site whose PostProcess
fails (PostCSS, which no build here can run) kept the placeholder and exited 0 in 14 of 600 builds,
where every other build crashed with PostCSS's error; the page then links no stylesheet, and the
error is never told. A site whose PostProcess works kept none in 900 builds under the same load, but
a placeholder published is a page without its stylesheet whatever the cause.

So where Hugo's log shows the site uses PostProcess (Hugo 0.167 to 0.178 warn of it on every build that
does; later ones refuse it), the built files are read for a placeholder, and a build that left one is
run again (`RERUNS`): the race seldom comes twice, and a run without it tells the error. A site built
without PostProcess is not read at all.
"""

from __future__ import annotations

import os
from pathlib import Path

#: What Hugo writes where a post-processed resource's field goes (`postpub.PostProcessPrefix`).
PLACEHOLDER = b"__h_pp_l1"
#: Hugo's deprecation warning names it on every build that uses it.
USED = "resources.PostProcess"
#: How many more times a build that left a placeholder is run.
RERUNS = 2
#: A built file larger than this is not a page or stylesheet Hugo post-processes, and is not read.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: How many of the files that kept one an error names.
NAMED = 3


def uses_post_process(log: str) -> bool:
    """Whether Hugo's `log` says the site's templates use `resources.PostProcess`."""
    return USED in log


def files_with_placeholders(destination: Path) -> list[str]:
    """The built files under `destination` (slash-separated, relative to it) that still hold Hugo's
    PostProcess placeholder, in name order."""
    found = []
    for folder, _dirs, names in os.walk(destination):
        for name in names:
            path = Path(folder, name)
            try:
                if path.is_symlink() or path.stat().st_size > MAX_FILE_BYTES:
                    continue
                if PLACEHOLDER in path.read_bytes():
                    found.append(path.relative_to(destination).as_posix())
            except OSError:
                continue
    return sorted(found)


def left_message(files: list[str], runs: int) -> str:
    """The build's error for a site whose every run (`runs` of them) left placeholders in `files`."""
    shown = ", ".join(files[:NAMED]) + (f" and {len(files) - NAMED} more" if len(files) > NAMED else "")
    return (
        f"Hugo left resources.PostProcess placeholders unreplaced in {shown} in each of {runs} builds, "
        "so those pages would link nothing; Hugo deprecated resources.PostProcess in 0.164: "
        "use templates.Defer in the site's templates instead"
    )


def rerun_note(reruns: int) -> str:
    """The build log's note for a site built again `reruns` times before Hugo replaced them all."""
    times = "once" if reruns == 1 else f"{reruns} times"
    return (
        "Hugo left resources.PostProcess placeholders unreplaced (a race in Hugo), "
        f"so the site was built again {times}"
    )
