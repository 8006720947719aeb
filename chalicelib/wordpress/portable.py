"""The Presslift templates a converted site's content needs, written into the site itself.

Converted content calls shortcodes (`caption`, `gallery`, `audio`, `video`, `embed`,
`wordpress-redirects`) that only Presslift's theme defines, so with any other theme Hugo stops at
the first one. The site gets its own copy of exactly the shortcodes its content uses, in
`layouts/_shortcodes/`, with the partials and assets those call, so the site builds with whatever
theme it names.

Only the shortcodes the content uses, not all of Presslift's: a site's own `layouts/` wins over its
theme's, so every extra file would silently replace a template the chosen theme ships (Ananke has its
own `form-contact`; content calls Presslift's only where a contact-form plugin's form was, and it takes
the same `params.contact_form_action`). The partials go under
`layouts/_partials/presslift/` for the same reason: a theme's own `site-url.html` or `t.html` must
keep working for the theme.

This module must never write outside the site folder or change the theme it copies from.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from chalicelib.theme_path import theme_dir
from chalicelib.wordpress.writer import write_text

# `{{< name ...` and `{{% name ...`; an escaped `{{</* name */>}}` (literal text) does not match.
SHORTCODE_CALL = re.compile(r"\{\{[<%]\s*(?!/)([A-Za-z][\w-]*)")
PARTIAL_CALL = re.compile(r'\bpartial(?:Cached)?\s+"([\w./-]+\.html)"')
RESOURCE_GET = re.compile(r'\bresources\.Get\s+"([\w./-]+)"')
# Where the site's copies of Presslift's partials go: a folder no theme is expected to use.
PARTIALS_FOLDER = "presslift"


def shortcodes_called(markdown: str) -> set[str]:
    """The names of the shortcodes a Markdown body calls."""
    return {m.group(1) for m in SHORTCODE_CALL.finditer(markdown)}


class PortableLayouts:
    """Presslift's templates, read from its theme folder, copied on demand into a site."""

    def __init__(self, theme: Path | None = None) -> None:
        self.theme = theme or theme_dir()
        self.asset_mounts = _asset_mounts(self.theme)

    def shortcode(self, name: str) -> Path | None:
        for folder in ("_shortcodes", "shortcodes"):
            path = self.theme / "layouts" / folder / f"{name}.html"
            if path.is_file():
                return path
        return None

    def write(self, site: Path, used: set[str], hooks: tuple[str, ...] = ()) -> list[str]:
        """Writes the shortcodes in `used` that Presslift defines and the render `hooks` the content
        needs ("passthrough": formulas), and what they call; returns the paths written, relative to
        `site`, sorted."""
        written: set[str] = set()
        partials: list[str] = []
        for hook in hooks:
            hook_file = self.theme / "layouts" / "_markup" / f"render-{hook}.html"
            if hook_file.is_file():
                relative = f"layouts/_markup/render-{hook}.html"
                template = self._portable(hook_file.read_text("utf-8"), partials, written, site)
                write_text(site, relative, template)
                written.add(relative)
        for name in sorted(used):
            source = self.shortcode(name)
            if source is not None:
                relative = f"layouts/_shortcodes/{name}.html"
                write_text(site, relative, self._portable(source.read_text("utf-8"), partials, written, site))
                written.add(relative)
        done: set[str] = set()
        while partials:
            partial = partials.pop()
            if partial in done:
                continue
            done.add(partial)
            source = self.theme / "layouts" / "_partials" / partial
            if not source.is_file():
                continue  # one of Hugo's own partials (internal/...), or one the theme lacks
            relative = f"layouts/_partials/{PARTIALS_FOLDER}/{partial}"
            write_text(site, relative, self._portable(source.read_text("utf-8"), partials, written, site))
            written.add(relative)
        return sorted(written)

    def _portable(self, template: str, partials: list[str], written: set[str], site: Path) -> str:
        """`template` calling the site's copies of Presslift's partials; queues the partials and
        writes the assets it reads."""

        def partial(m: re.Match[str]) -> str:
            name = m.group(1)
            if not (self.theme / "layouts" / "_partials" / name).is_file():
                return m.group(0)
            partials.append(name)
            return m.group(0).replace(f'"{name}"', f'"{PARTIALS_FOLDER}/{name}"')

        for m in RESOURCE_GET.finditer(template):
            source = self._asset(m.group(1))
            if source is not None:
                relative = f"assets/{m.group(1)}"
                write_text(site, relative, source.read_text("utf-8"))
                written.add(relative)
        return PARTIAL_CALL.sub(partial, template)

    def _asset(self, name: str) -> Path | None:
        direct = self.theme / "assets" / name
        if direct.is_file():
            return direct
        mounted = self.asset_mounts.get(f"assets/{name}")
        return mounted if mounted is not None and mounted.is_file() else None


def _asset_mounts(theme: Path) -> dict[str, Path]:
    """The theme's files mounted into assets/ from elsewhere (its English strings), by target."""
    config = theme / "hugo.toml"
    if not config.is_file():
        return {}
    mounts = tomllib.loads(config.read_text("utf-8")).get("module", {}).get("mounts", [])
    return {
        m["target"]: theme / m["source"]
        for m in mounts
        if str(m.get("target", "")).startswith("assets/") and (theme / str(m.get("source", ""))).is_file()
    }
