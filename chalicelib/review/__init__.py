"""The change review: what a build changes on a site, page by page (issue 18, point 5).

`review_run(svc, run, against)` compares a run's build with prod's (or another run's) and returns a
`ChangeReview`: pages added, removed and changed with their URLs, titles and the text that changed in
their main content; site-wide changes told once; redirects; assets grouped by kind. Only files whose
checksums differ are read (see review.py). `compare` is the pure manifest diff underneath.

Import from the modules (`review.builds`, `review.review`, `review.compare`): the build imports
`review.pages` for the manifest's text checksums, and must not pull in the readers of published files.
"""
