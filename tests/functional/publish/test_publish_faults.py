"""publish_tree when things go wrong: failed puts, throttling, guards, damaged trees, crashed runs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import PublishError
from chalicelib.publish import bucket
from chalicelib.publish.target import STATE_FOLDER
from chalicelib.services import AWS_MAX_ATTEMPTS
from tests.conftest import aws_answers
from tests.functional.publish.conftest import BUCKET, SITE_V1, bucket_contents, publish, target, write_tree


class FaultyS3:
    """Delegates to a real client but fails chosen uploads of site files (counted from 1), as a network
    or S3 would; Presslift's own state objects (record, marker) go through untouched."""

    def __init__(self, s3: Any, fail_on: set[int], code: str = "AccessDenied", status: int = 403) -> None:
        self._s3, self._fail_on, self._code, self._status = s3, fail_on, code, status
        self._lock = threading.Lock()
        self.puts = 0

    def put_object(self, **params: Any) -> Any:
        if params["Key"].startswith(STATE_FOLDER):
            return self._s3.put_object(**params)
        with self._lock:
            self.puts += 1
            number = self.puts
        if number in self._fail_on:
            error = {
                "Error": {"Code": self._code, "Message": "injected"},
                "ResponseMetadata": {"HTTPStatusCode": self._status},
            }
            raise ClientError(error, "PutObject")
        return self._s3.put_object(**params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s3, name)


V2_EDIT = dict(
    SITE_V1,
    **{
        "index.html": "<h1>home v2</h1>",
        "posts/first/index.html": "<h1>first v2</h1>",
        "css/main.css": "body{}",
    },
)
del V2_EDIT["posts/second/index.html"]


def test_a_put_that_fails_midway_fails_the_stage_deletes_nothing_and_a_rerun_converges(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = clients["s3"]
    publish(s3, tmp_path / "site", write_tree(tmp_path / "site", SITE_V1))
    manifest = write_tree(tmp_path / "site", V2_EDIT)
    faulty = FaultyS3(s3, fail_on={2}, code="AccessDenied")

    with pytest.raises(PublishError, match=r"blog/.*AccessDenied.*nothing was deleted.*again"):
        publish(faulty, tmp_path / "site", manifest, concurrency=1)

    assert "posts/second/index.html" in bucket_contents(s3)
    rerun = publish(s3, tmp_path / "site", manifest)
    assert rerun.deleted == 1
    assert bucket_contents(s3) == {p: b.encode() if isinstance(b, str) else b for p, b in V2_EDIT.items()}
    assert publish(s3, tmp_path / "site", manifest).summary["uploads"] == 0


def test_pages_wait_until_their_assets_are_uploaded(clients: dict[str, Any], tmp_path: Path) -> None:
    faulty = FaultyS3(clients["s3"], fail_on={2}, code="AccessDenied")

    with pytest.raises(PublishError, match="1 of 8 uploads were done"):
        publish(faulty, tmp_path / "site", write_tree(tmp_path / "site", SITE_V1), concurrency=1)

    assert sorted(bucket_contents(clients["s3"])) == ["images/logo.png"]


def test_throttling_and_server_errors_are_retried(
    clients: dict[str, Any], tmp_path: Path, no_backoff: list[float]
) -> None:
    sent = aws_answers(clients["s3"], "PutObject", 503, "SlowDown", only={1, 2, 5})

    result = publish(clients["s3"], tmp_path / "site", write_tree(tmp_path / "site", SITE_V1), concurrency=1)

    assert result.uploaded == len(SITE_V1)
    assert len(bucket_contents(clients["s3"])) == len(SITE_V1)
    # The 1st and 2nd attempts (the in-progress marker, through botocore) are refused and backed off;
    # the 5th (a direct PUT of a site file) hands that upload and the rest to botocore at once.
    assert len(no_backoff) == 2
    assert len(sent) == len(SITE_V1) + 2 + 3  # the files, the marker and the record, 3 refused


def test_a_failing_s3_call_is_tried_aws_max_attempts_times_in_all(
    clients: dict[str, Any], no_backoff: list[float]
) -> None:
    """botocore's retries are the only ones: no loop of Presslift's own multiplies them."""
    sent = aws_answers(clients["s3"], "GetObject", 503, "SlowDown")

    with pytest.raises(PublishError, match="SlowDown"):
        bucket.read_record(clients["s3"], target())

    assert len(sent) == AWS_MAX_ATTEMPTS
    assert len(no_backoff) == AWS_MAX_ATTEMPTS - 1


def test_a_refusal_is_not_retried(clients: dict[str, Any], no_backoff: list[float]) -> None:
    sent = aws_answers(clients["s3"], "GetObject", 403, "AccessDenied")

    with pytest.raises(PublishError, match="AccessDenied"):
        bucket.read_record(clients["s3"], target())

    assert len(sent) == 1 and no_backoff == []


@pytest.mark.parametrize(
    ("files", "options", "message"),
    [
        ({}, {}, r"no index\.html"),
        (
            {"index.html": "gutted"},
            {},
            r"would delete 7 of the 8 live objects",
        ),
        (
            dict(SITE_V1, **{"index.html": "x"}) | {f"new{i}.css": "" for i in range(0)},
            {"max_deletes": -0},
            None,
        ),
    ],
    ids=["empty", "gutted", "healthy"],
)
def test_empty_or_gutted_builds_are_refused_and_the_site_is_untouched(
    clients: dict[str, Any],
    tmp_path: Path,
    files: dict[str, Any],
    options: dict[str, Any],
    message: str | None,
) -> None:
    s3 = clients["s3"]
    publish(s3, tmp_path / "site", write_tree(tmp_path / "site", SITE_V1))
    before = bucket_contents(s3)
    manifest = write_tree(tmp_path / "next", files)

    if message is None:
        assert publish(s3, tmp_path / "next", manifest, **options).summary["refusals"] == []
        return
    with pytest.raises(PublishError, match=rf"{message}.*Nothing was changed.*--allow-deletes") as refused:
        publish(s3, tmp_path / "next", manifest, **options)
    assert bucket_contents(s3) == before
    # The command names this build: without --run, `publish` put back what the stage held before.
    assert f"--run {manifest.run_id} --allow-deletes`" in str(refused.value)


def test_deletes_over_the_cap_are_refused_unless_allowed(clients: dict[str, Any], tmp_path: Path) -> None:
    s3 = clients["s3"]
    publish(s3, tmp_path / "site", write_tree(tmp_path / "site", SITE_V1))
    smaller = {
        k: v for k, v in SITE_V1.items() if k not in ("posts/first/index.html", "posts/second/index.html")
    }
    manifest = write_tree(tmp_path / "site", smaller)

    with pytest.raises(PublishError, match=r"delete 2 objects, more than the limit of 1"):
        publish(s3, tmp_path / "site", manifest, max_deletes=1)
    assert len(bucket_contents(s3)) == len(SITE_V1)

    result = publish(s3, tmp_path / "site", manifest, max_deletes=1, allow_deletes=True)
    assert (result.uploaded, result.deleted) == (0, 2)


def test_a_tree_that_does_not_match_its_manifest_is_refused_before_any_write(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    manifest = write_tree(tmp_path / "site", SITE_V1)
    (tmp_path / "site" / "posts" / "first" / "index.html").write_text("tampered, and longer than before")

    with pytest.raises(PublishError, match=r"posts/first/index\.html.*manifest says"):
        publish(clients["s3"], tmp_path / "site", manifest)
    assert bucket_contents(clients["s3"]) == {}


def test_bytes_that_differ_from_the_manifest_md5_are_not_uploaded(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    manifest = write_tree(tmp_path / "site", SITE_V1)
    (tmp_path / "site" / "css" / "main.css").write_text("body { color: white }")  # same size, other bytes

    with pytest.raises(PublishError, match=r"css/main\.css differs from its manifest.*blog/css/main\.css"):
        publish(clients["s3"], tmp_path / "site", manifest)
    assert "css/main.css" not in bucket_contents(clients["s3"])


def test_objects_written_by_another_tool_are_looked_at_once_then_trusted(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = clients["s3"]
    manifest = write_tree(tmp_path / "site", SITE_V1)
    for path, body in SITE_V1.items():
        s3.put_object(
            Bucket=BUCKET, Key=f"blog/{path}", Body=body.encode() if isinstance(body, str) else body
        )

    first = publish(s3, tmp_path / "site", manifest)

    assert first.summary["uploads_by_reason"] == {"headers": len(SITE_V1)}
    assert publish(s3, tmp_path / "site", manifest).summary["uploads"] == 0


class CountingS3:
    """Delegates to a real client and counts HEAD requests for site files, and listings."""

    def __init__(self, s3: Any) -> None:
        self._s3, self.heads, self.listings = s3, 0, 0
        self._lock = threading.Lock()  # HEADs run side by side; `+=` is not atomic across threads

    def head_object(self, **params: Any) -> Any:
        if not params["Key"].startswith(STATE_FOLDER):
            with self._lock:
                self.heads += 1
        return self._s3.head_object(**params)

    def get_paginator(self, name: str) -> Any:
        if name == "list_objects_v2":
            self.listings += 1
        return self._s3.get_paginator(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s3, name)


def test_a_lost_publish_record_costs_one_look_at_each_object_and_no_uploads(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = CountingS3(clients["s3"])
    manifest = write_tree(tmp_path / "site", SITE_V1)
    publish(s3, tmp_path / "site", manifest)
    clients["s3"].delete_object(Bucket=BUCKET, Key=target().record_key)

    relearned = publish(s3, tmp_path / "site", manifest)
    heads_after_loss = s3.heads
    settled = publish(s3, tmp_path / "site", manifest)

    assert (relearned.uploaded, heads_after_loss) == (0, len(SITE_V1))
    # Once relearned, only the spot check looks (a site this small is checked whole).
    assert (settled.uploaded, s3.heads - heads_after_loss) == (0, len(SITE_V1))
    assert "all as recorded" in settled.summary["compared_with"]
