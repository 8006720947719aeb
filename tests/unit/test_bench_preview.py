"""The preview bench's figures from run records: latencies to the road's end stage, stage durations,
medians and the preview/staging ratio, and a failed run named rather than timed."""

from typing import Any

import pytest

from bench.preview.run import Timing, edited, epoch, summary, timing

SENT = epoch("2026-11-30T21:00:00.000Z")


def stage(name: str, start: float, end: float, status: str = "succeeded") -> dict[str, Any]:
    def at(seconds: float) -> str:
        whole, ms = divmod(round(seconds * 1000), 1000)
        return f"2026-11-30T21:00:{whole:02d}.{ms:03d}Z"

    return {"name": name, "status": status, "started_at": at(start), "finished_at": at(end)}


def push_run(status: str = "succeeded") -> dict[str, Any]:
    stages = [
        stage("fetch", 0.5, 1.0),
        stage("build", 1.0, 9.0),
        {**stage("deploy-staging", 9.0, 10.25, status), "detail": {"summary": "18 uploaded, 8 deleted"}},
        stage("deploy-prod", 10.25, 12.0),
    ]
    return {"id": "run-1", "status": status, "stages": stages}


def test_a_push_is_timed_to_the_end_of_deploy_staging_not_prod() -> None:
    figures = timing("staging", 1, "push", "content/posts/post-00001.md", (SENT, 1.5), push_run())
    assert figures.latency_seconds == pytest.approx(10.25)
    assert figures.run_seconds == pytest.approx(12.0)
    assert figures.queued_seconds == pytest.approx(0.5)
    assert figures.stages == pytest.approx(
        {"fetch": 0.5, "build": 8.0, "deploy-staging": 1.25, "deploy-prod": 1.75}
    )
    assert figures.to_dict()["load_average_1min_at_delivery"] == 1.5
    assert figures.to_dict()["stage_summaries"] == {"deploy-staging": "18 uploaded, 8 deleted"}


def test_a_preview_is_timed_to_the_end_of_deploy_preview() -> None:
    run = {
        "id": "run-2",
        "status": "succeeded",
        "stages": [stage("fetch", 0.2, 0.4), stage("build", 0.4, 7.0), stage("deploy-preview", 7.0, 8.5)],
    }
    assert timing("preview", 1, "opened", "p", (SENT, 0.0), run).latency_seconds == pytest.approx(8.5)


def test_a_run_that_failed_is_named_with_what_it_said() -> None:
    run = push_run("failed")
    run["stages"][2]["error"] = "access denied"
    with pytest.raises(
        RuntimeError, match=r"staging run run-1 ended 'failed' .*deploy-staging: failed access denied"
    ):
        timing("staging", 1, "push", "p", (SENT, 0.0), run)


def sample(road: str, round_: int, latency: float, action: str = "push") -> Timing:
    return Timing(road, round_, action, "p", f"{road}-{round_}", latency, latency + 1, {"build": latency - 1})


def test_the_summary_compares_medians_and_says_whether_the_preview_is_no_later() -> None:
    timings = [sample("staging", n, s) for n, s in enumerate((10.0, 12.0, 30.0), 1)] + [
        sample("preview", n, s, "synchronize" if n > 1 else "opened")
        for n, s in enumerate((11.0, 9.0, 12.0), 1)
    ]
    result = summary(timings)
    assert result["staging"]["latency_seconds_median"] == 12.0
    assert result["preview"]["latency_seconds_median"] == 11.0
    assert result["preview"]["stage_seconds_median"] == {"build": 10.0}
    assert result["ratios"]["preview_over_staging_latency"] == pytest.approx(11 / 12, abs=1e-3)
    assert result["ratios"]["same_round_preview_over_staging"] == [1.1, 0.75, 0.4]
    assert result["target_met"] is True
    assert result["preview"]["latency_seconds_median_by_action"] == {"opened": 11.0, "synchronize": 10.5}
    assert "latency_seconds_median_by_action" not in result["staging"]  # pushes only
    slower = summary([sample("staging", 1, 10.0), sample("preview", 1, 10.5)])
    assert slower["target_met"] is False


def test_an_edit_changes_one_post_only_and_needs_front_matter() -> None:
    files = {"a.md": b"---\ntitle: A\n---\n\nBody.\n", "b.md": b"---\ntitle: B\n---\n\nB.\n"}
    changed = edited(files, "a.md", "Fixed:")
    assert changed["a.md"] == b"---\ntitle: A\n---\n\nFixed: Body.\n" and changed["b.md"] == files["b.md"]
    with pytest.raises(ValueError, match=r"b\.md: no front matter"):
        edited({"b.md": b"no front matter"}, "b.md", "x")
