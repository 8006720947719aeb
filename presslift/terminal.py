"""The terminal side of every command: the consoles it prints to, and the question it asks before a
change that cannot be taken back.
"""

from __future__ import annotations

import errno
import sys

from rich.console import Console
from rich.markup import escape
from rich.text import Text


class PipedConsole(Console):
    """A console whose reader may stop early (`presslift logs RUN | head -1`): that ends the command
    as any other write to a closed pipe does, with exit code 141 (rich's own default exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader stopped early")


def make_console(stderr: bool = False) -> Console:
    """Rich output that a terminal may wrap, but piped or logged output never does (nohup, CI): there,
    a URL, an approval link or a token stays whole on its line."""
    stream = sys.stderr if stderr else sys.stdout
    return PipedConsole(stderr=stderr, soft_wrap=not stream.isatty())


console = make_console()
err = make_console(stderr=True)


def confirm(question: str) -> bool:
    """Ask on the terminal; without one (a script, CI), refuse: prod changes only when someone says so."""
    if not sys.stdin.isatty():
        err.print(
            f"[red]error:[/red] {escape(question)} needs a yes: run it in a terminal, or pass --yes",
            soft_wrap=True,
        )
        return False
    try:
        answer = console.input(Text(f"{question} [y/N] ")).strip().lower()  # as written: no markup
    except EOFError:  # Ctrl-D: no answer is no
        answer = ""
        console.print()
    if answer not in ("y", "yes"):
        err.print("Nothing changed.")
        return False
    return True
