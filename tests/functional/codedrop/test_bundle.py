"""Building a bundle from a checkout: globs, wheelhouse wheels, the check command and its timeout."""

import hashlib
import time

import pytest

from chalicelib.bundle import BundleSpec, build_bundle
from chalicelib.errors import BuildError, InputError

REPO = {
    "app/main.py": b"import demo\nprint(demo.VALUE)\n",
    "app/__pycache__/main.cpython-311.pyc": b"\0bytecode",
    "app/stale.pyc": b"\0bytecode",
    ".git/config": b"[core]\n",
    ".git/objects/ab/cdef": b"blob",
    ".github/workflows/ci.yml": b"on: push\n",
    "docs/index.md": b"# docs\n",
    "README.md": b"hello\n",
}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    for rel, data in REPO.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def paths(manifest):
    return [entry.path for entry in manifest.files]


def build(repo, tmp_path, **spec):
    return build_bundle(repo, tmp_path / "out", BundleSpec(**spec), site="tools", run_id="r1")


def test_default_globs_leave_out_git_caches_and_bytecode(repo, tmp_path):
    manifest = build(repo, tmp_path)
    assert paths(manifest) == ["README.md", "app/main.py", "docs/index.md"]
    assert (manifest.site, manifest.run_id, manifest.stage) == ("tools", "r1", "code")
    assert (tmp_path / "out/app/main.py").read_bytes() == REPO["app/main.py"]


def test_include_and_exclude_globs_select_files(repo, tmp_path):
    manifest = build(
        repo, tmp_path, include=("app/**", "*.md"), exclude=("docs/", "*.pyc", "**/__pycache__/**")
    )
    assert paths(manifest) == ["README.md", "app/main.py"]


def test_manifest_checksums_are_of_the_bundled_bytes(repo, tmp_path):
    manifest = build(repo, tmp_path)
    entry = manifest.by_path()["app/main.py"]
    assert entry.md5 == hashlib.md5(REPO["app/main.py"]).hexdigest() and entry.size == len(
        REPO["app/main.py"]
    )


def test_a_symlink_inside_the_checkout_is_bundled_as_a_file(repo, tmp_path):
    (repo / "main.py").symlink_to("app/main.py")
    build(repo, tmp_path)
    assert (tmp_path / "out/main.py").read_bytes() == REPO["app/main.py"]
    assert not (tmp_path / "out/main.py").is_symlink()


def test_a_symlink_out_of_the_checkout_is_refused(repo, tmp_path):
    (tmp_path / "secret").write_text("key")
    (repo / "leak").symlink_to(tmp_path / "secret")
    with pytest.raises(InputError, match=r"leak in the checkout is a symlink .* outside the repository"):
        build(repo, tmp_path)


def test_the_bundle_folder_must_be_fresh_and_outside_the_checkout(repo, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out/old").write_text("x")
    with pytest.raises(InputError, match="not empty"):
        build(repo, tmp_path)
    with pytest.raises(InputError, match="outside the checkout"):
        build_bundle(repo, repo / "dist", BundleSpec(), site="tools", run_id="r1")


def test_wheels_from_the_wheelhouse_are_installed_and_the_wheelhouse_left_out(repo, tmp_path, wheel):
    wheel(repo / "wheels", "demo", "1.0", {"demo/__init__.py": b"VALUE = 1\n"})
    wheel(repo / "wheels", "demo", "2.0", {"demo/__init__.py": b"VALUE = 2\n"})
    wheel(repo / "wheels", "helper", "0.1", {"helper.py": b""})
    (repo / "requirements.txt").write_text("demo<2\nhelper==0.1\n")
    manifest = build(repo, tmp_path, requirements="requirements.txt", wheelhouse="wheels/")
    assert (tmp_path / "out/demo/__init__.py").read_bytes() == b"VALUE = 1\n"
    assert "demo-1.0.dist-info/METADATA" in paths(manifest) and "helper.py" in paths(manifest)
    assert not any(path.startswith("wheels/") for path in paths(manifest))


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        ("missing==1.0\n", r"requirements\.txt, line 1: no wheel for missing==1\.0"),
        ("native==1.0\n", "only platform-specific wheels"),
        (
            "needy==1.0\n",
            "needy-1.0-py3-none-any.whl needs other>=1, which the requirements file does not list",
        ),
        ("demo==1.0 --hash=sha256:0000\n", "does not match any --hash"),
    ],
)
def test_wheel_problems_say_which_line_and_how_to_fix(repo, tmp_path, wheel, requirements, message):
    wheel(repo / "wheels", "demo", "1.0", {"demo/__init__.py": b""})
    wheel(
        repo / "wheels", "native", "1.0", {"native.so": b"\x7fELF"}, tag="cp311-cp311-manylinux_2_17_x86_64"
    )
    wheel(
        repo / "wheels",
        "needy",
        "1.0",
        {"needy.py": b""},
        requires=["other>=1", 'win ; sys_platform == "win32"'],
    )
    (repo / "requirements.txt").write_text(requirements)
    with pytest.raises(InputError, match=message):
        build(repo, tmp_path, requirements="requirements.txt", wheelhouse="wheels")


def test_a_wheel_must_not_overwrite_a_repository_file(repo, tmp_path, wheel):
    wheel(repo / "wheels", "clash", "1.0", {"README.md": b"from the wheel\n"})
    (repo / "requirements.txt").write_text("clash==1.0\n")
    with pytest.raises(BuildError, match="would overwrite a file already in the bundle"):
        build(repo, tmp_path, requirements="requirements.txt", wheelhouse="wheels")


def test_requirements_without_a_wheelhouse_are_refused(repo, tmp_path):
    (repo / "requirements.txt").write_text("demo==1.0\n")
    with pytest.raises(InputError, match="no wheelhouse"):
        build(repo, tmp_path, requirements="requirements.txt")


def test_the_check_runs_in_the_bundle_with_its_wheels_importable(repo, tmp_path, wheel):
    wheel(repo / "wheels", "demo", "1.0", {"demo/__init__.py": b"VALUE = 1\n"})
    (repo / "requirements.txt").write_text("demo==1.0\n")
    manifest = build(
        repo,
        tmp_path,
        requirements="requirements.txt",
        wheelhouse="wheels",
        check=(
            "python",
            "-c",
            "import demo, pathlib; assert demo.VALUE == 1; assert pathlib.Path('app').is_dir()",
        ),
    )
    assert "demo/__init__.py" in paths(manifest)


def test_compileall_as_the_check_leaves_no_bytecode_in_the_bundle(repo, tmp_path):
    manifest = build(repo, tmp_path, check=("python", "-m", "compileall", "-q", "."))
    assert paths(manifest) == ["README.md", "app/main.py", "docs/index.md"]
    assert not list((tmp_path / "out").rglob("*.pyc"))


def test_what_the_check_leaves_behind_is_excluded_too(repo, tmp_path):
    script = "import pathlib; pathlib.Path('.cache').mkdir(); pathlib.Path('.cache/x').write_text('1')"
    manifest = build(repo, tmp_path, exclude=(".git/**", ".cache/**"), check=("python", "-c", script))
    assert not any(path.startswith(".cache") for path in paths(manifest))
    assert not (tmp_path / "out/.cache").exists()


def test_a_failing_check_fails_the_build_with_its_output(repo, tmp_path):
    with pytest.raises(BuildError, match="failed with exit code 3") as caught:
        build(repo, tmp_path, check=("python", "-c", "import sys; print('broken test'); sys.exit(3)"))
    assert "broken test" in caught.value.log_tail


def test_a_check_that_overruns_its_timeout_is_killed_with_what_it_started(repo, tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    # 5 s leaves a loaded 2-core CI machine time to start both interpreters before the timeout.
    with pytest.raises(BuildError, match=r"did not finish within 5 s"):
        build(repo, tmp_path, check=("python", "-c", script), check_timeout=5)
    grandchild = int(pid_file.read_text())
    for _ in range(50):
        if not _alive(grandchild):
            break
        time.sleep(0.1)
    assert not _alive(grandchild)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_check_command_that_does_not_exist_is_a_build_error(repo, tmp_path):
    with pytest.raises(BuildError, match="cannot start"):
        build(repo, tmp_path, check=("no-such-command-presslift",))
