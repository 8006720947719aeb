"""getJSON and getCSV, which Hugo removed, through the real Hugo: a template calling them does not
parse as it is; rewritten by the fetch stage it reads the same data over real HTTP (a loopback server
here), and under Presslift's policy the build names the host its operator must allow."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chalicelib import hugo
from chalicelib.errors import BuildError
from chalicelib.oldhugo import adapt
from chalicelib.remotedata import rewrite
from tests.conftest import write_tree

DATA = {
    "/repos/acme/site/contributors": json.dumps([{"login": "ann"}, {"login": "bob"}]).encode(),
    "/boats.csv": b"name;length\nAda;9\nGrace;12\n",
}
HOME = (
    '<body>{{ range getJSON $.Site.Params.api "/repos/" "acme/site" "/contributors" }}'
    "{{ .login }} {{ end }}"
    '{{ $piped := printf "%s/repos/acme/site/contributors" $.Site.Params.api | getJSON }}'
    "{{ range $piped }}{{ .login }}. {{ end }}"
    '|{{ range getCSV ";" (printf "%s/boats.csv" $.Site.Params.api) }}'
    "{{ index . 0 }}={{ index . 1 }} {{ end }}"
    '{{ range printf "%s/boats.csv" $.Site.Params.api | getCSV ";" }}{{ index . 1 }}. {{ end }}'
    '|{{/* getJSON "kept" */}}</body>'
)


#: Answered only to a request with this header (as a private API or a rate-limited one's token).
PRIVATE = ("/private.json", "Bearer abcd")


class _Data(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = DATA.get(self.path)
        if self.path == PRIVATE[0]:
            body = b'{"secret": "kept"}' if self.headers.get("Authorization") == PRIVATE[1] else None
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/csv" if self.path.endswith(".csv") else "application/json")
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Data)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def site(tmp_path: Path, api: str) -> Path:
    return write_tree(
        tmp_path / "site",
        {
            "hugo.toml": f'title = "Old"\n[params]\napi = "{api}"\n'.encode(),
            "layouts/home.html": HOME.encode(),
        },
    )


def plain_hugo(source: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # Hugo's own policy opened to the loopback server: what Presslift's would do for an allowed host.
    env = {
        **os.environ,
        "HUGO_SECURITY_HTTP_URLS": r"^http://127\.0\.0\.1:",
        "HUGO_CACHEDIR": str(tmp_path / "c"),
    }
    args = [
        str(hugo.find_hugo()),
        "--source",
        str(source),
        "--destination",
        str(tmp_path / "public"),
        "--logLevel",
        "error",
    ]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


def test_as_it_is_the_template_does_not_parse(tmp_path: Path, api: str) -> None:
    done = plain_hugo(site(tmp_path, api), tmp_path)
    assert done.returncode != 0 and 'function "getJSON" not defined' in done.stderr + done.stdout


def test_rewritten_it_reads_the_same_data_over_http(tmp_path: Path, api: str) -> None:
    source = site(tmp_path, api)
    assert adapt(source, ()) == [
        f"layouts/home.html uses {name}, which Hugo no longer has: built with resources.GetRemote "
        "(os.ReadFile for a file of the site's own) and transform.Unmarshal, which do the same (the site's "
        "operator allows the hosts it reads from; update the theme to a release for this Hugo)"
        for name in ("getCSV", "getJSON")
    ]
    done = plain_hugo(source, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        "<body>ann bob ann. bob. |name=length Ada=9 Grace=12 length. 9. 12. |</body>"
        in (tmp_path / "public/index.html").read_text()
    )
    assert b'{{/* getJSON "kept" */}}' in (source / "layouts/home.html").read_bytes()


def test_under_presslifts_policy_the_build_names_the_host_to_allow(tmp_path: Path) -> None:
    source = site(tmp_path, "https://api.example.test")
    adapt(source, ())
    with pytest.raises(BuildError, match=r"--remote-hosts api\.example\.test"):
        hugo.build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")


def test_a_headers_map_as_the_last_argument_is_sent_as_headers(tmp_path: Path, api: str) -> None:
    """Hugo's documented form (a variable set from dict) and a dict in place: the header reaches the
    server, and the map is not joined into the address."""
    source = site(tmp_path, api)
    (source / "layouts/home.html").write_text(
        '<body>{{ $opts := dict "Authorization" "Bearer abcd" }}'
        '{{ with getJSON $.Site.Params.api "/private.json" $opts }}{{ .secret }}{{ end }}'
        '|{{ with getJSON (print $.Site.Params.api "/private.json") (dict "Authorization" "Bearer abcd") }}'
        "{{ .secret }}{{ end }}</body>"
    )
    adapt(source, ())
    done = plain_hugo(source, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "<body>kept|kept</body>" in (tmp_path / "public/index.html").read_text()


@pytest.mark.parametrize(
    "call",
    [
        '{{ $d := getJSON "data/local.json" (dict "A" "x") }}',  # headers for a local file
        '{{ $d := getJSON (dict "Authorization" "x") }}',  # a map and no address
        '{{ $d := getJSON $u (dict "A" "x") "/more" }}',  # a map that is not the last argument
        "<p>getJSON in text</p>",
        '{{ $d := getJSON ("unclosed" }}',
    ],
)
def test_what_it_cannot_read_is_left_for_the_builds_hint(call: str) -> None:
    assert rewrite(call.encode()) == (call.encode(), [])


@pytest.mark.parametrize(
    "text", [b"getJSON " * 100_000, b"{{ getJSON " + b"(" * 100_000 + b"}}", b"{{ getJSON " + b'"' * 100_000]
)
def test_hostile_templates_are_left_as_they_are(text: bytes) -> None:
    assert rewrite(text) == (text, [])


def test_a_file_of_the_sites_own_is_read_from_the_project(tmp_path: Path) -> None:
    # A PaperMod fork's shortcodes list a blog's films from its own CSV: `getCSV "," "data/douban/movie.csv"`.
    files = {
        "hugo.toml": b'title = "Own"\n',
        "data/douban/movie.csv": b'name,year\nAlien,1979\n"A, B",2000\n',
        "assets/own.json": b'{"a": [1, 2], "b": "x"}',
        "layouts/home.html": (
            b'<body>{{ range getCSV "," "data/douban/movie.csv" }}[{{ index . 0 }}|{{ index . 1 }}]{{ end }}'
            b'|{{ $j := getJSON "assets/" "own.json" }}{{ $j.b }}{{ index $j.a 1 }}</body>'
        ),
    }
    source = write_tree(tmp_path / "site", files)
    assert [n.split(",")[0] for n in adapt(source, ())] == [
        "layouts/home.html uses getCSV",
        "layouts/home.html uses getJSON",
    ]
    hugo.build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    page = (tmp_path / "public/index.html").read_text()
    assert "<body>[name|year][Alien|1979][A, B|2000]|x2</body>" in page
    assert not list((tmp_path / "public").rglob("presslift"))  # nothing of the reading is published
