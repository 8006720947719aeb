"""A site written for an older Hugo, made to build on this one: everything the fetch stage writes into
the build's copy of the site (never the repository) for what Hugo removed or renamed.

- `removedshortcodes`: built-in shortcodes Hugo removed (gist, tweet), and those that fetch from a host
  the operator has not allowed (x, vimeo_simple), as links with a Hugo warning at each use;
- `internaltemplates`: the `_internal/` templates an old theme calls that Hugo no longer has;
- `shadowedpartials`: a theme's partial that hides Hugo's of the same name, which it calls as `_internal/`;
- `removedfeatures`: template features Hugo removed that have an exact replacement (ToCSS, IsServer);
- `dottedviews`: content views with a dot in their name, which Hugo's template lookup no longer finds;
- `dottedpartials`: partials with a dot in their name, which that lookup reads as another partial;
- `remotedata`: getJSON and getCSV as resources.GetRemote and transform.Unmarshal;
- `oldsettings`: config settings Hugo renamed and ignores by their old names (`paginate`);
- `removedsettings`: config settings Hugo removed and now refuses (getJSON's cache, old minifier keys);
- `mountfiles`: module mounts' includeFiles and excludeFiles, which Hugo refuses, written as `files`;
- `paged404`: a 404 template that paginates, which Hugo now refuses, given the first page it built;
- `openshortcodes`: calls left open of a shortcode that reads `.Inner`, which Hugo now refuses;
- `kindviews`: content views kept in a page kind's folder (FixIt's `layouts/taxonomy/terms/`);
- `htmlviews`: a content view a JSON or RSS template renders, which Hugo now finds only by its format;
- `htmlcontent`: HTML and Org content, which Hugo 0.162 refuses unless the site allows it;
- `buildoptions`: front matter and cascades that set `_build`, which Hugo renamed `build` and refuses.

`adapt(site_root, allowed_hosts)` runs them all and returns the run's `old-hugo-theme` notes (the
shortcodes' warnings come from Hugo, at each use).
"""

from __future__ import annotations

from pathlib import Path

from chalicelib.buildoptions import rename_build_options
from chalicelib.dottedpartials import rename_dotted_partials
from chalicelib.dottedviews import rename_dotted_views
from chalicelib.htmlcontent import allow_old_content
from chalicelib.htmlviews import render_html_views
from chalicelib.internaltemplates import add_internal_templates, note
from chalicelib.kindviews import copy_kind_views, copy_old_term_layouts
from chalicelib.mountfiles import give_mount_files
from chalicelib.oldsettings import give_renamed_settings
from chalicelib.openshortcodes import self_close_open_calls
from chalicelib.paged404 import first_pager_on_404
from chalicelib.remotedata import replace_remote_data
from chalicelib.removedfeatures import replace_removed_features
from chalicelib.removedsettings import drop_removed_settings
from chalicelib.removedshortcodes import add_removed_shortcodes
from chalicelib.shadowedpartials import rename_shadowing_partials
from chalicelib.sitefolders import use_default_folders


def adapt(site_root: Path, allowed_hosts: tuple[str, ...]) -> list[str]:
    """Write what the site needs to build on this Hugo; one note per stand-in or replacement."""
    use_default_folders(site_root)  # where the passes below look (sitefolders.py)
    notes = [note(name) for name in add_internal_templates(site_root)] + rename_shadowing_partials(site_root)
    add_removed_shortcodes(site_root, allowed_hosts)
    notes += (
        replace_removed_features(site_root)
        + replace_remote_data(site_root)
        + rename_dotted_views(site_root)
        + rename_dotted_partials(site_root)
        + copy_kind_views(site_root)
        + copy_old_term_layouts(site_root)
    )
    notes += (
        first_pager_on_404(site_root) + give_renamed_settings(site_root) + drop_removed_settings(site_root)
    )
    notes += render_html_views(site_root) + rename_build_options(site_root) + give_mount_files(site_root)
    notes += self_close_open_calls(site_root)
    return notes + allow_old_content(site_root)
