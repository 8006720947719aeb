"""Module mounts that filter their files with includeFiles and excludeFiles, which Hugo 0.153 replaced
by `files` and now refuses, through the real Hugo: the site fails as it is, and builds once the fetch
stage has written them as `files`, leaving out and keeping the same files; in the project's config and
a theme's, TOML, YAML and JSON; what cannot be rewritten exactly is left for Hugo."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.mountfiles import give_mount_files
from chalicelib.oldhugo import adapt
from tests.conftest import write_tree

# Drafts kept beside the posts and left out by the content mount; a layouts folder of which only the
# .html files are taken, and not its home page (the site's own is used).
SITE = {
    "hugo.toml": (
        b'title = "Mounts"\n[module]\n[[module.mounts]]\nsource = "content"\ntarget = "content"\n'
        b'excludeFiles = ["drafts/**",\n  "notes.md"]\n'
        b'[[module.mounts]]\nsource = "layouts"\ntarget = "layouts"\n'
        b'[[module.mounts]]\n  includeFiles = "*.html"\n  excludeFiles = "home.html"\n'
        b'  source = "shared"\n  target = "layouts"\n[params]\nexcludeFiles = "a param, kept"\n'
    ),
    "layouts/home.html": b"own home {{ range site.RegularPages }}[{{ .Title }}]{{ end }}",
    "shared/home.html": b"shared home",
    "shared/single.html": b"shared single {{ .Title }}",
    "shared/single.txt": b"not a template",
    "content/posts/kept.md": b"---\ntitle: Kept\n---\nHi\n",
    "content/drafts/left.md": b"---\ntitle: Left\n---\nHi\n",
    "content/notes.md": b"---\ntitle: Notes\n---\nHi\n",
}
NOTE = (
    "filters a module mount with includeFiles or excludeFiles, which Hugo removed in 0.153 and now "
    'refuses: built with files, the glob slice that replaced them (excluded patterns start with "! "; '
    "set files there instead)"
)


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_mount_filters_fail_and_build_as_files_with_the_same_files(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError, match=r"excludeFiles was deprecated in Hugo v0\.153\.0"):
        build(source, tmp_path / "before")
    assert [n for n in adapt(source, ()) if "includeFiles" in n] == [f"hugo.toml {NOTE}"]
    config = tomllib.loads((source / "hugo.toml").read_text())
    assert config["module"]["mounts"] == [
        {"source": "content", "target": "content", "files": ["! drafts/**", "! notes.md"]},
        {"source": "layouts", "target": "layouts"},
        {"files": ["! home.html", "*.html"], "source": "shared", "target": "layouts"},
    ]
    assert config["params"] == {"excludeFiles": "a param, kept"}
    public = tmp_path / "public"
    assert build(source, public) == "own home [Kept]"
    assert (public / "posts" / "kept" / "index.html").read_text() == "shared single Kept"
    assert not (public / "drafts").exists() and not (public / "notes").exists()


def test_a_themes_yaml_mounts_and_an_imports_are_written_too(tmp_path: Path) -> None:
    theme = (
        "module:\n  mounts:\n    - source: layouts\n      target: layouts\n      excludeFiles:\n"
        "        - home.html\n        - list.html\n    - source: assets\n      excludeFiles: a.css\n"
        "      target: assets\n  imports:\n    - path: x\n      mounts:\n"
        '        - {source: s, target: static, includeFiles: ["*.png"]}\n'
    )
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "T"\ntheme = "t"\n',
            "themes/t/hugo.yaml": theme.encode(),
            "themes/t/layouts/home.html": b"the theme's home, left out",
            "themes/t/layouts/index.html": b"the theme's index",
        },
    )
    assert give_mount_files(source) == [f"themes/t/hugo.yaml {NOTE}"]
    mounts = yaml.safe_load((source / "themes/t/hugo.yaml").read_text())["module"]
    assert mounts["mounts"] == [
        {"source": "layouts", "target": "layouts", "files": ["! home.html", "! list.html"]},
        {"source": "assets", "files": ["! a.css"], "target": "assets"},
    ]
    assert mounts["imports"][0]["mounts"] == [{"source": "s", "target": "static", "files": ["*.png"]}]
    (source / "themes/t/hugo.yaml").write_text(
        "module:\n  mounts:\n    - source: layouts\n      target: layouts\n      files: ['! home.html']\n"
    )
    assert build(source, tmp_path / "public") == "the theme's index"


def test_a_json_config_module_file_is_written_again(tmp_path: Path) -> None:
    module = {"mounts": [{"source": "content", "target": "content", "excludeFiles": ["drafts/**"]}]}
    source = write_tree(
        tmp_path / "site",
        {
            "config/_default/module.json": json.dumps(module).encode(),
            "config/_default/hugo.toml": b'title = "J"\n',
            "layouts/home.html": b"{{ range site.RegularPages }}[{{ .Title }}]{{ end }}",
            "content/a.md": b"---\ntitle: A\n---\n",
            "content/drafts/b.md": b"---\ntitle: B\n---\n",
        },
    )
    assert give_mount_files(source) == [f"config/_default/module.json {NOTE}"]
    written = json.loads((source / "config/_default/module.json").read_text())
    assert written == {"mounts": [{"source": "content", "target": "content", "files": ["! drafts/**"]}]}
    assert build(source, tmp_path / "public") == "[A]"


@pytest.mark.parametrize(
    "text",
    [
        # An inline table, which is not rewritten line by line.
        b'[module]\nmounts = [{ source = "content", target = "content", excludeFiles = "x" }]\n',
        # A mount that has `files` already: Hugo says which to keep.
        b'[[module.mounts]]\nsource = "content"\ntarget = "content"\nfiles = ["a"]\nexcludeFiles = "x"\n',
        # Nothing to write.
        b'title = "x"\n[params]\nexcludeFiles = "x"\n',
    ],
)
def test_what_cannot_be_written_exactly_is_left(tmp_path: Path, text: bytes) -> None:
    source = write_tree(tmp_path / "site", {"hugo.toml": text})
    assert give_mount_files(source) == []
    assert (source / "hugo.toml").read_bytes() == text


LANG_NOTE = (
    "gives a module mount a lang, which Hugo removed in 0.153 and now refuses: built with "
    "sites.matrix.languages, which replaced it (set that there instead)"
)
# Content mounted per language, as Hugo 0.96's release notes showed it: English from content/en, the
# rest of content/ (without en/) as Chinese, which a real blog's config.yml does.
LANGUAGES = {
    "layouts/home.html": b"{{ range site.RegularPages }}[{{ .Title }}]{{ end }}",
    "layouts/single.html": b"{{ .Title }}",
    "content/en/hello.md": b"---\ntitle: Hello\n---\n",
    "content/ni-hao.md": b"---\ntitle: Ni hao\n---\n",
}
LANGUAGES_YAML = (
    "defaultContentLanguage: en\nlanguages:\n  en:\n    weight: 1\n  zh:\n    weight: 2\n"
    "module:\n  mounts:\n    - source: content/en\n      target: content\n      lang: en\n"
    "    - source: content\n      target: content\n      lang: zh\n      excludeFiles: 'en/**'\n"
)


@pytest.mark.parametrize("name", ["config.yml", "hugo.toml"])
def test_a_mounts_lang_fails_and_builds_as_the_sites_it_is_for(tmp_path: Path, name: str) -> None:
    config = LANGUAGES_YAML
    if name == "hugo.toml":
        config = (
            'defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n[languages.zh]\nweight = 2\n'
            '[[module.mounts]]\nsource = "content/en"\ntarget = "content"\nlang = "en"\n'
            "[[module.mounts]]\nsource = 'content'\ntarget = 'content'\n"
            "  lang = 'zh'\nexcludeFiles = 'en/**'\n"
        )
    source = write_tree(tmp_path / "site", {**LANGUAGES, name: config.encode()})
    with pytest.raises(BuildError, match=r"module\.mounts\.lang was deprecated in Hugo v0\.153\.0"):
        build(source, tmp_path / "before")
    assert give_mount_files(source) == [f"{name} {NOTE}", f"{name} {LANG_NOTE}"]
    text = (source / name).read_text()
    mounts = (tomllib.loads(text) if name == "hugo.toml" else yaml.safe_load(text))["module"]["mounts"]
    assert [mount["sites"] for mount in mounts] == [
        {"matrix": {"languages": ["en"]}},
        {"matrix": {"languages": ["zh"]}},
    ]
    assert mounts[1]["files"] == ["! en/**"]
    public = tmp_path / "public"
    assert build(source, public) == "[Hello]"
    assert (public / "zh" / "index.html").read_text() == "[Ni hao]"


def test_a_mount_that_has_sites_already_keeps_its_lang_for_hugo_to_report(tmp_path: Path) -> None:
    text = (
        b'[[module.mounts]]\nsource = "content"\ntarget = "content"\nlang = "en"\n'
        b'[module.mounts.sites.matrix]\nlanguages = ["en"]\n'
    )
    source = write_tree(tmp_path / "site", {"hugo.toml": text})
    assert give_mount_files(source) == []
    assert (source / "hugo.toml").read_bytes() == text
