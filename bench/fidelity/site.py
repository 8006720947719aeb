"""A built site (Hugo's public/ folder) as a visitor meets it: URLs answer with a page, a redirect
(Hugo's alias pages: a meta refresh; a plain rule of its `_redirects` file, which the publish step
makes an S3 redirect), or nothing; old `?p=ID` style links go through the home page's redirect script
and the map it fetches. Benchmark-only code: never imported by chalicelib.
"""

from __future__ import annotations

import html
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

REFRESH = re.compile(r'<meta http-equiv="?refresh"? content="?0;\s*url=([^"\'>]+)', re.I)
MAP_SCRIPT = re.compile(r'<script[^>]+src="[^"]*wordpress-redirects[^"]*"[^>]*data-map="([^"]+)"', re.I)
HOPS = 5


class BuiltSite:
    def __init__(self, public: Path, base_url: str = "/") -> None:
        self.public = public
        # The built site's own prefix (a sub-path baseURL), stripped from its links to find files.
        self.prefix = urlsplit(base_url).path.rstrip("/")

    def file_for(self, path: str) -> Path | None:
        """The file a static host serves for `path` (index.html for a folder), or None."""
        path = unquote(path)
        if self.prefix and path.startswith(self.prefix + "/"):
            path = path[len(self.prefix) :]
        relative = path.lstrip("/")
        if ".." in relative.split("/"):
            return None
        candidate = self.public / relative
        if relative and candidate.is_file():
            return candidate
        index = candidate / "index.html"
        return index if index.is_file() else None

    def read(self, path: Path) -> str:
        return path.read_text("utf-8", errors="replace")

    @cached_property
    def rules(self) -> dict[str, str]:
        """The plain rules of the build's `_redirects` file ({old path without its trailing slash: new
        path}); a rule with a splat, placeholder, condition or non-redirect status is not counted."""
        rules: dict[str, str] = {}
        source = self.public / "_redirects"
        lines = source.read_text("utf-8", errors="replace").splitlines() if source.is_file() else []
        for line in lines:
            fields = line.split("#", 1)[0].split()
            if len(fields) not in (2, 3) or fields[2:] not in ([], ["301"], ["302"], ["307"], ["308"]):
                continue
            old, new = fields[0], fields[1]
            plain = old.startswith("/") and not any(c in old for c in "*:?")
            if plain and "*" not in new and "/:" not in new:
                rules.setdefault(unquote(old).rstrip("/"), new)
        return rules

    def follow(self, path: str) -> Path | None:
        """The page `path` ends at after the site's redirects, or None when nothing answers."""
        for _ in range(HOPS):
            found = self.file_for(path)
            if found is None:
                plain = unquote(path).rstrip("/")
                rule = self.rules.get(plain) or self.rules.get(plain.removeprefix(self.prefix))
                if rule is None:
                    return None
                path = urlsplit(rule).path or "/"
                continue
            match = REFRESH.search(self.read(found)[:2000]) if found.suffix == ".html" else None
            if match is None:
                return found
            target = urlsplit(html.unescape(match.group(1)))
            if target.netloc and target.path == "":
                return None
            path = target.path or "/"
        return None

    @cached_property
    def redirect_map(self) -> dict[str, Any]:
        """The `?key=value` map the home page's redirect script fetches (empty without one)."""
        home = self.file_for("/")
        if home is None:
            return {}
        match = MAP_SCRIPT.search(self.read(home))
        if match is None:
            return {}
        data = self.file_for(urlsplit(html.unescape(match.group(1))).path)
        if data is None:
            return {}
        loaded = json.loads(data.read_text("utf-8"))
        return loaded if isinstance(loaded, dict) else {}

    def answer(self, path: str, query: str) -> Path | None:
        """The page an old URL (path and query, relative to the site's root) reaches, or None."""
        if query and path in ("", "/", "/index.php"):
            for key, value in parse_qsl(query):
                target = self.redirect_map.get(key, {}).get(value)
                if isinstance(target, str):
                    return self.follow(target)
            return None
        return self.follow(path)

    def pages(self) -> list[Path]:
        return sorted(p for p in self.public.rglob("*.html") if p.is_file())
