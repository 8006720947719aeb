"""Prod's build checked against staging's: the approver approves what staging shows, so prod must get
the same pages, with the same text, loading from the same hosts.

`build-prod` renders the run's source a second time, with prod's base URL, and a template can branch on
that URL: a security review's proof of concept showed staging a plain page and put a phishing line and
a script on prod's, after an approval of what staging showed. So, as prod's tree is stored, each page
is held to staging's (`ProdParity`): the same pages (and redirects), each with the same title and
visible text (the change review's digest, `review/pages.py`; a page whose text names its own URL is
read again with prod's URL written as staging's), and no script, stylesheet or frame from a host
staging's pages do not load from. A prod build that differs fails the stage, naming what differs.

What this does not see: a same-site script or stylesheet whose bytes differ between the two builds.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from chalicelib.errors import BuildError
from chalicelib.manifest import Manifest
from chalicelib.review.pages import read_page

#: How many paths a failure names, per kind of difference.
SHOWN = 5


class ProdParity:
    """Collects how prod's pages differ from `staging`'s as prod's tree is stored (`page`), then says
    so (`check`)."""

    def __init__(self, staging: Manifest, prod_base_url: str) -> None:
        self.staging = staging
        self._rebase = _rebasing(prod_base_url, staging.base_url)
        self.other_text: list[str] = []

    def page(self, path: str, data: bytes, digest: str) -> None:
        """One page of prod's tree, with its text digest."""
        expected = self.staging.text_md5.get(path)
        if expected is None or expected == digest:
            return  # a page staging lacks is told by `check`
        rebased = data
        for prod, staging in self._rebase:
            rebased = rebased.replace(prod, staging)
        if read_page(rebased).digest != expected:
            self.other_text.append(path)

    def check(self, prod: Manifest, loads: set[str]) -> None:
        """BuildError naming what differs from staging's build, if anything does."""
        differences: list[str] = []
        pages, staged = set(prod.text_md5), set(self.staging.text_md5)
        for paths, one, many in (
            (sorted(self.other_text), "shows other text than on staging", "show other text than on staging"),
            (sorted(pages - staged), "is on prod's build only", "are on prod's build only"),
            (sorted(staged - pages), "is missing from prod's build", "are missing from prod's build"),
            (
                sorted(set(prod.redirects) ^ set(self.staging.redirects)),
                "redirects on one build only",
                "redirect on one build only",
            ),
        ):
            if paths:
                count = "1 page " + one if len(paths) == 1 else f"{len(paths)} pages {many}"
                differences.append(f"{count} ({', '.join(paths[:SHOWN])})")
        if self.staging.loads is not None and (hosts := sorted(loads - set(self.staging.loads))):
            differences.append(f"pages load from hosts staging's do not ({', '.join(hosts[:SHOWN])})")
        if differences:
            raise BuildError(
                "prod's build is not what staging shows: "
                + "; ".join(differences)
                + ". The approver approves staging: a template must not branch on the site's URL or on "
                "anything else that differs between the two builds"
            )


def _rebasing(prod: str, staging: str) -> list[tuple[bytes, bytes]]:
    """Prod's URL as written in a page, each with staging's: whole, without its final slash, and its
    host alone (longest first, so a whole URL is never half rewritten)."""
    pairs = [(prod, staging), (prod.rstrip("/"), staging.rstrip("/"))]
    prod_host, staging_host = urlsplit(prod).netloc, urlsplit(staging).netloc
    if prod_host and staging_host:
        pairs.append((prod_host, staging_host))
    return [(a.encode(), b.encode()) for a, b in pairs if a and a != b]
