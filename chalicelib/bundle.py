"""Building a code bundle from a repository checkout: the folder a code site drops onto EFS.

A bundle is the repository's files that the include globs select and the exclude globs do not, plus
(optionally) the pure-Python wheels that a requirements file pins, installed from a wheelhouse folder
in the repository, then checked by an optional command (compileall, the app's tests) with a timeout.
Its manifest is scanned last, so it describes exactly the bytes that will be dropped.

Globs are presslift.toml's one pattern syntax, .gitignore's (`chalicelib.patterns`).
Symlinked files are copied as files when they point inside the checkout; symlinked folders are not
followed. This module never reaches the network (wheels come only from the wheelhouse), never
writes outside `out` and a scratch folder under the system temp dir, and never starts the check
command with the function's environment (`childenv` builds its own).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from installer import install
from installer.destinations import SchemeDictionaryDestination
from installer.sources import WheelFile
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import Version

from chalicelib.budget import TimeBudget
from chalicelib.buildrunner.reaper import kill_strays
from chalicelib.childenv import child_environment
from chalicelib.errors import BuildError, InputError
from chalicelib.manifest import Manifest, scan_tree
from chalicelib.patterns import PatternError, Patterns

BUNDLE_STAGE = "code"  # a bundle is one tree promoted unchanged through dev, stage and prod
LOG_TAIL_BYTES = 4000


@dataclass(frozen=True)
class BundleSpec:
    """What goes into a bundle; another module fills it from presslift.toml's [code] table."""

    include: tuple[str, ...] = ("**/*",)
    exclude: tuple[str, ...] = (".git/**", "**/__pycache__/**", "*.pyc", ".github/**")
    requirements: str | None = None  # a requirements file in the repo whose pinned wheels are installed
    wheelhouse: str | None = None  # a folder of .whl files in the repo (no network)
    check: tuple[str, ...] | None = None  # run in the bundle, e.g. ("python", "-m", "compileall", "-q", ".")
    check_timeout: float = 300


def build_bundle(
    source: Path, out: Path, spec: BundleSpec, *, site: str, run_id: str, budget: TimeBudget | None = None
) -> Manifest:
    """Fill the empty (or absent) folder `out` from the checkout `source`; return its manifest."""
    source = source.resolve()
    out = out.resolve()
    _check_folders(source, out)
    include = compile_globs(spec.include, "include")
    # The wheelhouse is an input of the build, not part of what runs.
    wheelhouse = (spec.wheelhouse.strip("/") + "/",) if spec.wheelhouse else ()
    exclude = compile_globs(spec.exclude + wheelhouse, "exclude")
    for rel in select_files(source, include, exclude):
        _copy_file(source, out, rel)
    if spec.requirements is not None:
        install_requirements(source, spec.requirements, spec.wheelhouse, out)
    elif spec.wheelhouse is not None:
        raise InputError(f"site {site}: [code] names wheelhouse {spec.wheelhouse!r} but no requirements file")
    if spec.check:
        run_check(spec.check, out, spec.check_timeout, budget or TimeBudget.from_context(None))
        # Excludes describe the finished bundle, so what the check left behind (caches) goes too.
        _remove_excluded(out, exclude)
    return Manifest(site=site, run_id=run_id, stage=BUNDLE_STAGE, base_url="", files=scan_tree(out))


# --- selecting files -----------------------------------------------------------------------------


def compile_globs(patterns: Iterable[str], key: str) -> Patterns:
    """The [code] `key` patterns (presslift.toml's one syntax, `chalicelib.patterns`), or an InputError."""
    try:
        return Patterns.compile(patterns)
    except PatternError as exc:
        raise InputError(f"presslift.toml [code] {key}: {exc}") from exc


def select_files(source: Path, include: Patterns, exclude: Patterns) -> Iterator[str]:
    """Relative paths of the checkout's files to bundle, in sorted order."""
    for dirpath, dirnames, filenames in os.walk(source):
        folder = Path(dirpath).relative_to(source).as_posix()
        prefix = "" if folder == "." else folder + "/"
        dirnames[:] = sorted(name for name in dirnames if not exclude.covers_folder(prefix + name))
        for name in sorted(filenames):
            rel = prefix + name
            if include.matches(rel) and not exclude.matches(rel):
                yield rel


def _check_folders(source: Path, out: Path) -> None:
    if not source.is_dir():
        raise InputError(f"the repository checkout {source} is not a folder")
    if out == source or out.is_relative_to(source):
        raise InputError(f"the bundle folder {out} must be outside the checkout {source}")
    if out.exists() and any(out.iterdir()):
        raise InputError(f"the bundle folder {out} is not empty; bundles are built into a fresh folder")
    out.mkdir(parents=True, exist_ok=True)


def _copy_file(source: Path, out: Path, rel: str) -> None:
    origin = source / rel
    if origin.is_symlink():
        target = origin.resolve()
        if not target.is_relative_to(source):
            raise InputError(f"{rel} in the checkout is a symlink to {target}, outside the repository")
        if not target.is_file():
            return
        origin = target
    destination = out / rel
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(origin, destination)
    shutil.copymode(origin, destination)


def _remove_excluded(out: Path, exclude: Patterns) -> None:
    for dirpath, _dirnames, filenames in os.walk(out, topdown=False):
        folder = Path(dirpath)
        for name in filenames:
            if exclude.matches((folder / name).relative_to(out).as_posix()):
                (folder / name).unlink()
        if folder != out and not any(folder.iterdir()):
            folder.rmdir()


# --- wheels --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """One requirement line: what to install, where it was written, and its allowed wheel hashes."""

    requirement: Requirement
    line: int
    hashes: frozenset[str]


def install_requirements(source: Path, requirements: str, wheelhouse: str | None, out: Path) -> list[str]:
    """Install the pure-Python wheel of every requirement into the bundle's root; names installed.

    Nothing is resolved: the requirements file must pin every distribution the app needs (as
    `pip-compile` writes it), and each dependency a wheel declares must be listed, or the build fails
    here instead of on the fleet.
    """
    where = source / requirements
    if wheelhouse is None:
        raise InputError(
            f"presslift.toml [code] names requirements {requirements!r} but no wheelhouse: bundles are "
            "built with no network, so add a folder of .whl files and name it as wheelhouse"
        )
    house = source / wheelhouse
    if not where.is_file():
        raise InputError(
            f"the requirements file {requirements} named in presslift.toml is not in the repository"
        )
    if not house.is_dir():
        raise InputError(
            f"the wheelhouse {wheelhouse} named in presslift.toml is not a folder in the repository"
        )
    pins = parse_requirements(where.read_text(encoding="utf-8"), requirements)
    wheels = [_choose_wheel(pin, house, requirements) for pin in pins]
    destination = SchemeDictionaryDestination(
        {
            "purelib": str(out),
            "platlib": str(out),
            "headers": str(out / "include"),
            "scripts": str(out / "bin"),
            "data": str(out),
        },
        interpreter="/usr/bin/env python3",
        script_kind="posix",
    )
    installed: list[str] = []
    for pin, wheel in zip(pins, wheels, strict=True):
        with WheelFile.open(wheel) as archive:
            try:
                archive.validate_record(validate_contents=True)
                install(archive, destination, {"INSTALLER": b"presslift\n"})
            except FileExistsError as exc:
                raise BuildError(
                    f"installing {wheel.name} ({requirements}, line {pin.line}) would overwrite a file "
                    f"already in the bundle: {exc}"
                ) from exc
            except Exception as exc:
                raise BuildError(f"{wheel.name} in {wheelhouse} cannot be installed: {exc}") from exc
            _check_dependencies(archive, wheel.name, {canonicalize_name(p.requirement.name) for p in pins})
            installed.append(wheel.name)
    return installed


def parse_requirements(text: str, name: str) -> list[Pin]:
    """Requirement lines with optional `--hash=` options; pip's other options have no meaning here."""
    pins: list[Pin] = []
    for number, line in _logical_lines(text):
        tokens = line.split()
        hashes = frozenset(token.split(":", 1)[1] for token in tokens if token.startswith("--hash=sha256:"))
        options = [token for token in tokens if token.startswith("-") and not token.startswith("--hash=")]
        if options:
            raise InputError(
                f"{name}, line {number}: {options[0]} is not supported; Presslift installs pinned wheels "
                "from the wheelhouse, so list one requirement per line"
            )
        text_req = " ".join(token for token in tokens if not token.startswith("--hash="))
        try:
            requirement = Requirement(text_req)
        except InvalidRequirement as exc:
            raise InputError(f"{name}, line {number}: {exc}") from exc
        if requirement.url:
            raise InputError(f"{name}, line {number}: URL requirements cannot be installed without network")
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        pins.append(Pin(requirement, number, hashes))
    return pins


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            yield start, joined
    if pending.strip():
        yield start, pending.strip()


def _choose_wheel(pin: Pin, house: Path, requirements: str) -> Path:
    """The newest pure-Python wheel in the wheelhouse that satisfies the pin."""
    wanted = canonicalize_name(pin.requirement.name)
    candidates: list[tuple[Version, Path]] = []
    binary: list[str] = []
    for wheel in sorted(house.glob("*.whl")):
        try:
            name, version, _build, tags = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename:
            continue
        if name != wanted or not pin.requirement.specifier.contains(version, prereleases=True):
            continue
        if any(
            tag.abi == "none" and tag.platform == "any" and tag.interpreter.startswith("py") for tag in tags
        ):
            candidates.append((version, wheel))
        else:
            binary.append(wheel.name)
    where = f"{requirements}, line {pin.line}"
    if not candidates:
        if binary:
            raise InputError(
                f"{where}: {pin.requirement} has only platform-specific wheels in the wheelhouse "
                f"({', '.join(binary)}); code drops carry pure-Python wheels only"
            )
        raise InputError(
            f"{where}: no wheel for {pin.requirement} in the wheelhouse {house.name}/; "
            f"add it with `pip download --no-deps --only-binary :all: -d {house.name} '{pin.requirement}'`"
        )
    wheel = max(candidates)[1]
    if pin.hashes and _sha256(wheel) not in pin.hashes:
        raise InputError(f"{where}: {wheel.name} does not match any --hash given for {pin.requirement.name}")
    return wheel


def _check_dependencies(archive: WheelFile, wheel: str, listed: set[str]) -> None:
    metadata = archive.read_dist_info("METADATA")
    for line in metadata.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        needed = Requirement(line.split(":", 1)[1].strip())
        if needed.marker is not None and not needed.marker.evaluate({"extra": ""}):
            continue
        if canonicalize_name(needed.name) not in listed:
            raise InputError(
                f"{wheel} needs {needed}, which the requirements file does not list; "
                "pin it there and put its wheel in the wheelhouse"
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- the check command ---------------------------------------------------------------------------


def run_check(command: tuple[str, ...], bundle: Path, check_timeout: float, budget: TimeBudget) -> None:
    """Run `command` in the bundle with the bundle importable; BuildError on failure or timeout.

    It may take the site's `check_timeout` or what is left of the function's time, whichever is less.

    `python` means the interpreter running Presslift (Lambda has no `python` on PATH). Bytecode goes
    to a scratch folder so the check leaves no __pycache__ in the bundle. The command gets its own
    process group so a timeout kills whatever it started too.
    """
    argv = list(command)
    if argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    shown = " ".join(command)
    timeout = budget.allow(f"the check command `{shown}`", cap=check_timeout)
    with (
        tempfile.TemporaryDirectory(prefix="presslift-check-") as scratch,
        open(Path(scratch) / "output.log", "w+b") as log,
    ):
        # The check is the repository's own code: it gets the allowlist, never the function's keys.
        environment = child_environment(
            Path(scratch) / "home",
            {
                "PYTHONPATH": str(bundle),
                "PYTHONPYCACHEPREFIX": str(Path(scratch) / "pycache"),
                "PYTHONDONTWRITEBYTECODE": "1",
            },
        )
        try:
            process = subprocess.Popen(
                argv,
                cwd=bundle,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise BuildError(f"the check command `{shown}` cannot start: {exc}") from exc
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            message = (
                f"the check command `{shown}` did not finish within {timeout:g} s; raise check_timeout "
                "in presslift.toml [code] or make the check faster"
                if timeout >= check_timeout
                else budget.exhausted(f"the check command `{shown}`", timeout)
            )
            raise BuildError(message, log_tail=_tail(log)) from None
        finally:
            kill_strays()  # nothing the check started outlives it (reaper.py): not even `setsid cmd &`
        if code != 0:
            raise BuildError(f"the check command `{shown}` failed with exit code {code}", log_tail=_tail(log))


def _tail(log: IO[bytes]) -> str:
    log.flush()
    log.seek(0, os.SEEK_END)
    size = log.tell()
    log.seek(max(0, size - LOG_TAIL_BYTES))
    return log.read().decode("utf-8", "replace")
