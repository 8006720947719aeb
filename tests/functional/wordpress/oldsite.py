"""The old WordPress host for the fetch tests: a real HTTP server on 127.0.0.1 serving a site's media
(and the ways such a host goes wrong: 404s, login pages, redirects away, files too big)."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JPEG = b"\xff\xd8\xff\xe0 a small jpeg"


class OldSite:
    """The old WordPress host: path -> (status, headers, body), and how often each was asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits[self.path] += 1
                status, headers, body = site.routes.get(
                    self.path, (404, {"Content-Type": "text/html"}, b"nope")
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, path: str, body: bytes, content_type: str, status: int = 200, **headers: str) -> None:
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)


UP = "/wp-content/uploads/2024/01"


def media_post(site: str) -> str:
    return f"""<p><img src="{site}{UP}/a.jpg" alt="A"></p>
<p><img src="{UP}/rel.gif" alt="root-relative"></p>
[audio mp3="{site}{UP}/song.mp3"]
<p><img src="{site}{UP}/gone.png"></p>
<p><img src="{site}{UP}/login.jpg"></p>
<p><a href="{site}{UP}/big.pdf">The big file</a></p>
<p><img src="{site}{UP}/moved.jpg"></p>
<p><img src="{site}{UP}/away.jpg"></p>
<p><img src="http://elsewhere.example{UP}/x.jpg"></p>"""


def serve_media(old: OldSite) -> None:
    old.route(f"{UP}/a.jpg", JPEG, "image/jpeg")
    old.route(f"{UP}/rel.gif", b"GIF89a", "image/gif")
    old.route(f"{UP}/song.mp3", b"ID3 mp3 bytes", "audio/mpeg")
    old.route(f"{UP}/login.jpg", b"<html>log in</html>", "text/html; charset=UTF-8")
    old.route(f"{UP}/big.pdf", b"%PDF" + b"x" * 5000, "application/pdf")
    old.route(f"{UP}/moved.jpg", b"", "text/html", 301, Location=f"{UP}/moved-here.jpg")
    old.route(f"{UP}/moved-here.jpg", JPEG, "image/jpeg")
    # localhost is the same machine, but not a host the export names.
    port = old.url.rsplit(":", 1)[1]
    old.route(f"{UP}/away.jpg", b"", "text/html", 302, Location=f"http://localhost:{port}{UP}/a.jpg")


def running() -> OldSite:
    site = OldSite()
    site.thread.start()
    return site


def stop(site: OldSite) -> None:
    site.server.shutdown()
    site.server.server_close()
