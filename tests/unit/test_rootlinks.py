"""A site served below a path: root-relative addresses of files it built are made to lead inside it;
everything else is left byte for byte."""

from __future__ import annotations

from pathlib import Path

from chalicelib.rootlinks import RootLinks, fix_root_links
from tests.conftest import write_tree

BASE = "https://d111.cloudfront.net/harbour/"
BUILT = {
    "index.html": b"",
    "about/index.html": b"",
    "fonts/icons.woff2": b"font",
    "img/a b.png": b"png",
    "img/a-2x.png": b"png",
    "js/app.js": b"1",
}


def _fixed(tmp_path: Path, page: bytes, name: str = "posts/p/index.html", base: str = BASE) -> bytes:
    tree = write_tree(tmp_path / "tree", {**BUILT, name: page})
    fix_root_links(tree, base)
    return (tree / name).read_bytes()


def test_attributes_quoted_or_not_and_srcsets_lead_inside_the_site(tmp_path: Path) -> None:
    page = (
        b"<link rel=preload href=\"/fonts/icons.woff2\"><a href=/about/>About</a><a HREF='/about'>x</a>"
        b'<img src="/img/a%20b.png" srcset="/img/a%20b.png 1x, /img/a-2x.png 2x, '
        b'https://cdn.example/c.png 3x">'
        b'<a href="/">home</a><script src="/js/app.js"></script>'
    )
    assert _fixed(tmp_path, page) == (
        b'<link rel=preload href="/harbour/fonts/icons.woff2"><a href=/harbour/about/>About</a>'
        b"<a HREF='/harbour/about'>x</a>"
        b'<img src="/harbour/img/a%20b.png" srcset="/harbour/img/a%20b.png 1x, /harbour/img/a-2x.png 2x, '
        b'https://cdn.example/c.png 3x"><a href="/harbour/">home</a>'
        b'<script src="/harbour/js/app.js"></script>'
    )


def test_an_address_written_with_entities_names_its_file(tmp_path: Path) -> None:
    """A real blog's `src="/post_img/fbm&amp;ylh.jpg"` (the file fbm&ylh.jpg) was left at the domain's
    root on staging, beside its neighbours that were fixed: 21 broken images on two pages."""
    tree = write_tree(tmp_path / "tree", {"img/fbm&ylh.jpg": b"jpg", "p/index.html": b""})
    (tree / "p/index.html").write_bytes(
        b'<img src="/img/fbm&amp;ylh.jpg"><a href="/img/fbm&#38;ylh.jpg">x</a>'
    )
    fix_root_links(tree, BASE)
    assert (tree / "p/index.html").read_bytes() == (
        b'<img src="/harbour/img/fbm&amp;ylh.jpg"><a href="/harbour/img/fbm&#38;ylh.jpg">x</a>'
    )


def test_what_already_works_or_leads_nowhere_is_left_as_written(tmp_path: Path) -> None:
    page = (
        b'<a href="/harbour/about/">in</a><a href="//cdn.example/x.js">cdn</a><a href="/missing/">404</a>'
        b'<a href="about/">relative</a><a href="https://d111.cloudfront.net/missing/">host</a>'
        b'<a href="https://other.example/about/">other</a><a href="http://d111.cloudfront.net/about/">http</a>'
        b'<script>var a = \'<a href="/about/">\'; fetch("/fonts/icons.woff2")</script>'
        b"<p>href=/about/ in text</p>"
    )
    assert _fixed(tmp_path, page).replace(b"href=/harbour/about/ in text", b"href=/about/ in text") == page


def test_an_absolute_address_on_the_stages_own_host_leads_inside_the_site(tmp_path: Path) -> None:
    # `{{ absLangURL "/" }}` and `{{ "/about/" | absURL }}`: Hugo gives a leading slash the host's root.
    page = (
        b'<a href="https://d111.cloudfront.net/">Harbour</a><a href=https://d111.cloudfront.net/about>x</a>'
    )
    assert _fixed(tmp_path, page) == (
        b'<a href="https://d111.cloudfront.net/harbour/">Harbour</a>'
        b"<a href=https://d111.cloudfront.net/harbour/about>x</a>"
    )


def test_stylesheets_and_inline_styles_have_their_urls_fixed(tmp_path: Path) -> None:
    css = (
        b"@font-face{src:url(/fonts/icons.woff2) format('woff2'),url('/missing.woff')}"
        b'a{b:url("/img/a-2x.png")}'
    )
    assert _fixed(tmp_path, css, "css/site.css") == (
        b"@font-face{src:url(/harbour/fonts/icons.woff2) format('woff2'),url('/missing.woff')}"
        b'a{b:url("/harbour/img/a-2x.png")}'
    )
    page = b"<style>.x{background:url(/img/a-2x.png)}</style><p>x</p>"
    assert _fixed(tmp_path, page) == b"<style>.x{background:url(/harbour/img/a-2x.png)}</style><p>x</p>"


def test_a_site_at_a_root_is_not_read_at_all(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {**BUILT, "p.html": b'<a href="/about/">x</a>'})
    assert fix_root_links(tree, "https://www.example.org/") == RootLinks()
    assert (tree / "p.html").read_bytes() == b'<a href="/about/">x</a>'
    counted = fix_root_links(tree, BASE)
    assert counted == RootLinks(1, 1)
    assert counted.describe("/harbour/") == "1 root-relative address in 1 file now leads inside /harbour/"


def test_a_path_the_operator_chose_is_left_alone(tmp_path: Path) -> None:
    """Below the path of the operator's own URL (https://example.org/blog/) an address from the root may
    mean the domain's other site: only paths Presslift chose are fixed."""
    from chalicelib.buildrunner.job import StageRender
    from chalicelib.buildrunner.render import _root_links

    tree = write_tree(tmp_path / "tree", {**BUILT, "p.html": b'<a href="/about/">x</a>'})
    own = StageRender("prod", "https://example.org/blog/", fix_root_links=False)
    assert _root_links(tree, own) == "" and (tree / "p.html").read_bytes() == b'<a href="/about/">x</a>'
    shared = StageRender("prod", BASE)
    assert _root_links(tree, shared) == "; 1 root-relative address in 1 file now leads inside /harbour/"


def test_a_page_of_unclosed_scripts_is_read_in_one_pass(tmp_path: Path) -> None:
    # Everything after an unclosed <script> is script, as browsers read it: left alone.
    page = b"<script>" * 50_000 + b'<img src="/img/a-2x.png">'
    assert _fixed(tmp_path, page) == page
    closed = b'<script>var a = "<img src=/img/a-2x.png>"</script><img src=/img/a-2x.png>'
    assert _fixed(tmp_path, closed) == closed[:-23] + b"<img src=/harbour/img/a-2x.png>"


def test_an_address_into_a_folder_a_later_step_fills_leads_inside_the_site(tmp_path: Path) -> None:
    page = b'<script src="/pagefind/pagefind-ui.js"></script><a href="/pagefind/../secret">x</a>'
    tree = write_tree(tmp_path / "tree", {**BUILT, "index.html": page})
    fix_root_links(tree, BASE, coming=("pagefind/",))
    assert (tree / "index.html").read_bytes() == (
        b'<script src="/harbour/pagefind/pagefind-ui.js"></script><a href="/pagefind/../secret">x</a>'
    )
    assert _fixed(tmp_path / "without", page, name="index.html") == page


def test_svg_sprites_lazy_loaded_images_and_forms_lead_inside_the_site(tmp_path: Path) -> None:
    # A real site's header: <use xlink:href="/img/symbol.svg#symbol">; LoveIt, FixIt and DoIt write
    # every image as data-src and data-srcset, which their script moves into src.
    page = (
        b'<svg><use xlink:href="/fonts/icons.woff2#i"/><use href="#local"/></svg>'
        b'<img class="lazyload" src="/js/app.js" data-src="/img/a-2x.png" '
        b'data-srcset="/img/a-2x.png, /img/a%20b.png 1.5x, /missing.png 2x">'
        b'<form action="/about/"><input name="q"></form><img data-src="/missing.png">'
    )
    assert _fixed(tmp_path, page) == (
        b'<svg><use xlink:href="/harbour/fonts/icons.woff2#i"/><use href="#local"/></svg>'
        b'<img class="lazyload" src="/harbour/js/app.js" data-src="/harbour/img/a-2x.png" '
        b'data-srcset="/harbour/img/a-2x.png, /harbour/img/a%20b.png 1.5x, /missing.png 2x">'
        b'<form action="/harbour/about/"><input name="q"></form><img data-src="/missing.png">'
    )


def test_a_style_attributes_urls_lead_inside_the_site(tmp_path: Path) -> None:
    # A theme's hero: style="background-image: url('{{ .Params.image }}')", the image "/img/a b.png".
    page = (
        b"<div style=\"background-image: url('/img/a%20b.png'); color: red\"></div>"
        b"<div style='background: url(/img/a-2x.png) no-repeat, url(\"/missing.png\")'></div>"
        b'<div style="color: blue"></div>'
    )
    assert _fixed(tmp_path, page) == (
        b"<div style=\"background-image: url('/harbour/img/a%20b.png'); color: red\"></div>"
        b"<div style='background: url(/harbour/img/a-2x.png) no-repeat, url(\"/missing.png\")'></div>"
        b'<div style="color: blue"></div>'
    )


def test_relative_urls_that_name_the_sites_path_twice_lead_inside_it(tmp_path: Path) -> None:
    # Hugo's relativeURLs climbs from the page to the root and keeps relURL's path (a real site on
    # hyde-x: 80 of its 108 staged pages linked /harbour/harbour/...).
    page = (
        b'<a href="../../harbour/about/">a</a><a href="../../harbour/">home</a>'
        b'<img src="../../harbour/img/a%20b.png?v=1"><a href="../../img/a-2x.png">kept</a>'
        b'<a href="../harbour/about/">not this page\'s climb</a><a href="../../harbour/gone/">nowhere</a>'
    )
    assert _fixed(tmp_path, page) == (
        b'<a href="../../about/">a</a><a href="../../">home</a>'
        b'<img src="../../img/a%20b.png?v=1"><a href="../../img/a-2x.png">kept</a>'
        b'<a href="../harbour/about/">not this page\'s climb</a><a href="../../harbour/gone/">nowhere</a>'
    )
    home = b'<a href="./harbour/about/">a</a><link href="./harbour/fonts/icons.woff2">'
    assert _fixed(tmp_path / "home", home, name="index.html") == (
        b'<a href="./about/">a</a><link href="./fonts/icons.woff2">'
    )


def test_a_stylesheet_changed_here_keeps_its_pages_subresource_integrity(tmp_path: Path) -> None:
    """Blowfish links its Tailwind bundle with `integrity="sha512-..."`: a stylesheet whose font URLs
    were moved under the site's path has new bytes, and a browser refuses it under the old digest."""
    import base64
    import hashlib

    css = b"@font-face{src:url(/fonts/icons.woff2)}body{color:red}"

    def sri(name: str, data: bytes) -> str:
        return f"{name}-{base64.b64encode(hashlib.new(name, data).digest()).decode()}"

    page = (
        f'<link rel="stylesheet" href="/css/main.css" integrity="{sri("sha512", css)}" crossorigin>'
        f"<link rel=stylesheet href=/css/other.css integrity='{sri('sha256', css)} {sri('sha384', css)}'>"
        f'<script src="/js/app.js" integrity="{sri("sha384", b"1")}"></script>'
    ).encode()
    tree = write_tree(
        tmp_path / "tree", {**BUILT, "css/main.css": css, "css/other.css": css, "posts/p/index.html": page}
    )
    fix_root_links(tree, BASE)
    moved = (tree / "css/main.css").read_bytes()
    assert moved == b"@font-face{src:url(/harbour/fonts/icons.woff2)}body{color:red}"
    fixed = (tree / "posts/p/index.html").read_bytes().decode()
    assert f'integrity="{sri("sha512", moved)}"' in fixed
    assert f"integrity='{sri('sha256', moved)} {sri('sha384', moved)}'" in fixed
    assert f'integrity="{sri("sha384", b"1")}"' in fixed  # the script's bytes did not change
    assert sri("sha512", css) not in fixed


def test_a_slash_doubled_after_the_sites_path_is_taken_out(tmp_path: Path) -> None:
    """`{{ .Site.BaseURL }}/css/x.css` writes a double slash, which S3 never folds: the stylesheet
    would not load. Only addresses that then name a file of the site change."""
    page = (
        b'<link href="/harbour//fonts/icons.woff2"><script src="https://d111.cloudfront.net/harbour//js/app.js">'
        b'</script><a href="/harbour//missing.css">x</a><a href="//cdn.example/x.js">cdn</a>'
    )
    assert _fixed(tmp_path, page) == (
        b'<link href="/harbour/fonts/icons.woff2"><script src="https://d111.cloudfront.net/harbour/js/app.js">'
        b'</script><a href="/harbour//missing.css">x</a><a href="//cdn.example/x.js">cdn</a>'
    )


def test_at_a_root_or_an_operators_url_only_the_doubled_slash_changes(tmp_path: Path) -> None:
    page = (
        b'<link href="https://www.example.org//fonts/icons.woff2"><a href="/about/">About</a>'
        b'<img src="//img/a-2x.png">'  # at a root, //img/... is an address on the host "img"
    )
    tree = write_tree(tmp_path / "tree", {**BUILT, "posts/p/index.html": page})
    fix_root_links(tree, "https://www.example.org/", below_path=False)
    assert (tree / "posts/p/index.html").read_bytes() == (
        b'<link href="https://www.example.org/fonts/icons.woff2"><a href="/about/">About</a>'
        b'<img src="//img/a-2x.png">'
    )
    # an operator's URL with a path: its addresses from the root are left (the domain's other site)
    tree = write_tree(
        tmp_path / "other",
        {**BUILT, "posts/p/index.html": b'<a href="/blog//about/">a</a><a href="/about/">b</a>'},
    )
    fix_root_links(tree, "https://www.example.org/blog/", below_path=False)
    assert (
        tree / "posts/p/index.html"
    ).read_bytes() == b'<a href="/blog/about/">a</a><a href="/about/">b</a>'


def test_only_tags_attributes_change_never_the_pages_text(tmp_path: Path) -> None:
    """A code sample's `&lt;img src="/img/a-2x.png"&gt;` and a textarea's text were rewritten as
    if they were attributes: the page showed the staging path in its samples."""
    page = (
        b'<pre>&lt;img src="/img/a-2x.png"&gt; and src="/about/"</pre>'
        b'<textarea>href="/about/"</textarea>'
        b'<a title="a > b" href="/about/">x</a>'
    )
    assert _fixed(tmp_path, page) == (
        b'<pre>&lt;img src="/img/a-2x.png"&gt; and src="/about/"</pre>'
        b'<textarea>href="/about/"</textarea>'
        b'<a title="a > b" href="/harbour/about/">x</a>'
    )


def test_a_refresh_to_a_root_address_leads_inside_the_site(tmp_path: Path) -> None:
    other = b'<meta name="x" content="0; url=/about/">'  # no refresh: no address
    page = b'<meta http-equiv="refresh" content="0; url=/about/">' + other
    assert _fixed(tmp_path, page) == b'<meta http-equiv="refresh" content="0; url=/harbour/about/">' + other
