"""The benchmark's site: `posts` page bundles, each with its own photo (a distinct 800x600 RGB PNG,
written without an imaging library), and layouts that make two sizes of each as JPEG, as a WordPress
blog's featured images and thumbnails would be. Benchmark-only code: never imported by chalicelib."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT = 800, 600
HOME = """<html><body><h1>{{ site.Title }}</h1>{{ range site.RegularPages }}
<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Resources.GetMatch "photo.*" }}
{{ $thumb := .Fill "300x200 jpg q75" }}<img src="{{ $thumb.RelPermalink }}">{{ end }}{{ end }}</body></html>
"""
PAGE = """<html><body><h1>{{ .Title }}</h1>{{ with .Resources.GetMatch "photo.*" }}
{{ $large := .Resize "640x jpg q80" }}<img src="{{ $large.RelPermalink }}">{{ end }}
{{ .Content }}</body></html>
"""


def photo(n: int) -> bytes:
    """A PNG whose pixels differ for every `n` (so Hugo can share no work between photos)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    base = bytes((x * (n % 7 + 1) + n * 37) % 256 for x in range(WIDTH * 3 * 2))
    rows = b"".join(b"\x00" + base[(y * 3 + n) % (WIDTH * 3) :][: WIDTH * 3] for y in range(HEIGHT))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def write_site(root: Path, posts: int) -> Path:
    """The site under `root` (its photos are kept between runs: written when missing)."""
    files: dict[str, bytes] = {
        "hugo.toml": b'title = "Photo blog"\n',
        "layouts/home.html": HOME.encode(),
        "layouts/page.html": PAGE.encode(),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    stamp = root / ".posts"
    if stamp.is_file() and stamp.read_text() == str(posts):
        return root
    for n in range(posts):
        bundle = root / "content" / "posts" / f"post-{n:04d}"
        bundle.mkdir(parents=True, exist_ok=True)
        (bundle / "index.md").write_text(post_text(n, edit=0), encoding="utf-8")
        (bundle / "photo.png").write_bytes(photo(n))
    stamp.write_text(str(posts))
    return root


def post_text(n: int, edit: int) -> str:
    edited = f"\nEdited, round {edit}.\n" if edit else ""
    return f"---\ntitle: Post {n}\ndate: 2024-01-01\n---\nA post with a photo.\n{edited}"


def edit_post(root: Path, edit: int) -> None:
    """The one-post edit: post 0's text changes, nothing else."""
    (root / "content" / "posts" / "post-0000" / "index.md").write_text(post_text(0, edit), encoding="utf-8")
