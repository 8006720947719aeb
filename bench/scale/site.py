"""The scale benchmark's Hugo site: N posts with tags and categories, M images Hugo resizes.

Posts and their words come from bench/publish's seeded generator; images are real PNGs (a seeded
pattern, so they compress like photos rather than like noise or flat colour) under `assets/`, each
shown by one post through a `photo` shortcode that resizes it with Hugo's image processing. The site
carries its own small layouts, so the pipeline and the peer render exactly the same templates.
Benchmark-only code: writes only the folder it is given.
"""

from __future__ import annotations

import random
import shutil
import struct
import zlib
from pathlib import Path

from bench.publish import site as publish_site

LAYOUTS = publish_site.MINIMAL_LAYOUTS
PHOTO_SHORTCODE = """{{ $img := resources.Get (printf "images/photo-%05d.png" (int (.Get 0))) }}
{{ with $img }}{{ $small := .Resize "480x" }}{{ $thumb := .Fill "160x160 Center" }}
<figure><img src="{{ $small.RelPermalink }}" width="{{ $small.Width }}" height="{{ $small.Height }}" alt="">
<img src="{{ $thumb.RelPermalink }}" width="160" height="160" alt=""></figure>{{ end }}
"""
PRESSLIFT_TOML = 'watch_paths = ["content", "assets", "layouts", "hugo.toml"]\n'
IMAGE_SIZE = (640, 480)
LOW_BITS = bytes(n & 0x03 for n in range(256))


def generate(source: Path, pages: int, images: int, seed: int = 1919) -> None:
    """Write the Hugo project (replacing `source`): posts, images, layouts, presslift.toml."""
    publish_site.generate(source, pages, 0, seed=seed)
    shutil.rmtree(source / "static", ignore_errors=True)
    (source / "presslift.toml").write_text(PRESSLIFT_TOML)
    layouts = source / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (layouts / "shortcodes").mkdir()
    for template in LAYOUTS.glob("*.html"):
        name = "index.html" if template.name == "home.html" else template.name
        target = layouts / name if name == "index.html" else layouts / "_default" / name
        shutil.copyfile(template, target)
    (layouts / "shortcodes" / "photo.html").write_text(PHOTO_SHORTCODE)
    (source / "assets" / "images").mkdir(parents=True)
    rng = random.Random(seed)
    for number in range(images):
        (source / "assets" / "images" / f"photo-{number:05d}.png").write_bytes(_png(rng, *IMAGE_SIZE))
    # One image per post, spread evenly over the posts.
    step = max(1, pages // max(images, 1))
    for number in range(min(images, pages)):
        post = source / "content" / "posts" / f"post-{number * step:05d}.md"
        post.write_text(post.read_text() + f"\n{{{{< photo {number} >}}}}\n")


def files(source: Path) -> dict[str, bytes]:
    """Every file of the project by its path inside it (what a commit of it holds)."""
    return {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file()
    }


def _png(rng: random.Random, width: int, height: int) -> bytes:
    """An RGB PNG of smooth bands with low-bit noise (a few hundred KB, like a photo), made fast."""
    length = width * 3
    level, walk = rng.randint(0, 255), bytearray(length)
    for i in range(length):
        level = (level + rng.randint(-3, 3)) & 0xFF
        walk[i] = level
    base = bytes(walk)
    rows = []
    for y in range(height):
        shift = (y * 3) % length
        smooth = int.from_bytes(base[shift:] + base[:shift], "big")
        noise = int.from_bytes(rng.randbytes(length).translate(LOW_BITS), "big")
        rows.append(b"\x00" + (smooth ^ noise).to_bytes(length, "big"))
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
