"""Hugo's own reading of a site's mounts, checked before it builds: nothing outside the repository.

`hugo_policy.check_source_paths` parses every config file itself, and a parser is not Hugo: testers
got around it by the ways Hugo and Python read the same file differently (a key spelt with `İ`, which
Go lower-cases to `i`; a YAML merge Hugo lets win over the key). `hugo config mounts` prints what Hugo
will mount for the project and each theme and module, `staticDir` and the other folder settings
among them, after Hugo itself has read every config file and folder with the build's own environment.
Each module's folder and each mount's source, resolved through any link, must be inside the
repository the site is a folder of, or the build's own work folder (its module cache). The check
runs Hugo's config command only: no template runs, nothing is fetched.

When Hugo cannot print its mounts, the site is not built: it fails with Hugo's words, as the build
would. It is never built unchecked (a tester's site made the listing fail where the build did not).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from chalicelib.errors import BuildError

#: Seconds `hugo config mounts` may take (it reads the config and the modules' own, nothing else).
CONFIG_SECONDS = 60
#: The build's flags the config command takes too (`hugo config mounts --help`): given as the build
#: gives them, so both read the same config (a bad `baseURL` the build's flag overrides failed only one).
MOUNT_FLAGS = (
    "--baseURL", "--cacheDir", "--contentDir", "--renderSegments", "--theme", "--clock", "--config",
    "--configDir", "--destination", "--environment", "--ignoreVendorPaths", "--themesDir", "--noBuildLock",
)  # fmt: skip
#: Of those, the ones that take no value.
SWITCHES = frozenset({"--noBuildLock"})


def check_hugo_mounts(
    binary: Path,
    source: Path,
    env: Mapping[str, str],
    flags: Sequence[str],
    allowed: Sequence[Path],
    *,
    seconds: float = CONFIG_SECONDS,
) -> tuple[int, str] | None:
    """Refuse (BuildError) a site whose mounts, as Hugo reads them, reach outside `allowed`; `flags`,
    the build's own (its --baseURL among them). Returns Hugo's exit code and log when it cannot list
    the mounts, for
    the caller to fail the build with, as the build itself would have failed: never built unchecked (a
    config `baseURL` the build overrides but the listing did not get made it fail, and pass)."""
    if not source.is_dir():
        return None  # nothing to mount from: the build says the folder is missing
    args = [str(binary), "config", "mounts", "--source", str(source), *_mount_flags(flags)]
    try:
        done = subprocess.run(
            args,
            env=dict(env),
            cwd=source,
            capture_output=True,
            text=True,
            timeout=min(CONFIG_SECONDS, seconds),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"Hugo could not list the site's mounts, so it is not built: {exc}") from exc
    if done.returncode != 0:
        return done.returncode, done.stderr + done.stdout
    roots = [root.resolve() for root in allowed]
    listed = list(modules(done.stdout))
    if not listed:
        raise BuildError("Hugo listed no mounts for the site, so it is not built (its config is not Hugo's)")
    for module in listed:
        folder = Path(str(module.get("dir") or source))
        where = str(module.get("path") or "project")
        if not _inside(folder.resolve(), roots):
            raise BuildError(_refusal(where, "its folder", str(folder)))
        for mount in module.get("mounts") or []:
            if not isinstance(mount, dict) or not isinstance(mount.get("source"), str):
                continue
            written = mount["source"]
            if not _inside((folder / written).resolve(), roots):
                raise BuildError(
                    _refusal(where, f"a mount of {written!r} on {mount.get('target')!r}", written)
                )
    return None


def modules(output: str) -> Iterator[dict[str, Any]]:
    """The JSON objects `hugo config mounts` prints one after another (one per module)."""
    decoder = json.JSONDecoder()
    at = 0
    while True:
        while at < len(output) and output[at].isspace():
            at += 1
        if at >= len(output):
            return
        try:
            found, at = decoder.raw_decode(output, at)
        except ValueError:
            return
        if isinstance(found, dict):
            yield found


def _mount_flags(flags: Sequence[str]) -> list[str]:
    kept: list[str] = []
    for index, flag in enumerate(flags):
        name = flag.split("=", 1)[0]
        if name in MOUNT_FLAGS:
            kept.append(flag)
            if "=" not in flag and name not in SWITCHES and index + 1 < len(flags):
                kept.append(flags[index + 1])
    return kept


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _refusal(module: str, what: str, value: str) -> str:
    return (
        f"Hugo would read {what} for {module} from outside the repository ({value!r}, as Hugo reads the "
        "site's config); Presslift builds only from the repository's own files, so mounts and folders "
        "must stay inside the source tree"
    )
