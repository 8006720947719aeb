"""Which of Presslift's templates a converted site gets: the shortcodes its content calls, the
partials they call (under _partials/presslift/), and the assets those read, nothing else."""

import pytest

from chalicelib.wordpress.portable import PortableLayouts, shortcodes_called
from chalicelib.wordpress.writer import write_text


@pytest.mark.parametrize(
    ("markdown", "called"),
    [
        ('{{< gallery columns="2" >}}\na.jpg\n{{< /gallery >}}', {"gallery"}),
        ('{{< caption src="a.jpg" >}} and {{% youtube id="x" %}}', {"caption", "youtube"}),
        ("a literal {{</* gallery */>}} in a code block", set()),
        ("no shortcodes {{ at all }}", set()),
    ],
)
def test_shortcodes_called(markdown, called):
    assert shortcodes_called(markdown) == called


@pytest.fixture
def theme(tmp_path):
    root = tmp_path / "theme"
    write_text(
        root, "layouts/shortcodes/box.html", '{{ partial "frame.html" . }}{{ partial "internal/x.html" . }}'
    )
    write_text(root, "layouts/shortcodes/unused.html", "never copied")
    write_text(
        root,
        "layouts/_partials/frame.html",
        '{{ partialCached "words.html" . }}{{ resources.Get "js/box.js" }}',
    )
    write_text(root, "layouts/_partials/words.html", '{{ with resources.Get "presslift/en.toml" }}{{ end }}')
    write_text(root, "assets/js/box.js", "// box")
    write_text(root, "i18n/en.toml", 'hello = "Hello"')
    write_text(
        root,
        "hugo.toml",
        '[module]\n[[module.mounts]]\nsource = "i18n/en.toml"\ntarget = "assets/presslift/en.toml"\n',
    )
    return root


def test_the_used_shortcode_and_everything_it_reaches_is_written(tmp_path, theme):
    site = tmp_path / "site"
    written = PortableLayouts(theme).write(site, {"box", "youtube"})
    assert written == [
        "assets/js/box.js",
        "assets/presslift/en.toml",
        "layouts/_partials/presslift/frame.html",
        "layouts/_partials/presslift/words.html",
        "layouts/_shortcodes/box.html",
    ]
    assert (site / "layouts/_shortcodes/box.html").read_text() == (
        '{{ partial "presslift/frame.html" . }}{{ partial "internal/x.html" . }}'
    )
    assert (
        'partialCached "presslift/words.html"'
        in (site / "layouts/_partials/presslift/frame.html").read_text()
    )
    assert (site / "assets/presslift/en.toml").read_text() == 'hello = "Hello"'


def test_content_without_presslift_shortcodes_gets_no_layouts(tmp_path, theme):
    assert PortableLayouts(theme).write(tmp_path / "site", {"youtube", "vimeo"}) == []
    assert not (tmp_path / "site").exists()
