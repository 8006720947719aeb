"""A site's previews as people read them: `GET /sites/{site}/previews`, `presslift previews SITE` and
the dashboard list the same previews, newest change first, with the same fields. Read-only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.errors import InputError
from chalicelib.knownsites import check_known_site
from chalicelib.previews.registry import Preview
from chalicelib.runview import parse_time
from chalicelib.services import Services

#: How each preview status is drawn (the dashboard's tones, as `runview.tone` draws a run's).
TONES = {"live": "ok", "failed": "bad", "building": "active", "not built": "neutral", "removed": "neutral"}
_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


def wants_all(params: Mapping[str, str]) -> bool:
    """`?all=1`: removed previews too. InputError for a value that is neither yes nor no."""
    value = params.get("all", "").strip().lower()
    if value in _YES or value in _NO:
        return value in _YES
    raise InputError(f"?all= must be 1 or 0 (true or false), not {params['all'][:40]!r}")


def site_previews(svc: Services, site: str, *, include_removed: bool = False) -> list[Preview]:
    """The site's previews, the most recently changed first; NotFoundError for a site nobody knows."""
    check_known_site(svc, site)
    return sorted_previews(svc.previews.list(site, include_removed=include_removed))


def sorted_previews(previews: Iterable[Preview]) -> list[Preview]:
    """The most recently changed first."""
    return sorted(previews, key=lambda preview: (_changed(preview), preview.path), reverse=True)


def _changed(preview: Preview) -> datetime:
    """When the preview last changed; a time nobody can read sorts last."""
    return parse_time(preview.updated_at) or datetime.min.replace(tzinfo=UTC)


def live_previews(svc: Services, sites: Iterable[str]) -> dict[str, list[Preview]]:
    """The previews still there (not removed) of each of `sites`, newest change first: the dashboard's."""
    return {site: sorted_previews(svc.previews.list(site)) for site in sorted(set(sites))}


def previews_json(site: str, previews: list[Preview]) -> dict[str, Any]:
    return {"site": site, "previews": [preview.to_dict() for preview in previews]}
