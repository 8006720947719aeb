"""The change review's brief on the approval record: bounded (first pages, first lines, capped text),
kept through the run record's format, and absent from records written before it existed."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.review.approval import BRIEF_LINES, BRIEF_PAGES, TEXT_CHARS, _brief
from chalicelib.runformat import from_doc, to_doc
from chalicelib.runparts import Approval, Trigger
from chalicelib.runs import Run, Stage


def page(n: int, lines: int) -> dict[str, Any]:
    changes = [{"removed": [f"old {n}.{i}"], "added": [f"new {n}.{i}"], "inline": ""} for i in range(lines)]
    return {"path": f"posts/p{n}/index.html", "url": f"https://x.example/posts/p{n}/", "title": f"P{n}",
            "changes": changes, "truncated": False}  # fmt: skip


def test_the_brief_keeps_the_first_pages_and_lines_and_counts_them_all() -> None:
    whole = {
        "summary": "40 pages changed, 0 added, 0 removed",
        "against": "prod",
        "pages": {"changed": [page(n, 50) for n in range(40)], "added": [], "removed": []},
    }
    brief = _brief(whole, "x\n" * TEXT_CHARS)
    assert brief["counts"] == {"changed": 40, "added": 0, "removed": 0}
    listed = brief["pages"]["changed"]
    assert len(listed) == BRIEF_PAGES
    first = listed[0]
    assert first["truncated"] is True
    assert sum(len(c["removed"]) + len(c["added"]) for c in first["changes"]) <= BRIEF_LINES
    assert len(brief["text"]) <= TEXT_CHARS + 60 and brief["text"].endswith("on the approval page)")
    assert len(json.dumps(brief)) < 40_000  # far below a DynamoDB item's 400 KB


def test_a_short_page_is_kept_whole() -> None:
    whole = {"pages": {"changed": [page(1, 2)], "added": [], "removed": []}}
    assert _brief(whole, "text")["pages"]["changed"] == [page(1, 2)]


def run_with(approval: Approval | None) -> Run:
    return Run("r1", "blog", "hugo", Trigger("push"), [Stage("approval")], approval=approval)


def test_the_review_survives_the_run_record_and_older_records_load_without_one() -> None:
    brief = {"summary": "1 page changed, 0 added, 0 removed", "key": "artifacts/blog/r1/review.json"}
    stored = from_doc(to_doc(run_with(Approval(review=brief))))
    assert stored.approval is not None and stored.approval.review == brief
    doc = to_doc(run_with(Approval()))
    del doc["approval"]["review"]  # a record written before the review existed
    older = from_doc(doc)
    assert older.approval is not None and older.approval.review == {}
