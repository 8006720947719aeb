"""The Content-Type of every kind of file a Hugo site emits, by extension (pure, and light to import:
the build's manifest needs it without the publish machinery)."""

from __future__ import annotations

import mimetypes
import posixpath

# Types Hugo sites emit that Python's table lacks or gets wrong; the charset matters for text.
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".pf_meta": "application/octet-stream",
}


#: The type of a file compressed whole (`.tar.gz`, `.svgz`), by what `mimetypes` says compressed it.
ENCODED = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
}


def content_type_for(path: str) -> str:
    """The Content-Type to serve `path` with (a key or file name; only its extension counts)."""
    ext = posixpath.splitext(path.lower())[1]
    if ext in _TYPES:
        return _TYPES[ext]
    guessed, encoding = mimetypes.guess_type(path, strict=False)
    if encoding and not (guessed or "").startswith("image/"):  # `.svgz` is an image, served as one
        # `x.tar.gz` is a gzip file to download: served as a tar, with no Content-Encoding, it lied
        return ENCODED.get(encoding, "application/octet-stream")
    return guessed or "application/octet-stream"
