from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import InputError
from chalicelib.search.records import (
    build_records,
    index_settings,
    load_records,
    page_url,
    record_bytes,
    records_json,
)
from tests.unit.search.pages import BASE_URL, post_html, write_tree

BREAD = """<p>Intro about bread.</p>
<h2 id="starter">Starter</h2><p>Feed the starter.</p>
<h3 id="hydration">Hydration</h3><p>Seventy percent.</p>
<h2 id="baking">Baking</h2><p>Bake it hot.</p>"""


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {record["objectID"]: record for record in records}


def test_a_page_becomes_one_record_per_heading_with_its_hierarchy(tmp_path: Path) -> None:
    manifest = write_tree(tmp_path, {"posts/bread/index.html": post_html("Bread", BREAD)})
    records = by_id(build_records(tmp_path, manifest))
    assert set(records) == {
        "posts/bread/",
        "posts/bread/#starter",
        "posts/bread/#hydration",
        "posts/bread/#baking",
    }
    hydration = records["posts/bread/#hydration"]
    assert hydration["hierarchy"]["lvl1"] == "Bread"
    assert hydration["hierarchy"]["lvl2"] == "Starter"
    assert hydration["hierarchy"]["lvl3"] == "Hydration"
    assert hydration["content"] == "Seventy percent."
    assert hydration["url"] == BASE_URL + "posts/bread/#hydration"
    assert hydration["url_without_anchor"] == BASE_URL + "posts/bread/"
    assert records["posts/bread/"]["content"] == "Intro about bread."
    assert records["posts/bread/#baking"]["hierarchy"]["lvl3"] is None


def test_page_fields_come_from_the_built_html(tmp_path: Path) -> None:
    html = post_html(
        "Rye", "<p>Dense.</p>", tags=("Bread", "Rye"), categories=("Kitchen",), description="All about rye"
    )
    manifest = write_tree(tmp_path, {"posts/rye/index.html": html})
    (record,) = build_records(tmp_path, manifest)
    assert record["title"] == "Rye"
    assert record["section"] == "posts"
    assert record["tags"] == ["Bread", "Rye"]
    assert record["categories"] == ["Kitchen"]
    assert record["date"] == "2025-03-01T10:00:00Z"
    assert record["date_timestamp"] == 1740823200
    assert record["summary"] == "All about rye"
    assert record["lang"] == "en"


def test_site_chrome_is_not_searchable(tmp_path: Path) -> None:
    manifest = write_tree(tmp_path, {"posts/rye/index.html": post_html("Rye", "<p>Dense.</p>")})
    text = json.dumps(build_records(tmp_path, manifest))
    assert "Footer text" not in text
    assert "Home" not in text


def test_object_ids_are_stable_across_builds_and_stages(tmp_path: Path) -> None:
    pages = {"posts/bread/index.html": post_html("Bread", BREAD)}
    staging = build_records(tmp_path / "a", write_tree(tmp_path / "a", pages))
    prod = build_records(tmp_path / "b", write_tree(tmp_path / "b", pages, "https://example.com/"))
    assert [r["objectID"] for r in staging] == [r["objectID"] for r in prod]
    assert prod[0]["url"].startswith("https://example.com/posts/bread/")


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("index.html", post_html("Home", "<p>x</p>", kind="home")),
        ("tags/bread/index.html", post_html("Bread", "<p>x</p>", kind="term")),
        ("posts/index.html", post_html("Posts", "<p>x</p>", kind="section")),
        ("posts/page/2/index.html", post_html("Posts", "<p>x</p>")),
        ("404.html", post_html("Not found", "<p>x</p>")),
        ("draft/index.html", post_html("Draft", "<p>x</p>", head='<meta name="robots" content="noindex">')),
        (
            "old/index.html",
            '<!doctype html><html><head><title>x</title><link rel="canonical" href="/new/">'
            '<meta http-equiv="refresh" content="0; url=/new/"></head></html>',
        ),
        ("search/index.html", post_html("Search", "<div data-search-ignore-page>form</div>")),
    ],
)
def test_pages_that_are_not_content_give_no_records(tmp_path: Path, path: str, html: str) -> None:
    manifest = write_tree(tmp_path, {path: html})
    assert build_records(tmp_path, manifest) == []


@pytest.mark.parametrize("limit", [1_000, 2_000, 10_000])
@pytest.mark.parametrize("word", ["lorem", 'quo"te\\', "Ünïcødé", "日本語のテキスト"])
def test_every_record_stays_under_the_limit_and_long_pages_split(
    tmp_path: Path, limit: int, word: str
) -> None:
    body = "<h2 id='long'>Long</h2><p>" + " ".join([word] * 6000) + "</p>"
    manifest = write_tree(tmp_path, {"posts/long/index.html": post_html("Long", body, tags=("T",) * 3)})
    records = build_records(tmp_path, manifest, max_record_bytes=limit)
    assert len(records) > 1
    assert all(record_bytes(record) <= limit for record in records)
    assert len({r["objectID"] for r in records}) == len(records)
    assert records[0]["objectID"] == "posts/long/#long"
    assert {r["objectID"] for r in records[1:]} == {
        f"posts/long/#long~{n}" for n in range(2, len(records) + 1)
    }
    # No text is lost by the split.
    assert sum(r["content"].count(word) for r in records) == 6000


def test_huge_metadata_is_trimmed_so_text_fits(tmp_path: Path) -> None:
    html = post_html(
        "T" * 3000, "<p>body text</p>", description="d" * 5000, tags=tuple(f"tag{n}" for n in range(400))
    )
    manifest = write_tree(tmp_path, {"posts/big/index.html": html})
    records = build_records(tmp_path, manifest, max_record_bytes=2_000)
    assert records and all(record_bytes(record) <= 2_000 for record in records)
    assert "body text" in records[0]["content"]


def test_a_limit_too_small_for_any_record_is_refused(tmp_path: Path) -> None:
    manifest = write_tree(tmp_path, {"posts/a/index.html": post_html("A", "<p>x</p>")})
    with pytest.raises(InputError, match="too small"):
        build_records(tmp_path, manifest, max_record_bytes=100)


def test_headings_without_ids_get_unique_anchors(tmp_path: Path) -> None:
    body = "<h2>Notes</h2><p>one</p><h2>Notes</h2><p>two</p>"
    manifest = write_tree(tmp_path, {"posts/n/index.html": post_html("N", body)})
    assert [r["objectID"] for r in build_records(tmp_path, manifest)] == [
        "posts/n/#notes",
        "posts/n/#notes-2",
    ]


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.html", BASE_URL),
        ("posts/a/index.html", BASE_URL + "posts/a/"),
        ("about.html", BASE_URL + "about.html"),
    ],
)
def test_page_url(path: str, url: str) -> None:
    assert page_url(BASE_URL, path) == url
    assert page_url(BASE_URL.rstrip("/"), path) == url


def test_records_round_trip_through_the_artifact_json(tmp_path: Path) -> None:
    manifest = write_tree(tmp_path, {"posts/bread/index.html": post_html("Bread", BREAD)})
    records = build_records(tmp_path, manifest)
    assert load_records(records_json(records)) == records


@pytest.mark.parametrize("data", ["{}", "[1]", '[{"title": "no id"}]', "not json"])
def test_stored_records_of_the_wrong_shape_are_refused(data: str) -> None:
    with pytest.raises(InputError):
        load_records(data)


def test_index_settings_show_one_hit_per_page() -> None:
    settings = index_settings()
    assert settings["distinct"] is True
    assert settings["attributeForDistinct"] == "url_without_anchor"
