"""Hugo Modules on GitHub vendored into a fetched site (against the local GitHub server), then built by
the real Hugo with the pipeline's environment: no Go, no network, only `_vendor`."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.github.additions import Reach
from chalicelib.github.hugomodules import MODULES_TXT, imports_of, module_of, read_requires, vendor_modules
from chalicelib.hugo import build_site
from standins.github import LocalGitHub
from tests.conftest import write_tree

THEME = "acme/hugo-theme"
THEME_MODULE = "github.com/acme/hugo-theme"
LAYOUTS = {
    "layouts/index.html": '<p>{{ .Site.Params.themeName }} home {{ partial "mark.html" . }}</p>',
    "layouts/_default/single.html": "<h1>{{ .Title }}</h1>{{ .Content }}",
    "layouts/_default/list.html": "{{ range .Pages }}{{ .Title }}{{ end }}",
}


def write(root: Path, files: dict[str, str]) -> Path:
    return write_tree(root, {name: text.encode() for name, text in files.items()})


def site(tmp_path: Path, config: str, go_mod: str = "") -> Path:
    files = {"hugo.toml": config, "content/_index.md": "---\ntitle: Home\n---\n"}
    return write(tmp_path / "site", {**files, **({"go.mod": go_mod} if go_mod else {})})


def vendor(github: LocalGitHub, root: Path):
    return vendor_modules(root, Reach(None, lambda what: 10.0, github.url))


def theme_release(github: LocalGitHub, mark: str, tag: str, files: dict[str, str] | None = None) -> str:
    sha = github.add_commit(THEME, {**LAYOUTS, "layouts/partials/mark.html": mark, **(files or {})})
    github.add_tag(THEME, tag, sha)
    return sha


def build(root: Path, tmp_path: Path) -> str:
    built = build_site(root, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    return (built.destination / "index.html").read_text()


def test_a_module_theme_is_vendored_at_its_go_mod_version_and_hugo_builds_without_go(
    github: LocalGitHub, tmp_path: Path
) -> None:
    theme_release(github, "release one-two", "v1.2.0")
    theme_release(github, "release one-three", "v1.3.0")  # newer, but go.mod asks for v1.2.0
    root = site(
        tmp_path,
        f'[params]\nthemeName = "acme"\n[module]\n[[module.imports]]\npath = "{THEME_MODULE}"\n',
        f"module example.org/site\n\ngo 1.21\n\nrequire {THEME_MODULE} v1.2.0 // indirect\n",
    )
    result = vendor(github, root)
    assert result.done == [f"{THEME_MODULE} v1.2.0"] and result.skipped == []
    assert result.summary() == "1 Hugo module vendored"
    assert (root / "_vendor" / MODULES_TXT).read_text() == f"# {THEME_MODULE} v1.2.0\n"
    assert not (root / "_vendor/.fetching").exists()
    assert "acme home release one-two" in build(root, tmp_path)


def test_without_a_version_the_newest_release_of_its_major_is_taken(
    github: LocalGitHub, tmp_path: Path
) -> None:
    theme_release(github, "one-nine", "v1.9.0")
    theme_release(github, "one-ten", "v1.10.0")
    theme_release(github, "two", "v2.0.0")  # another major version: another module path
    theme_release(github, "pre", "v1.11.0-beta.1")
    root = site(tmp_path, f'theme = ["{THEME_MODULE}"]\n')
    result = vendor(github, root)
    assert result.done == [f"{THEME_MODULE} v1.10.0"]
    assert "home one-ten" in build(root, tmp_path)


def test_a_pseudo_version_is_its_commit_and_a_v2_module_its_sub_folder(
    github: LocalGitHub, tmp_path: Path
) -> None:
    sha = github.add_commit(
        THEME,
        {
            **{f"v2/{name}": text for name, text in LAYOUTS.items()},
            "v2/layouts/partials/mark.html": "v2 from a sub-folder",
            "v2/go.mod": f"module {THEME_MODULE}/v2\n",
        },
    )
    version = f"v2.0.0-20261130120000-{sha[:12]}"
    root = site(
        tmp_path,
        f'[module]\n[[module.imports]]\npath = "{THEME_MODULE}/v2"\n',
        f"module example.org/site\nrequire (\n\t{THEME_MODULE}/v2 {version}\n)\n",
    )
    result = vendor(github, root)
    assert result.done == [f"{THEME_MODULE}/v2 {version}"]
    assert "home v2 from a sub-folder" in build(root, tmp_path)


def test_modules_a_module_imports_are_vendored_too(github: LocalGitHub, tmp_path: Path) -> None:
    icons = github.add_commit("acme/icons", {"layouts/partials/mark.html": "icons module"})
    github.add_tag("acme/icons", "v0.3.0", icons)
    theme_release(
        github,
        "unused",
        "v1.0.0",
        {"hugo.toml": '[module]\n[[module.imports]]\npath = "github.com/acme/icons"\n'},
    )
    # The theme's own partial wins over the imported one, as in Hugo; drop it to see the import's.
    sha = github.add_commit(
        THEME, {**LAYOUTS, "hugo.toml": '[[module.imports]]\npath = "github.com/acme/icons"\n'}
    )
    github.add_tag(THEME, "v1.1.0", sha)
    root = site(tmp_path, f'[module]\n[[module.imports]]\npath = "{THEME_MODULE}"\n')
    result = vendor(github, root)
    assert result.done == [f"{THEME_MODULE} v1.1.0", "github.com/acme/icons v0.3.0"]
    assert (root / "_vendor" / MODULES_TXT).read_text().splitlines() == [
        f"# {THEME_MODULE} v1.1.0",
        "# github.com/acme/icons v0.3.0",
    ]
    assert "home icons module" in build(root, tmp_path)


def test_a_repository_without_tags_gives_its_default_branchs_head(
    github: LocalGitHub, tmp_path: Path
) -> None:
    sha = github.add_commit(THEME, {**LAYOUTS, "layouts/partials/mark.html": "branch head"})
    root = site(tmp_path, f'theme = "{THEME_MODULE}"\n')
    result = vendor(github, root)
    assert result.done == [f"{THEME_MODULE} v0.0.0-00010101000000-{sha[:12]}"]
    assert "home branch head" in build(root, tmp_path)


def test_what_is_the_sites_own_or_not_on_github_is_left_or_named(github: LocalGitHub, tmp_path: Path) -> None:
    theme_release(github, "x", "v1.0.0")
    config = (
        'theme = ["localtheme", "github.com/acme/kept-in-themes"]\n[module]\n'
        '[[module.imports]]\npath = "gitlab.com/acme/theme"\n'
        '[[module.imports]]\npath = "github.com/acme/replaced"\n'
        '[[module.imports]]\npath = "github.com/acme/missing"\n'
        '[[module.imports]]\npath = "github.com/acme/disabled"\ndisable = true\n'
        '[[module.imports]]\npath = "github.com/../../etc"\n'
    )
    root = site(tmp_path, config, "module x\nreplace github.com/acme/replaced => ../replaced\n")
    write(root, {"themes/github.com/acme/kept-in-themes/theme.toml": "name = 'kept'\n"})
    result = vendor(github, root)
    assert result.done == []
    assert result.skipped[0] == "gitlab.com/acme/theme: not a module on github.com; not vendored"
    assert result.skipped[1].startswith("github.com/acme/missing: GitHub has no tags of acme/missing")
    assert result.skipped[2] == "github.com/../../etc: not a module on github.com; not vendored"
    assert len(result.skipped) == 3
    assert not (root / "_vendor").exists()


def test_a_site_that_vendors_its_own_modules_is_left_as_it_is(github: LocalGitHub, tmp_path: Path) -> None:
    root = site(tmp_path, f'theme = "{THEME_MODULE}"\n')
    write(root, {"_vendor/modules.txt": f"# {THEME_MODULE} v9.9.9\n"})
    assert vendor(github, root).done == []
    assert not github.requests


def test_running_out_of_time_fails_the_stage(github: LocalGitHub, tmp_path: Path) -> None:
    root = site(tmp_path, f'theme = "{THEME_MODULE}"\n')

    def no_time(what: str) -> float:
        raise BuildError("no time was left for downloading Hugo modules")

    with pytest.raises(BuildError):
        vendor_modules(root, Reach(None, no_time, github.url))


@pytest.mark.parametrize(
    ("path", "repo", "folder", "major"),
    [
        ("github.com/acme/theme", "acme/theme", "", 0),
        ("github.com/acme/theme/v3", "acme/theme", "v3", 3),
        ("github.com/acme/mods/modules/head", "acme/mods", "modules/head", 0),
        ("github.com/acme/mods/modules/head/v2", "acme/mods", "modules/head/v2", 2),
    ],
)
def test_module_paths_name_a_repository_and_folder(path: str, repo: str, folder: str, major: int) -> None:
    module = module_of(path)
    assert module is not None and (module.repo, module.folder, module.major) == (repo, folder, major)


@pytest.mark.parametrize(
    "path", ["gitlab.com/a/b", "github.com/a", "github.com/a/../b", "github.com/a/b/./c", "github.com//a/b"]
)
def test_other_module_paths_are_not_github_ones(path: str) -> None:
    assert module_of(path) is None


def test_go_mod_requires_and_replaces_are_read_in_both_forms() -> None:
    text = (
        "module example.org/site\n\ngo 1.21\n\n"
        "require github.com/a/one v1.0.0\n"
        "require (\n\tgithub.com/a/two v2.1.0+incompatible // indirect\n\tgithub.com/a/three/v3 v3.0.1\n)\n"
        "replace github.com/a/four => ../four\n"
        "replace (\n\tgithub.com/a/five v1.0.0 => github.com/b/five v1.0.1\n)\n"
    )
    requires, replaced = read_requires(text)
    assert requires == {
        "github.com/a/one": "v1.0.0",
        "github.com/a/two": "v2.1.0+incompatible",
        "github.com/a/three/v3": "v3.0.1",
    }
    assert replaced == {"github.com/a/four", "github.com/a/five"}


def test_imports_come_from_every_config_file_hugo_reads(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "hugo.yaml": "theme: github.com/a/theme\n",
            "config/_default/module.toml": '[[imports]]\npath = "github.com/a/extra"\n',
        },
    )
    assert imports_of(root) == ["github.com/a/theme", "github.com/a/extra"]


def test_a_vendor_folder_hugo_never_reads_is_replaced(github: LocalGitHub, tmp_path: Path) -> None:
    """A site committed part of Docsy under _vendor/ by hand, without modules.txt, which Hugo ignores:
    each module was refused as "already in the source", and Hugo then asked for Go."""
    theme_release(github, "vendored now", "v1.0.0")
    root = site(tmp_path, f'theme = "{THEME_MODULE}"\n')
    write(root, {f"_vendor/{THEME_MODULE}/layouts/index.html": "stale", "_vendor/github.com/x": "a file"})
    result = vendor(github, root)
    assert result.done == [f"{THEME_MODULE} v1.0.0"] and result.skipped == []
    assert not (root / "_vendor/github.com/x").exists()
    assert "home vendored now" in build(root, tmp_path)


def test_a_module_in_a_folder_of_another_is_vendored_apart(github: LocalGitHub, tmp_path: Path) -> None:
    """Docsy and its dependencies/ (a module of its own, with its own go.mod), both imported: Go leaves
    a nested module out of the one around it, so the second was refused as already vendored."""
    dependency = {"dependencies/go.mod": "module github.com/acme/hugo-theme/dependencies\n"}
    dependency["dependencies/layouts/partials/dep.html"] = "dependency"
    theme_release(github, "theme", "v1.0.0", dependency)
    config = f'[module]\n[[module.imports]]\npath = "{THEME_MODULE}"\n'
    config += f'[[module.imports]]\npath = "{THEME_MODULE}/dependencies"\n'
    root = site(tmp_path, config)
    result = vendor(github, root)
    assert [line.split()[0] for line in result.done] == [THEME_MODULE, f"{THEME_MODULE}/dependencies"]
    assert result.skipped == []
    assert (root / "_vendor" / THEME_MODULE / "dependencies/layouts/partials/dep.html").is_file()
    listed = (root / "_vendor" / MODULES_TXT).read_text()
    assert f"# {THEME_MODULE}/dependencies " in listed
    assert "home theme" in build(root, tmp_path)
