"""The change review: what a build changes on a site, page by page (issue 18, point 5).

`review_run(svc, run, against)` compares a run's build with prod's (or another run's) and returns a
`ChangeReview`: pages added, removed and changed with their URLs, titles and the text that changed in
their main content; site-wide changes told once; redirects; assets grouped by kind. Only files whose
checksums differ are read (see review.py). `compare` is the pure manifest diff underneath.
"""

from chalicelib.review.builds import review_run
from chalicelib.review.compare import AssetKind, FileChange, ManifestDiff, RedirectChange, compare
from chalicelib.review.review import ChangeReview, PageChange, Side, SiteWideChange, review_builds

__all__ = [
    "AssetKind",
    "ChangeReview",
    "FileChange",
    "ManifestDiff",
    "PageChange",
    "RedirectChange",
    "Side",
    "SiteWideChange",
    "compare",
    "review_builds",
    "review_run",
]
