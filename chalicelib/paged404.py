"""A 404 page that paginates, as older Hugo let it: the first page of its pager.

Older Hugo treated the 404 page as a list page, so a theme could list the latest posts on it with
`.Paginate` (Mini's 404.html does); Hugo 0.168 refuses ("pagination not supported for this page") and
the whole build fails, as it does with plain Hugo. Only the first page of such a pager was ever built
(a 404 page has no /page/2/), so the fetch stage has the theme's 404 templates call a partial that
gives that page instead: the first pagerSize of the pages (the site's `pagination.pagerSize`, or its
old `paginate`, else Hugo's 10), with no page before or after it, so no template links to one that
was never built. One note names the templates, in the build's copy of the site (never the repository).

This module reads the site's config and its 404 templates, and writes those templates and one partial.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, component_configs
from chalicelib.themelayouts import layout_roots

#: A page's .Paginate: by the dot, `$`, a variable or `.Page`; `$x.Site.Paginate` and the like are not.
PAGINATE = re.compile(rb"(?:\$\w*(?:\.Page)?|(?<![\w)\].$])(?:\.Page)?)\.Paginate\b")
PARTIAL = "presslift/first-pager.html"
PARTIAL_FILE = Path("layouts/_partials") / PARTIAL
HUGO_PAGER_SIZE = 10
#: The config folders a production build reads (Hugo's other environments are not this build's).
_BUILD_CONFIGS = ("_default", "production")


def first_pager_on_404(site_root: Path) -> list[str]:
    """Rewrite `.Paginate` in the 404 templates of the site (and its themes and modules) to the first
    page's partial, and write the partial; the note, or none when no 404 template paginates."""
    changed = []
    for template in _404_templates(site_root):
        try:
            text = template.read_bytes()
        except OSError:
            continue
        rewritten, count = PAGINATE.subn(f'partial "{PARTIAL}"'.encode(), text)
        if count:
            template.write_bytes(rewritten)
            changed.append(template.relative_to(site_root).as_posix())
    if not changed:
        return []
    size = pager_size(site_root)
    target = site_root / PARTIAL_FILE
    if not any(part.is_symlink() for part in (target, *target.parents) if part.is_relative_to(site_root)):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_partial(size), encoding="utf-8")
    where = changed[0] + (f" and {len(changed) - 1} more" if len(changed) > 1 else "")
    return [
        f"{where} paginates the 404 page, which Hugo no longer does: built with the first page of "
        f"{size} it gave there (update the theme to a release for this Hugo)"
    ]


def pager_size(site_root: Path) -> int:
    """The site's pager size as a production build reads it: `pagination.pagerSize`, else the old
    top-level `paginate`, else Hugo's 10."""
    try:
        configs = [
            config
            for path, config in component_configs(site_root)
            if path.parent == site_root or path.relative_to(site_root / CONFIG_DIR).parts[0] in _BUILD_CONFIGS
        ]
    except (BuildError, ValueError):
        return HUGO_PAGER_SIZE
    size = old = None
    for config in configs:
        lowered = {str(key).lower(): value for key, value in config.items()}
        table = lowered.get("pagination")
        if isinstance(table, dict):
            size = (
                _positive(next((v for k, v in table.items() if str(k).lower() == "pagersize"), None)) or size
            )
        old = _positive(lowered.get("paginate")) or old
    return size or old or HUGO_PAGER_SIZE


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 10_000 else None


def _404_templates(site_root: Path) -> list[Path]:
    found = []
    for root in layout_roots(site_root):
        for folder in (root / "layouts", root / "layouts" / "_default"):
            if not folder.is_dir() or folder.is_symlink():
                continue
            for path in folder.glob("404*.html"):
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and (path.name == "404.html" or path.name[3] == ".")
                ):
                    found.append(path)
    return found


def _partial(size: int) -> str:
    return (
        "{{- /* Presslift: the first page of a pager, for a 404 template that paginates (see the run's "
        "old-hugo-theme warning) */ -}}\n"
        f"{{{{- $pages := first {size} . -}}}}\n"
        '{{- return dict "Pages" $pages "PageNumber" 1 "TotalPages" 1 "HasPrev" false "HasNext" false '
        f'"PagerSize" {size} "NumberOfElements" (len $pages) "TotalNumberOfElements" (len .) -}}}}\n'
    )
