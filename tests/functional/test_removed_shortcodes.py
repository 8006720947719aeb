"""Hugo's removed built-in shortcodes (gist, tweet, twitter, twitter_simple, instagram_simple) through
the real Hugo: a site that uses them fails to build as it is, and builds with the stand-ins the fetch
stage writes, each use a link and a Hugo warning naming the page; a site's own shortcode is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site, warning_lines
from chalicelib.removedshortcodes import REMOVED, add_removed_shortcodes

POST = """---
title: Embeds
---
{{< gist spf13 7896402 >}}

{{< gist user="spf13" id="7896402" file="img.html" >}}

{{< tweet user="GoHugoIO" id="877500564405444608" >}}

{{< tweet 877500564405444608 >}}

{{< twitter_simple user="GoHugoIO" id="877500564405444608" >}}

{{< instagram_simple BGvuInzyFAe hidecaption >}}
"""
LAYOUT = "{{ .Content }}"


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    source = tmp_path / "source"
    every = {"hugo.toml": 'title = "Old"\n', "layouts/single.html": LAYOUT, "content/embeds.md": POST}
    for name, text in {**every, **files}.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return source


def build(tmp_path: Path, source: Path) -> tuple[str, list[str]]:
    public = tmp_path / "public"
    done = build_site(source, public, base_url="https://example.test/", work_dir=tmp_path / "work")
    return (public / "embeds/index.html").read_text(), warning_lines(done.log, source)


def test_a_site_using_them_fails_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"removed in v0\.156\.0"):
        build(tmp_path, site(tmp_path, {}))


def test_with_the_stand_ins_each_use_is_a_link_and_a_warning(tmp_path: Path) -> None:
    source = site(tmp_path, {})
    assert add_removed_shortcodes(source) == [*REMOVED, "x", "vimeo_simple"]
    page, warnings = build(tmp_path, source)
    assert '<a href="https://gist.github.com/spf13/7896402">Gist 7896402 by spf13 on GitHub</a>' in page
    assert '<a href="https://gist.github.com/spf13/7896402">img.html by spf13 on GitHub</a>' in page
    assert '<a href="https://x.com/GoHugoIO/status/877500564405444608">Post by @GoHugoIO on X</a>' in page
    assert '<a href="https://x.com/i/status/877500564405444608">Post 877500564405444608 on X</a>' in page
    assert '<a href="https://www.instagram.com/p/BGvuInzyFAe/">Post BGvuInzyFAe on Instagram</a>' in page
    assert "<script" not in page
    assert '"content/embeds.md:4:1": Hugo removed its gist shortcode; the gist is shown as a link' in warnings


def test_a_shortcode_the_site_or_its_theme_defines_is_its_own(tmp_path: Path) -> None:
    own = {
        "layouts/shortcodes/gist.html": "MY GIST {{ .Get 1 }}",
        "themes/old/layouts/_shortcodes/tweet.en.html": "THEIRS",
        "_vendor/modules.txt": "# github.com/a/b v1.0.0\n",
        "_vendor/github.com/a/b/layouts/shortcodes/instagram_simple.html": "VENDORED",
    }
    source = site(tmp_path, own)
    assert add_removed_shortcodes(source, ("publish.x.com",)) == ["twitter", "twitter_simple", "vimeo_simple"]
    assert not (source / "layouts/_shortcodes/gist.html").exists()


def test_a_layouts_folder_that_is_a_link_gets_nothing(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (tmp_path / "elsewhere").mkdir()
    source.mkdir()
    (source / "layouts").symlink_to(tmp_path / "elsewhere")
    assert add_removed_shortcodes(source) == []
    assert not list((tmp_path / "elsewhere").iterdir())


FETCHING = """---
title: Fetching
---
{{< x user="SanDiegoZoo" id="1453110110599868418" >}}

{{< vimeo_simple 48912912 >}}
"""


def test_shortcodes_that_fetch_from_a_host_not_allowed_are_links_with_a_warning(tmp_path: Path) -> None:
    source = site(tmp_path, {"content/embeds.md": "---\ntitle: None\n---\n", "content/fetching.md": FETCHING})
    # As the pipeline builds: no host allowed. Without the stand-ins, Hugo renders nothing for either.
    public = tmp_path / "public"
    done = build_site(source, public, base_url="https://example.test/", work_dir=tmp_path / "work")
    assert "SanDiegoZoo" not in (public / "fetching/index.html").read_text()
    assert any("access denied" in said for said in warning_lines(done.log, source))
    add_removed_shortcodes(source)
    done = build_site(source, public, base_url="https://example.test/", work_dir=tmp_path / "work")
    page = (public / "fetching/index.html").read_text()
    assert (
        '<a href="https://x.com/SanDiegoZoo/status/1453110110599868418">Post by @SanDiegoZoo on X</a>' in page
    )
    assert '<a href="https://vimeo.com/48912912">Video 48912912 on Vimeo</a>' in page
    said = warning_lines(done.log, source)
    assert (
        "the x shortcode fetches from publish.x.com, which this site's builds may not; each post is shown "
        "as a link (the site's operator allows it: `presslift site update SITE --remote-hosts publish.x.com`)"
    ) in said
    assert not [line for line in said if "access denied" in line]


def test_a_host_not_allowed_is_one_warning_however_many_posts_use_it(tmp_path: Path) -> None:
    """Twenty posts on X were twenty warnings saying the same (linkerd.io's), before the site's own."""
    posts = "".join(f'{{{{< x user="harbour" id="14531101105998684{n:02}" >}}}}\n' for n in range(20))
    source = site(
        tmp_path, {"content/many.md": f"---\ntitle: Many\n---\n{posts}", "content/other.md": FETCHING}
    )
    add_removed_shortcodes(source)
    done = build_site(source, tmp_path / "public", base_url="https://example.test/", work_dir=tmp_path / "w")
    said = warning_lines(done.log, source)
    assert len([line for line in said if "the x shortcode fetches" in line]) == 1
    assert done.log.count("the x shortcode fetches") == 1  # Hugo prints the same words once
    assert (tmp_path / "public/many/index.html").read_text().count("on X</a>") == 20


def test_a_name_a_template_calls_as_hugos_own_gets_no_stand_in(tmp_path: Path) -> None:
    """LoveIt keeps an unused partial that calls Hugo's `_internal/shortcodes/twitter.html`: Hugo builds
    it, until the site defines its own `twitter`, which the stand-in did (the 493-page site failed)."""
    unused = '{{ template "_internal/shortcodes/twitter.html" . }}'
    plain = {"content/embeds.md": "---\ntitle: Embeds\n---\nNo embeds.\n", "layouts/_partials/x.html": unused}
    source = site(tmp_path, {**plain, "layouts/README.md": "Uses .Site.IsMultiLingual"})
    assert "twitter" not in add_removed_shortcodes(source)
    page, _ = build(tmp_path, source)
    assert "No embeds." in page
