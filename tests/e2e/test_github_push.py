"""GitHub pushes, as GitHub sends them, through the local cloud: only a push signed with the site's own
secret to its registered branch builds; redeliveries, pings, tags, deletions and other events build
nothing; latest wins; a repository that sets an operator-owned key gets an error naming it."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from chalicelib.github.webhook import NULL_SHA
from chalicelib.sitemodel import Site, Target
from standins.github.payloads import ping_payload, push_payload, webhook_request
from tests.e2e.conftest import fetch, local_github, register, send_webhook, wait_for_commit_states

pytestmark = pytest.mark.e2e

REPO = "acme/harbour-site"
CONFIG = b'watch_paths = ["content", "static", "hugo.toml"]\n'
SECRETS: dict[str, str] = {}
SITE_SECRET = "<the site's own secret>"


def site_files(title: str, body: str = "Fresh from the oven.") -> dict[str, bytes]:
    """A small Hugo site of our own with no theme: the pipeline renders it with its default theme."""
    return {
        "presslift.toml": CONFIG,
        "hugo.toml": b'title = "Harbour Git Site"\n',
        "content/_index.md": b"---\ntitle: Home\n---\nWelcome.\n",
        "content/posts/news.md": f"---\ntitle: {title}\ndate: 2026-01-02\n---\n{body}\n".encode(),
        "content/about.md": b"---\ntitle: About the Harbour\n---\nWho we are.\n",
    }


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(REPO, private=True) as server:
        SECRETS["gitsite"] = register(cloud, Site("gitsite", repo=REPO))
        yield server


def post(api, event: str, payload, *, secret: str | None = SITE_SECRET, delivery: str | None = None):
    secret = SECRETS["gitsite"] if secret == SITE_SECRET else secret
    body, headers = webhook_request(event, payload, secret, delivery=delivery)
    return send_webhook(api, body, headers)


def push(github, api, title: str, *, delivery: str | None = None, delay: float = 0):
    before = github.add_commit(REPO, site_files("Previous"))
    after = github.add_commit(REPO, site_files(title))
    if delay:
        github.set_delay(REPO, delay, sha=after)
    payload = push_payload(REPO, "refs/heads/main", before, after, ["content/posts/news.md"], private=True)
    return after, post(api, "push", payload, delivery=delivery)


def test_a_signed_push_builds_and_reaches_staging(cloud, api, github):
    sha, (status, body) = push(github, api, "Harbour News From Git")
    assert status == 202, body
    answered = api.run(body["run_id"])  # answered from the queue, not after the build
    staging = next(stage for stage in answered["stages"] if stage["name"] == "deploy-staging")
    assert answered["status"] == "running" and staging["status"] == "pending", answered
    run = api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", run
    assert run["trigger"]["sha"] == sha and run["trigger"]["type"] == "push"
    assert [s["name"] for s in run["stages"]][:2] == ["fetch", "build"]
    assert "theme presslift" in run["stages"][1]["detail"]["summary"]  # the repo has no theme of its own
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "Harbour News From Git" in page
    # An address the site lacks: the bucket's page for it, as a 404 (not S3's AccessDenied).
    status, page = fetch(run["urls"]["staging"] + "posts/no-such-post/")
    assert status == 404 and "<h1>Page not found</h1>" in page
    states = wait_for_commit_states(github, REPO, sha, lambda states: "success" in states)
    assert states == ["pending", "success"]


THEME_REPO = "acme/harbour-theme"
THEME_LAYOUTS = {
    "layouts/index.html": "<html><body><h1>Harbour Theme home</h1></body></html>",
    "layouts/_default/single.html": "<p>Harbour Theme</p><h1>{{ .Title }}</h1>{{ .Content }}",
    "layouts/_default/list.html": "<p>Harbour Theme</p>{{ range .Pages }}{{ .Title }}{{ end }}",
}


def push_site(github, api, files: dict[str, bytes], submodules: dict[str, str] | None = None):
    """Push `files` (over the site's own) and wait for the run to stop running."""
    before = github.add_commit(REPO, site_files("Previous"))
    after = github.add_commit(REPO, files, submodules=submodules)
    payload = push_payload(REPO, "refs/heads/main", before, after, ["content/posts/news.md"], private=True)
    status, body = post(api, "push", payload)
    assert status == 202, body
    return api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=240)


def push_own_site(cloud, api, github, site: Site, files: dict[str, bytes]):
    """Register `site` (its own repository), push `files` over a first commit, and wait for the run."""
    assert site.repo is not None
    secret = register(cloud, site)
    before = github.add_commit(site.repo, site_files("Previous"))
    after = github.add_commit(site.repo, files)
    payload = push_payload(site.repo, "refs/heads/main", before, after, ["content/_index.md"], private=True)
    status, body = send_webhook(api, *webhook_request("push", payload, secret))
    assert status == 202, body
    return api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=240)


def push_with_theme_submodule(github, api, url: str, pinned: str):
    files = {
        **site_files("Themed By A Submodule"),
        "hugo.toml": b'title = "Harbour Git Site"\ntheme = "harbour"\n',
        ".gitmodules": f'[submodule "themes/harbour"]\n\tpath = themes/harbour\n\turl = {url}\n'.encode(),
    }
    return push_site(github, api, files, {"themes/harbour": pinned})


def test_a_theme_added_as_a_git_submodule_is_fetched_at_its_pinned_commit(cloud, api, github):
    pinned = github.add_commit(THEME_REPO, THEME_LAYOUTS)
    github.add_commit(THEME_REPO, {"layouts/index.html": "a newer theme commit the site does not pin"})
    run = push_with_theme_submodule(github, api, f"https://github.com/{THEME_REPO}.git", pinned)
    assert run["status"] == "awaiting_approval", run
    fetch_stage, build_stage = run["stages"][:2]
    assert fetch_stage["detail"]["submodules"] == [f"themes/harbour from {THEME_REPO}@{pinned[:7]}"]
    assert "1 submodule fetched" in fetch_stage["detail"]["summary"]
    assert "theme presslift" not in build_stage["detail"]["summary"]
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "Harbour Theme" in page and "Themed By A Submodule" in page


def test_a_submodule_that_cannot_be_fetched_is_a_warning_and_the_default_theme_builds(
    cloud, api, github, monkeypatch, capsys
):
    run = push_with_theme_submodule(github, api, "https://gitlab.com/acme/harbour-theme.git", "a" * 40)
    assert run["status"] == "awaiting_approval", run
    fetch_stage, build_stage = run["stages"][:2]
    assert fetch_stage["detail"]["warnings"] == 1
    (warning,) = fetch_stage["detail"]["warning_list"]
    assert warning["code"] == "submodule-not-fetched"
    assert (
        "themes/harbour: 'https://gitlab.com/acme/harbour-theme.git' is not a repository on github.com"
        in (warning["message"])
    )
    assert "theme presslift" in build_stage["detail"]["summary"]
    # and the build says what became of the site, pointing at the fetch stage's warning for why
    (replaced,) = [w for w in build_stage["detail"]["warning_list"] if w["code"] == "theme-replaced"]
    assert replaced["message"].endswith("the fetch stage's warning says what it could not add")
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "Themed By A Submodule" in page
    # `presslift show` names them one by one, as it names a conversion's warnings.
    from presslift.cli import main

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["show", run["id"]]) == 0
    out = capsys.readouterr().out
    assert "awaiting approval, 2 warnings" in out and "submodule-not-fetched: themes/harbour" in out


def test_a_build_that_fails_without_a_submodule_names_the_submodule_the_fetch_could_not_add(
    cloud, api, github
):
    # A real blog's theme submodule could not be fetched and its posts use the theme's shortcodes: the
    # build's own advice ("add it as a git submodule") could not say that it is one already.
    url = "https://gitlab.com/acme/harbour-theme.git"
    files = {
        **site_files("Themed By A Submodule"),
        "hugo.toml": b'title = "Harbour Git Site"\ntheme = "harbour"\n',
        ".gitmodules": f'[submodule "themes/harbour"]\n\tpath = themes/harbour\n\turl = {url}\n'.encode(),
        "content/posts/noted.md": b"---\ntitle: Noted\n---\n{{< harbour-note >}}Hi{{< /harbour-note >}}\n",
    }
    run = push_site(github, api, files, {"themes/harbour": "a" * 40})
    assert run["status"] == "failed", run
    build_stage = run["stages"][1]
    assert build_stage["status"] == "failed"
    assert "shortcode harbour-note" in build_stage["error"]
    assert build_stage["error"].startswith(
        "the fetch stage could not add themes/harbour: 'https://gitlab.com/acme/harbour-theme.git' is not "
        "a repository on github.com"
    )
    assert "; the build failed without it: Hugo failed" in build_stage["error"]


def test_a_theme_imported_as_a_hugo_module_is_vendored_and_built_without_go(cloud, api, github):
    module = "github.com/acme/harbour-module"
    release = github.add_commit("acme/harbour-module", {**THEME_LAYOUTS, "theme.toml": "name = 'harbour'\n"})
    github.add_tag("acme/harbour-module", "v1.4.2", release)
    files = {
        **site_files("Themed By A Module"),
        "hugo.toml": f'title = "Harbour"\n[module]\n[[module.imports]]\npath = "{module}"\n'.encode(),
        "go.mod": f"module github.com/{REPO}\n\ngo 1.21\n\nrequire {module} v1.4.2 // indirect\n".encode(),
    }
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    fetch_stage, build_stage = run["stages"][:2]
    assert fetch_stage["detail"]["modules"] == [f"{module} v1.4.2"]
    assert "1 Hugo module vendored" in fetch_stage["detail"]["summary"]
    assert "theme presslift" not in build_stage["detail"]["summary"]
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "Harbour Theme" in page and "Themed By A Module" in page


def test_an_image_kept_in_git_lfs_is_published_as_the_image_not_its_pointer(cloud, api, github):
    photo = bytes(range(256)) * 64
    files = {**site_files("With A Photo"), "static/img/photo.jpg": github.add_lfs_object(REPO, photo)}
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    assert "1 Git LFS file fetched" in run["stages"][0]["detail"]["summary"]
    with urllib.request.urlopen(run["urls"]["staging"] + "img/photo.jpg", timeout=30) as response:
        assert response.read() == photo


def test_thousands_of_missing_lfs_files_are_counted_and_the_first_fifty_named(cloud, api, github):
    # A repository over its Git LFS quota: every pointer's object is missing. The run record is one
    # DynamoDB item, so the warnings name the first of the kind and count them all.
    def pointer(n: int) -> bytes:
        return f"version https://git-lfs.github.com/spec/v1\noid sha256:{n:064x}\nsize 12\n".encode()

    # Under assets/, which Hugo publishes only what a template uses: the tests' shared staging site
    # keeps its size (a deploy that would delete most of it is refused).
    photos = {f"assets/img/{n:03d}.jpg": pointer(n + 1) for n in range(60)}
    run = push_site(github, api, {**site_files("Over Quota"), **photos})
    assert run["status"] == "awaiting_approval", run
    fetch_stage = run["stages"][0]["detail"]
    assert "60 Git LFS files not fetched" in fetch_stage["summary"]
    assert fetch_stage["warnings"] == 60
    listed = [w for w in fetch_stage["warning_list"] if w["code"] == "lfs-file-not-fetched"]
    assert len(listed) == 51 and listed[-1]["message"] == "... and 10 more like these"


def test_a_site_with_git_info_on_builds_and_the_run_says_it_is_off(cloud, api, github):
    files = {**site_files("Docs With Git Info"), "hugo.toml": b'title = "Docs"\nenableGitInfo = true\n'}
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    (warning,) = run["stages"][0]["detail"]["warning_list"]
    assert warning["code"] == "git-info-off"
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "Docs With Git Info" in page


def test_a_site_kept_in_a_docs_folder_is_found_and_built(cloud, api, github):
    docs = {
        f"docs/{name}": data for name, data in site_files("Kept In Docs").items() if name != "presslift.toml"
    }
    run = push_site(github, api, {"README.md": b"# A project\n", "src/app.py": b"print(1)\n", **docs})
    assert run["status"] == "awaiting_approval", run
    assert "the Hugo site in docs/" in run["stages"][0]["detail"]["summary"]
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "Kept In Docs" in page


def test_a_placeholder_config_at_the_root_gives_way_to_the_site_in_site(cloud, api, github):
    """Netlify's Victor Hugo starter: a root config.toml with a title only, the real site in site/ (built
    with `hugo -s site`). The root went live, an empty site in Presslift's theme, and "succeeded"."""
    inner = {
        f"site/{name}": data for name, data in site_files("From Site").items() if name != "presslift.toml"
    }
    run = push_site(github, api, {"config.toml": b'title = "My New Netlify Victor Hugo Site"\n', **inner})
    assert run["status"] == "awaiting_approval", run
    assert "the Hugo site in site/" in run["stages"][0]["detail"]["summary"]
    status, page = fetch(run["urls"]["staging"] + "posts/news/")
    assert status == 200 and "From Site" in page


def test_a_themes_own_repository_fails_its_fetch_saying_so(cloud, api, github):
    """Seven theme repositories registered as sites went live as blank, untitled pages, "succeeded"."""
    theme = {
        "theme.toml": b'name = "Plain"\n',
        "layouts/index.html": b"<title>{{ .Site.Title }}</title>{{ .Site.Params.hero }}",
        "exampleSite/hugo.toml": b'title = "Demo"\ntheme = "plain"\nthemesDir = "../.."\n',
        "exampleSite/content/_index.md": b"---\ntitle: Demo\n---\n",
    }
    run = push_site(github, api, theme)
    assert run["status"] == "failed", run
    fetch_stage, *later = run["stages"]
    assert "this repository is a Hugo theme (theme.toml, exampleSite/), not a site" in fetch_stage["error"]
    assert 'set source_dir = "exampleSite"' in fetch_stage["error"]
    assert {stage["status"] for stage in later} == {"skipped"}


def test_an_apache_sites_redirects_are_kept_and_its_server_files_never_published(cloud, api, github):
    """A real site's static/.htaccess (six Redirect 301 lines) and the PHP of its contact form went out
    as downloads, the redirects lost, with no warning."""
    files = {
        **site_files("Apache Moved"),
        "static/.htaccess": b"Redirect 301 /old-news /posts/news/\nErrorDocument 404 /404.html\n",
        "static/email-handler/index.php": b"<?php mail('a@example.org', 'x', 'y'); // password: hunter2 ?>",
    }
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    fetch_stage, build_stage = run["stages"][:2]
    assert "1 redirect from .htaccess" in fetch_stage["detail"]["summary"]
    assert any(
        w["message"].startswith(".htaccess: ErrorDocument (1)") for w in fetch_stage["detail"]["warning_list"]
    )
    (server,) = [w for w in build_stage["detail"]["warning_list"] if w["code"] == "server-file"]
    assert server["message"].startswith("left out of the published site: .htaccess, email-handler/index.php.")
    staging = run["urls"]["staging"]
    with urllib.request.urlopen(staging + "old-news/", timeout=30) as response:
        assert response.geturl().endswith("/posts/news/") and "Apache Moved" in response.read().decode()
    assert fetch(staging + "email-handler/index.php")[0] == 404
    assert fetch(staging + ".htaccess")[0] == 404


def test_a_site_in_a_folder_that_mounts_the_repositorys_docs_builds_them(cloud, api, github):
    """A real docs site in website/ mounts the repository's docs/ (`source = "../docs"`): only its
    folder was sent to the build, which refused the mount as leaving the source tree."""
    config = (
        b'title = "Harbour Git Site"\n[[module.mounts]]\nsource = "content"\ntarget = "content"\n'
        b'[[module.mounts]]\nsource = "../docs"\ntarget = "content/docs"\n'
    )
    files = {
        "presslift.toml": CONFIG,
        "website/hugo.toml": config,
        "website/content/_index.md": b"---\ntitle: Home\n---\nWelcome.\n",
        "docs/guide.md": b"---\ntitle: The Mounted Guide\n---\nFrom the repository's docs.\n",
        "src/app.py": b"print(1)\n",
    }
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    summary = run["stages"][0]["detail"]["summary"]
    assert (
        "the Hugo site in website/" in summary
        and "the whole repository sent for the site's mounts of docs/" in summary
    )
    status, page = fetch(run["urls"]["staging"] + "docs/guide/")
    assert status == 200 and "The Mounted Guide" in page
    status, _ = fetch(run["urls"]["staging"] + "src/app.py")
    assert status == 404  # the repository's other files are read only where a mount names them


def test_a_repository_that_is_no_hugo_site_fails_its_fetch_and_publishes_nothing(cloud, api, github):
    # A real repository of an Astro site, built anyway, published an empty site in Presslift's theme.
    astro = {
        "astro.config.mjs": b"export default {}\n",
        "package.json": b'{"name": "site"}\n',
        "src/content/blog/hello.md": b"---\ntitle: Hello\n---\nHi\n",
    }
    run = push_site(github, api, astro)
    assert run["status"] == "failed", run
    fetch_stage, *later = run["stages"]
    assert fetch_stage["status"] == "failed"
    assert "is not a Hugo site: the repository has no Hugo config" in fetch_stage["error"]
    assert "(astro.config.mjs: an Astro site)" in fetch_stage["error"]
    assert {stage["status"] for stage in later} == {"skipped"}


def test_a_sites_netlify_redirects_file_keeps_its_old_addresses(cloud, api, github):
    rules = (
        b"/old-news  /posts/news/  301\n/blog/*  /posts/:splat  301\n/about  /posts/news/\n"
        b"/shop/*  https://shop.example/:splat  301\n"
    )
    run = push_site(github, api, {**site_files("Moved Here"), "static/_redirects": rules})
    assert run["status"] == "awaiting_approval", run
    build_stage = run["stages"][1]
    # /old-news, and /blog/... for each file Hugo writes under /posts/ (the list, its feed, the post);
    # /about is a page of the site: it stays.
    made = int(build_stage["detail"]["summary"].split(" redirects from _redirects")[0].rsplit(" ", 1)[-1])
    assert made >= 4
    (warning,) = build_stage["detail"]["warning_list"]
    assert warning["code"] == "redirect-rule" and warning["message"].startswith("_redirects line 4 (/shop/*")
    staging = run["urls"]["staging"]
    for old in ("old-news/", "blog/news/", "blog/news"):
        with urllib.request.urlopen(staging + old, timeout=30) as response:
            assert response.geturl().endswith("/posts/news/") and "Moved Here" in response.read().decode()
    with urllib.request.urlopen(staging + "blog/index.xml", timeout=30) as response:
        assert response.geturl().endswith("/posts/index.xml") and b"Moved Here" in response.read()
    assert fetch(staging + "_redirects")[0] == 404
    assert "Who we are" in fetch(staging + "about/")[1]


def test_a_sites_netlify_toml_redirects_are_kept_after_its_redirects_file(cloud, api, github):
    netlify = (
        b'[build]\ncommand = "hugo"\n\n'
        b'[[redirects]]\nfrom = "/articles/*"\nto = "/posts/:splat"\n\n'
        b'[[redirects]]\nfrom = "/old-news"\nto = "/about/"\n\n'
        b'[[redirects]]\nfrom = "/api/*"\nto = "https://api.example.org/:splat"\nstatus = 200\n'
    )
    files = {**site_files("Kept From Netlify"), "static/_redirects": b"/old-news /posts/news/\n"}
    run = push_site(github, api, {**files, "netlify.toml": netlify})
    assert run["status"] == "awaiting_approval", run
    fetch_stage = run["stages"][0]
    assert "2 redirects from netlify.toml" in fetch_stage["detail"]["summary"]
    (warning,) = fetch_stage["detail"]["warning_list"]
    assert warning["code"] == "redirect-rule" and "[[redirects]] 3" in warning["message"]
    staging = run["urls"]["staging"]
    # The _redirects file's rule for /old-news comes first, as on Netlify.
    for old in ("articles/news/", "old-news/"):
        with urllib.request.urlopen(staging + old, timeout=30) as response:
            assert response.geturl().endswith("/posts/news/")
            assert "Kept From Netlify" in response.read().decode()


def test_a_theme_that_writes_root_relative_addresses_works_below_the_sites_path(cloud, api, github):
    # As hugo-coder and many themes do: relURL keeps a leading slash, so the address leaves the site.
    # A site of its own: its layouts replace the default theme's pages, which on gitsite's staging
    # would be a deploy deleting most of the site.
    theme = {
        "layouts/home.html": b'<html><head><link rel="icon" href="{{ "/img/icon.svg" | relURL }}">'
        b'<link rel="stylesheet" href="/css/site.css"></head><body>{{ .Content }}</body></html>',
        "layouts/single.html": b"<html><body>{{ .Content }}</body></html>",
        "static/img/icon.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "static/css/site.css": b"body{background:url(/img/icon.svg)}",
        "content/_index.md": b"---\ntitle: Home\n---\nSee [who we are](/about/).\n",
    }
    site = Site("rootrelative", repo="acme/root-relative")
    run = push_own_site(cloud, api, github, site, {**site_files("Root Relative"), **theme})
    assert run["status"] == "awaiting_approval", run
    staging = run["urls"]["staging"]
    home = fetch(staging)[1]
    addresses = re.findall(r'(?:href|src)="([^"]+)"', home)
    assert len(addresses) == 3 and all(address.startswith(urlsplit(staging).path) for address in addresses)
    for address in addresses:
        assert fetch(urljoin(staging, address))[0] == 200, address
    assert "Who we are" in fetch(urljoin(staging, addresses[-1]))[1]
    css = fetch(urljoin(staging, addresses[1]))[1]
    assert f"url({urlsplit(staging).path}img/icon.svg)" in css


def test_a_site_served_at_its_own_domain_is_built_for_that_address(cloud, api, github):
    repo, own = (
        "acme/own-domain",
        {"staging": "https://staging.harbour.example/", "prod": "https://harbour.example/"},
    )
    theme = {
        "layouts/home.html": b'<html><body><a href="/about/">About</a> <a href="{{ .Permalink }}">here</a>'
        b"</body></html>"
    }
    site = Site("owndomain", repo=repo, targets={stage: Target(url=url) for stage, url in own.items()})
    run = push_own_site(cloud, api, github, site, {**site_files("Own Domain"), **theme})
    assert run["status"] == "awaiting_approval", run
    assert run["urls"] == own
    # Published where the site's own distribution reads (here, the local site server's staging folder),
    # with the addresses of its own domain; at a root, root-relative addresses stay as written.
    assert cloud.services is not None
    shared = cloud.services.settings.shared_site_url("owndomain", "staging")
    home = fetch(shared)[1]
    assert '<a href="/about/">About</a> <a href="https://staging.harbour.example/">here</a>' in home


def test_a_sites_netlify_headers_file_sets_its_headers_and_is_not_published(cloud, api, github):
    headers = (
        b"/*\n  X-Frame-Options: SAMEORIGIN\n  Permissions-Policy: camera=()\n  Basic-Auth: editor:secret\n"
        b"/img/*\n  Cache-Control: public, max-age=31536000, immutable\n  Access-Control-Allow-Origin: *\n"
        b"/.well-known/apple-app-site-association\n  Content-Type: application/json\n"
    )
    files = {
        **site_files("Headers Kept"),
        "static/_headers": headers,
        "static/img/logo.svg": b"<svg/>",
        "static/.well-known/apple-app-site-association": b'{"applinks": {}}',
    }
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    # Cache-Control for /img/*, Permissions-Policy for /*, CORS for /img/*, a Content-Type for one file
    assert ", 4 header rules from _headers" in run["stages"][1]["detail"]["summary"]
    warnings = [
        w["message"] for w in run["stages"][1]["detail"]["warning_list"] if w["code"] == "header-rule"
    ]
    assert sorted(warnings) == [
        "_headers: Basic-Auth not applied: it is Netlify's password protection; these pages are public here",
        "_headers: X-Frame-Options not applied: the stack's CloudFront response headers policy sets it for "
        "every site",
    ]
    assert cloud.services is not None
    s3, bucket = cloud.services.s3, cloud.settings.site_buckets["staging"]
    logo = s3.head_object(Bucket=bucket, Key="gitsite/img/logo.svg")
    assert logo["CacheControl"] == "public, max-age=31536000, immutable"
    page = s3.head_object(Bucket=bucket, Key="gitsite/posts/news/index.html")
    assert page["CacheControl"] == "public, max-age=0, must-revalidate"  # the default for pages
    assert fetch(run["urls"]["staging"] + "_headers")[0] == 404
    # Served as the stack's viewer-response function sends them: the site's own headers, by path.
    with urllib.request.urlopen(run["urls"]["staging"] + "img/logo.svg", timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Permissions-Policy"] == "camera=()"
        assert response.headers["X-Frame-Options"] == "DENY"  # the stack's, not the repository's
        assert not [name for name in response.headers if name.lower().startswith("x-amz-meta")]
    with urllib.request.urlopen(run["urls"]["staging"] + "posts/news/", timeout=30) as response:
        assert response.headers["Permissions-Policy"] == "camera=()"
        assert response.headers["Access-Control-Allow-Origin"] is None
    association = run["urls"]["staging"] + ".well-known/apple-app-site-association"
    with urllib.request.urlopen(association, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/json"


def test_a_site_using_a_shortcode_hugo_removed_builds_with_a_link_and_a_warning(cloud, api, github):
    body = (
        'Our launch:\n\n{{< tweet user="harbour" id="1453110110599868418" >}}\n\n'
        'And again:\n\n{{< x user="harbour" id="1453110110599868419" >}}\n'
    )
    run = push_site(github, api, site_files("Launch Day", body))
    assert run["status"] == "awaiting_approval", run
    warnings = [
        w["message"]
        for w in run["stages"][1]["detail"]["warning_list"]
        if w["code"] in ("hugo-warning", "remote-refused")
    ]
    assert warnings == [  # in the page's order, as Hugo said them
        '"content/posts/news.md:7:1": Hugo removed its tweet shortcode; the post is shown as a link',
        "the x shortcode fetches from publish.x.com, which this site's builds may not; each post is shown "
        "as a link (the site's operator allows it: `presslift site update gitsite --remote-hosts "
        "publish.x.com`)",
    ]
    page = fetch(run["urls"]["staging"] + "posts/news/")[1]
    assert '<a href="https://x.com/harbour/status/1453110110599868418">Post by @harbour on X</a>' in page
    assert '<a href="https://x.com/harbour/status/1453110110599868419">Post by @harbour on X</a>' in page


def test_a_theme_using_what_hugo_removed_builds_and_the_run_says_what_stood_in(cloud, api, github):
    # As Cactus' head partial and Congo's figure: Hugo 0.168 fails both as they are.
    theme = {
        "themes/old/layouts/_default/baseof.html": (
            b'<html><head>{{ template "_internal/google_analytics_async.html" . }}</head>'
            b'<body>{{ if not .Site.IsServer }}{{ block "main" . }}{{ end }}{{ end }}</body></html>'
        ),
        "themes/old/layouts/_default/single.html": b'{{ define "main" }}{{ .Content }}{{ end }}',
        "themes/old/layouts/_default/list.html": (
            b'{{ define "main" }}{{ .Content }}{{ range .Pages }}{{ .Render "li.old" }}{{ end }}{{ end }}'
        ),
        "themes/old/layouts/_default/li.old.html": b"<li>listed: {{ .Title }}</li>",
        "themes/old/layouts/shortcodes/figure.html": (
            b'{{ if .Get "default" }}{{ template "_internal/shortcodes/figure.html" . }}{{ end }}'
        ),
    }
    body = '{{< figure default=true src="/harbour.png" caption="The *harbour*" >}}'
    files = {**site_files("Old Theme", body), **theme}
    files["hugo.toml"] = (
        b'title = "Harbour Git Site"\ntheme = "old"\n[services.googleAnalytics]\nid = "G-HARB0UR"\n'
    )
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    page = fetch(run["urls"]["staging"] + "posts/news/")[1]
    assert "googletagmanager.com/gtag/js?id=G-HARB0UR" in page
    assert '<figure><img src="/harbour.png"' in page and "<p>The <em>harbour</em></p>" in page
    notes = [
        w["message"] for w in run["stages"][0]["detail"]["warning_list"] if w["code"] == "old-hugo-theme"
    ]
    assert notes == [
        'the theme calls template "_internal/google_analytics_async.html", which Hugo no longer has: '
        "Hugo's google_analytics.html stands in (update the theme to a release for this Hugo)",
        'the theme calls template "_internal/shortcodes/figure.html", which Hugo no longer has: a template '
        "that does what Hugo's did stands in (update the theme to a release for this Hugo)",
        "themes/old/layouts/_default/baseof.html uses .Site.IsServer, which Hugo no longer has: built with "
        "hugo.IsServer, which does the same (update the theme to a release for this Hugo)",
        'themes/old/layouts/_default/list.html renders the view "li.old", which this Hugo\'s template lookup '
        'does not find by a dotted name: built as "li-old" (update the theme to a release for this Hugo)',
    ]
    assert "<li>listed: Old Theme</li>" in fetch(run["urls"]["staging"] + "posts/")[1]


def test_front_matter_that_repeats_a_key_builds_with_the_last_and_the_run_says_where(cloud, api, github):
    files = site_files("Repeated")
    files["content/posts/news.md"] = (
        b"---\ntitle: Draft title\ndraft: true\ndate: 2026-01-02\ntitle: Twice\ndraft: false\n---\nNews.\n"
    )
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    assert "<h1" in (page := fetch(run["urls"]["staging"] + "posts/news/")[1]) and "Twice" in page
    notes = [
        w["message"] for w in run["stages"][0]["detail"]["warning_list"] if w["code"] == "repeated-yaml-key"
    ]
    assert notes == [
        "content/posts/news.md repeats a YAML key, which Hugo refuses since 0.152: built with the last "
        "occurrence, as Hugo read it before (remove the others)"
    ]


def test_a_repository_of_a_built_site_without_its_content_is_told_what_to_commit(cloud, api, github):
    """A repository that commits Hugo's public/ but keeps its posts elsewhere built the theme's home
    page alone, and the run said succeeded over a site that had lost every page."""
    files = {
        "presslift.toml": CONFIG,
        "hugo.toml": b'title = "Harbour Git Site"\n',
        "public/index.html": b"<html><body>Built elsewhere</body></html>",
        "public/posts/news/index.html": b"<html><body>News</body></html>",
    }
    run = push_site(github, api, files)
    (warning,) = [
        w["message"] for w in run["stages"][0]["detail"]["warning_list"] if w["code"] == "built-site-only"
    ]
    assert warning.startswith(
        "content/ holds no pages, but the repository commits a built site in public/ (2 HTML"
    )
    assert "Built elsewhere" not in fetch(run["urls"]["staging"])[1]


def test_a_site_whose_theme_is_missing_is_built_with_presslifts_and_warned_of(cloud, api, github):
    """A real blog names the theme mainroad, kept as a submodule link with no .gitmodules entry, which
    is never fetched: it went live in Presslift's theme with only the build summary saying so."""
    files = {**site_files("Themeless"), "hugo.toml": b'title = "Harbour Git Site"\ntheme = "mainroad"\n'}
    run = push_site(github, api, files)
    assert run["status"] == "awaiting_approval", run
    (warning,) = [
        w["message"] for w in run["stages"][1]["detail"]["warning_list"] if w["code"] == "theme-replaced"
    ]
    assert warning.startswith("built with Presslift's theme in place of the site's own: its theme is not in")
    assert warning.endswith("a submodule link with no .gitmodules entry is not fetched)")


def test_a_sites_vercel_redirects_are_kept(cloud, api, github):
    vercel = json.dumps(
        {"redirects": [{"source": "/articles/:path*", "destination": "/posts/:path*", "permanent": True}]}
    )
    run = push_site(github, api, {**site_files("Kept From Vercel"), "vercel.json": vercel.encode()})
    assert run["status"] == "awaiting_approval", run
    assert "1 redirect from vercel.json" in run["stages"][0]["detail"]["summary"]
    with urllib.request.urlopen(run["urls"]["staging"] + "articles/news/", timeout=30) as response:
        assert response.geturl().endswith("/posts/news/") and "Kept From Vercel" in response.read().decode()


def test_a_site_pagefind_cannot_index_is_published_without_a_search_index(cloud, api, github):
    # Pages without an <html> element: Pagefind finds nothing to index and stops with an error.
    bare = {"layouts/home.html": b"<p>{{ .Title }} bare</p>", "layouts/single.html": b"<p>{{ .Title }}</p>"}
    site = Site("barepages", repo="acme/bare-pages")
    run = push_own_site(cloud, api, github, site, {**site_files("Bare Pages"), **bare})
    assert run["status"] == "awaiting_approval", run
    warnings = run["stages"][1]["detail"]["warning_list"]
    (warning,) = [w for w in warnings if w["code"] == "search-index-failed"]
    assert warning["message"].startswith("staging has no search")
    assert fetch(run["urls"]["staging"])[1] == "<p>Home bare</p>"
    # Hugo's own warnings are on the run too, not only in the build log: here, the layouts it lacks.
    hugo_said = [w["message"] for w in warnings if w["code"] == "hugo-warning"]
    assert hugo_said and all("found no layout file" in said for said in hugo_said), hugo_said


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "wrong-secret"])
def test_missing_or_wrong_signatures_get_401_and_change_nothing(cloud, api, github, signature):
    before = len(api.runs("gitsite"))
    after = github.add_commit(REPO, site_files("Forged"))
    payload = push_payload(REPO, "refs/heads/main", NULL_SHA, after, ["content/posts/news.md"])
    body, headers = webhook_request("push", payload, "wrong-secret" if signature == "wrong-secret" else None)
    if signature and signature != "wrong-secret":
        headers["X-Hub-Signature-256"] = signature
    assert send_webhook(api, body, headers)[0] == 401
    assert len(api.runs("gitsite")) == before


@pytest.mark.parametrize(
    ("event", "payload", "status", "words"),
    [
        ("ping", ping_payload(REPO), 200, "zen"),
        ("issues", {"action": "opened", "repository": {"full_name": REPO}}, 202, "ignored"),
        # A pull request without its pull_request object is refused, naming what is missing.
        ("pull_request", {"action": "opened", "repository": {"full_name": REPO}}, 400, "pull_request"),
        ("push", push_payload(REPO, "refs/tags/v1.0", NULL_SHA, "c" * 40, ["content/a.md"]), 202, "tag"),
        ("push", push_payload(REPO, "refs/heads/main", "c" * 40, NULL_SHA), 202, "deleted"),
        ("push", push_payload(REPO, "refs/heads/feature", "c" * 40, "d" * 40, ["content/a.md"]), 202, "not"),
        (
            "push",
            push_payload("acme/unknown", "refs/heads/main", "c" * 40, "d" * 40),
            401,
            "matches no secret",
        ),
        # an organisation's webhook: its ping names no repository, so no site's secret can check it
        (
            "ping",
            {"zen": "Keep it simple.", "hook_id": 7, "organization": {"login": "acme"}},
            401,
            "names no",
        ),
    ],
)
def test_pings_other_events_tags_deletions_and_strangers_build_nothing(
    cloud, api, github, event, payload, status, words
):
    before = len(api.runs("gitsite"))
    got, body = post(api, event, payload)
    assert got == status, body
    assert words in json.dumps(body)
    assert len(api.runs("gitsite")) == before


def test_a_redelivery_builds_nothing(cloud, api, github):
    _, (status, first) = push(github, api, "Delivered Once", delivery="fixed-delivery-id")
    assert status == 202 and first["run_id"]
    before = len(api.runs("gitsite"))
    _, (status, again) = push(github, api, "Delivered Once", delivery="fixed-delivery-id")
    assert status == 200 and "already handled" in again["ignored"]
    assert len(api.runs("gitsite")) == before
    api.wait_for_run(first["run_id"], lambda r: r["status"] != "running", timeout=240)


def test_two_quick_pushes_deploy_in_order_latest_wins(cloud, api, github):
    _, (status, slow) = push(github, api, "Older Slow Push", delay=6)
    assert status == 202
    _, (status, fast) = push(github, api, "Newer Fast Push")
    assert status == 202
    newer = api.wait_for_run(fast["run_id"], lambda r: r["status"] != "running", timeout=240)
    older = api.wait_for_run(slow["run_id"], lambda r: r["status"] != "running", timeout=240)
    assert newer["status"] == "awaiting_approval", newer
    assert older["status"] == "superseded", older
    staging = newer["urls"]["staging"] + "posts/news/"
    status, page = fetch(staging)
    assert "Newer Fast Push" in page and "Older Slow Push" not in page


OPERATOR_OWNED = [
    (b'[targets.prod]\nbucket = "another-site"\nprefix = ""\n', "targets.prod.bucket", "--prod-bucket"),
    (b"[approval]\nprod = false\nauto_promote = true\n", "approval.prod", "--prod-approval"),
    (
        b'[search]\napp_id = "EVIL"\nadmin_key_parameter = "/presslift/search/x"\n',
        "search.app_id",
        "--algolia",
    ),
]


@pytest.mark.parametrize(("toml", "key", "option"), OPERATOR_OWNED, ids=[o[1] for o in OPERATOR_OWNED])
def test_a_repository_setting_an_operator_owned_key_fails_naming_it(cloud, api, github, toml, key, option):
    files = {**site_files("Taking Over"), "presslift.toml": toml}
    before = github.add_commit(REPO, site_files("Previous"))
    after = github.add_commit(REPO, files)
    status, body = post(api, "push", push_payload(REPO, "refs/heads/main", before, after, ["presslift.toml"]))
    assert status == 202, body
    run = api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "failed"
    fetch_stage = run["stages"][0]
    assert fetch_stage["name"] == "fetch" and f"{key} is set by the site's operator" in fetch_stage["error"]
    assert f"presslift site update SITE {option}" in fetch_stage["error"]
    assert all(s["status"] == "skipped" for s in run["stages"][1:])


def test_a_broken_presslift_toml_fails_the_run_with_the_key_named(cloud, api, github):
    files = {**site_files("Broken Config"), "presslift.toml": b"hugo_version = 42\n"}
    before = github.add_commit(REPO, site_files("Previous"))
    after = github.add_commit(REPO, files)
    status, body = post(api, "push", push_payload(REPO, "refs/heads/main", before, after, ["presslift.toml"]))
    assert status == 202, body
    run = api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "failed"
    assert (
        run["stages"][0]["name"] == "fetch" and "hugo_version must be a string" in run["stages"][0]["error"]
    )
    # The failure is posted after the run is marked failed (a loaded machine showed "pending" still).
    states = wait_for_commit_states(github, REPO, after, lambda seen: bool(seen) and seen[-1] != "pending")
    assert states[-1] == "failure"


def artifact_manifest(cloud, run) -> dict:
    key = f"artifacts/gitsite/{run['artifact']['artifact_run']}/staging.manifest.json"
    body = cloud.services.s3.get_object(Bucket=cloud.settings.artifacts_bucket, Key=key)["Body"].read()
    return json.loads(body)


def test_a_one_post_edit_uploads_only_what_changed_and_invalidates_only_its_urls(cloud, api, github):
    deployed = []
    for body_text in ("The first telling.", "The second telling, edited."):
        before = github.add_commit(REPO, site_files("Previous"))
        after = github.add_commit(REPO, site_files("An Edited Post", body=body_text))
        payload = push_payload(
            REPO, "refs/heads/main", before, after, ["content/posts/news.md"], private=True
        )
        status, body = post(api, "push", payload)
        assert status == 202, body
        deployed.append(api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=240))
    first, edit = deployed
    assert edit["status"] == "awaiting_approval", edit
    old = {f["path"]: f["md5"] for f in artifact_manifest(cloud, first)["files"]}
    new = {f["path"]: f["md5"] for f in artifact_manifest(cloud, edit)["files"]}
    changed = sorted(path for path, md5 in new.items() if old.get(path) != md5) + sorted(old.keys() - new)

    publish = next(s for s in edit["stages"] if s["name"] == "deploy-staging")["detail"]["publish"]

    assert "posts/news/index.html" in changed and len(changed) < len(new) / 2
    assert publish["uploaded"] + publish["deleted"] == len(changed)
    assert publish["summary"]["compared_with"].startswith("the publish record")
    paths = publish["summary"]["invalidation_paths"]
    assert "/*" not in paths and any(path.startswith("/gitsite/posts/news/") for path in paths), paths
    assert "The second telling, edited." in fetch(edit["urls"]["staging"] + "posts/news/")[1]


def test_rollback_restores_the_earlier_staging_site_byte_for_byte(cloud, api, github, monkeypatch):
    from presslift.cli import main

    deployed = []
    for title in ("Rollback Target Edition", "Edition To Roll Back"):
        _, (status, body) = push(github, api, title)
        assert status == 202, body
        deployed.append(api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=240))
    earlier, current = deployed
    page_url = current["urls"]["staging"] + "posts/news/"
    assert "Edition To Roll Back" in fetch(page_url)[1]

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["rollback", "gitsite", "staging"]) == 0
    rollback = api.runs("gitsite")[0]
    assert rollback["trigger"]["type"] == "rollback" and rollback["trigger"]["to_run"] == earlier["id"]
    rollback = api.wait_for_run(rollback["id"], lambda r: r["status"] != "running", timeout=120)
    assert rollback["status"] == "succeeded", rollback
    assert "Rollback Target Edition" in fetch(page_url)[1]

    s3 = cloud.services.s3
    manifest_key = f"artifacts/gitsite/{earlier['artifact']['artifact_run']}/staging.manifest.json"
    manifest = json.loads(
        s3.get_object(Bucket=cloud.settings.artifacts_bucket, Key=manifest_key)["Body"].read()
    )
    bucket = cloud.settings.site_buckets["staging"]
    for entry in manifest["files"]:
        if entry["path"] in manifest.get("redirects", {}):
            continue
        live = s3.get_object(Bucket=bucket, Key="gitsite/" + entry["path"])["Body"].read()
        assert hashlib.md5(live).hexdigest() == entry["md5"], entry["path"]
    publish = rollback["stages"][0]["detail"]["publish"]
    assert 0 < publish["uploaded"] < len(manifest["files"])  # only what differs moved


def test_publish_dry_run_prints_the_plan_from_the_record_or_a_listing_and_changes_nothing(
    cloud, api, github, monkeypatch, capsys
):
    from presslift.cli import main

    _, (status, body) = push(github, api, "Dry Run Edition")
    assert status == 202, body
    api.wait_for_run(body["run_id"], lambda r: r["status"] != "running", timeout=240)
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    runs_before = len(api.runs("gitsite"))
    capsys.readouterr()

    assert main(["publish", "gitsite", "prod", "--dry-run"]) == 2  # prod holds no build to publish again
    assert "prod of gitsite has no build yet" in capsys.readouterr().err
    assert main(["publish", "gitsite", "prod", "--dry-run", "--run", body["run_id"]]) == 0
    to_prod = capsys.readouterr().out
    assert "Publishing it would be refused" in to_prod  # it waits for approval
    assert main(["publish", "gitsite", "staging", "--dry-run", "--verify"]) == 0
    to_staging = capsys.readouterr().out

    assert "(dry run, nothing changed)" in to_prod and "Publish to s3://" in to_prod
    assert "upload 0 objects" not in to_prod  # prod never had this build
    assert "upload 0 objects" in to_staging and "delete 0" in to_staging  # staging has it already
    assert "compared with the bucket's listing (verification asked for)" in to_staging
    assert len(api.runs("gitsite")) == runs_before


THEME_WITH_INLINE_SCRIPTS = {
    # As PaperMod and Stack do: the colour scheme is set by an inline script before the page paints.
    "layouts/home.html": b"<!doctype html><html><head><title>{{ .Title }}</title>"
    # (saved with Windows line ends, as Hugo Profile's are: the browser hashes it with LF)
    b"<script>\r\ndocument.documentElement.dataset.theme = localStorage.getItem('theme') || 'dark'"
    b"\r\n</script>"
    b"</head><body><h1>{{ .Title }}</h1><p id=out>waiting</p>"
    b"<p id=handler onclick=\"this.textContent = 'clicked'\">click me</p>"
    b"<script>document.getElementById('out').textContent = 'ran'</script></body></html>",
    "layouts/single.html": b"<!doctype html><html><body>{{ .Content }}</body></html>",
}


@pytest.mark.chromium
def test_a_themes_inline_scripts_run_under_the_sites_security_policy(cloud, api, github, browser):
    run = push_site(github, api, {**site_files("Inline Scripts"), **THEME_WITH_INLINE_SCRIPTS})
    assert run["status"] == "awaiting_approval", run
    staging = run["urls"]["staging"]
    with urllib.request.urlopen(staging, timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
    assert (
        policy.count("'sha256-") == 3
        and "'unsafe-hashes'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    with urllib.request.urlopen(staging + "posts/news/", timeout=30) as response:  # no inline script
        assert "'sha256-" not in response.headers["Content-Security-Policy"]

    browser.get_log("browser")  # start from an empty console
    browser.get(staging)
    assert browser.find_element("id", "out").text == "ran"
    assert browser.execute_script("return document.documentElement.dataset.theme") == "dark"
    browser.find_element("id", "handler").click()  # an event handler, allowed by its digest
    assert browser.find_element("id", "handler").text == "clicked"
    assert [
        e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
    ] == []
    # A script that was not in the page when it was built still does not run.
    browser.execute_script(
        "var s = document.createElement('script'); s.textContent = \"document.title = 'injected'\";"
        "document.body.appendChild(s)"
    )
    assert browser.title != "injected"


def test_the_hosts_a_sites_operator_names_join_its_pages_security_policy(
    cloud, api, github, monkeypatch, capsys
):
    site = Site("pagehosts", repo="acme/page-hosts", page_hosts=("fonts.googleapis.com", "fonts.gstatic.com"))
    theme = {
        "layouts/home.html": b'<!doctype html><html><head><link rel="stylesheet" '
        b'href="https://fonts.googleapis.com/css2?family=Lato"><script src="https://cdn.jsdelivr.net/npm/x.js">'
        b"</script></head><body>{{ .Title }}</body></html>"
    }
    run = push_own_site(cloud, api, github, site, {**site_files("Fonts"), **theme})
    assert run["status"] == "awaiting_approval", run
    # The host not allowed yet is named, with the command that allows it beside those allowed now.
    (warning,) = [w for w in run["stages"][1]["detail"]["warning_list"] if w["code"] == "page-host-refused"]
    assert warning["message"] == (
        "pages load scripts, stylesheets or frames from cdn.jsdelivr.net, which the site's "
        "Content-Security-Policy refuses (they do not load there); the site's operator allows them with "
        "`presslift site update pagehosts --page-hosts "
        "fonts.googleapis.com,fonts.gstatic.com,cdn.jsdelivr.net`"
    )
    with urllib.request.urlopen(run["urls"]["staging"], timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "font-src 'self' https://fonts.googleapis.com https://fonts.gstatic.com" in policy
    assert "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com https://fonts.gstatic.com" in policy
    with urllib.request.urlopen(run["urls"]["staging"] + "index.xml", timeout=30) as response:
        assert "fonts.gstatic.com" not in response.headers["Content-Security-Policy"]  # pages only
    # The operator runs the command the warning gave, and publishes again: the live pages follow.
    from presslift.cli import main

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))

    hosts = warning["message"].split("--page-hosts ")[1].rstrip("`")
    assert main(["site", "update", "pagehosts", "--page-hosts", hosts]) == 0
    assert "`presslift publish pagehosts staging` (and prod) applies them" in capsys.readouterr().out
    assert main(["publish", "pagehosts", "staging", "--yes"]) == 0
    queued = capsys.readouterr().out.split("Publish queued as run ")[1].split(":")[0]
    published = api.wait_for_run(queued, lambda r: r["status"] != "running", timeout=120)
    assert published["status"] == "succeeded", published
    with urllib.request.urlopen(run["urls"]["staging"], timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval' https://fonts.googleapis.com" in policy
    assert policy.endswith("https://cdn.jsdelivr.net") or "https://cdn.jsdelivr.net;" in policy
