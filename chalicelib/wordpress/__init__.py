"""WordPress export (WXR) to Hugo site source: the converter's public interface.

`convert_export(export, out_dir, uploads=..., options=..., progress=..., force=...)` reads a WXR
1.0-1.2 file and writes a complete Hugo site into `out_dir` (hugo.toml, content as page bundles, data,
static media, the default theme unless `options.theme` names another, and the Presslift shortcodes
the content calls in the site's own layouts/), returning a `ConversionReport`. Bad input raises
`chalicelib.errors.ConversionError` naming the problem and the line, and leaves `out_dir` untouched.
A non-empty `out_dir` is refused unless `force`, which replaces only what an earlier conversion
wrote there (its `.presslift-convert.json` manifest lists it).

This package must never import the operator CLI (`presslift`) or the local cloud, and never publish.

The four names are imported on first use: the package is also where small modules that other
functions need live (`providers`, the player hosts a page may load), and importing one of them must not
load the whole converter (0.2 s of every cold start of functions that never convert).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.wordpress.converter import convert_export
    from chalicelib.wordpress.options import ConvertOptions
    from chalicelib.wordpress.report import ConversionReport, ConversionWarning

__all__ = ["ConversionReport", "ConversionWarning", "ConvertOptions", "convert_export"]
_HOMES = {
    "convert_export": "chalicelib.wordpress.converter",
    "ConvertOptions": "chalicelib.wordpress.options",
    "ConversionReport": "chalicelib.wordpress.report",
    "ConversionWarning": "chalicelib.wordpress.report",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
