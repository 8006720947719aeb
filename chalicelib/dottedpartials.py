"""Partials with a dot in their name, renamed so Hugo 0.146's template lookup finds them.

Before Hugo 0.146 a theme could keep a partial as `partials/head.meta.html` and call it with
`partial "head.meta.html"` (CoderZh's 2017 theme does, from `head.html`). Hugo's new template system
reads each dot of a file's name as an identifier (a language, an output format), so that call finds
`head.html` instead: from `head.html` itself it recurses until Hugo gives up (on a real blog Hugo then
hung, and the build stopped with nothing said), and from anywhere else it silently renders the wrong
partial. With the dots as hyphens (`head-meta.html`) the same partial is found, by old Hugo and new.

The fetch stage writes that into the build's copy of the site (never the repository): each dotted
partial a template calls by name, whose dots are not a language of the site or an output format, gets
a hyphenated copy beside it, and the calls name the copy; a partial whose hyphenated name is taken is
left as it is. One note per partial. Names built at run time (`printf "%s.meta.html"`) are not seen.

This module reads the templates below a site's layout folders and writes only there.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import component_configs
from chalicelib.themelayouts import callers, layout_roots, rewrite_then_copy, templates

PARTIAL_FOLDERS = ("partials", "_partials")
#: Hugo's own output formats: a dot naming one of these (or a language of the site) is Hugo's.
OUTPUT_FORMATS = frozenset(
    {"html", "amp", "rss", "json", "calendar", "csv", "robots", "sitemap", "sitemapindex", "webappmanifest"}
)
#: `partial "a.b.html"`, `partialCached "a.b.html"`, `template "partials/a.b.html"`: the name in group 4.
_CALL = re.compile(
    rb'(\bpartial(?:Cached)?\s+(["`])|\btemplate\s+(["`])partials/)'
    rb"([\w-]{1,60}(?:/[\w-]{1,60}){0,4}(?:\.[\w-]{1,60}){1,3})\.html(?:\2|\3)"
)


def rename_dotted_partials(site_root: Path) -> list[str]:
    """Give each dotted partial the site calls by name a hyphenated copy and point its calls there;
    the notes, one per partial."""
    if (site_root / "layouts").is_symlink():
        return []
    files = list(templates(layout_roots(site_root)))
    reserved = OUTPUT_FORMATS | _site_identifiers(site_root)
    calls = callers(files, _CALL, 4)
    renamed: dict[bytes, bytes] = {}
    copying: list[tuple[Path, Path]] = []
    notes = []
    for name, calling in sorted(calls.items()):
        folder, _, base = name.rpartition("/")
        dots = base.split(".")[1:]
        if any(dot.lower() in reserved for dot in dots):
            continue
        hyphenated = (f"{folder}/" if folder else "") + base.replace(".", "-")
        partials = [path for path in files if _partial_name(path) == name]
        copies = [path.with_name(f"{base.replace('.', '-')}.html") for path in partials]
        if not partials or any(copy.exists() or copy.is_symlink() for copy in copies):
            continue
        copying += zip(partials, copies, strict=True)
        renamed[name.encode()] = hyphenated.encode()
        first = min(calling).relative_to(site_root).as_posix()
        more = f" and {len(calling) - 1} more" if len(calling) > 1 else ""
        notes.append(
            f'{first}{more} call{"s" if not more else ""} the partial "{name}.html", which this Hugo\'s '
            f'template lookup reads as another by its dotted name: built as "{hyphenated}.html" (update the '
            "theme to a release for this Hugo)"
        )
    if renamed:
        rewrite_then_copy(
            set().union(*calls.values()),
            _CALL,
            lambda m: m[1] + renamed.get(m[4], m[4]) + b".html" + (m[2] or m[3]),
            copying,
        )
    return notes


def _partial_name(path: Path) -> str | None:
    """A template's name as a partial ("post/meta.info" for partials/post/meta.info.html), or None."""
    parts = path.parts
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] in PARTIAL_FOLDERS and parts[index - 1] == "layouts":
            relative = "/".join(parts[index + 1 :])
            return relative.removesuffix(".html") if relative.endswith(".html") else None
    return None


def _site_identifiers(site_root: Path) -> set[str]:
    """The site's languages and its own output formats (lower case): dots Hugo reads as those."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return set()
    found = {"en"}  # Hugo's default content language, when the config names none
    for _, config in configs:
        for key, value in config.items():
            if str(key).lower() in ("languages", "outputformats") and isinstance(value, dict):
                found |= {str(name).lower() for name in value}
            elif str(key).lower() == "defaultcontentlanguage" and isinstance(value, str):
                found.add(value.lower())
    return found
