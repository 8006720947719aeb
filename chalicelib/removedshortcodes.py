"""Hugo's removed built-in shortcodes, and those that fetch while the site builds, kept working as links.

Hugo 0.156 turned its built-in `gist`, `tweet`, `twitter` and `twitter_simple` shortcodes into
templates that fail the build ("... removed in v0.156.0"), as 0.123 did `instagram_simple`; a site
written for an older Hugo that uses one does not build at all. The fetch stage writes each such
shortcode that neither the site, its themes nor its vendored modules define as
`layouts/_shortcodes/<name>.html` in the site, showing a link to the gist or post where the embed
was (the embeds ran scripts from github.com and x.com, which the sites' Content-Security-Policy
refuses anyway). Hugo's `x` and `vimeo_simple` fetch what they show from publish.x.com and vimeo.com
while the site builds, and render nothing where the build may not (the site's operator allows hosts
with `--remote-hosts`): unless that host is allowed, they get a link stand-in too. Each use is a
Hugo warning naming the page and line (`warnf`), which the build stage puts on the run. A site that
defines its own keeps it.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.themelayouts import callers, defined_shortcodes, layout_roots, templates

_GIST = """{{- /* Presslift: Hugo 0.156 removed its gist shortcode; the gist is a link instead. */ -}}
{{- $user := cond .IsNamedParams (.Get "user") (.Get 0) }}
{{- $id := cond .IsNamedParams (.Get "id") (.Get 1) }}
{{- $file := cond .IsNamedParams (.Get "file") (.Get 2) }}
{{- warnf "%s: Hugo removed its gist shortcode; the gist is shown as a link" .Position }}
<p class="gist"><a href="https://gist.github.com/{{ $user }}/{{ $id }}">
{{- with $file }}{{ . }}{{ else }}Gist {{ $id }}{{ end }}
{{- with $user }} by {{ . }}{{ end }} on GitHub</a></p>
"""

_POST = """{{- /* Presslift: Hugo 0.156 removed its tweet, twitter and twitter_simple shortcodes;
the post is a link instead. */ -}}
{{- $user := cond .IsNamedParams (.Get "user") "" }}
{{- $id := cond .IsNamedParams (.Get "id") (.Get 0) }}
{{- warnf "%s: Hugo removed its %s shortcode; the post is shown as a link" .Position .Name }}
<p class="tweet"><a href="https://x.com/{{ or $user "i" }}/status/{{ $id }}">
{{- with $user }}Post by @{{ . }}{{ else }}Post {{ $id }}{{ end }} on X</a></p>
"""

_INSTAGRAM = """{{- /* Presslift: Hugo 0.123 removed its instagram_simple shortcode; the post is a
link instead. */ -}}
{{- $id := cond .IsNamedParams (.Get "id") (.Get 0) }}
{{- warnf "%s: Hugo removed its instagram_simple shortcode; the post is shown as a link" .Position }}
<p class="instagram"><a href="https://www.instagram.com/p/{{ $id }}/">Post {{ $id }} on Instagram</a></p>
"""

_X = """{{- /* Presslift: Hugo's x shortcode fetches the post from publish.x.com while it builds, which
this site's builds may not; the post is a link instead. */ -}}
{{- $user := cond .IsNamedParams (.Get "user") "" }}
{{- $id := cond .IsNamedParams (.Get "id") (.Get 0) }}
{{- $allow := "the site's operator allows it: `presslift site update SITE --remote-hosts publish.x.com`" }}
{{- /* One warning for the site, the same words at every use, which Hugo prints once: each use's own
     (20 on linkerd.io) said the same. */}}
{{- warnf "the x shortcode fetches from publish.x.com, which this site's builds may not; %s (%s)"
  "each post is shown as a link" $allow }}
<p class="tweet"><a href="https://x.com/{{ or $user "i" }}/status/{{ $id }}">
{{- with $user }}Post by @{{ . }}{{ else }}Post {{ $id }}{{ end }} on X</a></p>
"""

_VIMEO = """{{- /* Presslift: Hugo's vimeo_simple shortcode fetches the video's details from vimeo.com while
it builds, which this site's builds may not; the video is a link instead. */ -}}
{{- $id := cond .IsNamedParams (.Get "id") (.Get 0) }}
{{- $allow := "the site's operator allows it: `presslift site update SITE --remote-hosts vimeo.com`" }}
{{- warnf "the vimeo_simple shortcode fetches from vimeo.com, which this site's builds may not; %s (%s)"
  "each video is shown as a link" $allow }}
<p class="vimeo"><a href="https://vimeo.com/{{ $id }}">Video {{ $id }} on Vimeo</a></p>
"""

#: Each removed shortcode and the template that stands in for it.
REMOVED: dict[str, str] = {
    "gist": _GIST,
    "tweet": _POST,
    "twitter": _POST,
    "twitter_simple": _POST,
    "instagram_simple": _INSTAGRAM,
}
#: Hugo's shortcodes that fetch what they show while the site builds: the host each needs, and the
#: template that stands in for it where the site's operator has not allowed that host.
REMOTE: dict[str, tuple[str, str]] = {"x": ("publish.x.com", _X), "vimeo_simple": ("vimeo.com", _VIMEO)}
STANDS_IN = set(REMOVED) | set(REMOTE)
INTERNAL_CALL = re.compile(rb"_internal/shortcodes/([\w-]+)\.html")


def add_removed_shortcodes(site_root: Path, allowed_hosts: tuple[str, ...] = ()) -> list[str]:
    """Write the stand-in of each removed shortcode nobody defines into the site's layouts, and of each
    fetching one whose host the operator has not allowed (`allowed_hosts`); the names written (none
    when the site's layouts folder is a link or not a folder)."""
    layouts = site_root / "layouts"
    target = layouts / "_shortcodes"
    for folder in (layouts, target):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return []
    roots = layout_roots(site_root)
    # A template that calls Hugo's own (`{{ template "_internal/shortcodes/twitter.html" . }}`, in a
    # theme's unused partial or a site's tweet.html) fails once the site defines that name: Hugo then
    # has no such internal template. Such a name gets no stand-in; Hugo's own removal notice stays.
    defined = defined_shortcodes(roots) | set(callers(list(templates(roots)), INTERNAL_CALL))
    standing_in = {**REMOVED, **{name: t for name, (host, t) in REMOTE.items() if host not in allowed_hosts}}
    written = []
    for name, template in standing_in.items():
        if name in defined:
            continue
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{name}.html").write_text(template, encoding="utf-8")
        written.append(name)
    return written
