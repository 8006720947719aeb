"""The preview's pull-request comment, rendered with a CommonMark renderer (tables on, raw HTML passed
through as GitHub does before it sanitises) and read back as HTML: what a reviewer sees, and that page
titles and text cannot break out of their place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from lxml.html import HtmlElement
from markdown_it import MarkdownIt

from chalicelib.errors import InputError
from chalicelib.previews.comment import MAX_CHARS, MAX_PAGES, comment_body, marker, removed_body
from chalicelib.review.compare import AssetKind, FileChange, RedirectChange
from chalicelib.review.review import ChangeReview, PageChange, Side, SiteWideChange, review_builds
from chalicelib.review.sitewide import TextChange
from tests.unit.review.builds import FolderPages, write_build
from tests.unit.review.test_review import new_site, old_site

PREVIEW_URL = "https://staging.quayside.example/previews/pr-12/"
PROD_URL = "https://quayside.example/"
STAGING_URL = "https://staging.quayside.example/"
RUN_URL = "https://presslift.example/runs/r-20261130-0001"
SHA = "3f2a9c1d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49"
HOSTILE = "</details><img src=x onerror=alert(1)>"


@dataclass(frozen=True)
class Preview:
    """The fields of chalicelib.previews.registry.Preview that the comment reads (and a few more)."""

    site: str = "quayside"
    path: str = "previews/pr-12/"
    kind: str = "pull_request"
    repository: str = "harbour/quayside"
    head_sha: str = SHA
    url: str = PREVIEW_URL
    status: str = "live"
    updated_at: str = "2026-11-30T12:00:00.000Z"
    number: int | None = 12
    branch: str = "feature/harbour"
    title: str = ""
    author: str = ""
    fork: bool = False
    run_id: str = "r-20261130-0001"
    comment_id: int | None = None
    reason: str = ""


def changed(path: str, title: str, removed: tuple[str, ...], added: tuple[str, ...]) -> PageChange:
    return PageChange(
        path,
        url=PROD_URL + path.removesuffix("index.html"),
        title=title,
        old_title=title,
        changes=(TextChange(removed, added),),
    )


def a_review(*pages: PageChange, **more: object) -> ChangeReview:
    return ChangeReview(
        site="quayside",
        run="r-20261130-0001",
        against="prod (run r-20261129-0007's build)",
        against_run="r-20261129-0007",
        changed=pages,
        changed_files=len(pages) + 2,
        **more,  # type: ignore[arg-type]
    )


def render(body: str) -> HtmlElement:
    """The comment as GitHub would lay it out (before its sanitiser), as an HTML tree."""
    rendered = MarkdownIt("commonmark").enable("table").render(body)
    return lxml.html.fromstring(f"<div>{rendered}</div>")


def body_of(preview: Preview, review: ChangeReview | None, note: str = "") -> str:
    return comment_body(
        preview, review, run_url=RUN_URL, staging_url=STAGING_URL, prod_url=PROD_URL, note=note
    )


def test_a_live_preview_leads_with_its_marker_status_url_commit_and_run() -> None:
    review = a_review(
        changed("posts/alpha/index.html", "Alpha", ("Opens at nine.",), ("Opens at ten.",)),
        added=(PageChange("posts/epsilon/index.html", url=PROD_URL + "posts/epsilon/", title="Epsilon"),),
        removed=(PageChange("posts/delta/index.html", url=PROD_URL + "posts/delta/", title="Delta"),),
    )
    body = body_of(Preview(), review)
    assert body.startswith(marker("quayside") + "\n")
    assert marker("quayside") == "<!-- presslift-preview:quayside -->"
    tree = render(body)
    heading = tree.xpath("//h3")[0]
    assert heading.text_content() == f"Preview live: {PREVIEW_URL}"
    assert heading.xpath(".//a/@href") == [PREVIEW_URL]
    assert "commit 3f2a9c1" in tree.text_content() and "pull request #12" in tree.text_content()
    assert RUN_URL in tree.xpath("//a/@href")
    assert review.summary() in tree.text_content()
    rows = [[cell.text_content() for cell in row.xpath("td")] for row in tree.xpath("//table/tbody/tr")]
    assert rows == [["changed", "Alpha", "prod"], ["added", "Epsilon", "new"], ["removed", "Delta", "prod"]]
    links = [row.xpath(".//a/@href") for row in tree.xpath("//table/tbody/tr")]
    assert links == [
        [PREVIEW_URL + "posts/alpha/", PROD_URL + "posts/alpha/"],
        [PREVIEW_URL + "posts/epsilon/"],
        [PROD_URL + "posts/delta/"],
    ]
    (details,) = tree.xpath("//details")
    assert details.xpath("summary")[0].text_content() == "Alpha: text changes"
    assert details.xpath(".//pre/code/@class") == ["language-diff"]
    assert details.xpath(".//pre/code")[0].text_content() == "- Opens at nine.\n+ Opens at ten.\n"


def test_hostile_titles_and_text_stay_text() -> None:
    fence = "```\n</details>\n# heading"
    review = a_review(
        changed("posts/a/index.html", HOSTILE, (HOSTILE,), ("``` and ```` fences", fence)),
        changed(
            "posts/b/index.html", "Pipes | [links](javascript:alert(1)) *bold* @harbour/admins", (), ("b",)
        ),
        changed("posts/c/index.html", "Title with ``` fence", ("c",), ()),
    )
    body = body_of(Preview(), review)
    tree = render(body)
    assert tree.xpath("//img") == [] and tree.xpath("//h1") == []
    assert len(tree.xpath("//details")) == 3 and len(tree.xpath("//table/tbody/tr")) == 3
    cells = [row.xpath("td")[1] for row in tree.xpath("//table/tbody/tr")]
    assert cells[0].text_content() == HOSTILE
    assert cells[1].text_content() == "Pipes | [links](javascript:alert(1)) *bold* @\u200bharbour/admins"
    assert cells[2].text_content() == "Title with ``` fence"
    assert all(not href.startswith("javascript") for href in tree.xpath("//a/@href"))
    assert tree.xpath("//strong") == [] and tree.xpath("//em") == []
    summaries = [s.text_content() for s in tree.xpath("//details/summary")]
    assert summaries[0] == f"{HOSTILE}: text changes"
    code = tree.xpath("//details//pre/code")[0].text_content()
    assert code == f"- {HOSTILE}\n+ ``` and ```` fences\n+ ``` </details> # heading\n"
    assert "@harbour" not in body  # nobody is mentioned


def test_at_most_twenty_pages_then_a_link_to_the_run_page() -> None:
    pages = [changed(f"posts/p{n}/index.html", f"Post {n}", (f"old {n}",), (f"new {n}",)) for n in range(25)]
    tree = render(body_of(Preview(), a_review(*pages)))
    assert len(tree.xpath("//table/tbody/tr")) == MAX_PAGES
    assert len(tree.xpath("//details")) == MAX_PAGES
    more = [p for p in tree.xpath("//p") if p.text_content().startswith("And 5 more")]
    assert more and more[0].xpath(".//a/@href") == [RUN_URL]


def test_a_huge_review_stays_under_the_limit_and_sends_the_rest_to_the_run_page() -> None:
    big = tuple(f"line {n} " + "word " * 60 for n in range(200))
    pages = [changed(f"posts/p{n}/index.html", f"Post {n}", big, big[::-1]) for n in range(20)]
    body = body_of(Preview(), a_review(*pages))
    assert len(body) < MAX_CHARS
    tree = render(body)
    assert 0 < len(tree.xpath("//details")) < 20
    assert "more pages are on the run page" in tree.text_content()
    assert len(tree.xpath("//details")) == len(tree.xpath("//details/summary"))
    shown = tree.xpath("//details//pre/code")[0].text_content().splitlines()
    assert shown[-1] == "  ... (more changes on the run page)" and len(shown) < 200


def test_site_wide_changes_redirects_and_assets_are_told_once() -> None:
    review = a_review(
        site_wide=(
            SiteWideChange("around the main content (navigation, header, footer)", (), ("Shop",), 40),
        ),
        redirects=(RedirectChange("old-alpha/index.html", None, "https://quayside.example/posts/alpha/"),),
        assets={
            AssetKind.STYLESHEETS: (FileChange("css/main.b.css", "replaced", "css/main.a.css"),),
            AssetKind.IMAGES: (
                FileChange("images/dog.jpg", "added"),
                FileChange("images/cat.jpg", "removed"),
            ),
        },
        changed_site_wide_only=40,
    )
    tree = render(body_of(Preview(), review))
    summaries = [s.text_content() for s in tree.xpath("//details/summary")]
    assert summaries == ["Site-wide changes (told once, not on every page)", "Redirects (1)"]
    site_wide, redirects = (d.xpath(".//pre/code")[0].text_content() for d in tree.xpath("//details"))
    assert "on 40 pages" in site_wide and "+ Shop" in site_wide
    assert "~ css/main.b.css (replaces css/main.a.css)" in site_wide
    assert redirects == "+ /old-alpha/ -> https://quayside.example/posts/alpha/\n"
    assert "Assets: stylesheets 1, images 2" in tree.text_content()
    assert "40 changed only site-wide" in tree.text_content()


@pytest.mark.parametrize(
    ("status", "note", "why"),
    [
        ("building", "", "No change review: it comes when the build is done"),
        ("failed", "", "No change review: the build failed"),
        (
            "live",
            "The change review is unavailable: run r1 has no prod build to review",
            "The change review is unavailable: run r1 has no prod build to review",
        ),
    ],
)
def test_without_a_review_one_line_says_why(status: str, note: str, why: str) -> None:
    preview = Preview(status=status, reason="Hugo: template <main> broke" if status == "failed" else "")
    tree = render(body_of(preview, None, note))
    assert (
        tree.xpath("//h3")[0]
        .text_content()
        .startswith(
            {"building": "Building the preview", "failed": "Preview failed", "live": "Preview live"}[status]
        )
    )
    assert [p.text_content() for p in tree.xpath("//p/em")] == [why]
    assert tree.xpath("//table") == []
    if status == "failed":
        assert "Why: Hugo: template <main> broke" in tree.text_content() and tree.xpath("//main") == []


def test_a_branch_preview_names_its_branch() -> None:
    tree = render(body_of(Preview(number=None, branch="feature/`tick`", path="branches/feature-tick/"), None))
    assert "branch feature/`tick`" in tree.text_content()


def test_the_removed_comment_says_why_and_links_nothing() -> None:
    body = removed_body(Preview(status="removed"), "the pull request was closed")
    assert body.startswith(marker("quayside") + "\n")
    tree = render(body)
    assert tree.xpath("//h3")[0].text_content() == "Preview removed"
    assert "was removed: the pull request was closed." in tree.text_content()
    assert "commit 3f2a9c1" in tree.text_content()
    assert tree.xpath("//a") == []


def test_a_site_name_that_could_end_the_marker_is_refused() -> None:
    with pytest.raises(InputError, match="site name"):
        removed_body(Preview(site="x-->y"), "closed")


def test_a_real_review_renders_its_edited_post(tmp_path: Path) -> None:
    old = Side(write_build(tmp_path / "v1", old_site(), run_id="v1"), FolderPages(tmp_path / "v1"))
    new = Side(write_build(tmp_path / "v2", new_site(), run_id="v2"), FolderPages(tmp_path / "v2"))
    review = review_builds(site="blog", run="v2", against="prod", against_run="v1", old=old, new=new)
    tree = render(body_of(Preview(), review))
    rows = [[cell.text_content() for cell in row.xpath("td")] for row in tree.xpath("//table/tbody/tr")]
    assert rows == [
        ["changed", "Alpha · Blog", "prod"],
        ["added", "Epsilon · Blog", "new"],
        ["removed", "Delta · Blog", "prod"],
    ]
    alpha = tree.xpath("//details")[0]
    assert alpha.xpath(".//pre/code")[0].text_content() == (
        "- The harbour opens at nine.\n+ The harbour opens at ten.\n"
    )


def test_a_note_beside_a_review_is_one_escaped_line_under_the_heading() -> None:
    review = a_review(changed("posts/a/index.html", "A", ("x",), ("y",)))
    tree = render(body_of(Preview(), review, note="Compared with *prod* <b>before</b> the rollback"))
    assert [em.text_content() for em in tree.xpath("//p/em")] == [
        "Compared with *prod* <b>before</b> the rollback"
    ]
    assert tree.xpath("//b") == [] and tree.xpath("//p/em/em") == []
