"""`presslift diff RUN [--against prod|RUN] [--json]`: the change review of a run's build, in the
terminal. Read-only: it never changes a run or a target.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from rich.console import Console

from chalicelib.services import Services


def cmd_diff(args: argparse.Namespace, svc: Services, console: Console) -> int:
    from chalicelib.review import review_run

    review = review_run(svc, args.run, args.against)
    if args.json:
        print(json.dumps(review.to_dict(), indent=2))
    else:
        console.out(review.text(), highlight=False)
    return 0


def add_parsers(sub: Any, add_target_options: Callable[[argparse.ArgumentParser], None]) -> None:
    diff = sub.add_parser(
        "diff",
        help="what a run's build changes: pages added, removed and changed (their text), redirects, assets",
    )
    diff.add_argument("run", help="the run id (see `presslift runs`)")
    diff.add_argument(
        "--against",
        default="prod",
        metavar="prod|RUN",
        help="compare with the build live on prod (default) or with another run's build",
    )
    diff.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_target_options(diff)
    diff.set_defaults(read=cmd_diff)
