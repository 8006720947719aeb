"""A build reads config/_default/ and config/production/, as Hugo does for a production build, never
another environment's folder: a real site's config/examples/ file, which repeats a TOML table, failed
the build of a site Hugo builds ("Presslift reads every config file Hugo would read")."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo_policy import check_source_paths, component_configs
from tests.conftest import write_tree


def test_only_the_default_and_production_folders_are_read(tmp_path: Path) -> None:
    site = write_tree(
        tmp_path / "site",
        {
            "config/_default/hugo.toml": b'title = "x"\n',
            "config/production/params.toml": b"x = 1\n",
            "config/examples/params.toml": b"[theme]\na = 1\n[theme]\nb = 2\n",
            "config/development/hugo.toml": b'[[module.mounts]]\nsource = "/proc/self"\ntarget = "static"\n',
        },
    )
    read = [path.relative_to(site).as_posix() for path, _ in component_configs(site)]
    assert read == ["config/_default/hugo.toml", "config/production/params.toml"]
    check_source_paths(site)  # the development folder's mount is never Hugo's in these builds
