import pytest

from chalicelib.errors import InputError
from chalicelib.ingest import parse_export_key


@pytest.mark.parametrize(
    ("key", "site", "name"),
    [
        ("imports/demo/export.xml", "demo", "export.xml"),
        ("imports/my-site-2/WordPress.2026-01-01.XML", "my-site-2", "WordPress.2026-01-01.XML"),
    ],
)
def test_export_keys_name_their_site(key, site, name):
    export = parse_export_key(key)
    assert export is not None
    assert (export.site, export.name) == (site, name)
    assert export.failed_key == "imports-failed/" + key[len("imports/") :]


@pytest.mark.parametrize(
    "key", ["imports/demo/uploads.zip", "other/demo/export.xml", "imports/demo/notes.txt"]
)
def test_other_keys_are_not_exports(key):
    assert parse_export_key(key) is None


@pytest.mark.parametrize(
    "key",
    ["imports/export.xml", "imports/a/b/export.xml", "imports/Bad_Site/export.xml", "imports/../export.xml"],
)
def test_malformed_export_keys_say_what_is_expected(key):
    with pytest.raises(InputError, match=r"imports/<site>/<name>\.xml|site name"):
        parse_export_key(key)
