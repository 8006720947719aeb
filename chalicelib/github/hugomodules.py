"""Hugo Modules on GitHub, vendored into a fetched site as `hugo mod vendor` would, so Hugo needs no Go.

Hugo fetches a module import (`[[module.imports]] path = "github.com/owner/theme"`, or a `theme` that
is a module path) through Go, and the build runner has neither Go nor the network. With a
`_vendor/modules.txt`, Hugo takes every module it lists from `_vendor/<path>` and never calls Go. So the
fetch stage, which may reach GitHub, vendors: each module the site imports whose path is on github.com,
at the version the site's `go.mod` requires (tag `vX.Y.Z`, or a pseudo-version's commit), or, with none
required, the newest release tag of the module's major version, else the default branch's head (what
Hugo's `go get path@upgrade` picks). The module's folder in that commit's tarball (the repository's
root, its `/vN` or other sub-folder) becomes `_vendor/<path>`; then the modules it imports, in turn
(`MAX_DEPTH` levels, `MAX_MODULES` in all), each at the version the site's `go.mod` (first) or the
importing module's requires.

Nothing happens for a site that vendors its own modules (it has `_vendor/modules.txt`), for a module
the site keeps in its themes folder, or one `go.mod` replaces. A module that cannot be vendored (not on
GitHub, no such tag, not readable with the token) is a warning the run shows; Hugo then reports it
missing and the build falls back to Presslift's theme, saying so.

Paths and versions come from the repository, so they are checked: a module path is `github.com/`
then plain path segments (no `..`, no `.`), a version must look like one, and every module's files
count against the repository's caps. Only the API's own host is contacted.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from chalicelib.errors import BuildError, InputError, PipelineError
from chalicelib.github.additions import Additions, Reach
from chalicelib.github.api import request_json
from chalicelib.hugo_policy import DEFAULT_THEMES_DIR, MODULES_TXT, VENDOR_DIR, component_configs

MAX_DEPTH = 5
MAX_MODULES = 32
_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*"
_GITHUB_MODULE = re.compile(rf"^github\.com/({_SEGMENT})/({_SEGMENT})((?:/{_SEGMENT})*)$")
_MAJOR = re.compile(r"^v([2-9]|[1-9][0-9]+)$")
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+incompatible)?$")
_RELEASE_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_PSEUDO_COMMIT = re.compile(r"\d{14}-([0-9a-f]{12})(?:\+incompatible)?$")
_REQUIRE_LINE = re.compile(r"^\s*(\S+)\s+(v\S+)")


@dataclass(frozen=True)
class _Module:
    path: str  # github.com/owner/repo[/sub][/vN]
    repo: str  # owner/repo
    folder: str  # its folder in the repository ("" for the root)
    major: int  # 0 for v0/v1, else N of /vN


def module_of(path: str) -> _Module | None:
    """The GitHub repository and folder of a module path, or None when it is not a plain GitHub one."""
    match = _GITHUB_MODULE.match(path)
    if match is None or any(part in (".", "..") for part in path.split("/")) or len(path) > 300:
        return None
    owner, name, rest = match.group(1), match.group(2), match.group(3).strip("/")
    parts = rest.split("/") if rest else []
    major = 0
    if parts and _MAJOR.match(parts[-1]):
        major = int(parts[-1][1:])
    return _Module(path, f"{owner}/{name.removesuffix('.git')}", "/".join(parts), major)


def read_requires(text: str) -> tuple[dict[str, str], set[str]]:
    """A go.mod's required versions (module path: version) and the module paths it replaces."""
    requires: dict[str, str] = {}
    replaced: set[str] = set()
    block = ""
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = ""
            elif block == "require" and (found := _REQUIRE_LINE.match(line)):
                requires[found.group(1)] = found.group(2)
            elif block == "replace":
                replaced.add(line.split()[0])
            continue
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word in ("require", "replace") and rest == "(":
            block = word
        elif word == "require" and (found := _REQUIRE_LINE.match(rest)):
            requires[found.group(1)] = found.group(2)
        elif word == "replace" and rest:
            replaced.add(rest.split()[0])
    return requires, replaced


def imports_of(folder: Path) -> list[str]:
    """The module paths a component's config imports (`module.imports`, and a `theme` module path), in
    order; a disabled import is left out. BuildError names a config file that cannot be read."""
    found: list[str] = []
    for _, config in component_configs(folder):
        lowered = {str(key).lower(): value for key, value in config.items()}
        theme = lowered.get("theme")
        for item in theme if isinstance(theme, list) else [theme]:
            if isinstance(item, str) and "/" in item:
                found.append(item.strip())
        module = lowered.get("module")
        imports = module.get("imports", module.get("Imports")) if isinstance(module, dict) else None
        for item in imports if isinstance(imports, list) else [imports] if isinstance(imports, dict) else []:
            if not isinstance(item, dict):
                continue
            entry = {str(key).lower(): value for key, value in item.items()}
            if isinstance(entry.get("path"), str) and entry.get("disable") is not True:
                found.append(entry["path"].strip())
    return list(dict.fromkeys(found))


def vendor_modules(
    site: Path,
    reach: Reach,
    held: tuple[int, int] = (0, 0),
    *,
    hugo: bool = True,
) -> Additions:
    """Vendor the GitHub modules the Hugo project in `site` imports into `site/_vendor` (see above)."""
    result = Additions("Hugo module", "vendored", files=held[0], bytes=held[1])
    if not hugo:
        return result  # a code site: its config files are not Hugo's
    vendor = site / VENDOR_DIR
    if (vendor / MODULES_TXT).exists() or vendor.is_symlink() or (vendor.exists() and not vendor.is_dir()):
        return result  # the site vendors its own modules (or has something else by that name)
    if vendor.is_dir():
        # A _vendor/ without modules.txt, which Hugo never reads (a partial copy committed by hand):
        # its folders refused each module vendored over them, and Hugo then asked for Go.
        shutil.rmtree(vendor)
    try:
        wanted = imports_of(site)
    except BuildError:
        return result  # the build reports the unreadable config itself
    requires, replaced = _go_mod(site)
    listed: list[tuple[str, str]] = []
    queue = [(path, 1) for path in wanted]
    seen: set[str] = set()
    while queue:
        path, depth = queue.pop(0)
        if path in seen or _local(site, path) or path in replaced:
            continue
        seen.add(path)
        if "." not in path.split("/", 1)[0]:
            continue  # not a module path: a theme folder Hugo looks for in themes/
        module = module_of(path)
        if module is None:
            result.skipped.append(f"{path[:200]}: not a module on github.com; not vendored")
            continue
        if len(listed) >= MAX_MODULES:
            result.skipped.append(f"{path}: past the limit of {MAX_MODULES} modules")
            continue
        allowed = reach.seconds("downloading Hugo modules")  # out of time fails the stage
        version = result.attempt(
            path, partial(_vendor_one, module, requires.get(path, ""), vendor, reach, allowed, result)
        )
        if version is None:
            continue
        listed.append((path, version))
        result.done.append(f"{path} {version}")
        if depth < MAX_DEPTH:
            folder = vendor / path
            own_requires, _ = _go_mod(folder)
            for name, wanted_version in own_requires.items():
                requires.setdefault(name, wanted_version)
            try:
                queue.extend((child, depth + 1) for child in imports_of(folder))
            except BuildError as exc:
                result.skipped.append(f"{path}: {exc}")
    if listed:
        (vendor / MODULES_TXT).write_text("".join(f"# {path} {version}\n" for path, version in listed))
    shutil.rmtree(vendor / ".fetching", ignore_errors=True)
    return result


def _vendor_one(
    module: _Module, required: str, vendor: Path, reach: Reach, timeout: float, result: Additions
) -> str:
    """Extract `module` into `vendor/<its path>`; the version it was vendored at."""
    if required and not _VERSION.match(required):
        raise InputError(f"go.mod requires it at {required[:60]!r}, which is not a version")
    ref, version = _ref(module, required, reach.api_url, reach.token_for(module.repo), timeout)
    scratch = vendor / ".fetching" / "module"
    try:
        source = result.tarball(reach, module.repo, ref, scratch, timeout)
        folder = _module_folder(scratch, module)
        if folder is None:
            raise InputError(f"{module.repo} at {ref[:40]} has no folder {module.folder!r} for this module")
        target = vendor.joinpath(*module.path.split("/"))
        if target.exists():
            raise InputError(f"{target.relative_to(vendor.parent)} is already in the source")
        _drop_nested_modules(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not version and source.commit and re.fullmatch(r"[0-9a-f]{40}", source.commit):
        version = f"v0.0.0-00010101000000-{source.commit[:12]}"
    return version or "v0.0.0"


def _drop_nested_modules(folder: Path) -> None:
    """Removes each folder below `folder` that holds a go.mod of its own: another module, which Go
    leaves out of this one (Docsy's dependencies/ is imported as a module of its own, and vendoring it
    inside docsy first refused it as "already in the source")."""
    for path, dirs, files in os.walk(folder):
        if path != str(folder) and "go.mod" in files:
            shutil.rmtree(path)
            dirs.clear()


def _ref(module: _Module, required: str, api: str, token: str | None, timeout: float) -> tuple[str, str]:
    """The git ref to download for `module` at the `required` version (or the newest), and its version."""
    prefix = _tag_prefix(module)
    if required:
        pseudo = _PSEUDO_COMMIT.search(required)
        if pseudo:
            return pseudo.group(1), required
        return prefix + required.removesuffix("+incompatible"), required
    newest = _newest_release(module, prefix, api, token, timeout)
    if newest:
        return prefix + newest, newest
    info = request_json(
        "GET",
        f"{api}/repos/{module.repo}",
        token=token,
        body=None,
        timeout=timeout,
        what=f"repository {module.repo}",
    )
    branch = info.get("default_branch")
    if not isinstance(branch, str) or not branch:
        raise PipelineError(f"GitHub named no default branch for {module.repo}")
    return branch, ""


def _newest_release(module: _Module, prefix: str, api: str, token: str | None, timeout: float) -> str:
    """The highest release tag (`vX.Y.Z`, no pre-release) of the module's major version, or ""."""
    url = f"{api}/repos/{module.repo}/tags?per_page=100"
    answer = request_json("GET", url, token=token, body=None, timeout=timeout, what=f"tags of {module.repo}")
    names = [tag.get("name") for tag in answer.get("items", []) if isinstance(tag, dict)]
    best: tuple[int, int, int] | None = None
    for name in names:
        if not isinstance(name, str) or not name.startswith(prefix):
            continue
        found = _RELEASE_TAG.match(name[len(prefix) :])
        if found is None:
            continue
        numbers = (int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if (numbers[0] if numbers[0] >= 2 else 0) != module.major:
            continue
        best = numbers if best is None or numbers > best else best
    return "v{}.{}.{}".format(*best) if best else ""


def _tag_prefix(module: _Module) -> str:
    """A module in a sub-folder is tagged `folder/vX.Y.Z`; the `/vN` of a major version is not part of it."""
    parts = module.folder.split("/") if module.folder else []
    if parts and module.major and parts[-1] == f"v{module.major}":
        parts = parts[:-1]
    return "/".join(parts) + "/" if parts else ""


def _module_folder(root: Path, module: _Module) -> Path | None:
    """The module's folder in its repository: `folder` as written, else without its `/vN` (a major
    version kept on a branch rather than in a sub-folder)."""
    candidates = [module.folder]
    if module.major and module.folder.endswith(f"v{module.major}"):
        candidates.append(module.folder.removesuffix(f"v{module.major}").rstrip("/"))
    for candidate in candidates:
        folder = root.joinpath(*candidate.split("/")) if candidate else root
        if folder.is_dir() and not folder.is_symlink():
            return folder
    return None


def _go_mod(folder: Path) -> tuple[dict[str, str], set[str]]:
    path = folder / "go.mod"
    if path.is_symlink() or not path.is_file():
        return {}, set()
    return read_requires(path.read_text(encoding="utf-8", errors="replace")[: 256 * 1024])


def _local(site: Path, path: str) -> bool:
    """The site keeps the module in its themes folder: Hugo would take it from there, and so do we."""
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return False
    return (site / DEFAULT_THEMES_DIR).joinpath(*parts).is_dir()
