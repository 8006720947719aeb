"""Hugo's `_internal/` templates an older theme calls and this Hugo no longer has, written in.

Themes written before Hugo 0.146 reach Hugo's own templates by their old `_internal/` names, and two
kinds of those calls now fail the whole build ("no such template"), as they do with plain Hugo:
- templates Hugo removed: `_internal/google_analytics_async.html` (Cactus, Hermit, Tranquilpeak
  call it) and `_internal/google_news.html`;
- `_internal/shortcodes/<name>.html` from a theme's own shortcode of that name, to fall back on
  Hugo's (Congo's and Blowfish's `figure` do): Hugo now reaches its built-in shortcodes by that name
  only where no site or theme shortcode shadows them.

The fetch stage writes each one a site's templates call, that neither the site, its themes nor its
vendored modules define, into the site's `layouts/_internal/`: Google Analytics' async snippet is Hugo's
`google_analytics.html` (the one it has: Universal Analytics' async tag stopped collecting in 2023),
Google News' keywords tag nothing (Google News has not read it since 2017), `figure` a template that
does what Hugo's built-in does (documented parameters, the image found among the page's or the site's
resources), and a removed shortcode its link stand-in (`removedshortcodes`). A built-in partial
hidden by a theme's own of its name is `shadowedpartials`'; other `_internal/` names stay as they are,
and the build's failure says what replaces them (`hugo_hints`).

This module reads a site's templates and writes only below its `layouts/_internal/`.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.removedshortcodes import REMOVED
from chalicelib.themelayouts import defined_shortcodes, layout_roots, templates

_CALL = re.compile(rb'template\s+"_internal/([\w./-]{1,80}\.html)"')

_FIGURE = """{{- /* Presslift: the theme calls Hugo's built-in figure shortcode by its old _internal name,
which Hugo no longer has where the theme defines its own figure; this does what Hugo's does. */ -}}
{{- $src := .Get "src" }}
{{- $u := urls.Parse $src }}
{{- if and $src (not $u.IsAbs) }}
  {{- $path := strings.TrimPrefix "./" $u.Path }}
  {{- with or (.Page.Resources.Get $path) (resources.Get $path) }}
    {{- $src = .RelPermalink }}
    {{- with $u.RawQuery }}{{ $src = printf "%s?%s" $src . }}{{ end }}
    {{- with $u.Fragment }}{{ $src = printf "%s#%s" $src . }}{{ end }}
  {{- end }}
{{- end -}}
<figure{{ with .Get "class" }} class="{{ . }}"{{ end }}>
  {{- with .Get "link" }}<a href="{{ . }}"{{ with $.Get "target" }} target="{{ . }}"{{ end }}
  {{- with $.Get "rel" }} rel="{{ . }}"{{ end }}>{{ end -}}
  <img src="{{ $src }}"
    {{- if or (.Get "alt") (.Get "caption") }}
    alt="{{ with .Get "alt" }}{{ . }}{{ else }}{{ .Get "caption" | markdownify | plainify }}{{ end }}"
    {{- end }}
    {{- with .Get "width" }} width="{{ . }}"{{ end }}
    {{- with .Get "height" }} height="{{ . }}"{{ end }}
    {{- with .Get "loading" }} loading="{{ . }}"{{ end }}>
  {{- if .Get "link" }}</a>{{ end -}}
  {{- if or (.Get "title") (.Get "caption") (.Get "attr") -}}
    <figcaption>
      {{- with .Get "title" }}<h4>{{ . }}</h4>{{ end -}}
      {{- if or (.Get "caption") (.Get "attr") -}}<p>
        {{- .Get "caption" | markdownify -}}
        {{- with .Get "attrlink" }}<a href="{{ . }}">{{ end -}}
        {{- .Get "attr" | markdownify -}}
        {{- if .Get "attrlink" }}</a>{{ end -}}
      </p>{{- end -}}
    </figcaption>
  {{- end -}}
</figure>
"""

#: Each `_internal/` template a theme may call that this Hugo lacks, and what stands in for it.
GONE: dict[str, str] = {
    "google_analytics_async.html": (
        "{{- /* Presslift: Hugo removed google_analytics_async.html; its google_analytics.html is the tag "
        'Google Analytics reads now. */ -}}\n{{ template "_internal/google_analytics.html" . }}\n'
    ),
    "google_news.html": (
        "{{- /* Presslift: Hugo removed google_news.html (a news_keywords tag Google News no longer "
        "reads). */ -}}\n"
    ),
}
#: Hugo's built-in shortcodes a theme's own shortcode of the same name may fall back on.
SHORTCODES: dict[str, str] = {"figure": _FIGURE, **REMOVED}


def add_internal_templates(site_root: Path) -> list[str]:
    """Write the stand-in of each `_internal/` template the site's templates call that this Hugo
    lacks and nobody defines; the names written, as called (`shortcodes/figure.html`)."""
    target = site_root / "layouts" / "_internal"
    for folder in (site_root / "layouts", target, target / "shortcodes"):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return []
    roots = layout_roots(site_root)
    called = _called(roots)
    if not called:
        return []
    shadowed = defined_shortcodes(roots)
    written = []
    for name in sorted(called):
        kind, _, short = name.partition("/")
        if short and kind == "shortcodes":
            stem = short.removesuffix(".html")
            template = SHORTCODES.get(stem) if stem in shadowed else None
        else:
            template = GONE.get(name)
        if template is None or any((root / "layouts" / "_internal" / name).exists() for root in roots):
            continue
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template, encoding="utf-8")
        written.append(name)
    return written


def note(name: str) -> str:
    """The run's warning for a stand-in written for `name` (as `add_internal_templates` returns it)."""
    instead = {
        "google_analytics_async.html": "Hugo's google_analytics.html stands in",
        "google_news.html": "nothing stands in (Google News no longer reads its keywords tag)",
    }.get(name, "a template that does what Hugo's did stands in")
    return (
        f'the theme calls template "_internal/{name}", which Hugo no longer has: {instead} '
        "(update the theme to a release for this Hugo)"
    )


def _called(roots: list[Path]) -> set[str]:
    """The `_internal/` template names the templates below `roots` call."""
    names: set[str] = set()
    for path in templates(roots):
        try:
            names |= {match.decode() for match in _CALL.findall(path.read_bytes())}
        except OSError:
            continue
    return names
