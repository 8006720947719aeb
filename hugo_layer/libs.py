"""The C++ runtime that Hugo extended needs beside it in the layer: `lib/libstdc++.so.6` and
`lib/libgcc_s.so.1` (Lambda puts /opt/lib on LD_LIBRARY_PATH; the python3.12 image, Amazon Linux 2023,
has neither where a layer's binary finds them).

They come from Debian 11's `libstdc++6` and `libgcc-s1` (GCC 10), for the layer's architecture, fetched
with apt from the Debian archive this machine's apt already uses. Why Debian 11 and not this machine's
own files: those are built against glibc 2.35/2.36 (GCC 12, Debian 12) and would not load on Lambda's
glibc 2.34; Debian 11's need glibc 2.18 at most and carry GLIBCXX_3.4.28, past the 3.4.21 Hugo asks for.
apt runs with its own lists and cache under dist/apt/ and never changes the system's apt set-up.
The versions are pinned, and so are the bytes: the same .deb gives the same files.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

SUITE = "bullseye"  # Debian 11: glibc 2.31, so its libraries ask for no newer symbol than Lambda has
VERSION = "10.2.1-6"
PACKAGES = ("libstdc++6", "libgcc-s1")
DEBIAN_ARCH = {"x86_64": "amd64", "arm64": "arm64"}
TRIPLET = {"x86_64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


def layer_names(arch: str) -> dict[str, str]:
    """Path in the layer -> path inside the unpacked packages."""
    triplet = TRIPLET[arch]
    return {
        "lib/libgcc_s.so.1": f"lib/{triplet}/libgcc_s.so.1",
        "lib/libstdc++.so.6": f"usr/lib/{triplet}/libstdc++.so.6.0.28",
    }


def debian_archive() -> str:
    """The Debian archive this machine's apt fetches from (the one serving the release itself)."""
    done = subprocess.run(
        ["apt-get", "indextargets", "--format", "$(REPO_URI) $(RELEASE)"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in sorted(set(done.stdout.splitlines())):
        uri, _, release = line.partition(" ")
        if release and "-" not in release and uri.rstrip("/").endswith("/debian"):
            return uri
    raise SystemExit("apt has no Debian archive configured: the layer's C++ runtime comes from Debian")


def _apt(cache: Path) -> list[str]:
    options = {
        "Dir::Etc::SourceList": cache / "sources.list",
        "Dir::Etc::SourceParts": cache / "sources.list.d",
        "Dir::Etc::PreferencesParts": cache / "preferences.d",
        "Dir::State::Lists": cache / "lists",
        "Dir::Cache": cache / "cache",
        "Dir::State::status": cache / "status",
        "Acquire::Languages": "none",
        "APT::Sandbox::User": "root",
    }
    args = [arg for key, value in options.items() for arg in ("-o", f"{key}={value}")]
    return [*args, "-o", "APT::Architectures::=amd64", "-o", "APT::Architectures::=arm64"]


def download_debs(arch: str, cache: Path) -> list[Path]:
    """The pinned .deb files for `arch`, from the cache or fetched with apt."""
    wanted = [cache / f"{package}_{VERSION}_{DEBIAN_ARCH[arch]}.deb" for package in PACKAGES]
    if all(path.exists() for path in wanted):
        return wanted
    for folder in ("sources.list.d", "preferences.d", "lists/partial", "cache/archives/partial"):
        (cache / folder).mkdir(parents=True, exist_ok=True)
    (cache / "status").touch()
    (cache / "sources.list").write_text(f"deb [signed-by={KEYRING}] {debian_archive()} {SUITE} main\n")
    apt = _apt(cache)
    subprocess.run(["apt-get", "-qq", *apt, "update"], check=True, capture_output=True)
    specs = [f"{package}:{DEBIAN_ARCH[arch]}={VERSION}" for package in PACKAGES]
    subprocess.run(["apt-get", "-qq", *apt, "download", *specs], check=True, cwd=cache, capture_output=True)
    return wanted


def runtime_libraries(arch: str, cache: Path) -> dict[str, bytes]:
    """`lib/libstdc++.so.6` and `lib/libgcc_s.so.1` for the layer of `arch`, as bytes."""
    with tempfile.TemporaryDirectory(prefix="presslift-layer-libs-") as scratch:
        for deb in download_debs(arch, cache):
            subprocess.run(["dpkg-deb", "-x", str(deb), scratch], check=True)
        return {name: (Path(scratch) / source).read_bytes() for name, source in layer_names(arch).items()}
