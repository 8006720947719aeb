"""The terminal side of every command: the consoles it prints to, and the question it asks before a
change that cannot be taken back.
"""

from __future__ import annotations

import errno
import re
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

#: Control characters but tab and newline: an S3 key, a commit message or a log line could move the
#: cursor, erase the lines an operator reads or recolour them (`a\x1b[2KB.xml`); and the bidi
#: overrides and line separators, which reorder or break what is shown.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with its control characters written out (`\\x1b`), never sent to the terminal; a line
    that ends in CR LF (Windows) just ends."""
    return CONTROL.sub(_written_out, text.replace("\r\n", "\n"))


def _written_out(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` from outside, for a table cell or any markup: its control characters written out
    (`visible`; a table's cells never pass through `PipedConsole.print`) and its markup escaped."""
    return escape(visible(text))


class PipedConsole(Console):
    """The operator's console. Text given to it shows its control characters written out (`visible`):
    names and messages come from outside. Its reader may stop early (`presslift logs RUN | head -1`):
    that ends the command as any other write to a closed pipe does, with exit code 141 (rich's own
    default exits 1)."""

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **options)

    def out(self, *objects: Any, **options: Any) -> None:
        super().out(*(visible(o) if isinstance(o, str) else o for o in objects), **options)

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
