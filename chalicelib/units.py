"""Sizes and durations as people read them in plans, emails and logs (pure)."""

from __future__ import annotations


def human_size(size: int) -> str:
    """`0 B`, `512 B`, `1.5 kB`, `36.0 MB`: decimal units, as S3 and EFS bill them."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def human_duration(seconds: float) -> str:
    """`12 s`, `5 min`, `3 h`, `2 days`: the largest whole unit, rounded down."""
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {'day' if unit == 'days' and count == 1 else unit}"
    return f"{int(seconds)} s"


def stopwatch(seconds: float) -> str:
    """`0 s`, `45 s`, `1 m 12 s`, `2 h 5 m`: how long a stage or run took, to the second under an hour."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} m"
    return f"{minutes} m {secs} s" if minutes else f"{secs} s"
