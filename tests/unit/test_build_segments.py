"""A site split into Hugo segments: the segments config (complete by construction), the operator's
setting, and the merge of the segments' trees (a path two segments wrote must hold the same bytes)."""

from __future__ import annotations

import argparse
import json

import pytest

from chalicelib.buildrunner import segments
from chalicelib.buildrunner.job import BuildJob
from chalicelib.errors import BuildError, ConfigError, InputError
from chalicelib.siteconfig import parse_site_config
from chalicelib.sitemodel import Site, site_from_dict
from chalicelib.work.segmented import merge_tree
from presslift.siteoptions import add_site_options, describe, settings_from_args
from tests.conftest import tree_files, write_tree


@pytest.mark.parametrize("count", [2, 3, 5, 16])
def test_the_first_segments_include_disjoint_endings_and_the_last_excludes_exactly_them(count):
    sets = segments.endings(count)
    assert len(sets) == count - 1 and all(sets)
    chars = "".join(sets)
    assert len(chars) == len(set(chars))  # no ending is in two segments
    assert set(chars) <= set("abcdefghijklmnopqrstuvwxyz0123456789")
    config = segments.config(count)
    assert list(config) == list(segments.names(count))
    *firsts, last = config.values()
    for segment, ending in zip(firsts, sets, strict=True):
        assert segment == {"includes": [{"path": f"**[{ending}]"}], "excludes": []}
    assert last == {"includes": [{"kind": "**"}], "excludes": [{"path": f"**[{chars}]"}]}
    # The home page (`/`) ends in none of the endings: the last segment alone renders it.
    assert [segments.renders_home(name, count) for name in config] == [False] * (count - 1) + [True]


@pytest.mark.parametrize(
    ("count", "names"),
    [
        (2, ("presslift-1-of-2", "presslift-2-of-2")),
        (3, ("presslift-1-of-3", "presslift-2-of-3", "presslift-3-of-3")),
    ],
)
def test_segment_names_say_which_share_of_how_many(count, names):
    assert segments.names(count) == names


@pytest.mark.parametrize("count", [0, 1, 17, True, "3"])
def test_a_split_into_fewer_than_two_or_more_than_sixteen_is_refused(count):
    with pytest.raises(BuildError, match="2 to 16 segments"):
        segments.config(count)


def test_the_config_reaches_hugo_as_json_in_its_environment():
    env = segments.hugo_env(3)
    assert list(env) == ["HUGO_SEGMENTS"]
    assert json.loads(env["HUGO_SEGMENTS"]) == segments.config(3)


def test_a_runner_renders_only_a_segment_of_its_own_split():
    assert segments.render_args("presslift-2-of-3", 3) == ("--renderSegments", "presslift-2-of-3")
    with pytest.raises(BuildError, match="'presslift-2-of-4' is not one of the 3 segments"):
        segments.render_args("presslift-2-of-4", 3)


@pytest.mark.parametrize("flags", [("--renderSegments", "docs"), ("--renderSegments=docs",)])
def test_a_repository_picking_its_own_segments_is_refused_in_a_segmented_build(flags):
    with pytest.raises(BuildError, match=r"--renderSegments.*--build-segments 1"):
        segments.refuse_own_segments(("--minify", *flags))
    segments.refuse_own_segments(("--minify", "--renderSegmentsX"))  # not the flag


def test_a_jobs_segment_survives_its_json():
    job = BuildJob(
        "s", "t", "l", (), render_segments=("presslift-1-of-2",), segments=2, theme_fallback="no layouts"
    )
    assert BuildJob.from_json(job.to_json()) == job
    assert BuildJob.from_json(BuildJob("s", "t", "l", ()).to_json()).segments == 0


# --- the operator's setting -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 17, -1])
def test_build_segments_outside_one_to_sixteen_is_refused(count):
    with pytest.raises(InputError, match=f"--build-segments must be between 1 and 16, not {count}"):
        Site("big", repo="acme/big", build_segments=count)


def test_a_code_site_builds_in_one_job():
    with pytest.raises(InputError, match="--build-segments is for Hugo sites"):
        Site("tools", repo="acme/tools", kind="code", build_segments=2)


def test_build_segments_is_stored_and_read_like_the_other_settings():
    site = Site("big", repo="acme/big", build_segments=4)
    assert site.settings_dict()["build_segments"] == 4
    assert site_from_dict(site.to_dict()).build_segments == 4
    legacy = {key: value for key, value in site.to_dict().items() if key != "build_segments"}
    assert site_from_dict(legacy).build_segments == 1  # registered before the setting existed


def _options(*argv: str, adding: bool) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_site_options(parser, adding=adding)
    return parser.parse_args(list(argv))


def test_the_cli_option_sets_and_shows_it():
    current = Site("big", repo="acme/big")
    assert settings_from_args(_options("--build-segments", "3", adding=False), current) == {
        "build_segments": 3
    }
    assert settings_from_args(_options(adding=False), current) == {}
    assert settings_from_args(_options("--build-segments", "3", adding=True), None)["build_segments"] == 3
    assert "build: 3 Hugo segments" in describe(Site("big", repo="acme/big", build_segments=3))
    assert "segments" not in describe(current)


def test_a_repository_cannot_set_it():
    with pytest.raises(ConfigError, match=r"build_segments is set by the site.s operator.*--build-segments"):
        parse_site_config("build_segments = 4\n")


# --- merging the segments' trees --------------------------------------------------------------------


def test_segments_trees_merge_into_one_and_a_file_both_wrote_alike_is_kept_once(tmp_path):
    merged, owners = tmp_path / "merged", {}
    merged.mkdir()
    one = write_tree(tmp_path / "one", {"staging/a/index.html": b"A", "staging/css/site.css": b"body{}"})
    two = write_tree(tmp_path / "two", {"staging/b/index.html": b"B", "staging/css/site.css": b"body{}"})
    merge_tree(one, merged, "segment 1 of 2", owners)
    merge_tree(two, merged, "segment 2 of 2", owners)
    assert tree_files(merged) == {
        "staging/a/index.html": b"A",
        "staging/b/index.html": b"B",
        "staging/css/site.css": b"body{}",
    }
    assert owners["staging/b/index.html"] == "segment 2 of 2"


def test_a_path_two_segments_wrote_differently_fails_the_build_naming_it(tmp_path):
    merged, owners = tmp_path / "merged", {}
    merged.mkdir()
    merge_tree(
        write_tree(tmp_path / "one", {"staging/index.html": b"built at 10:00"}), merged, "segment 1", owners
    )
    with pytest.raises(BuildError, match=r"^staging/index.html differs between segment 1 and segment 2: "):
        later = write_tree(tmp_path / "two", {"staging/index.html": b"built at 10:01"})
        merge_tree(later, merged, "segment 2", owners)
    assert (merged / "staging/index.html").read_bytes() == b"built at 10:00"


def test_a_file_where_another_segment_has_a_folder_fails_the_build(tmp_path):
    merged, owners = tmp_path / "merged", {}
    merged.mkdir()
    merge_tree(write_tree(tmp_path / "one", {"staging/feed": b"a file"}), merged, "segment 1", owners)
    with pytest.raises(BuildError, match="staging/feed is a file from segment 1 but a folder from segment 2"):
        folder = write_tree(tmp_path / "two", {"staging/feed/index.xml": b"x"})
        merge_tree(folder, merged, "segment 2", owners)


def test_a_link_in_a_segments_tree_fails_the_build(tmp_path):
    merged, owners = tmp_path / "merged", {}
    merged.mkdir()
    tree = write_tree(tmp_path / "one", {"staging/index.html": b"A"})
    (tree / "staging/passwd").symlink_to("/etc/passwd")
    with pytest.raises(BuildError, match="staging/passwd, which is not a file or a folder"):
        merge_tree(tree, merged, "segment 1", owners)
