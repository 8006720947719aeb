"""Code drops onto EFS: releases beside the live one, an atomic `current` switch, prune, rollback.

    plan_drop     what a drop would copy and link (pure diff of manifests; approval emails show it)
    drop_release  write releases/<run>, switch `current` in one rename, prune past `keep`
    rollback      switch `current` back (to the previous release, or a named one)
    releases      the releases kept, newest first, marking the current one

Nothing here talks to AWS; the caller hands in the mount (/mnt/efs in Lambda, .presslift/efs/
locally), the bundle folder and its manifest.
"""

from chalicelib.codedrop.drop import DEFAULT_KEEP, drop_release, plan_drop, prune, releases, rollback
from chalicelib.codedrop.layout import AppTree, Release
from chalicelib.codedrop.plan import Copy, CopyReason, DropPlan, plan_release
from chalicelib.codedrop.result import DropResult

__all__ = [
    "DEFAULT_KEEP",
    "AppTree",
    "Copy",
    "CopyReason",
    "DropPlan",
    "DropResult",
    "Release",
    "drop_release",
    "plan_drop",
    "plan_release",
    "prune",
    "releases",
    "rollback",
]
