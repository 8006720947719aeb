"""The peer, measured the same way: wordpress-export-to-markdown (the npm converter bench-convert
runs), whose Markdown files become the content of a plain Hugo site that builds with Ananke, since
the peer writes no site and no theme of its own. Benchmark-only code: never imported by chalicelib.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bench.convert.run import PEER, PEER_SCRIPT, ensure_peer, peer_command
from chalicelib.wordpress.writer import toml_string

NAME = PEER


def available() -> str:
    """Empty when the peer can run; else why not (the bench then measures Presslift alone)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not PEER_SCRIPT.is_file():
        if shutil.which("npm") is None:
            return "npm is not installed"
        ensure_peer()
    return "" if PEER_SCRIPT.is_file() else f"{PEER} did not install"


def convert(export: Path, site: Path, base_url: str, title: str) -> str:
    """Converts `export` into `site/content` with the peer and writes a hugo.toml naming Ananke;
    returns the peer's error output when it failed, else ''."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    result = subprocess.run(
        peer_command(export, site / "content"), capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        return (result.stderr or result.stdout)[-1000:] or f"exit status {result.returncode}"
    (site / "hugo.toml").write_text(
        f'baseURL = {toml_string(base_url or "/")}\ntitle = {toml_string(title)}\ntheme = "ananke"\n',
        encoding="utf-8",
    )
    return ""
