"""Content views kept in a page kind's folder (`layouts/taxonomy/terms/categories.html`), given where
this Hugo's `.Render` finds them.

Hugo before 0.146 looked for a taxonomy page's content views in `layouts/taxonomy/` as well as in its
type's folder and `_default/`; FixIt's terms page renders each taxonomy's list with `.Render (add
"terms/" $taxonomy)` from views in `layouts/taxonomy/terms/`, and on this Hugo no page of such a site
is published: 'template "terms/categories" not found'. A kind folder (`taxonomy`, `term`) held only
layouts for that kind directly in it, so a file in a subfolder of one can only be a view: each is
copied to the same path below `layouts/_default/`, where `.Render` finds a view for every page, unless
a file is there already. The copies are made in the build's copy of the site (never the repository),
in the site's own layouts, each theme's and each vendored module's, each one's to its own.

Hugo before 0.73 called a term's page (the posts tagged "go") a "taxonomy" page, and themes of then
(LoveIt, DoIt before 1.0, hugo-book) keep its layout as `layouts/taxonomy/list.html`; Hugo went on
finding it there for a term until 0.156, and now finds none: every tag and category page of such a
site is left out ('found no layout file for "html" for kind "term"'), and every link to one breaks.
Where a layouts folder has that file and no layout for a term, and the file lists pages (not
`.Data.Terms`, the terms list's), it is copied to `layouts/term/list.html`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from chalicelib.themelayouts import layout_roots

#: The page kinds whose folders old Hugo searched for a page's views.
KIND_FOLDERS = ("taxonomy", "term")
MAX_VIEWS = 500


def copy_kind_views(site_root: Path) -> list[str]:
    """Copy the views in kind folders' subfolders to `_default/`; one note per layouts folder."""
    notes = []
    copied = 0
    for root in layout_roots(site_root):
        layouts = root / "layouts"
        if not layouts.is_dir() or layouts.is_symlink() or (layouts / "_default").is_symlink():
            continue
        made = []
        for kind in KIND_FOLDERS:
            folder = layouts / kind
            if not folder.is_dir() or folder.is_symlink():
                continue
            for view in sorted(folder.rglob("*")):
                if copied >= MAX_VIEWS:
                    break
                relative = view.relative_to(folder)
                if len(relative.parts) < 2 or view.is_symlink() or not view.is_file():
                    continue
                if any(part.startswith(".") for part in relative.parts):
                    continue
                target = layouts / "_default" / relative
                inside = [p for p in target.parents if p.is_relative_to(layouts)]
                if target.exists() or target.is_symlink() or any(p.is_symlink() for p in inside):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(view, target)
                made.append(f"{kind}/{relative.as_posix()}")
                copied += 1
        if made:
            shown = ", ".join(made[:3]) + (f" and {len(made) - 3} more" if len(made) > 3 else "")
            where = layouts.relative_to(site_root).as_posix()
            notes.append(
                f"{where} keeps content views in a page kind's folder ({shown}), where Hugo no longer "
                "looks for them: built with copies in _default/, where .Render finds them (update the "
                "theme to a release for this Hugo)"
            )
    return notes


#: A terms list's template reads the taxonomy's terms; a term page's lists the term's pages.
TERMS_LIST = ".Data.Terms"
#: Where this Hugo finds a term page's layout in a layouts folder (any of these, and it has one).
TERM_LAYOUTS = ("term", "_default/term.html", "term.html", "taxonomy/term.html")


def copy_old_term_layouts(site_root: Path) -> list[str]:
    """Copy an old theme's term layout (`taxonomy/list.html`) to `term/list.html`; one note each."""
    notes = []
    roots = layout_roots(site_root)
    if any((root / "layouts" / name).exists() for root in roots for name in TERM_LAYOUTS):
        return []  # the site or a theme has a term layout of this Hugo's
    for root in roots:
        layouts = root / "layouts"
        old, new = layouts / "taxonomy" / "list.html", layouts / "term" / "list.html"
        if not old.is_file() or old.is_symlink() or layouts.is_symlink():
            continue
        try:
            if old.stat().st_size > 512 * 1024 or TERMS_LIST in old.read_text(errors="replace"):
                continue
        except OSError:
            continue
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(old, new)
        where = layouts.relative_to(site_root).as_posix()
        notes.append(
            f"{where}/taxonomy/list.html is a term's page as Hugo before 0.73 named it, where this Hugo no "
            "longer looks for one: built with a copy as term/list.html, so the tag and category pages are "
            "published (update the theme to a release for this Hugo)"
        )
    return notes
