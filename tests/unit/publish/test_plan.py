"""plan_publish: the pure diff of a manifest against the bucket, its reasons, guards and summary."""

from __future__ import annotations

import json

import pytest

from chalicelib.errors import PublishError
from chalicelib.manifest import Manifest, ManifestEntry
from chalicelib.publish import (
    CacheRule,
    Group,
    ObjectHeaders,
    PublishOptions,
    PublishTarget,
    RemoteObject,
    UploadReason,
    cache_control_for,
    content_type_for,
    plan_publish,
)
from chalicelib.publish.plan import EMPTY_MD5, group_for, redirect_path

TARGET = PublishTarget("stage-bucket", "blog/", None)
CDN_TARGET = PublishTarget("stage-bucket", "blog/", "E123", origin_path="/blog")
MD5_A = "0" * 32
MD5_B = "1" * 32


def make_local(*files: tuple[str, int, str], redirects: dict[str, str] | None = None) -> Manifest:
    entries = [ManifestEntry(path, md5, size, content_type_for(path)) for path, size, md5 in files]
    return Manifest("blog", "run-1", "staging", "https://blog.example/", entries, dict(redirects or {}))


def make_remote(
    path: str, size: int, md5: str, *, etag: str | None = None, headers: object = "auto"
) -> RemoteObject:
    known = ObjectHeaders(content_type_for(path), cache_control_for(path)) if headers == "auto" else headers
    return RemoteObject("blog/" + path, size, etag or md5, md5, known)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("remote", "force", "expected"),
    [
        ([], False, UploadReason.NEW),
        ([make_remote("index.html", 10, MD5_A)], True, UploadReason.FORCED),
        ([make_remote("index.html", 11, MD5_A)], False, UploadReason.SIZE),
        ([make_remote("index.html", 10, MD5_B)], False, UploadReason.CONTENT),
        ([RemoteObject.listed("blog/index.html", 10, '"abc-3"')], False, UploadReason.CONTENT),
        ([make_remote("index.html", 10, MD5_A, headers=None)], False, UploadReason.HEADERS),
        (
            [make_remote("index.html", 10, MD5_A, headers=ObjectHeaders("text/plain", "no-cache"))],
            False,
            UploadReason.HEADERS,
        ),
        ([make_remote("index.html", 10, MD5_A)], False, None),
        ([make_remote("index.html", 10, MD5_A, etag="abc-3")], False, None),
    ],
    ids=[
        "new",
        "forced",
        "size",
        "content",
        "multipart-unknown",
        "headers-unknown",
        "headers",
        "same",
        "multipart-md5",
    ],
)
def test_each_upload_carries_its_reason(
    remote: list[RemoteObject], force: bool, expected: UploadReason | None
) -> None:
    plan = plan_publish(make_local(("index.html", 10, MD5_A)), remote, TARGET, PublishOptions(force=force))

    assert [upload.reason for upload in plan.uploads] == ([] if expected is None else [expected])
    assert len(plan.unchanged) == (1 if expected is None else 0)


def test_a_change_of_cache_rules_alone_reuploads_the_file() -> None:
    manifest = make_local(("index.html", 10, MD5_A))
    remote = [make_remote("index.html", 10, MD5_A)]
    options = PublishOptions(cache_rules=(CacheRule(r"\.html$", "public, max-age=60"),))

    plan = plan_publish(manifest, remote, TARGET, options)

    assert [(u.reason, u.headers.cache_control) for u in plan.uploads] == [
        (UploadReason.HEADERS, "public, max-age=60")
    ]


def test_objects_no_longer_in_the_artifact_are_deleted_but_not_other_prefixes_or_the_record() -> None:
    manifest = make_local(("index.html", 10, MD5_A), ("a.css", 5, MD5_A), ("b.css", 5, MD5_A))
    remote = [
        make_remote("index.html", 10, MD5_A),
        make_remote("a.css", 5, MD5_A),
        make_remote("b.css", 5, MD5_A),
        make_remote("gone.css", 5, MD5_B),
        RemoteObject("docs/index.html", 1, MD5_A, MD5_A),
        RemoteObject(".presslift/published/blog.json.gz", 1, MD5_A, MD5_A),
    ]

    plan = plan_publish(manifest, remote, TARGET, PublishOptions())

    assert plan.deletes == ("blog/gone.css",)
    assert plan.uploads == ()


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("css/main.css", Group.ASSETS),
        ("images/a.png", Group.ASSETS),
        ("posts/a/index.html", Group.PAGES),
        ("404.html", Group.PAGES),
        ("index.html", Group.HOME),
        ("sitemap.xml", Group.HOME),
        ("index.xml", Group.HOME),
        ("tags/go/index.xml", Group.HOME),
    ],
)
def test_uploads_are_grouped_assets_then_pages_then_home_and_feeds(path: str, group: Group) -> None:
    assert group_for(path) is group


def test_plan_lists_groups_in_upload_order_largest_first_within_a_group() -> None:
    manifest = make_local(
        ("index.html", 1, MD5_A), ("p/index.html", 1, MD5_A), ("a.css", 1, MD5_A), ("big.jpg", 9, MD5_A)
    )

    plan = plan_publish(manifest, [], TARGET, PublishOptions())

    assert [(group, [u.path for u in uploads]) for group, uploads in plan.in_order()] == [
        (Group.ASSETS, ["big.jpg", "a.css"]),
        (Group.PAGES, ["p/index.html"]),
        (Group.HOME, ["index.html"]),
    ]


def test_aliases_become_empty_redirect_objects_that_replace_the_alias_page() -> None:
    manifest = make_local(
        ("index.html", 1, MD5_A),
        ("2019/01/old-post/index.html", 300, MD5_B),
        redirects={"2019/01/old-post/": "https://blog.example/posts/new-post/"},
    )

    plan = plan_publish(manifest, [], TARGET, PublishOptions())

    redirect = next(u for u in plan.uploads if u.is_redirect)
    assert (redirect.key, redirect.size, redirect.md5) == ("blog/2019/01/old-post/index.html", 0, EMPTY_MD5)
    assert redirect.headers.redirect == "https://blog.example/posts/new-post/"
    assert [u.path for u in plan.uploads if not u.is_redirect] == ["index.html"]
    assert plan.summary()["redirects"] == 1


def test_a_changed_redirect_target_is_a_headers_upload() -> None:
    manifest = make_local(("index.html", 1, MD5_A), redirects={"old/index.html": "/new/"})
    old = ObjectHeaders("text/html; charset=utf-8", cache_control_for("old/index.html"), "/newer/")
    remote = [
        make_remote("index.html", 1, MD5_A),
        RemoteObject("blog/old/index.html", 0, EMPTY_MD5, EMPTY_MD5, old),
    ]

    plan = plan_publish(manifest, remote, TARGET, PublishOptions())

    assert [(u.path, u.reason) for u in plan.uploads] == [("old/index.html", UploadReason.HEADERS)]


def test_a_redirect_to_a_relative_url_is_rejected_with_its_path() -> None:
    manifest = make_local(("index.html", 1, MD5_A), redirects={"old/": "new/"})

    with pytest.raises(PublishError, match=r"old/index\.html.*'new/'"):
        plan_publish(manifest, [], TARGET, PublishOptions())


@pytest.mark.parametrize(
    ("alias", "path"), [("old/", "old/index.html"), ("/old/x.html", "old/x.html"), ("", "index.html")]
)
def test_directory_aliases_are_served_by_their_index_html(alias: str, path: str) -> None:
    assert redirect_path(alias) == path


LIVE_SITE = [make_remote("index.html", 1, MD5_A)] + [
    make_remote(f"p{i}/index.html", 1, MD5_A) for i in range(9)
]


@pytest.mark.parametrize(
    ("files", "options", "refusal"),
    [
        ([], PublishOptions(), "no index.html"),
        ([("index.html", 1, MD5_A)], PublishOptions(max_deletes=3), "more than the limit of 3"),
        (
            [("index.html", 1, MD5_A), ("p0/index.html", 1, MD5_A)],
            PublishOptions(),
            "8 of the 10 live objects",
        ),
    ],
    ids=["empty", "max-deletes", "gutted"],
)
def test_dangerous_builds_are_refused(
    files: list[tuple[str, int, str]], options: PublishOptions, refusal: str
) -> None:
    plan = plan_publish(make_local(*files), LIVE_SITE, TARGET, options)

    assert any(refusal in reason for reason in plan.refusals)
    assert "REFUSED" in plan.describe()


@pytest.mark.parametrize("options", [PublishOptions(force=True), PublishOptions(allow_deletes=True)])
def test_force_or_allow_deletes_overrides_the_guards_and_says_so(options: PublishOptions) -> None:
    plan = plan_publish(make_local(), LIVE_SITE, TARGET, options)

    assert plan.refusals == ()
    assert plan.overridden and len(plan.deletes) == 10


def test_a_small_edit_to_a_healthy_site_is_not_refused() -> None:
    manifest = make_local(("index.html", 2, MD5_B), *[(f"p{i}/index.html", 1, MD5_A) for i in range(9)])

    plan = plan_publish(manifest, LIVE_SITE, TARGET, PublishOptions())

    assert plan.refusals == ()
    assert [u.path for u in plan.uploads] == ["index.html"]


def test_invalidation_covers_changed_and_deleted_urls_relative_to_the_origin_path() -> None:
    manifest = make_local(("index.html", 2, MD5_B), ("p0/index.html", 1, MD5_A))
    remote = [
        make_remote("index.html", 1, MD5_A),
        make_remote("p0/index.html", 1, MD5_A),
        make_remote("p1/index.html", 1, MD5_A),
    ]

    plan = plan_publish(manifest, remote, CDN_TARGET, PublishOptions())

    assert plan.invalidations == ("/", "/index.html", "/p1/", "/p1/index.html")


def test_nothing_to_invalidate_when_nothing_changed() -> None:
    plan = plan_publish(
        make_local(("index.html", 1, MD5_A)),
        [make_remote("index.html", 1, MD5_A)],
        CDN_TARGET,
        PublishOptions(),
    )

    assert plan.changes_nothing and plan.invalidations == ()


def test_summary_is_plain_json_with_uploads_by_reason_and_bytes() -> None:
    manifest = make_local(("index.html", 10, MD5_B), ("a.css", 5, MD5_A), ("b.css", 7, MD5_A))
    remote = [
        make_remote("index.html", 10, MD5_A),
        make_remote("a.css", 5, MD5_A),
        make_remote("old.css", 1, MD5_A),
    ]

    summary = plan_publish(manifest, remote, CDN_TARGET, PublishOptions()).summary()

    assert json.loads(json.dumps(summary)) == summary
    assert summary["uploads_by_reason"] == {"new": 1, "content": 1}
    assert (summary["upload_bytes"], summary["deletes"], summary["unchanged"]) == (17, 1, 1)
    assert summary["invalidation_paths"] == ["/", "/b.css", "/index.html", "/old.css"]


def test_the_plan_lists_every_file_with_its_reason_in_upload_order_then_deletes() -> None:
    manifest = make_local(
        ("index.html", 10, MD5_B),
        ("p/index.html", 4, MD5_A),
        ("a.css", 5, MD5_A),
        redirects={"old/": "/p/"},
    )
    remote = [
        make_remote("index.html", 10, MD5_A),
        make_remote("a.css", 5, MD5_A),
        make_remote("old.css", 1, MD5_A),
    ]

    plan = plan_publish(manifest, remote, TARGET, PublishOptions())

    assert plan.files() == {
        "files": [
            {"path": "p/index.html", "reason": "new", "size": 4},
            {"path": "old/index.html", "reason": "new", "size": 0, "redirect": "/p/"},
            {"path": "index.html", "reason": "content", "size": 10},
            {"path": "old.css", "reason": "delete"},
        ],
        "more": 0,
    }
    assert plan.files(limit=1) == {"files": [{"path": "p/index.html", "reason": "new", "size": 4}], "more": 3}
