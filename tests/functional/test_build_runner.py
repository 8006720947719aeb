"""The build runner as a child process, with the real Hugo: it fetches its source (and the site's kept
Hugo cache, side by side) and returns its trees and log only through the job's URLs (here a small
HTTP server standing in for presigned S3 URLs), and it is started with nothing of the parent's
environment."""

from __future__ import annotations

import io
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from chalicelib.artifacts import pack
from chalicelib.buildrunner import invoke
from chalicelib.buildrunner.hugocache import pack_cache
from chalicelib.buildrunner.job import BuildJob, BundleSettings, RunnerResult, StageRender
from chalicelib.buildrunner.render import _source_and_cache
from chalicelib.errors import BuildError
from chalicelib.hugo import RESOURCE_DIR, hugo_version

#: How long /source waits for /cache to be asked for when it is told to: far longer than a fetch takes.
PATIENCE = 20.0


class Bucket:
    """GET /source (and /cache, when it holds one), PUT anything else: what the runner fetched and
    handed back."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.cut_source_at: int | None = None  # send only this much of the source, then hang up
        self.cache: bytes | None = None
        self.cache_asked = threading.Event()
        self.source_waits_for_cache = False
        self.cache_asked_while_source_waited: bool | None = None
        self.put: dict[str, tuple[str, bytes]] = {}
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/{path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bucket = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/cache" and bucket.cache is not None:
                    bucket.cache_asked.set()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(bucket.cache)))
                    self.end_headers()
                    self.wfile.write(bucket.cache)
                    return
                if self.path != "/source":
                    self.send_error(404)
                    return
                if bucket.source_waits_for_cache:
                    bucket.cache_asked_while_source_waited = bucket.cache_asked.wait(PATIENCE)
                self.send_response(200)
                self.send_header("Content-Length", str(len(bucket.source)))
                self.end_headers()
                self.wfile.write(bucket.source[: bucket.cut_source_at])
                self.close_connection = True

            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                bucket.put[self.path.lstrip("/")] = (self.headers["Content-Type"], body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler


def source_tarball(tmp_path: Path, files: dict[str, str]) -> bytes:
    root = tmp_path / "site"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return pack(root, tmp_path / "source.tar.gz").read_bytes()


SITE = {
    "hugo.toml": 'title = "Runner"\n',
    "layouts/home.html": "<html><body><h1>{{ site.Title }} {{ site.Params.presslift.search }}</h1>"
    "</body></html>",
}


@pytest.fixture
def bucket(tmp_path: Path) -> Iterator[Bucket]:
    served = Bucket(source_tarball(tmp_path, SITE))
    yield served
    served.server.shutdown()


def job(bucket: Bucket, **extra: Any) -> BuildJob:
    fields: dict[str, Any] = {
        "source_url": bucket.url("source"),
        "trees_url": bucket.url("trees"),
        "log_url": bucket.url("log"),
        "stages": (
            StageRender("staging", "https://staging.test/", {"search": "true"}),
            StageRender("prod", "https://prod.test/", {"search": "true"}),
        ),
        "seconds": 120,
        **extra,
    }
    return BuildJob(**fields)


def test_the_runner_renders_every_stage_and_hands_back_trees_and_log(bucket, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "runner-test-secret")
    result = invoke.ProcessRunner().run(job(bucket))
    assert result.ok, result
    assert result.hugo.startswith("0.")
    assert set(result.stages) == {"staging", "prod"}
    content_type, trees = bucket.put["trees"]
    assert content_type == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(trees)) as tar:
        names = {name.removeprefix("./") for name in tar.getnames()}
        home = tar.extractfile("prod/index.html")
        assert home is not None and b"Runner true" in home.read()
    assert any(name.endswith("staging/pagefind/pagefind.js") for name in names)
    content_type, log = bucket.put["log"]
    assert content_type.startswith("text/plain") and b"== prod (https://prod.test/)" in log
    assert b"runner-test-secret" not in trees + log


def test_a_tree_searched_with_algolia_gets_no_pagefind_index(bucket):
    stages = (
        StageRender("staging", "https://staging.test/", {"search": "true"}),
        StageRender("prod", "https://prod.test/", {"search": "true", "algolia_appId": "APP"}, pagefind=False),
    )
    result = invoke.ProcessRunner().run(job(bucket, stages=stages))
    assert result.ok, result
    assert "search" in result.stages["staging"] and "search" not in result.stages["prod"]
    with tarfile.open(fileobj=io.BytesIO(bucket.put["trees"][1])) as tar:
        names = set(tar.getnames())
    assert "staging/pagefind/pagefind.js" in names and "prod/index.html" in names
    assert not any(name.startswith("prod/pagefind/") for name in names)
    assert b"no Pagefind index: the site searches with Algolia" in bucket.put["log"][1]


def test_a_themes_own_pagefind_ui_address_leads_inside_a_site_served_below_a_path(tmp_path):
    # A real site's partials write <script src="/pagefind/pagefind-ui.js">: the root links are fixed
    # before Pagefind writes its bundle, so the address was left leading out of /harbour/, to a 404.
    page = (
        '<html><head><link href="/pagefind/pagefind-ui.css" rel="stylesheet"></head><body>'
        "<h1>{{ site.Title }}</h1><p>Harbour news of the week.</p>"
        '<script src="/pagefind/pagefind-ui.js"></script></body></html>'
    )
    served = Bucket(source_tarball(tmp_path, {**SITE, "layouts/home.html": page}))
    stages = (
        StageRender("staging", "https://d1.test/harbour/", {"search": "true"}),
        StageRender(
            "prod", "https://d2.test/harbour/", {"search": "true", "algolia_appId": "A"}, pagefind=False
        ),
    )
    try:
        result = invoke.ProcessRunner().run(job(served, stages=stages))
    finally:
        served.server.shutdown()
    assert result.ok, result
    with tarfile.open(fileobj=io.BytesIO(served.put["trees"][1])) as tar:
        names = {name.removeprefix("./") for name in tar.getnames()}
        staging = tar.extractfile("staging/index.html").read()  # type: ignore[union-attr]
        prod = tar.extractfile("prod/index.html").read()  # type: ignore[union-attr]
    assert b'src="/harbour/pagefind/pagefind-ui.js"' in staging
    assert b'href="/harbour/pagefind/pagefind-ui.css"' in staging
    assert {"staging/pagefind/pagefind-ui.js", "staging/pagefind/pagefind-ui.css"} <= names
    # No index on prod (Algolia): nothing will be there, so its address is left as written.
    assert b'src="/pagefind/pagefind-ui.js"' in prod


def test_a_source_cut_short_is_a_failed_fetch_not_a_bad_archive(bucket):
    bucket.cut_source_at = len(bucket.source) // 2
    result = invoke.ProcessRunner().run(job(bucket))
    assert not result.ok
    assert result.error.startswith("the build runner could not fetch its source"), result.error
    assert "trees" not in bucket.put


def kept_cache(tmp_path: Path) -> bytes:
    """A kept Hugo cache of this Hugo with one processed image."""
    kept = tmp_path / "kept"
    image = kept / RESOURCE_DIR / "_gen" / "images" / "photo_hu1.jpg"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\xff\xd8" + bytes(4096))
    return pack_cache(kept, hugo_version(), tmp_path / "cache.tar.gz").read_bytes()


def test_the_source_and_the_kept_cache_are_fetched_side_by_side(bucket, tmp_path):
    bucket.cache = kept_cache(tmp_path)
    bucket.source_waits_for_cache = True
    result = invoke.ProcessRunner().run(job(bucket, cache_url=bucket.url("cache")))
    assert bucket.cache_asked_while_source_waited is True, "the source's answer waited in vain for /cache"
    assert result.ok, result.error
    assert result.cache.startswith("cache restored ("), result.cache
    assert "trees" in bucket.put


def test_a_source_cut_short_beside_a_cache_fails_once_the_cache_is_restored(bucket, tmp_path):
    bucket.cache = kept_cache(tmp_path)
    bucket.source_waits_for_cache = True
    bucket.cut_source_at = len(bucket.source) // 2
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(BuildError, match="the build runner could not fetch its source"):
        _source_and_cache(job(bucket, cache_url=bucket.url("cache")), work, hugo_version())
    assert bucket.cache_asked_while_source_waited is True
    # The failure is raised only after the cache's restore has finished: nothing writes afterwards.
    assert (work / RESOURCE_DIR / "_gen" / "images" / "photo_hu1.jpg").read_bytes().startswith(b"\xff\xd8")


def test_a_source_that_is_no_archive_is_refused(bucket):
    bucket.source = b"<html>an error page, not a tarball</html>"
    result = invoke.ProcessRunner().run(job(bucket))
    assert not result.ok
    assert result.error.startswith("artifact archive cannot be extracted"), result.error
    assert "trees" not in bucket.put


def test_a_failed_render_comes_back_as_a_result_with_hugos_lines(tmp_path):
    served = Bucket(
        source_tarball(tmp_path, {**SITE, "layouts/home.html": '{{ getenv "AWS_SECRET_ACCESS_KEY" }}'})
    )
    try:
        result = invoke.ProcessRunner().run(job(served))
    finally:
        served.server.shutdown()
    assert not result.ok
    assert result.error.startswith("Hugo failed (exit 1)")
    assert "security.funcs.getenv" in result.log_tail
    assert b"== failed" in served.put["log"][1]
    assert "trees" not in served.put


def test_the_runner_says_when_and_why_it_used_presslifts_theme(tmp_path):
    served = Bucket(
        source_tarball(tmp_path, {"hugo.toml": 'title = "No Layouts"\n', "content/_index.md": "Hi\n"})
    )
    try:
        result = invoke.ProcessRunner().run(job(served))
    finally:
        served.server.shutdown()
    assert result.ok, result
    assert result.theme_fallback == "the site rendered no home page (it has no layouts or theme)"


def test_in_place_of_a_missing_theme_the_sites_layouts_for_it_are_left_out_but_its_shortcodes(tmp_path):
    # A real blog's head.html override, written over its theme (gokarna), read that theme's CSS.
    site = {
        "hugo.toml": 'title = "Overrides"\ntheme = "gokarna"\n',
        "layouts/partials/head.html": '{{ (resources.Get "css/gokarna.css").RelPermalink }}',
        "layouts/_default/single.html": '{{ partial "gokarna-only.html" . }}',
        "layouts/shortcodes/note.html": '<aside class="note">{{ .Inner }}</aside>',
        "content/posts/a.md": "---\ntitle: A\n---\n{{< note >}}kept{{< /note >}}\n",
    }
    result, served = run_site(tmp_path, site)
    assert result.ok, result
    assert result.theme_fallback.startswith("its theme is not in the source"), result.theme_fallback
    log = served.put["log"][1].decode()
    assert "the site's own layouts for its theme were left out: _default/, partials/" in log
    with tarfile.open(fileobj=io.BytesIO(served.put["trees"][1])) as trees:
        page = trees.extractfile("staging/posts/a/index.html").read().decode()  # type: ignore[union-attr]
    assert '<aside class="note">kept</aside>' in page and 'class="site-footer"' in page


def test_a_missing_theme_the_site_cannot_do_without_is_what_the_failure_names(tmp_path):
    # The theme left out of the repository (a .gitignore'd themes/), its shortcodes used by the content.
    site = {
        "hugo.toml": 'title = "Gone"\ntheme = "tranquil"\n',
        "content/posts/code.md": (
            "---\ntitle: Code\n---\n{{< tabbed-codeblock >}}x{{< /tabbed-codeblock >}}\n"
        ),
    }
    result, _ = run_site(tmp_path, site)
    assert not result.ok
    assert result.error.startswith(
        "Hugo failed (exit 1): the site's theme tranquil is not in its themes/ folder: commit it there, "
        "or add it as a git submodule."
    ), result.error
    assert "with Presslift's theme in its place the build failed too: " in result.error
    assert 'shortcode "tabbed-codeblock" not found' in result.error


def test_a_theme_npm_installs_is_replaced_from_the_sources_themes_folder(tmp_path):
    # A real docs site (etcd's) takes Docsy from node_modules/ (themesDir), which no build here fills:
    # Presslift's theme in its place was looked for there too, and the error told the operator to
    # commit a theme named "presslift".
    site = {
        "hugo.toml": 'title = "Npm"\ntheme = "docsy"\nthemesDir = "node_modules"\n',
        "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    }
    result, _ = run_site(tmp_path, site)
    assert result.ok, result
    assert result.theme_fallback.startswith("its theme is not in the source"), result.theme_fallback
    assert "presslift" not in (result.error or "")


def test_a_fallback_that_fails_the_same_way_is_said_once(tmp_path):
    # A module import that cannot be downloaded fails with Presslift's theme as well: one message.
    site = {
        "hugo.toml": 'title = "Modules"\n[[module.imports]]\npath = "github.com/example/theme"\n',
        "content/post.md": "---\ntitle: Post\n---\nHi\n",
    }
    result, _ = run_site(tmp_path, site)
    assert not result.ok
    assert result.error.startswith("Hugo failed (exit 1): the site imports Hugo Modules"), result.error
    assert result.error.count("the site imports Hugo Modules") == 1, result.error
    assert result.error.endswith("(Presslift's theme in its place failed the same way)"), result.error


def test_a_site_that_names_its_own_theme_keeps_it_and_hears_of_no_fallback(tmp_path):
    own = {
        "hugo.toml": 'title = "Own Theme"\n',
        "themes/plain/layouts/home.html": "<html><body>{{ site.Title }} by plain</body></html>",
    }
    served = Bucket(source_tarball(tmp_path, own))
    try:
        result = invoke.ProcessRunner().run(job(served, flags=("--theme", "plain")))
    finally:
        served.server.shutdown()
    assert result.ok, result
    assert result.theme_fallback == ""
    with tarfile.open(fileobj=io.BytesIO(served.put["trees"][1])) as tar:
        home = tar.extractfile("prod/index.html")
        assert home is not None and b"Own Theme by plain" in home.read()


def run_site(tmp_path: Path, files: dict[str, str], **extra: Any) -> tuple[RunnerResult, Bucket]:
    served = Bucket(source_tarball(tmp_path, files))
    try:
        return invoke.ProcessRunner().run(job(served, **extra)), served
    finally:
        served.server.shutdown()


def home_page(served: Bucket, stage: str = "prod") -> bytes:
    with tarfile.open(fileobj=io.BytesIO(served.put["trees"][1])) as tar:
        home = tar.extractfile(f"{stage}/index.html")
        assert home is not None
        return home.read()


SKELETON = {"themes/skeleton/layouts/home.html": "<html><body>{{ site.Title }} by skeleton</body></html>"}


def test_the_one_theme_a_build_script_named_is_built_with_and_the_run_says_where_to_name_it(tmp_path):
    """A blog built by release.sh's `hugo --theme=skeleton`: its config names no theme, its layouts/
    has no home page, and themes/ holds that one theme. It was published in Presslift's theme."""
    site = {"config.toml": 'title = "Scripted"\n', "layouts/partials/extra.html": "", **SKELETON}
    result, served = run_site(tmp_path, site)
    assert result.ok, result
    assert result.theme_fallback == "" and result.flags == ("--theme", "skeleton")
    assert b"Scripted by skeleton" in home_page(served) and b"Scripted by skeleton" in home_page(
        served, "staging"
    )
    for stage in ("staging", "prod"):
        note = result.stages[stage]["hugo_warnings"][0]
        assert note.startswith("the site's config names no theme: built with themes/skeleton, the only theme")
        assert 'theme = "skeleton"' in note and 'build_flags = ["-t", "skeleton"]' in note


def test_a_theme_nothing_names_that_fails_gives_way_to_presslifts_theme_saying_why(tmp_path):
    broken = {"themes/skeleton/layouts/home.html": "<html>{{ .NoSuchField }}</html>"}
    result, served = run_site(tmp_path, {"config.toml": 'title = "Scripted"\n', **broken})
    assert result.ok, result
    assert result.flags[-2:] == ("--theme", "presslift")
    assert result.theme_fallback.startswith(
        "themes/skeleton, the only theme in its themes/ folder, failed: Hugo failed (exit 1)"
    )
    assert b"Scripted" in home_page(served)


@pytest.mark.parametrize(
    "files",
    [
        {"themes/other/layouts/home.html": "<html><body>other</body></html>"},  # two themes: no guess
        {"hugo.toml": 'title = "Scripted"\ntheme = []\n'},  # the config decides, even if oddly
        {"layouts/index.html": "<html><body>{{ site.Title }} by its own layouts</body></html>"},
    ],
    ids=["two-themes", "config-names-theme", "own-home-layout"],
)
def test_no_theme_is_guessed_where_the_site_decides_or_several_could_be_meant(tmp_path, files):
    result, served = run_site(tmp_path, {"hugo.toml": 'title = "Scripted"\n', **SKELETON, **files})
    assert result.ok, result
    assert "--theme" not in result.flags or result.flags[-1] != "skeleton"
    assert not any("names no theme" in w for s in result.stages.values() for w in s.get("hugo_warnings", []))
    assert b"by skeleton" not in home_page(served)


def test_a_wrong_hugo_version_is_refused_by_the_runner(bucket):
    result = invoke.ProcessRunner().run(job(bucket, hugo_version="0.99"))
    assert not result.ok and "asks for Hugo 0.99" in result.error


def test_the_runner_process_gets_none_of_the_parents_environment(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "runner-test-secret")
    monkeypatch.setenv("PRESSLIFT_ARTIFACTS_BUCKET", "presslift-artifacts")
    seen: dict[str, Any] = {}

    def fake_run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.update(kwargs, args=args)
        return subprocess.CompletedProcess(args, 0, RunnerResult(ok=True).to_json(), "")

    monkeypatch.setattr(invoke.subprocess, "run", fake_run)
    invoke.ProcessRunner().run(BuildJob("http://s", "http://t", "http://l", ()))
    assert seen["args"][1:] == ["-m", "chalicelib.buildrunner"]
    assert not [name for name in seen["env"] if name.startswith(("AWS_", "PRESSLIFT_"))]
    assert seen["env"]["PYTHONPATH"] == str(invoke.CODE_ROOT)


def test_a_runner_that_answers_garbage_fails_the_build(monkeypatch):
    def fake_run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, '{"files": 3}', "")

    monkeypatch.setattr(invoke.subprocess, "run", fake_run)
    with pytest.raises(BuildError, match="answered something that is not a result"):
        invoke.ProcessRunner().run(BuildJob("http://s", "http://t", "http://l", ()))


def test_a_bundle_and_its_check_are_built_in_the_runner(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "runner-test-secret")
    served = Bucket(source_tarball(tmp_path, {"app.py": "X = 1\n", "tests/test_app.py": "\n"}))
    settings = BundleSettings(include=("**/*",), exclude=("tests/**",), check=("python", "-c", "import app"))
    try:
        result = invoke.ProcessRunner().run(
            job(served, stages=(), kind="bundle", bundle=settings, site="tools")
        )
    finally:
        served.server.shutdown()
    assert result.ok, result
    with tarfile.open(fileobj=io.BytesIO(served.put["trees"][1])) as tar:
        assert {name.removeprefix("./") for name in tar.getnames() if tar.getmember(name).isfile()} == {
            "app.py"
        }


def test_a_check_in_the_runner_sees_no_key(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "runner-test-secret")
    served = Bucket(source_tarball(tmp_path, {"app.py": "X = 1\n"}))
    check = ("sh", "-c", "env; cat /proc/$PPID/environ | tr '\\0' '\\n'; exit 1")
    settings = BundleSettings(include=("**/*",), exclude=(), check=check)
    try:
        result = invoke.ProcessRunner().run(
            job(served, stages=(), kind="bundle", bundle=settings, site="tools")
        )
    finally:
        served.server.shutdown()
    assert not result.ok and "the check command" in result.error
    assert "PYTHONPATH=" in result.log_tail
    assert "runner-test-secret" not in result.log_tail and "AWS_" not in result.log_tail


def test_the_pipelines_params_leave_a_themes_own_params_alone(tmp_path: Path) -> None:
    """beautifulhugo and Hextra keep a table in `params.search`; the pipeline's search params go under
    `params.presslift`, so such a theme builds and reads its own values (a bare HUGO_PARAMS_SEARCH
    replaced the table with a string and failed the build)."""
    from chalicelib.hugo import build_site

    source = tmp_path / "site"
    (source / "layouts").mkdir(parents=True)
    (source / "hugo.toml").write_text('title = "Theirs"\n[params.search]\nprovider = "fuse"\n')
    (source / "layouts/home.html").write_text(
        "<html>{{ site.Params.search.provider }} {{ site.Params.presslift.search }}"
        " {{ site.Params.presslift.algolia.appId }}</html>"
    )
    built = build_site(
        source,
        tmp_path / "public",
        base_url="https://example.org/",
        work_dir=tmp_path / "work",
        params={"search": "true", "algolia_appId": "APP"},
    )
    assert (built.destination / "index.html").read_text() == "<html>fuse true APP</html>"
