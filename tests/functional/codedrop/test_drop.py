"""Dropping releases onto a folder that stands in for EFS: links, copies, checks, switch, prune."""

import errno
import os
import shutil

import pytest

from chalicelib.codedrop import drop_release, plan_drop, releases, rollback
from chalicelib.errors import ConflictError, NotFoundError, PublishError
from chalicelib.manifest import Manifest

BASE = {f"pkg/mod{i}.py": f"value = {i}\n".encode() * 20 for i in range(30)}


def app_root(mount):
    return mount / "dev" / "app"


def read_current(mount, rel):
    return (app_root(mount) / "current" / rel).read_bytes()


def test_first_drop_copies_everything_and_points_current_at_the_release(mount, make_bundle):
    bundle, manifest = make_bundle("r1", BASE)
    result = drop_release(mount, "dev", "app", "r1", bundle, manifest)
    assert (result.files_copied, result.files_linked) == (30, 0)
    assert result.bytes_written == manifest.total_bytes
    assert os.readlink(app_root(mount) / "current") == "releases/r1"
    assert read_current(mount, "pkg/mod7.py") == BASE["pkg/mod7.py"]
    assert (
        Manifest.from_json((app_root(mount) / "releases" / "r1.manifest.json").read_text()).files
        == manifest.files
    )


def test_a_rebuild_copies_only_changed_files_and_hard_links_the_rest(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    changed = dict(BASE, **{"pkg/mod3.py": b"value = 'new'\n", "pkg/added.py": b"x = 1\n"})
    del changed["pkg/mod4.py"]
    result = drop_release(mount, "dev", "app", "r2", *make_bundle("r2", changed))
    assert (result.files_copied, result.files_linked) == (2, 28)
    assert result.bytes_written == len(b"value = 'new'\n") + len(b"x = 1\n")
    old, new = app_root(mount) / "releases" / "r1", app_root(mount) / "releases" / "r2"
    assert (old / "pkg/mod0.py").stat().st_ino == (new / "pkg/mod0.py").stat().st_ino
    assert (old / "pkg/mod3.py").stat().st_ino != (new / "pkg/mod3.py").stat().st_ino
    assert not (new / "pkg/mod4.py").exists()
    assert read_current(mount, "pkg/mod3.py") == b"value = 'new'\n"


def test_the_live_release_is_never_written(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    live = app_root(mount) / "releases" / "r1"

    def snapshot():
        return {
            path: (path.stat().st_ino, path.stat().st_mtime_ns, path.is_file() and path.read_bytes())
            for path in live.rglob("*")
        }

    before = snapshot()
    drop_release(mount, "dev", "app", "r2", *make_bundle("r2", dict(BASE, **{"pkg/mod1.py": b"changed\n"})))
    assert snapshot() == before


def test_executable_bits_come_along(mount, make_bundle):
    bundle, manifest = make_bundle("r1", dict(BASE, **{"bin/run": b"#!/bin/sh\n"}))
    (bundle / "bin/run").chmod(0o755)
    drop_release(mount, "dev", "app", "r1", bundle, manifest)
    assert os.access(app_root(mount) / "current/bin/run", os.X_OK)


def test_an_empty_bundle_is_refused_and_nothing_changes(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    with pytest.raises(PublishError, match=r"no files.*force"):
        drop_release(mount, "dev", "app", "r2", *make_bundle("r2", {}))
    assert os.readlink(app_root(mount) / "current") == "releases/r1"
    assert sorted(os.listdir(app_root(mount) / "releases")) == ["r1", "r1.manifest.json"]


def test_an_empty_first_bundle_is_refused_too(mount, make_bundle):
    with pytest.raises(PublishError, match="no files"):
        drop_release(mount, "dev", "app", "r1", *make_bundle("r1", {}))
    assert not (app_root(mount) / "current").exists()


def test_a_shrunken_bundle_needs_force(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    small = {"pkg/mod0.py": BASE["pkg/mod0.py"]}
    with pytest.raises(PublishError, match="less than 50%"):
        drop_release(mount, "dev", "app", "r2", *make_bundle("r2", small))
    result = drop_release(mount, "dev", "app", "r2", *make_bundle("r2", small), force=True)
    assert result.forced_past and result.files_linked == 1
    assert sorted(p.name for p in (app_root(mount) / "current/pkg").iterdir()) == ["mod0.py"]


def test_a_bundle_that_does_not_match_its_manifest_is_not_switched_to(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    bundle, manifest = make_bundle("r2", dict(BASE, **{"pkg/mod1.py": b"built\n"}))
    (bundle / "pkg/mod1.py").write_bytes(b"tampered\n")
    with pytest.raises(PublishError, match=r"do not match the manifest: pkg/mod1\.py"):
        drop_release(mount, "dev", "app", "r2", bundle, manifest)
    assert os.readlink(app_root(mount) / "current") == "releases/r1"
    assert sorted(os.listdir(app_root(mount) / "releases")) == ["r1", "r1.manifest.json"]


def test_a_file_missing_from_the_bundle_names_it(mount, make_bundle):
    bundle, manifest = make_bundle("r1", BASE)
    (bundle / "pkg/mod2.py").unlink()
    with pytest.raises(PublishError, match=r"lacks pkg/mod2\.py"):
        drop_release(mount, "dev", "app", "r1", bundle, manifest)
    assert not (app_root(mount) / "current").exists()


def test_files_that_cannot_be_linked_are_copied_instead(mount, make_bundle, monkeypatch):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))

    def too_many_links(source, target):
        raise OSError(errno.EMLINK, "Too many links")

    monkeypatch.setattr(os, "link", too_many_links)
    result = drop_release(
        mount, "dev", "app", "r2", *make_bundle("r2", dict(BASE, **{"pkg/mod1.py": b"x\n"}))
    )
    assert (result.files_copied, result.files_linked) == (30, 0)
    assert read_current(mount, "pkg/mod2.py") == BASE["pkg/mod2.py"]


def test_only_the_newest_releases_are_kept(mount, make_bundle):
    for number in range(1, 8):
        result = drop_release(
            mount,
            "dev",
            "app",
            f"r{number}",
            *make_bundle(f"r{number}", dict(BASE, v=str(number).encode())),
            keep=3,
        )
    assert result.pruned == ("r4",)
    assert [release.run_id for release in releases(mount, "dev", "app")] == ["r7", "r6", "r5"]
    assert sorted(os.listdir(app_root(mount) / "releases")) == [
        "r5",
        "r5.manifest.json",
        "r6",
        "r6.manifest.json",
        "r7",
        "r7.manifest.json",
    ]


def test_prune_never_removes_the_release_a_rollback_made_current(mount, make_bundle):
    for number in (1, 2):
        drop_release(
            mount, "dev", "app", f"r{number}", *make_bundle(f"r{number}", dict(BASE, v=str(number).encode()))
        )
    rollback(mount, "dev", "app", "r1")
    drop_release(mount, "dev", "app", "r3", *make_bundle("r3", dict(BASE, v=b"3")), keep=1)
    drop_release(mount, "dev", "app", "r4", *make_bundle("r4", dict(BASE, v=b"4")), keep=1)
    assert [release.run_id for release in releases(mount, "dev", "app")] == ["r4"]


def test_release_order_is_drop_order_whatever_the_run_ids(mount, make_bundle):
    for run_id in ("zeta", "alpha", "mid"):
        drop_release(mount, "dev", "app", run_id, *make_bundle(run_id, dict(BASE, v=run_id.encode())))
    listed = releases(mount, "dev", "app")
    assert [(release.run_id, release.current) for release in listed] == [
        ("mid", True),
        ("alpha", False),
        ("zeta", False),
    ]


def test_rollback_goes_to_the_previous_release_then_further_back(mount, make_bundle):
    for number in (1, 2, 3):
        drop_release(
            mount, "dev", "app", f"r{number}", *make_bundle(f"r{number}", dict(BASE, v=str(number).encode()))
        )
    first = rollback(mount, "dev", "app")
    assert (first.previous, first.run_id) == ("r3", "r2")
    assert rollback(mount, "dev", "app").run_id == "r1"
    with pytest.raises(NotFoundError, match="no release older than r1"):
        rollback(mount, "dev", "app")
    assert rollback(mount, "dev", "app", "r3").run_id == "r3"
    assert read_current(mount, "v") == b"3"


def test_rollback_is_one_rename_and_writes_nothing(mount, make_bundle, monkeypatch):
    for number in (1, 2):
        drop_release(
            mount, "dev", "app", f"r{number}", *make_bundle(f"r{number}", dict(BASE, v=str(number).encode()))
        )
    calls = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda *args: calls.append(("replace", args)) or real_replace(*args))
    for name in ("rename", "link", "unlink"):
        monkeypatch.setattr(os, name, lambda *args, name=name: calls.append((name, args)))
    monkeypatch.setattr(shutil, "copyfile", lambda *args, **kw: calls.append(("copyfile", args)))
    result = rollback(mount, "dev", "app")
    assert [name for name, _ in calls] == ["replace"]
    assert result.bytes_written == 0
    assert os.readlink(app_root(mount) / "current") == "releases/r1"


def test_rollback_to_an_unknown_release_lists_the_kept_ones(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    with pytest.raises(NotFoundError, match=r"no release nope .*releases kept: r1"):
        rollback(mount, "dev", "app", "nope")


def test_dropping_the_same_run_again_switches_without_writing(mount, make_bundle):
    bundle, manifest = make_bundle("r1", BASE)
    drop_release(mount, "dev", "app", "r1", bundle, manifest)
    drop_release(mount, "dev", "app", "r2", *make_bundle("r2", dict(BASE, v=b"2")))
    again = drop_release(mount, "dev", "app", "r1", bundle, manifest)
    assert (again.action, again.bytes_written, again.files_copied) == ("redrop", 0, 0)
    assert [release.run_id for release in releases(mount, "dev", "app")] == ["r1", "r2"]
    assert os.readlink(app_root(mount) / "current") == "releases/r1"


def test_a_run_id_cannot_be_dropped_with_other_files(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    bundle, manifest = make_bundle("other", dict(BASE, v=b"x"))
    with pytest.raises(ConflictError, match="already exists with other files"):
        drop_release(mount, "dev", "app", "r1", bundle, manifest)


def test_a_half_written_release_left_by_a_dead_drop_is_replaced(mount, make_bundle):
    (app_root(mount) / "releases" / "r1").mkdir(parents=True)
    (app_root(mount) / "releases" / "r1" / "junk").write_text("partial")
    result = drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    assert result.files_copied == 30
    assert not (app_root(mount) / "current" / "junk").exists()


def test_stale_scratch_from_a_dead_drop_is_cleared_by_the_next_prune(mount, make_bundle):
    scratch = app_root(mount) / "releases" / ".new-r0-dead"
    scratch.mkdir(parents=True)
    os.utime(scratch, (0, 0))
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    assert not scratch.exists()


@pytest.mark.parametrize(
    ("stage", "app", "run_id"), [("../x", "app", "r1"), ("dev", "a/b", "r1"), ("dev", "app", ".r")]
)
def test_names_that_are_not_one_folder_are_refused(mount, make_bundle, stage, app, run_id):
    with pytest.raises(Exception, match="cannot name a folder"):
        drop_release(mount, stage, app, run_id, *make_bundle("r1", BASE))


def test_the_plan_and_the_result_describe_the_release(mount, make_bundle):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    bundle, manifest = make_bundle("r2", dict(BASE, **{"pkg/mod1.py": b"x\n"}))
    plan = plan_drop(mount, "dev", "app", "r2", manifest)
    assert "copy 1 file " in plan.describe() and "link 29 unchanged files from r1" in plan.describe()
    result = drop_release(mount, "dev", "app", "r2", bundle, manifest)
    summary = result.summary()
    assert summary["files_copied"] == 1 and summary["files_linked"] == 29 and summary["previous"] == "r1"
    assert "current r1 -> r2" in result.describe()


@pytest.mark.parametrize(("moved", "copied", "linked"), [(False, 1, 29), (True, 2, 28)])
def test_a_plan_given_to_the_drop_is_carried_out_only_while_current_is_what_it_linked_from(
    mount, make_bundle, moved, copied, linked
):
    drop_release(mount, "dev", "app", "r1", *make_bundle("r1", BASE))
    bundle, manifest = make_bundle("r3", dict(BASE, **{"pkg/mod3.py": b"value = 'three'\n"}))
    planned = plan_drop(mount, "dev", "app", "r3", manifest)  # links 29 files from r1
    if moved:
        drop_release(mount, "dev", "app", "r2", *make_bundle("r2", dict(BASE, **{"pkg/mod5.py": b"5\n"})))
    result = drop_release(mount, "dev", "app", "r3", bundle, manifest, plan=planned)
    assert (result.files_copied, result.files_linked) == (copied, linked)
    assert read_current(mount, "pkg/mod5.py") == BASE["pkg/mod5.py"]  # never r2's file
    assert result.previous == ("r2" if moved else "r1")
