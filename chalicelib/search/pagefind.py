"""Static search for sites without Algolia: run Pagefind over a built stage tree.

Pagefind writes its index and its small JavaScript into `<tree>/pagefind/`, so the index ships with
the site, is part of the artifact, and a rollback restores it. The binary comes from the Lambda layer
(`/opt/bin/pagefind`), or `$PRESSLIFT_PAGEFIND_BIN`, or the `pagefind_bin` wheel on a developer's
machine. This module only runs the binary on a tree it is given: it never writes anywhere else,
never changes the site's own pages, and never hands Pagefind the function's environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chalicelib.binaries import find_binary
from chalicelib.budget import TimeBudget
from chalicelib.childenv import child_environment
from chalicelib.errors import BuildError
from chalicelib.search.records import content_pages

ENV_BINARY = "PRESSLIFT_PAGEFIND_BIN"
OUTPUT_FOLDER = "pagefind"
# The theme's chrome repeats on every page; searching it would match every page for "Home".
EXCLUDE_SELECTORS = (".site-header", ".site-footer", ".skip-link", "nav", "[data-search-ignore]")
_PAGES = re.compile(r"Indexed (\d+) pages?")
_WORDS = re.compile(r"Indexed (\d+) words?")
# What Pagefind says when no page had text it indexes (every page's text in excluded elements).
_NOTHING_TO_INDEX = "Pagefind was not able to build an index"


@dataclass(frozen=True)
class PagefindResult:
    """What one Pagefind run produced: its bundle folder, counts from its log, and its log."""

    bundle: Path
    pages: int
    words: int
    seconds: float
    log: str

    def summary(self) -> dict[str, object]:
        return {"pages": self.pages, "words": self.words, "seconds": round(self.seconds, 3)}

    def describe(self) -> str:
        return f"Pagefind indexed {self.pages} pages ({self.words} words) in {self.seconds:.2f} s"


def find_pagefind() -> Path:
    """The Pagefind binary: `$PRESSLIFT_PAGEFIND_BIN`, the layer's, the wheel's, or one on PATH."""
    return find_binary(
        "pagefind", env_var=ENV_BINARY, wheel="pagefind_bin", wheel_paths=("pagefind_extended", "pagefind")
    )


def index_with_pagefind(
    tree: Path, *, budget: TimeBudget | None = None, pages: Iterable[str] | None = None
) -> PagefindResult:
    """Index the built site at `tree` into `tree/pagefind/`; BuildError when Pagefind fails.

    Only content pages are indexed (`pages`, relative paths; by default the ones search records are
    made from): lists, tag pages and the search page itself would otherwise crowd out the posts.
    Pagefind reads them from a mirror of hard links, so the result URLs are the tree's own. It may take
    what is left of `budget` (by default a fresh function's).
    """
    if not tree.is_dir():
        raise BuildError(f"cannot index {tree} with Pagefind: no such folder")
    selected = list(content_pages(tree) if pages is None else pages)
    binary = find_pagefind()
    bundle = tree / OUTPUT_FOLDER
    if bundle.exists():
        shutil.rmtree(bundle)  # a stale bundle from an earlier run would keep removed pages findable
    with tempfile.TemporaryDirectory(dir=tree.parent, prefix=".pagefind-") as scratch:
        mirror = Path(scratch) / "site"
        mirror.mkdir()
        for path in selected:
            _link(tree / path, mirror / path)
        # A site with no content pages yet still gets a (small) index: its search page then works.
        source = mirror if selected else tree
        args = [str(binary), "--site", str(source), "--output-path", str(bundle)]
        for selector in EXCLUDE_SELECTORS:
            args += ["--exclude-selectors", selector]
        log, seconds = _run(args, tree, budget or TimeBudget.from_context(None), Path(scratch) / "home")
    pages_found = _PAGES.search(log)
    words = _WORDS.search(log)
    if not (bundle / "pagefind.js").is_file():
        raise BuildError(
            f"Pagefind ran on {tree.name} but wrote no {OUTPUT_FOLDER}/pagefind.js", log_tail=log[-500:]
        )
    return PagefindResult(
        bundle=bundle,
        pages=int(pages_found.group(1)) if pages_found else 0,
        words=int(words.group(1)) if words else 0,
        seconds=seconds,
        log=log,
    )


def _link(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def _run(args: list[str], tree: Path, budget: TimeBudget, home: Path) -> tuple[str, float]:
    # HOME in a scratch folder beside the tree: Lambda's home is read-only, and Pagefind must write
    # nothing outside its bundle; the function's environment (its keys) never reaches it.
    env = child_environment(home)
    what = f"Pagefind (indexing {tree.name})"
    timeout = budget.allow(what)
    started = time.monotonic()
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(budget.exhausted(what, timeout)) from exc
    except OSError as exc:
        raise BuildError(f"Pagefind could not be started from {args[0]}: {exc}") from exc
    log = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-5:])
        if _NOTHING_TO_INDEX in log:
            raise BuildError(
                f"Pagefind found no page with text to index on {tree.name}: its pages hold text only in "
                "their header, navigation and footer, which search leaves out",
                log_tail=tail,
            )
        raise BuildError(f"Pagefind failed (exit {done.returncode}) on {tree.name}: {tail}", log_tail=tail)
    return log, time.monotonic() - started
