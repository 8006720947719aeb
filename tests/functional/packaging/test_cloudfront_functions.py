"""The CloudFront Functions, run with Node on CloudFront-shaped events: folders get their
index.html (without their slash, a 301 to it), and S3's website redirect header becomes a 301."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from presslift.packaging.template import INFRA

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs)")


def _run(function: str, event: dict[str, Any]) -> dict[str, Any]:
    code = (INFRA / "cloudfront" / function).read_text()
    script = code + "\nconsole.log(JSON.stringify(handler(JSON.parse(process.argv[1]))));"
    done = subprocess.run(
        [str(NODE), "-e", script, json.dumps(event)], capture_output=True, text=True, check=True, timeout=30
    )
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/", "/index.html"),
        ("/mysite/", "/mysite/index.html"),
        ("/mysite/posts/hello/", "/mysite/posts/hello/index.html"),
        ("/mysite/css/site.css", "/mysite/css/site.css"),
        ("/mysite/pagefind/pagefind.js", "/mysite/pagefind/pagefind.js"),
        ("/mysite/.well-known/apple-app-site-association", "/mysite/.well-known/apple-app-site-association"),
    ],
)
def test_folders_ask_for_their_index_document(uri: str, expected: str) -> None:
    request = _run("viewer-request.js", {"request": {"uri": uri, "headers": {}}})
    assert request["uri"] == expected


@pytest.mark.parametrize("uri", ["/.presslift/published/mysite.json.gz", "/.presslift"])
def test_presslifts_own_publish_records_are_never_served(uri: str) -> None:
    # They list every file of every site, those no page links too.
    response = _run("viewer-request.js", {"request": {"uri": uri, "headers": {}}})
    assert response["statusCode"] == 404


@pytest.mark.parametrize(
    ("uri", "querystring", "location"),
    [
        ("/mysite/posts/hello", {}, "/mysite/posts/hello/"),
        ("/mysite/categories", {"page": {"value": "2"}}, "/mysite/categories/?page=2"),
        (
            "/mysite/search",
            {"q": {"value": "a%20b", "multiValue": [{"value": "a%20b"}, {"value": "c"}]}, "x": {"value": ""}},
            "/mysite/search/?q=a%20b&q=c&x",
        ),
    ],
)
def test_a_folder_asked_for_without_its_slash_is_redirected_to_it(
    uri: str, querystring: dict[str, Any], location: str
) -> None:
    # Served at /categories, the page's relative links (`href="tranquilpeak"`) would leave its folder.
    event = {"request": {"uri": uri, "querystring": querystring, "headers": {}}}
    response = _run("viewer-request.js", event)
    assert response["statusCode"] == 301
    assert response["headers"] == {"location": {"value": location}}


@pytest.mark.parametrize(
    ("uri", "querystring", "location"),
    [
        ("/mysite/tags//index.xml", {}, "/mysite/tags/index.xml"),  # Zzo joins a permalink and a name
        ("//mysite///posts//", {"page": {"value": "2"}}, "/mysite/posts/?page=2"),
    ],
)
def test_doubled_slashes_are_redirected_to_single_ones(
    uri: str, querystring: dict[str, Any], location: str
) -> None:
    # S3 has no key with a doubled slash, where nginx, Netlify and `hugo server` read the two as one.
    event = {"request": {"uri": uri, "querystring": querystring, "headers": {}}}
    response = _run("viewer-request.js", event)
    assert (response["statusCode"], response["headers"]) == (301, {"location": {"value": location}})


def test_a_website_redirect_object_becomes_a_permanent_redirect() -> None:
    event = {
        "response": {
            "statusCode": 200,
            "headers": {"x-amz-website-redirect-location": {"value": "/mysite/2019/hello/"}},
        }
    }
    response = _run("viewer-response.js", event)
    assert response["statusCode"] == 301
    assert response["headers"]["location"] == {"value": "/mysite/2019/hello/"}


def test_other_responses_pass_unchanged() -> None:
    event = {"response": {"statusCode": 200, "headers": {"content-type": {"value": "text/html"}}}}
    assert _run("viewer-response.js", event) == event["response"]


@pytest.mark.parametrize(
    ("uri", "noindex"),
    [
        ("/quayside/previews/pr-12/index.html", True),
        ("/quayside/branches/feature-x/posts/a/index.html", True),
        ("/previews/pr-3/index.html", True),  # a site at its own bucket's root
        ("/quayside/posts/previews/index.html", False),
        ("/quayside/index.html", False),
    ],
)
def test_previews_are_served_with_a_noindex_header(uri: str, noindex: bool) -> None:
    event = {
        "request": {"uri": uri, "headers": {}},
        "response": {"statusCode": 200, "headers": {"content-type": {"value": "text/html"}}},
    }
    headers = _run("viewer-response.js", event)["headers"]
    assert (headers.get("x-robots-tag") == {"value": "noindex, nofollow"}) is noindex


def test_a_sites_own_headers_are_sent_from_their_metadata_and_other_metadata_is_not() -> None:
    event = {
        "request": {"uri": "/quayside/fonts/a.woff2", "headers": {}},
        "response": {
            "statusCode": 200,
            "headers": {
                "content-type": {"value": "font/woff2"},
                "x-amz-meta-md5": {"value": "0123"},
                "x-amz-meta-h-access-control-allow-origin": {"value": "*"},
                "x-amz-meta-h-": {"value": "nameless"},
            },
        },
    }
    assert _run("viewer-response.js", event)["headers"] == {
        "content-type": {"value": "font/woff2"},
        "access-control-allow-origin": {"value": "*"},
    }


def test_a_previews_noindex_wins_over_a_sites_own_robots_header() -> None:
    event = {
        "request": {"uri": "/quayside/previews/pr-4/index.html", "headers": {}},
        "response": {"statusCode": 200, "headers": {"x-amz-meta-h-x-robots-tag": {"value": "all"}}},
    }
    assert _run("viewer-response.js", event)["headers"] == {"x-robots-tag": {"value": "noindex, nofollow"}}


def _page_event(policy: str, metadata: dict[str, str]) -> dict[str, Any]:
    """A page's viewer-response event: the response headers policy's CSP (added before the function
    runs) and the page's metadata."""
    headers = {"content-security-policy": {"value": policy}, **{k: {"value": v} for k, v in metadata.items()}}
    return {
        "request": {"uri": "/quayside/index.html", "headers": {}},
        "response": {"statusCode": 200, "headers": headers},
    }


def test_a_pages_script_digests_join_the_policys_script_src_as_the_local_server_adds_them() -> None:
    from chalicelib.scripthashes import with_script_hashes
    from presslift.packaging.security_headers import content_security_policy

    digests = "sha256-" + "A" * 43 + "= unsafe-hashes sha256-" + "b/+9" * 10 + "xyz="
    policy = content_security_policy()
    event = _page_event(policy, {"x-amz-meta-script-hashes": digests})
    headers = _run("viewer-response.js", event)["headers"]
    assert headers == {"content-security-policy": {"value": with_script_hashes(policy, digests)}}
    assert (
        f"script-src 'sha256-{'A' * 43}=' 'unsafe-hashes' 'sha256-"
        in headers["content-security-policy"]["value"]
    )
    # A malformed digest, or one smuggled with another source, leaves the policy as it is.
    event["response"]["headers"]["x-amz-meta-script-hashes"] = {"value": "'unsafe-inline'"}
    assert _run("viewer-response.js", event)["headers"]["content-security-policy"] == {"value": policy}


@pytest.mark.parametrize(
    "hosts",
    ["fonts.googleapis.com fonts.gstatic.com", "*.giscus.app", "'unsafe-inline'", "https://x.example"],
)
def test_the_hosts_an_operator_allows_join_the_policy_as_the_local_server_adds_them(hosts: str) -> None:
    from chalicelib.pagehosts import with_page_hosts
    from chalicelib.scripthashes import with_script_hashes
    from presslift.packaging.security_headers import content_security_policy

    digest = "sha256-" + "A" * 43 + "="
    policy = content_security_policy()
    event = _page_event(policy, {"x-amz-meta-script-hashes": digest, "x-amz-meta-page-hosts": hosts})
    served = _run("viewer-response.js", event)["headers"]["content-security-policy"]["value"]
    assert served == with_page_hosts(with_script_hashes(policy, digest), hosts)
    if "'" in hosts or "/" in hosts:  # not host names: the page keeps the policy and its digests only
        assert served == with_script_hashes(policy, digest)
    else:
        assert f"font-src 'self' https://{hosts.split()[0]}" in served
