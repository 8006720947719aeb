"""A segmented build's Hugo warnings: each segment's, each once, no more than one build's."""

from __future__ import annotations

from chalicelib.buildrunner.job import RunnerResult
from chalicelib.hugo import WARNINGS_KEPT
from chalicelib.work.segmented import _warnings


def result(*warnings: str) -> RunnerResult:
    return RunnerResult(ok=True, stages={"staging": {"seconds": 1.0, "hugo_warnings": list(warnings)}})


def test_each_segments_warnings_once() -> None:
    merged = _warnings([result("a", "b"), result("b", "c"), RunnerResult(ok=True)], "staging")
    assert merged == {"hugo_warnings": ["a", "b", "c"]}
    assert _warnings([result()], "staging") == {}


def test_no_more_than_one_builds_worth() -> None:
    many = [result(*(f"segment {s} warning {n}" for n in range(15))) for s in range(3)]
    said = _warnings(many, "staging")["hugo_warnings"]
    assert len(said) == WARNINGS_KEPT + 1 and said[-1] == "and more Hugo warnings (see the build log)"
