"""The drop plan: a pure diff of manifests, with its refusals."""

import hashlib

import pytest

from chalicelib.codedrop.plan import CopyReason, plan_release
from chalicelib.errors import InputError
from chalicelib.manifest import Manifest, ManifestEntry


def entry(path: str, content: str) -> ManifestEntry:
    data = content.encode()
    return ManifestEntry(path, hashlib.md5(data).hexdigest(), len(data), "text/plain")


def manifest(run_id: str, files: dict[str, str]) -> Manifest:
    return Manifest("app", run_id, "code", "", [entry(path, text) for path, text in files.items()])


def test_first_drop_copies_every_file():
    plan = plan_release("r1", manifest("r1", {"a.py": "a", "b/c.py": "c"}), None)
    assert [(copy.entry.path, copy.reason) for copy in plan.copies] == [
        ("a.py", CopyReason.NO_CURRENT),
        ("b/c.py", CopyReason.NO_CURRENT),
    ]
    assert plan.links == () and plan.link_from is None and plan.refusals == ()


def test_unchanged_files_are_linked_and_only_new_or_changed_ones_copied():
    current = manifest("r1", {"same.py": "x", "changed.py": "old", "gone.py": "bye"})
    new = manifest("r2", {"same.py": "x", "changed.py": "new", "added.py": "hi"})
    plan = plan_release("r2", new, current, "r1")
    assert {copy.entry.path: copy.reason for copy in plan.copies} == {
        "added.py": CopyReason.NEW,
        "changed.py": CopyReason.CHANGED,
    }
    assert [link.path for link in plan.links] == ["same.py"]
    assert plan.removed == ("gone.py",)
    assert plan.link_from == "r1"
    assert plan.copy_bytes == len("hi") + len("new")


def test_empty_bundle_is_refused_even_on_a_first_drop():
    plan = plan_release("r1", manifest("r1", {}), None)
    assert plan.refusals and "no files" in plan.refusals[0]


@pytest.mark.parametrize(
    ("new_files", "reason"),
    [
        ({f"f{i}.py": "x" * 100 for i in range(4)}, "files"),
        ({f"f{i}.py": "x" for i in range(20)}, "holds"),
    ],
)
def test_a_bundle_far_smaller_than_the_current_release_is_refused(new_files, reason):
    current = manifest("r1", {f"f{i}.py": "x" * 100 for i in range(20)})
    plan = plan_release("r2", manifest("r2", new_files), current, "r1")
    assert any(reason in refusal and "r1" in refusal for refusal in plan.refusals)


def test_small_releases_may_shrink():
    current = manifest("r1", {"a.py": "a", "b.py": "b", "c.py": "c"})
    plan = plan_release("r2", manifest("r2", {"a.py": "a"}), current, "r1")
    assert plan.refusals == ()


@pytest.mark.parametrize(
    "path", ["../escape.py", "/etc/passwd", "a//b.py", "./a.py", "a/../b.py", "", "a\\b"]
)
def test_paths_that_could_leave_the_release_are_refused(path):
    with pytest.raises(InputError, match="not a plain relative path"):
        plan_release("r1", Manifest("app", "r1", "code", "", [entry(path, "x")]), None)


def test_a_path_listed_twice_is_refused():
    with pytest.raises(InputError, match="listed twice"):
        plan_release("r1", Manifest("app", "r1", "code", "", [entry("a", "x"), entry("a", "y")]), None)


def test_a_path_that_is_both_a_file_and_a_folder_is_refused():
    files = [entry("lib", "x"), entry("lib/mod.py", "y")]
    with pytest.raises(InputError, match="'lib' is listed as a file and as a folder"):
        plan_release("r1", Manifest("app", "r1", "code", "", files), None)


def test_describe_names_what_is_copied_linked_and_left_out():
    current = manifest("r1", {"same.py": "x", "old.py": "o"})
    text = plan_release("r2", manifest("r2", {"same.py": "x", "new.py": "n"}), current, "r1").describe()
    assert "copy 1 file (" in text and "+ new.py (new)" in text
    assert "link 1 unchanged file from r1" in text
    assert "- old.py" in text
