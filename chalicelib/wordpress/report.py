"""The conversion report: counts by type and status, every warning, and what the old site was.

It is plain data: built up during a conversion, then shown as JSON (kept with the run) and as a few
lines of human text (printed by the CLI). It must never hold item bodies or anything secret.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class ConversionWarning:
    """One thing a site owner should know about: `code` is stable, `message` says what and where."""

    code: str
    message: str
    item: str = ""


@dataclass
class SiteInfo:
    title: str = ""
    description: str = ""
    language: str = ""
    base_url: str = ""


@dataclass
class MediaTally:
    """Every media reference the conversion met (images, files, players), and where each ended up.

    `local`: served by the new site (its file was written); `remote`: kept at its original URL (a
    provider's player, another host's file, or an upload that could not be had); `lost`: nothing in
    the site refers to it any more, each with a warning. `kept` + `lost` = `found`.
    """

    found: int = 0
    local: int = 0
    remote: int = 0
    lost: int = 0

    @property
    def kept(self) -> int:
        return self.local + self.remote

    def add(self, outcome: str) -> None:
        """One reference: "local", "remote" or "lost"."""
        self.found += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class ConversionReport:
    source: str = ""
    wxr_version: str = ""
    site: SiteInfo = field(default_factory=SiteInfo)
    # "post/published", "page/draft", "attachment/media", "comment/approved", ...
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[ConversionWarning] = field(default_factory=list)
    media: MediaTally = field(default_factory=MediaTally)
    # The pages WordPress showed at the site's home and listed the posts on (frontpage.py, postspage.py)
    home_page: str = ""
    posts_page: str = ""

    def count(self, kind: str, status: str, n: int = 1) -> None:
        key = f"{kind}/{status}"
        self.counts[key] = self.counts.get(key, 0) + n

    def warn(self, code: str, message: str, item: str = "") -> None:
        self.warnings.append(ConversionWarning(code, message, item))

    def warning_codes(self) -> Counter[str]:
        return Counter(w.code for w in self.warnings)

    def to_json(self) -> str:
        data = asdict(self)
        data["counts"] = dict(sorted(self.counts.items()))
        data["media"]["kept"] = self.media.kept
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"

    def summary(self) -> str:
        lines = [f"Converted {self.source or 'export'} (WXR {self.wxr_version}): {self.site.title!r}"]
        by_kind: dict[str, list[str]] = {}
        for key, n in sorted(self.counts.items()):
            kind, _, status = key.partition("/")
            by_kind.setdefault(kind, []).append(f"{n} {status}")
        for kind, parts in by_kind.items():
            lines.append(f"  {kind}: {', '.join(parts)}")
        if self.home_page:
            lines.append(f"  home page: {self.home_page} (the site's static front page)")
        if self.posts_page:
            lines.append(f"  posts page: {self.posts_page} (the list of posts is at its address)")
        tally = self.media
        if tally.found:
            lines.append(
                f"  media: {tally.found} found, {tally.local} in the site, {tally.remote} kept at their "
                f"original URL, {tally.lost} lost"
            )
        codes = self.warning_codes()
        if codes:
            lines.append(
                f"  {len(self.warnings)} warning(s): "
                + ", ".join(f"{n} {code}" for code, n in sorted(codes.items()))
            )
        else:
            lines.append("  no warnings")
        return "\n".join(lines)
