"""Sizes as people read them in plans, emails and logs (pure)."""

from __future__ import annotations


def human_size(size: int) -> str:
    """`0 B`, `512 B`, `1.5 kB`, `36.0 MB`: decimal units, as S3 and EFS bill them."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
