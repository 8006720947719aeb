"""WordPress export (WXR) to Hugo site source: the converter's public interface.

`convert_export(export, out_dir, uploads=..., options=..., progress=..., force=...)` reads a WXR
1.0-1.2 file and writes a complete Hugo site into `out_dir` (hugo.toml, content as page bundles, data,
static media, the default theme unless `options.theme` names another, and the Presslift shortcodes
the content calls in the site's own layouts/), returning a `ConversionReport`. Bad input raises
`chalicelib.errors.ConversionError` naming the problem and the line, and leaves `out_dir` untouched.
A non-empty `out_dir` is refused unless `force`, which replaces only what an earlier conversion
wrote there (its `.presslift-convert.json` manifest lists it).

This package must never import the operator CLI (`presslift`) or the local cloud, and never publish.
"""

from chalicelib.wordpress.converter import convert_export
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.report import ConversionReport, ConversionWarning

__all__ = ["ConversionReport", "ConversionWarning", "ConvertOptions", "convert_export"]
