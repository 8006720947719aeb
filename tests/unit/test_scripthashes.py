"""A page's inline scripts are allowed by their SHA-256 digests, added to the policy's script-src for
that page alone; data blocks, script files and malformed digests change nothing."""

from __future__ import annotations

import base64
import hashlib

from chalicelib.scripthashes import MAX_HASHES, inline_script_hashes, with_script_hashes

POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"


def digest(body: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def test_each_inline_script_is_hashed_once_and_files_and_data_blocks_are_not() -> None:
    page = (
        b"<head><script>localStorage.theme && document.body.classList.add('dark')</script>"
        b'<script src="/js/app.js"></script><script type="application/ld+json">{"@type": "Blog"}</script>'
        b"<SCRIPT type=module>\n import x from './x.js'\n</SCRIPT>"
        b"<script>localStorage.theme && document.body.classList.add('dark')</script></head>"
    )
    assert inline_script_hashes(page) == [
        digest(b"localStorage.theme && document.body.classList.add('dark')"),
        digest(b"\n import x from './x.js'\n"),
    ]
    assert inline_script_hashes(b"<p>no scripts</p>") == []
    assert MAX_HASHES * 52 < 1200  # the digests leave room in S3's 2 KB of metadata


def test_the_digests_join_script_src_for_that_page_only() -> None:
    one, two = digest(b"a()"), digest(b"b()")
    assert with_script_hashes(POLICY, f"{one} {two}") == (
        f"default-src 'self'; script-src '{one}' '{two}' 'self' 'wasm-unsafe-eval'; connect-src 'self'"
    )
    assert with_script_hashes(POLICY, "") == POLICY
    assert with_script_hashes(POLICY, f"{one} 'unsafe-inline'") == POLICY  # nothing but digests, ever
    assert with_script_hashes(POLICY, "sha256-short=") == POLICY
    assert with_script_hashes("default-src 'self'", one) == "default-src 'self'"  # no script-src: as it is


def test_the_build_keeps_each_pages_digests_and_names_a_page_with_too_many(tmp_path) -> None:
    from chalicelib.work.treestore import store_stream
    from tests.unit.test_treestore import SITE, empty, runner_archive

    crowded = b"".join(b"<script>f(%d)</script>" % n for n in range(MAX_HASHES + 1))
    pages = {"staging/inline/index.html": b"<script>go()</script>", "staging/crowded/index.html": crowded}
    manifest = empty()
    stored = store_stream(runner_archive(tmp_path, {**SITE, **pages}), tmp_path / "tree.tar.gz", manifest)
    assert manifest.script_hashes == {"inline/index.html": [digest(b"go()")]}
    assert stored.script_notes == [
        "1 page (first crowded/index.html) has more than 20 inline scripts, more than the "
        "Content-Security-Policy can allow by digest: they do not run; move them into script files"
    ]


def test_an_event_handler_runs_by_its_digest_after_unsafe_hashes() -> None:
    # Stack's font loading: the stylesheet is preloaded, and its onload handler makes it one.
    page = (
        b"<link rel=preload as=style href=/css/fonts.css onload=\"this.rel='stylesheet'\">"
        b"<button onclick='go(&quot;a&quot;)'>Go</button>"
        b"<script>var s = '<a onclick=\"never()\">'</script>"
    )
    found = inline_script_hashes(page)
    assert found == [
        digest(b"var s = '<a onclick=\"never()\">'"),
        "unsafe-hashes",
        digest(b"this.rel='stylesheet'"),
        digest(b'go("a")'),  # the attribute's value as the browser reads it
    ]
    assert "script-src 'sha256-" in with_script_hashes(POLICY, " ".join(found))
    assert "'unsafe-hashes' 'sha256-" in with_script_hashes(POLICY, " ".join(found))
    assert with_script_hashes(POLICY, "unsafe-inline") == POLICY


def test_a_script_with_windows_line_ends_is_hashed_as_the_browser_reads_it() -> None:
    # Hugo Profile's templates are saved with CR LF; the HTML parser makes each a LF before hashing.
    page = b"<script>\r\n  let a = 1;\r\n  go(a);\r</script>"
    assert inline_script_hashes(page) == [digest(b"\n  let a = 1;\n  go(a);\n")]


def test_hostile_pages_of_unclosed_tags_are_read_in_one_pass() -> None:
    # Each script's end is searched for once from its start (no timing is asserted: the pages finish).
    assert inline_script_hashes(b"<script>" * 100_000) == []
    assert inline_script_hashes(b"<script" * 100_000) == []
    assert inline_script_hashes(b"<script>a()</script>" + b"<script>" * 100_000) == [digest(b"a()")]
