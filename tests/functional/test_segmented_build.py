"""A site rendered in Hugo segments, with the real Hugo: the segments merged are byte for byte the site
rendered whole (every page kind and output, aliases, static files, resized images), whatever the
repository's own config says about segments; and through the build stage (moto) with the runner as a
child process, on files and on presigned URLs, a segmented build stores the tree a whole build stores,
and a failed segment fails the build with its own message and log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib import hugo
from chalicelib.artifacts import ArtifactStore, segment_cache_key
from chalicelib.budget import TimeBudget
from chalicelib.buildrunner import segments
from chalicelib.errors import BuildError
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.sitemodel import Site
from chalicelib.work.build import build, render_prod
from chalicelib.work.segmented import merge_tree
from tests.conftest import tree_files, write_tree
from tests.functional.test_hugo_cache import png

SITE = "almanac"
WORDS = ("harbour", "lighthouse", "tide", "ferry", "gull", "anchor", "quay", "pier", "buoy", "sail", "mast")
HUGO_TOML = b"""title = "Almanac"
enableRobotsTXT = true
[pagination]
pagerSize = 4
[taxonomies]
tag = "tags"
category = "categories"
# The repository's own segments, with the pipeline's names: they must change nothing.
[segments.presslift-1-of-3]
[[segments.presslift-1-of-3.excludes]]
kind = "**"
"""
LAYOUTS = {
    "layouts/_default/baseof.html": '<html><body>{{ block "main" . }}{{ end }}</body></html>',
    "layouts/_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}'
    '{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}{{ end }}',
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
    '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
    "layouts/404.html": '{{ define "main" }}Not found{{ end }}',
    "layouts/shortcodes/thumb.html": '{{ with .Page.Resources.GetMatch (.Get 0) }}{{ with .Resize "12x" }}'
    '<img src="{{ .RelPermalink }}">{{ end }}{{ end }}',
    "layouts/_default/_markup/render-image.html": "{{ with .Page.Resources.GetMatch .Destination }}"
    '{{ with .Fit "9x9" }}<img src="{{ .RelPermalink }}" alt="{{ $.Text }}">{{ end }}{{ end }}',
}


def site_files(*, bad_page: str = "") -> dict[str, bytes]:
    """Sections, nested sections, taxonomies, bundles with images, aliases, static files."""
    files: dict[str, bytes] = {"hugo.toml": HUGO_TOML, "static/css/site.css": b"body { margin: 0 }\n"}
    files.update({name: text.encode() for name, text in LAYOUTS.items()})
    # A config folder's segments would override `--config` files: they must change nothing either.
    files["config/_default/segments.toml"] = (
        b'[presslift-3-of-3]\n[[presslift-3-of-3.includes]]\npath = "/nowhere"\n'
    )
    files["content/_index.md"] = b"---\ntitle: Home\n---\nWelcome.\n"
    files["content/about.md"] = b"---\ntitle: About\naliases: [/who-we-are/]\n---\nWho we are.\n"
    for n, word in enumerate(WORDS):
        section = "news" if n % 2 else "guides/coast"
        front = f"title: {word.title()} {n}\ndate: 2026-01-{n + 1:02d}\ntags: [{WORDS[n % 3]}]"
        front += f"\ncategories: [c{n % 2}]"
        files[f"content/{section}/{word}-{n}.md"] = (
            f"---\n{front}\naliases: [/old/{word}/]\n---\nAbout {word}.\n".encode()
        )
    files["content/news/photo-day/index.md"] = (
        b'---\ntitle: Photo Day\n---\n{{< thumb "boat.png" >}}\n\n![A gull](gull.png)\n'
    )
    files["content/news/photo-day/boat.png"] = png(40, 30, 10)
    files["content/news/photo-day/gull.png"] = png(30, 40, 90)
    files["content/guides/_index.md"] = b"---\ntitle: Guides\n---\n"
    if bad_page:
        files["layouts/_default/single.html"] = (
            f'{{{{ if eq .Path "{bad_page}" }}}}'.encode()
            + b'{{ errorf "cannot render %s" .Path }}{{ end }}'
            + files["layouts/_default/single.html"]
        )
    return files  # fmt: skip


def segment_of(path: str, count: int) -> int:
    """Which segment renders the page at `path` (read off the config: the first whose ending it has)."""
    return next((n for n, chars in enumerate(segments.endings(count), 1) if path[-1] in chars), count)


def render(source: Path, into: Path, work: Path, segment: str = "", count: int = 0) -> dict[str, bytes]:
    hugo.build_site(
        source,
        into,
        base_url="https://almanac.test/",
        work_dir=work,
        extra_args=segments.render_args(segment, count) if segment else (),
        settings=segments.hugo_env(count) if segment else None,
    )
    return tree_files(into)


def test_three_segments_merged_are_the_site_rendered_whole_byte_for_byte(tmp_path):
    source = write_tree(tmp_path / "source", site_files())
    whole = render(source, tmp_path / "whole", tmp_path / "work-whole")
    merged, owners = tmp_path / "merged", {}
    merged.mkdir()
    shares = []
    for name in segments.names(3):
        share = render(source, tmp_path / name, tmp_path / f"work-{name}", name, 3)
        shares.append({path for path in share if path.endswith(".html") and "/page/" not in path})
        merge_tree(tmp_path / name, merged, name, owners)
    assert tree_files(merged) == whole
    kinds = {"index.html", "404.html", "robots.txt", "sitemap.xml", "index.xml", "css/site.css"}
    assert kinds <= set(whole)  # home, 404, robots.txt, sitemap, RSS, static
    assert {"tags/harbour/index.html", "categories/c1/index.xml", "old/gull/index.html"} <= set(whole)
    assert sum(1 for path in whole if path.startswith("news/photo-day/") and path.endswith(".png")) == 4
    assert "page/2/index.html" in whole  # the home page's pagination
    # Each segment rendered a share of the pages, none of them twice; the last one the home page.
    assert all(shares) and sum(len(share) for share in shares) == len(set().union(*shares))
    assert "index.html" in shares[-1]


# --- through the build stage ------------------------------------------------------------------------


def store(svc: Any) -> ArtifactStore:
    return ArtifactStore(svc.s3, svc.settings.artifacts_bucket)


def build_once(svc: Any, tmp_path: Path, files: dict[str, bytes]) -> tuple[Run, dict[str, Any]]:
    source = write_tree(tmp_path / f"source-{new_run_id()}", files)
    run = svc.runs.create(
        Run(id=new_run_id(), site=SITE, kind="hugo", trigger=Trigger("push"), stages=[Stage("build")])
    )
    key = store(svc).put_source(SITE, run.id, source)
    detail = build(svc, run, key, TimeBudget.starting_now(600)).detail()
    prod = render_prod(svc, run, key, TimeBudget.starting_now(600)).detail()  # the build-prod stage
    return run, {**detail, "trees": {**detail["trees"], **prod["trees"]}}


def stored_tree(svc: Any, run: Run, stage: str, into: Path) -> dict[str, bytes]:
    store(svc).get_tree(SITE, run.id, stage, into)
    return tree_files(into)


def assert_segmented_equals_whole(svc: Any, tmp_path: Path) -> dict[str, Any]:
    whole_run, whole = build_once(svc, tmp_path, site_files())
    svc.sites.update(SITE, build_segments=3)
    split_run, split = build_once(svc, tmp_path, site_files())
    for stage in ("staging", "prod"):
        expected = stored_tree(svc, whole_run, stage, tmp_path / f"whole-{stage}")
        assert any(path.startswith("pagefind/") for path in expected)
        assert stored_tree(svc, split_run, stage, tmp_path / f"split-{stage}") == expected, stage
    assert split["trees"] == whole["trees"]
    log = store(svc).get_log(SITE, split_run.id, "build.log")[0]
    for name in segments.names(3):
        assert f"segment {name[10]} of 3 ({name})" in log
    assert "== search index" in log
    return split


@pytest.fixture
def site(provisioned: Any) -> Any:
    provisioned.sites.add(Site(SITE, repo="acme/almanac"))
    return provisioned


def test_a_segmented_build_stores_the_tree_a_whole_build_stores(site, tmp_path):
    split = assert_segmented_equals_whole(site, tmp_path)
    # Before a segment has a cache of its own, it reads the whole build's, and Hugo resizes nothing.
    assert split["cache"]["restored"].startswith("cache restored ("), split["cache"]
    assert split["cache"]["written"].count("(0 processed images)") == 3, split["cache"]


def test_each_segment_keeps_its_own_cache_and_restores_it(site, tmp_path):
    site.sites.update(SITE, build_segments=3)
    _, first = build_once(site, tmp_path, site_files())
    photos = segment_of("/news/photo-day", 3)
    name = segments.names(3)[photos - 1]
    assert (
        f"{photos}: Hugo wrote" in first["cache"]["written"]
        and "(2 processed images)" in first["cache"]["written"]
    )
    assert store(site).object_size(segment_cache_key(SITE, name)), first["cache"]
    _, again = build_once(site, tmp_path, site_files())
    assert again["cache"]["written"].count("(0 processed images)") == 3, again["cache"]
    assert "warnings" not in again


def test_a_failed_segment_fails_the_build_with_its_message_and_log(site, tmp_path):
    site.sites.update(SITE, build_segments=3)
    bad = "/news/ferry-3"
    number = segment_of(bad, 3)
    with pytest.raises(BuildError) as failed:
        build_once(site, tmp_path, site_files(bad_page=bad))
    name = segments.names(3)[number - 1]
    assert str(failed.value).startswith(f"segment {number} of 3 ({name}): Hugo failed (exit 1)")
    assert f"cannot render {bad}" in failed.value.log_tail
    run_id = site.runs.list()[0].id
    log = store(site).get_log(SITE, run_id, "build.log")[0]
    assert all(f"({other})" in log for other in segments.names(3)) and "cannot render" in log


def test_on_presigned_urls_as_the_runner_function_gets_them(presigned, tmp_path):
    presigned.sites.add(Site(SITE, repo="acme/almanac"))
    assert_segmented_equals_whole(presigned, tmp_path)


def test_segments_that_render_a_path_differently_fail_the_build_naming_it(site, tmp_path):
    """A stylesheet every page publishes, stamped with the time it is rendered: every segment
    publishes it, each differently."""
    site.sites.update(SITE, build_segments=3)
    files = site_files()
    stamp = b'{{ with resources.FromString "css/stamp.css" (printf "/* %d */" now.UnixNano) }}'
    files["layouts/_default/baseof.html"] = (
        stamp + b'<link href="{{ .RelPermalink }}">{{ end }}' + files["layouts/_default/baseof.html"]
    )
    with pytest.raises(
        BuildError,
        match=r"^staging/css/stamp.css differs between segment 1 of 3 \(presslift-1-of-3\) and segment 2 ",
    ):
        build_once(site, tmp_path, files)
    log = store(site).get_log(SITE, site.runs.list()[0].id, "build.log")[0]
    assert "== merging the segments failed\nstaging/css/stamp.css differs" in log
