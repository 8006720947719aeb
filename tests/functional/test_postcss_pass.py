"""A theme's PostCSS for autoprefixer alone (an npm package, which Presslift's builds do not run) is
passed over: the stylesheet Hugo made is published with every rule in it (built with the real Hugo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.postcsspass import _config_plugins, pass_over_postcss, rewrite
from tests.conftest import write_tree

AUTOPREFIXER = (
    b"module.exports = {\n  plugins: {\n    autoprefixer: {\n"
    b"      browsers: ['last 2 versions']\n    }\n  }\n}\n"
)
TAILWIND = b"module.exports = {\n  plugins: [require('tailwindcss'), require('autoprefixer')]\n}\n"
HEAD = (
    b'{{ $css := resources.Get "css/main.css" | css.PostCSS | minify | fingerprint }}'
    b'<html><head><link rel="stylesheet" href="{{ $css.RelPermalink }}"></head><body>home</body></html>'
)


def site(config: bytes, head: bytes = HEAD, where: str = "postcss.config.js") -> dict[str, bytes]:
    return {
        "hugo.toml": b'title = "Styled"\n',
        where: config,
        "assets/css/main.css": b".card { display: flex; user-select: none }\n",
        "layouts/home.html": head,
    }


def build(source: Path, public: Path) -> None:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")


def test_autoprefixer_alone_is_passed_over_and_the_stylesheet_keeps_every_rule(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", site(AUTOPREFIXER))
    with pytest.raises(BuildError, match="postcss"):
        build(source, tmp_path / "before")
    (note,) = pass_over_postcss(source)
    assert note.startswith(
        "layouts/home.html pipes the stylesheet through PostCSS with its plugins (autoprefixer)"
    )
    build(source, tmp_path / "public")
    (css,) = (tmp_path / "public/css").glob("main.*.css")
    assert css.read_text() == ".card{display:flex;user-select:none}"
    assert f'href="/css/{css.name}"' in (tmp_path / "public/index.html").read_text()


def test_a_config_the_call_names_under_assets_is_read(tmp_path: Path) -> None:
    head = HEAD.replace(b"css.PostCSS", b'postCSS (dict "config" "./assets/css/postcss.config.js")')
    source = write_tree(tmp_path / "site", site(AUTOPREFIXER, head, "assets/css/postcss.config.js"))
    assert pass_over_postcss(source)
    assert (
        b'| default (dict "config" "./assets/css/postcss.config.js") | minify'
        in (source / "layouts/home.html").read_bytes()
    )
    build(source, tmp_path / "public")
    assert list((tmp_path / "public/css").glob("main.*.css"))


@pytest.mark.parametrize(
    ("config", "where"),
    [
        (TAILWIND, "postcss.config.js"),  # its input is not CSS a browser reads
        (TAILWIND, "themes/t/assets/css/postcss.config.js"),  # a theme's counts as the site's
        (b"{ not json", ".postcssrc.json"),  # unreadable: nothing is guessed
    ],
    ids=["tailwind", "tailwind-in-a-theme", "unreadable"],
)
def test_anything_but_passable_plugins_leaves_the_calls_for_hugo(
    tmp_path: Path, config: bytes, where: str
) -> None:
    files = site(AUTOPREFIXER)
    files[where] = config
    files["themes/t/layouts/partials/x.html"] = b""
    source = write_tree(tmp_path / "site", files)
    assert pass_over_postcss(source) == []
    assert (source / "layouts/home.html").read_bytes() == HEAD


def test_only_piped_calls_inside_actions_are_rewritten() -> None:
    text = (
        b'{{ $a := resources.Get "a.css" | resources.PostCSS }}{{ $b := $a | postCSS $opts -}}'
        b'{{ $c := (resources.Get "c.css" | css.PostCSS) }}{{ $d := postCSS $a }}'
        b"{{/* | css.PostCSS */}} | css.PostCSS outside"
    )
    assert rewrite(text) == (
        b'{{ $a := resources.Get "a.css" | default nil }}{{ $b := $a | default $opts -}}'
        b'{{ $c := (resources.Get "c.css" | default nil) }}{{ $d := postCSS $a }}'
        b"{{/* | css.PostCSS */}} | css.PostCSS outside"
    )


@pytest.mark.parametrize(
    ("name", "text", "plugins"),
    [
        ("postcss.config.js", AUTOPREFIXER, {"autoprefixer"}),
        ("postcss.config.js", TAILWIND, {"tailwindcss", "autoprefixer"}),
        (
            "postcss.config.js",
            b"// prefixes\nconst purgecss = require('@fullhuman/postcss-purgecss')"
            b"({ content: ['./hugo_stats.json'] });\n"
            b"module.exports = { plugins: [require('autoprefixer'), ...(process.env.HUGO_ENVIRONMENT === "
            b"'production' ? [purgecss] : [])] };\n",
            {"@fullhuman/postcss-purgecss", "autoprefixer"},
        ),
        (
            "postcss.config.mjs",
            b"import autoprefixer from 'autoprefixer';\nexport default { plugins: [autoprefixer] };\n",
            {"autoprefixer"},
        ),
        (
            "postcss.config.js",
            b"module.exports = { plugins: { 'postcss-import': {}, cssnano: { preset: 'default' } } }",
            {"postcss-import", "cssnano"},
        ),
        (".postcssrc.yml", b"plugins:\n  autoprefixer: {}\n", {"autoprefixer"}),
        ("package.json", b'{"name": "x", "postcss": {"plugins": {"autoprefixer": {}}}}', {"autoprefixer"}),
        ("package.json", b'{"name": "x"}', set()),
    ],
)
def test_config_files_give_their_plugins(tmp_path: Path, name: str, text: bytes, plugins: set[str]) -> None:
    path = tmp_path / name
    path.write_bytes(text)
    assert _config_plugins(path) == plugins
