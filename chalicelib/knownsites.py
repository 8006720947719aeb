"""Whether a site name means anything: a site someone registered, or one with runs (an import names
its site by the upload's folder). Outside the pipeline package, so that the CLI's reads and the
preview listing need not import the pipeline's modules to ask."""

from __future__ import annotations

from chalicelib.collaborators import Records
from chalicelib.errors import NotFoundError
from chalicelib.runs import Run


def check_known_site(svc: Records, site: str, history: list[Run] | None = None) -> None:
    """NotFoundError for a site with no run and no registration: a typo, not an empty history.
    `history`: the site's runs when the caller has them."""
    runs = svc.runs.list(site=site, limit=1) if history is None else history
    if not runs and site not in {known.name for known in svc.sites.list()}:
        raise NotFoundError(f"unknown site {site!r}: `presslift site list` shows the registered sites")
