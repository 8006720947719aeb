"""Every key that arrives in the ingest bucket gets an answer: an export, a rejection with its reason
(and the site, when the key names one), or None only for what waits or is Presslift's own."""

import pytest

from chalicelib.ingest import ExportKey, Rejected, classify


def test_an_export_is_an_export():
    assert classify("imports/demo/export.xml") == ExportKey("demo", "export.xml", "imports/demo/export.xml")
    # WordPress.com's zip, a gzipped export, and the first (or only) file `wp export` writes
    for name in ("demo.wordpress.com-2026-05-01.zip", "export.xml.gz", "demo.wordpress.2026-05-01.000.xml"):
        assert classify(f"imports/demo/{name}") == ExportKey("demo", name, f"imports/demo/{name}")


@pytest.mark.parametrize(
    "key",
    [
        "imports/demo/uploads.zip",  # waits for its export
        "imports/demo/uploads.tar.gz",
        "imports/demo/uploads.tar",  # WordPress.com's media export is a plain tar
        "imports-failed/demo/notes.txt",  # Presslift's own: rejecting it again would loop
        "imports-failed/demo/notes.txt.error.txt",
        "imports/demo/",  # a folder made in the S3 console
        "imports/",
    ],
)
def test_what_waits_or_is_presslifts_own_is_left_alone(key):
    assert classify(key) is None


@pytest.mark.parametrize(
    ("key", "site", "words"),
    [
        ("imports/demo/notes.txt", "demo", "neither a WordPress export (.xml, .xml.gz, or a .zip of them)"),
        ("imports/demo/media.tar.gz", "demo", "uploads.zip"),
        ("imports/demo/demo.wordpress.2026-05-01.001.xml", "demo", "put all the parts in one .zip"),
        ("imports/demo/sub/export.xml", "demo", "not in a site's folder"),
        ("imports/export.xml", None, "not in a site's folder"),
        ("imports/Bad_Site/export.xml", None, "site name 'Bad_Site' is not valid"),
        ("imports/Bad_Site/notes.txt", None, "neither a WordPress export"),
        ("export.xml", None, "is outside imports/"),
        ("exports/demo/export.xml", None, "is outside imports/"),
    ],
)
def test_anything_else_is_rejected_with_the_reason_and_its_site(key, site, words):
    rejected = classify(key)
    assert isinstance(rejected, Rejected)
    assert rejected.key == key and rejected.site == site
    assert words in rejected.reason
    assert any(
        where in rejected.reason
        for where in ("imports/<site>/<name>.xml", "site name", "imports/demo/<name>.zip")
    )
