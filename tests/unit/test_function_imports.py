"""A function's cold start imports `app` (every Lambda function's handler lives there), so what `app`
imports every function pays, on every cold start. The WordPress converter is for the convert function
alone: importing a small module of its package (the player hosts a page may load) must not load it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONVERTER = ("chalicelib.wordpress.converter", "chalicelib.wordpress.convert", "chalicelib.wordpress.html")
PROBE = "import json, sys; import app; print(json.dumps(sorted(sys.modules)))"


def test_importing_app_loads_no_part_of_the_converter() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert [m for m in modules if m in CONVERTER] == []
    assert "chalicelib.wordpress.providers" in modules  # what the build's page checks do need


def test_the_packages_names_still_import_on_first_use() -> None:
    from chalicelib import wordpress
    from chalicelib.wordpress import ConversionReport, ConvertOptions, convert_export

    assert callable(convert_export) and ConvertOptions().posts_section == "posts"
    assert ConversionReport().summary().startswith("Converted export")
    assert wordpress.convert_export is convert_export
    try:
        wordpress.not_a_name  # noqa: B018
    except AttributeError as error:
        assert "not_a_name" in str(error)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
