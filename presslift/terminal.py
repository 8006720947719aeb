"""The terminal side of every command: the consoles it prints to, and the question it asks before a
change that cannot be taken back.
"""

from __future__ import annotations

import sys

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    """Rich output that a terminal may wrap, but piped or logged output never does (nohup, CI): there,
    a URL, an approval link or a token stays whole on its line."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, soft_wrap=not stream.isatty())


console = make_console()
err = make_console(stderr=True)


def confirm(question: str) -> bool:
    """Ask on the terminal; without one (a script, CI), refuse: prod changes only when someone says so."""
    if not sys.stdin.isatty():
        err.print(
            f"[red]error:[/red] {question} needs a yes: run it in a terminal, or pass --yes", soft_wrap=True
        )
        return False
    answer = console.input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        err.print("Nothing changed.")
        return False
    return True
