"""Hugo's removed template features that have an exact replacement (resources.ToCSS, .Site.IsServer,
.Site.DisqusShortname, .Site.GoogleAnalytics), through the real Hugo: a theme using them fails as it
is, and builds once the fetch stage has written the replacements into its copy, with the same values
and a note naming each file; what has no exact replacement is left for the build's hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from chalicelib.postcsspass import pass_over_postcss
from chalicelib.removedfeatures import replace_removed_features
from tests.conftest import write_tree

HEAD = b"""<head>{{ $style := resources.Get "main.scss" | resources.ToCSS }}
<link rel="stylesheet" href="{{ $style.RelPermalink }}">{{ $alt := resources.Get "alt.scss" | toCSS }}
<link rel="stylesheet" href="{{ $alt.RelPermalink }}">
{{ if .Site.GoogleAnalytics }}<meta name="ga" content="{{ .Site.GoogleAnalytics }}">{{ end }}
{{ if not .Site.IsServer }}<meta name="live">{{ end }}
{{ if not $.Site.IsServer }}<meta name="dollar">{{ end }}
{{ if not $.Page.Site.IsServer }}<meta name="dp">{{ end }}
{{ if not .Page.Site.IsServer }}<meta name="page">{{ end }}{{ if not site.IsServer }}<meta name="fn">{{ end }}
{{ if not $.Site.IsMultiLingual }}<meta name="mono">{{ end }}
</head>"""
SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\ndisqusShortname = "harbour"\ngoogleAnalytics = "G-OLD1"\n',
    "themes/old/assets/main.scss": b"$c: #123456;\nbody { color: $c; }\n",
    "themes/old/assets/alt.scss": b"a { b { color: red; } }\n",
    "themes/old/layouts/partials/head.html": HEAD,
    "themes/old/layouts/home.html": (
        b'<html>{{ partial "head.html" . }}<body data-disqus="{{ site.DisqusShortname }}"'
        b' data-d2="{{ $.Site.DisqusShortname }}">home</body></html>'
    ),
}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_a_theme_using_them_fails_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="which the Hugo this build runs no longer has"):
        build(write_tree(tmp_path / "site", SITE), tmp_path / "public")


def test_with_the_replacements_it_builds_with_the_same_values_and_notes(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    notes = replace_removed_features(source)
    assert sorted(notes) == sorted(
        [
            f"themes/old/layouts/{file} uses {old}, which Hugo no longer has: built with {new}, which "
            "does the same (update the theme to a release for this Hugo)"
            for file, old, new in [
                ("partials/head.html", "resources.ToCSS", "css.Sass"),
                ("partials/head.html", ".Site.GoogleAnalytics", ".Site.Config.Services.GoogleAnalytics.ID"),
                ("partials/head.html", ".Site.IsServer", "hugo.IsServer"),
                ("partials/head.html", ".Site.IsMultiLingual", "hugo.IsMultilingual"),
                ("home.html", ".Site.DisqusShortname", ".Site.Config.Services.Disqus.Shortname"),
            ]
        ]
    )
    home = build(source, tmp_path / "public")
    assert '<meta name="ga" content="G-OLD1">' in home
    for name in ("live", "dollar", "dp", "page", "fn", "mono"):
        assert f'<meta name="{name}">' in home
    assert 'data-disqus="harbour" data-d2="harbour"' in home
    css = [" ".join(path.read_text().split()) for path in sorted((tmp_path / "public").glob("*.css"))]
    assert css == ["a b { color: red; }", "body { color: #123456; }"]  # toCSS, still Hugo's, kept
    assert b"| toCSS }}" in (source / "themes/old/layouts/partials/head.html").read_bytes()
    assert replace_removed_features(source) == []  # nothing left to replace


def test_what_has_no_exact_replacement_is_left_alone(tmp_path: Path) -> None:
    text = b'{{ getJSON "x.json" }} {{ .Site.Params.GoogleAnalytics }} {{ .Site.GoogleAnalyticsAsync }}'
    source = write_tree(tmp_path / "site", {"layouts/home.html": text})
    assert replace_removed_features(source) == []
    assert (source / "layouts/home.html").read_bytes() == text


def test_a_linked_template_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"{{ .Site.IsServer }}")
    source = write_tree(tmp_path / "site", {"hugo.toml": b""})
    (source / "layouts").mkdir()
    (source / "layouts/home.html").symlink_to(outside)
    assert replace_removed_features(source) == []
    assert outside.read_bytes() == b"{{ .Site.IsServer }}"


AUTHOR_SITE = {
    "config.toml": (
        b'title = "Old"\ntheme = "old"\n[Author]\nname = "Jane \\"JD\\" Doe"\n'
        b'gravatarEmail = "jane@example.org"\ntags = ["a", "b"]\nage = 41\n[author.links]\nx = "y"\n'
        b'[social]\ntwitter = "jdoe"\n[params]\ncolor = "blue"\n'
    ),
    "themes/old/layouts/home.html": (
        b"<html><body>{{ .Site.Author.name }}|{{ $.Site.Author.gravatarEmail }}|{{ site.Author.age }}"
        b"|{{ .Site.Social.twitter }}|{{ .Site.Params.color }}</body></html>"
    ),
}


def test_the_author_and_social_tables_reach_their_templates_through_params(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", AUTHOR_SITE)
    with pytest.raises(BuildError, match=r"uses \.Site\.Author"):
        build(source, tmp_path / "before")
    notes = replace_removed_features(source)
    update = "(update the theme to a release for this Hugo)"
    assert notes == [
        "themes/old/layouts/home.html uses .Site.Author, which Hugo no longer has: built with "
        f".Site.Params.presslift_config.author, given the config's [author] table {update}",
        "themes/old/layouts/home.html uses .Site.Social, which Hugo no longer has: built with "
        f".Site.Params.presslift_config.social, given the config's [social] table {update}",
    ]
    home = build(source, tmp_path / "public")
    assert "<body>Jane &#34;JD&#34; Doe|jane@example.org|41|jdoe|blue</body>" in home


def test_a_sites_own_author_string_is_not_read_as_the_old_table(tmp_path: Path) -> None:
    # Anubis' feed reads .Site.Author.email; its example site sets params.author to a name.
    site = {
        "hugo.toml": b'title = "Old"\ntheme = "old"\n[params]\nauthor = "Jane"\n',
        "themes/old/layouts/home.html": (
            b"<html><body>{{ with .Site.Author.email }}mail:{{ . }}{{ end }}"
            b"|{{ .Site.Params.author }}</body></html>"
        ),
    }
    source = write_tree(tmp_path / "site", site)
    replace_removed_features(source)
    assert "<body>|Jane</body>" in build(source, tmp_path / "public")


def test_without_the_table_the_replacement_is_empty_and_says_so(tmp_path: Path) -> None:
    site = {**AUTHOR_SITE, "config.toml": b'title = "Old"\ntheme = "old"\n[params.social]\ntwitter = "own"\n'}
    source = write_tree(tmp_path / "site", site)
    notes = replace_removed_features(source)
    assert notes[0].endswith(
        "built with .Site.Params.presslift_config.author (empty: the site's config has no [author] table) "
        "(update the theme to a release for this Hugo)"
    )
    assert "given the site's params.social" in notes[1]  # moved there, as Hugo's deprecation advised
    assert (source / "config.toml").read_bytes() == site["config.toml"]  # the site's own params.social kept
    assert "<body>||||</body>" in build(source, tmp_path / "public").replace("own", "")


PAGE_SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\n',
    "content/posts/a.md": b"---\ntitle: A\ndate: 2026-01-01\n---\nA.\n",
    "content/posts/b.md": b"---\ntitle: B\ndate: 2026-01-02\nparams:\n  Hugo: mine\n---\nB.\n",
    "themes/old/layouts/_default/single.html": (
        b"<html><head>{{ .Hugo.Generator }}</head>"
        b'<body data-id="{{ .UniqueID }}" data-f="{{ .File.UniqueID }}"'
        b' data-n="{{ .LogicalName }}" data-l="{{ .Site.LastChange.Year }}" data-p="{{ .Params.Hugo }}">'
        b"{{ with .NextPage }}next:{{ .Title }}{{ end }}{{ with .PrevPage }}prev:{{ .Title }}{{ end }}"
        b"|{{ $.Page.Hugo.Environment }}|{{ site.Hugo.Environment }}"
        # Learn's menu: inside `with .File` the dot is the file, which has its UniqueID still.
        b"|{{ with .File }}f:{{ .UniqueID }}{{ end }}|{{ $f := .File }}{{ $f.LogicalName }}"
        # and its menu's comparison of the page with each page in a variable, both sides rewritten
        b"|{{ $currentNode := . }}{{ if eq .UniqueID $currentNode.UniqueID }}same{{ end }}</body></html>"
    ),
    "themes/old/layouts/_default/list.html": b"<html><body>{{ .Title }}</body></html>",
}


def test_removed_page_fields_become_what_replaced_them(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", PAGE_SITE)
    with pytest.raises(BuildError):
        build(source, tmp_path / "before")
    notes = replace_removed_features(source)
    assert [note.split(" uses ")[1].split(",")[0] for note in notes] == [
        ".Hugo",
        ".Site.LastChange",
        ".NextPage",
        ".PrevPage",
        ".UniqueID",
        ".LogicalName",
    ]
    build(source, tmp_path / "public")
    page = (tmp_path / "public/posts/a/index.html").read_text()
    uid = page.split('data-id="')[1].split('"')[0]
    assert len(uid) == 32 and f'data-f="{uid}"' in page  # the file's id, as .File.UniqueID gives it
    assert f"|f:{uid}|a.md|same</body>" in page  # a file's own fields, left as they were
    assert '<meta name="generator" content="Hugo 0.168.0">' in page
    assert 'data-n="a.md" data-l="2026" data-p=""' in page
    assert ">next:B|production|production|f:" in page  # Hugo's Next: the newer page
    other = (tmp_path / "public/posts/b/index.html").read_text()
    assert 'data-p="mine"' in other and "prev:A|" in other  # a page's own param named Hugo is its own


def test_a_yaml_config_and_a_params_file_of_its_own_work_alike(tmp_path: Path) -> None:
    site = {
        "config.yaml": b"title: Old\ntheme: old\nauthor:\n  name: Jane\n",
        "config/_default/params.toml": b'color = "green"\n',
        "themes/old/layouts/home.html": (
            b"<html><body>{{ .Site.Author.name }}|{{ .Site.Params.color }}</body></html>"
        ),
    }
    source = write_tree(tmp_path / "site", site)
    assert "given the config's [author] table" in replace_removed_features(source)[0]
    assert "<body>Jane|green</body>" in build(source, tmp_path / "public")
    assert (source / "config.yaml").read_bytes() == site["config.yaml"]


def test_an_author_table_with_characters_beyond_the_bmp_is_given_as_written(tmp_path: Path) -> None:
    """A Korean blog's [author] bio ends with an emoji, which JSON escapes as UTF-16 surrogates that
    TOML refuses: the table was not written and every template read an empty author."""
    site = {
        "hugo.toml": 'title = "Old"\ntheme = "old"\n[author]\nbio = "하늘입니다. 😎<br>"\n'.encode(),
        "themes/old/layouts/home.html": b"<html><body>{{ .Site.Author.bio }}</body></html>",
    }
    source = write_tree(tmp_path / "site", site)
    assert "given the config's [author] table" in replace_removed_features(source)[0]
    assert "<body>하늘입니다. 😎&lt;br&gt;</body>" in build(source, tmp_path / "public")


LANGUAGE_SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\ndisableKinds = ["taxonomy", "term"]\ncopyright = "(c) A"\n',
    "themes/old/layouts/home.html": (
        # As Hermit's footer asks whether RSS is disabled; a page's language and a key the config lacks too.
        b'<html><body>{{ with (not (in (.Site.Language.Get "disableKinds") "RSS")) }}rss{{ end }}'
        b'|{{ in ($.Site.Language.Get "disableKinds") "term" }}|{{ .Language.Get "Copyright" }}'
        b'|{{ site.Language.Get "missing" }}|{{ .Site.Language.Lang }}</body></html>'
    ),
}


def test_a_languages_get_reads_the_configs_value(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", LANGUAGE_SITE)
    with pytest.raises(BuildError, match=r"Language\.Get|can't evaluate field Get"):
        build(source, tmp_path / "before")
    notes = replace_removed_features(source)
    assert notes == [
        'themes/old/layouts/home.html uses .Language.Get "key", which Hugo no longer has: built with '
        "site.Params.presslift_config.key, given the config's value "
        "(update the theme to a release for this Hugo)"
    ]
    params = (source / "config" / "_default" / "params.toml").read_text()
    assert '"disablekinds" = ["taxonomy", "term"]' in params and "missing" not in params
    assert "<body>rss|true|(c) A||en</body>" in build(source, tmp_path / "public")
    assert (source / "hugo.toml").read_bytes() == LANGUAGE_SITE["hugo.toml"]


FEED_SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\n[params]\nRSSLink = "own"\n',
    "content/posts/a.md": b"---\ntitle: A\ndraft: true\n---\nA.\n",
    "content/posts/b.md": b"---\ntitle: B\nparams:\n  IsDraft: mine\n---\nB.\n",
    # As Mini's navigation and many old heads link the feed.
    "themes/old/layouts/partials/head.html": (
        b'<head><link rel="alternate" href="{{ .Site.RSSLink }}">'
        b"{{ if .RSSLink }}<link rel=feed href='{{ .RSSLink }}'>{{ end }}</head>"
    ),
    "themes/old/layouts/_default/single.html": (
        b'<html>{{ partial "head.html" . }}<body data-s="{{ $.Site.RSSLink }}" data-f="{{ site.RSSLink }}"'
        b' data-p="{{ $.Page.RSSLink }}" data-d="{{ .IsDraft }}" data-o="{{ .Params.IsDraft }}"'
        b' data-own="{{ .Site.Params.RSSLink }}"'
        b' data-older="{{ .RSSlink }}|{{ .Site.RSSlink }}"></body></html>'
    ),
    "themes/old/layouts/_default/list.html": (
        b'<html>{{ partial "head.html" . }}<body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>'
    ),
}


def test_feed_links_and_is_draft_become_what_replaced_them(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", FEED_SITE)
    with pytest.raises(BuildError):
        build(source, tmp_path / "before")
    notes = replace_removed_features(source)
    assert sorted(note.split(" use")[1].split(" ")[1].rstrip(",") for note in notes) == [
        ".IsDraft",
        ".RSSLink",
        ".Site.RSSLink",
    ]
    build_site(
        source,
        tmp_path / "public",
        base_url="https://example.org/",
        work_dir=tmp_path / "w",
        extra_args=("--buildDrafts",),
    )
    single = (tmp_path / "public/posts/a/index.html").read_text()
    feed = "https://example.org/index.xml"
    assert f'<head><link rel="alternate" href="{feed}"></head>' in single  # a page has no feed of its own
    assert f'data-s="{feed}" data-f="{feed}" data-p="" data-d="true" data-o="" data-own="own"' in single
    assert f'data-older="|{feed}"' in single  # .RSSlink, the name before .RSSLink (Skeleton's header)
    assert 'data-d="false" data-o="mine"' in (tmp_path / "public/posts/b/index.html").read_text()
    section = (tmp_path / "public/posts/index.html").read_text()
    assert "<link rel=feed href='https://example.org/posts/index.xml'>" in section
    assert replace_removed_features(source) == []


def test_a_site_without_feeds_still_gets_the_old_feed_address(tmp_path: Path) -> None:
    site = {**FEED_SITE, "hugo.toml": b'title = "Old"\ntheme = "old"\ndisableKinds = ["rss"]\n'}
    source = write_tree(tmp_path / "site", site)
    replace_removed_features(source)
    home = build(source, tmp_path / "public")
    assert '<head><link rel="alternate" href="https://example.org/index.xml">' in home
    assert "rel=feed" not in home  # the home page has no feed now: its .RSSLink is empty


def test_the_first_site_is_the_first_of_the_sites(tmp_path: Path) -> None:
    # CodeIT's init.html: `if eq .Site .Sites.First`; .Sites.First was removed.
    site = {
        "hugo.toml": (
            b'title = "Old"\ntheme = "old"\n[languages.fr]\nweight = 1\n[languages.en]\nweight = 2\n'
        ),
        "themes/old/layouts/home.html": (
            b"<html>{{ if eq .Site .Sites.First }}first{{ else }}other{{ end }}"
            b"|{{ $.Site.Sites.First.Language.Lang }}|{{ hugo.Sites.First.Language.Lang }}</html>"
        ),
    }
    source = write_tree(tmp_path / "site", site)
    with pytest.raises(BuildError, match="can't evaluate field First"):
        build(source, tmp_path / "before")
    (note,) = replace_removed_features(source)
    assert note.startswith(
        "themes/old/layouts/home.html uses .Sites.First, which Hugo no longer has: built with"
    )
    build(source, tmp_path / "public")
    assert "<html>first|fr|fr</html>" in (tmp_path / "public/fr/index.html").read_text()
    assert "<html>other|fr|fr</html>" in (tmp_path / "public/index.html").read_text()  # en, the default


def test_an_author_table_of_aliases_is_not_written_out(tmp_path: Path) -> None:
    # Nine aliases nested nine deep: 387 million values, too many to write out as the old table.
    from tests.functional.test_hostile_hugo import alias_bomb

    config = 'title: "Old"\ntheme: "old"\n' + alias_bomb('"v"') + "author:\n  name: Ann\n  links: *a8\n"
    site = {
        "hugo.yaml": config.encode(),
        "themes/old/layouts/home.html": b"<html>[{{ .Site.Author.name }}]</html>",
    }
    source = write_tree(tmp_path / "site", site)
    (note,) = replace_removed_features(source)  # at once: the table is too large to write, so empty
    assert "uses .Site.Author" in note
    assert "[presslift_config.author]\n" in (source / "config/_default/params.toml").read_text()
    with pytest.raises(BuildError, match="too many YAML aliases"):  # and Hugo refuses such a config
        build(source, tmp_path / "public")


def test_postcss_by_its_old_name_is_passed_over_like_its_new_one(tmp_path: Path) -> None:
    # A theme's `resources.PostCSS` for autoprefixer: the name is gone from Hugo, and so is the page.
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Old"\n',
            "postcss.config.js": b"module.exports = { plugins: { autoprefixer: {} } };\n",
            "assets/main.css": b"body { color: #123456; }\n",
            "layouts/home.html": b'{{ (resources.Get "main.css" | resources.PostCSS).RelPermalink }}',
        },
    )
    with pytest.raises(BuildError, match="can't evaluate field PostCSS"):
        build(source, tmp_path / "before")
    notes = adapt(source, ())
    assert any("uses resources.PostCSS, which Hugo no longer has: built with css.PostCSS" in n for n in notes)
    assert pass_over_postcss(source)
    assert build(source, tmp_path / "public") == "/main.css"
    assert " ".join((tmp_path / "public" / "main.css").read_text().split()) == "body { color: #123456; }"


def test_a_return_of_a_whole_pipeline_is_parenthesized(tmp_path: Path) -> None:
    # DoIt's isUrlRemote.html: Hugo returned the whole pipeline, and now refuses to parse it.
    remote = b'{{- return .Host | and .Path | and (strings.HasSuffix .Path "/" | not) -}}\n'
    kept = b'{{ return (.Path | strings.ToUpper) }}{{/* x */}}{{ return "a|b" }}\n'
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Return"\n',
            "themes/doit/layouts/partials/function/isUrlRemote.html": remote,
            "themes/doit/layouts/partials/upper.html": kept,
            "themes/doit/layouts/home.html": (
                b'{{ partial "function/isUrlRemote.html" (urls.Parse "https://a.example/c.png") }}|'
                b'{{ partial "function/isUrlRemote.html" (urls.Parse "/c/") }}|'
                b'{{ partial "upper.html" (urls.Parse "/x/") }}'
            ),
        },
    )
    (source / "hugo.toml").write_bytes(b'title = "Return"\ntheme = "doit"\n')
    with pytest.raises(BuildError, match="return must be the last command in a pipeline"):
        build(source, tmp_path / "before")
    assert replace_removed_features(source) == [
        "themes/doit/layouts/partials/function/isUrlRemote.html uses return X | f, which Hugo no longer "
        "has: built with return (X | f), which does the same (update the theme to a release for this Hugo)"
    ]
    assert (source / "themes/doit/layouts/partials/upper.html").read_bytes() == kept
    assert build(source, tmp_path / "public") == "a.example|false|/X/"


def test_a_vendored_modules_own_example_site_is_neither_rewritten_nor_noted(tmp_path: Path) -> None:
    # Hugo reads a vendored module's root (what _vendor/modules.txt lists), never its exampleSite: a
    # real site's build noted the ToCSS of hugo-mod-bootstrap-scss's example page.
    old = '{{ (resources.Get "a.scss" | resources.ToCSS).RelPermalink }}'
    module = "_vendor/github.com/gohugoio/hugo-mod-bootstrap-scss/v5"
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Vendored"\n',
            "_vendor/modules.txt": b"# github.com/gohugoio/hugo-mod-bootstrap-scss/v5 v5.20200.20101\n",
            f"{module}/layouts/partials/style.html": old.encode(),
            f"{module}/exampleSite/layouts/index.html": old.encode(),
        },
    )
    (note,) = replace_removed_features(source)
    assert note.startswith(f"{module}/layouts/partials/style.html uses resources.ToCSS")
    assert (source / module / "exampleSite/layouts/index.html").read_text() == old
    assert "css.Sass" in (source / module / "layouts/partials/style.html").read_text()


def test_what_works_on_hugo_today_is_left_as_written(tmp_path: Path) -> None:
    """A data file's own `UniqueID`, `IsDraft` and `LogicalName` were read as a page's removed fields
    (and came out empty), and `partial "partials/box.html"` lost its folder where the site keeps a
    partial in `partials/partials/` (a different partial was shown); each with a false note."""
    home = (
        b'<ul id="data">{{ range hugo.Data.items }}<li>{{ .UniqueID }}|{{ .IsDraft }}|{{ .LogicalName }}</li>'
        b'{{ end }}</ul><div id="nested">{{ partial "partials/box.html" . }}</div>'
    )
    files = {
        "hugo.toml": b'title = "x"\n',
        "data/items.yaml": b"- UniqueID: abc123\n  IsDraft: 'no'\n  LogicalName: logo.png\n",
        "layouts/home.html": home,
        "layouts/_partials/box.html": b"outer box",
        "layouts/_partials/partials/box.html": b"nested box",
    }
    source = write_tree(tmp_path / "site", files)
    assert replace_removed_features(source) == []
    assert (source / "layouts/home.html").read_bytes() == home
    build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    page = (tmp_path / "public/index.html").read_text()
    assert "<li>abc123|no|logo.png</li>" in page and '<div id="nested">nested box</div>' in page
