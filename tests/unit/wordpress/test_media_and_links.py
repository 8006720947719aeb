import io
import tarfile
import zipfile

import pytest

from chalicelib.wordpress.links import SiteMap, Target, original_of, uploads_relative
from chalicelib.wordpress.media import UploadsArchive, uploads_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("2025/03/a.png", "2025/03/a.png"),
        ("uploads/2025/03/a.png", "2025/03/a.png"),
        ("site/wp-content/uploads/2025/03/a.png", "2025/03/a.png"),
        ("../../etc/passwd.png", None),
        ("/abs/a.png", None),
        ("2025/03/shell.php", None),
        ("2025/03/.htaccess", None),
        ("2025/03/x.js", None),
    ],
)
def test_only_media_with_safe_names_come_from_the_archive(name, key):
    assert uploads_key(name) == key


def test_reads_zip_and_tar_archives(tmp_path):
    zpath = tmp_path / "uploads.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("2025/03/a.png", b"png")
        zf.writestr("2025/03/evil.php", b"<?php")
    tpath = tmp_path / "uploads.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        info = tarfile.TarInfo("wp-content/uploads/2025/03/a.png")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"png"))
    plain = tmp_path / "uploads.tar"  # WordPress.com's media export: a tar, not compressed
    with tarfile.open(plain, "w") as tf:
        info = tarfile.TarInfo("2025/03/a.png")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"png"))
    for path in (zpath, tpath, plain):
        archive = UploadsArchive(path)
        assert archive.files == {"2025/03/a.png"}
        archive.copy("2025/03/a.png", tmp_path / "out" / path.name / "a.png")
        assert (tmp_path / "out" / path.name / "a.png").read_bytes() == b"png"
        archive.close()
    assert UploadsArchive(zpath).skipped == ["2025/03/evil.php"]


@pytest.mark.parametrize(
    ("url", "rel"),
    [
        ("https://old.example/wp-content/uploads/2025/03/a-580x300.png", "2025/03/a-580x300.png"),
        ("https://cdn.example/site/wp-content/uploads/2025/03/a.png", "2025/03/a.png"),
        ("https://blog.files.wordpress.com/2008/06/canola2.jpg", "2008/06/canola2.jpg"),
        ("https://old.example/about/", ""),
        ("https://old.example/wp-content/uploads/../../x.png", ""),
    ],
)
def test_recognises_uploads_urls(url, rel):
    assert uploads_relative(url) == rel


def test_resized_variant_maps_to_its_original():
    assert original_of("2025/03/a-580x300.png") == "2025/03/a.png"


def sitemap() -> SiteMap:
    sm = SiteMap(hosts={"old.example"})
    sm.add_media("2025/03/a.png")
    sm.available = {"2025/03/a.png"}
    target = Target("/posts/hello/", "/posts/hello", True)
    sm.by_id[12] = target
    sm.by_path["/2025/03/hello/"] = target
    sm.term_urls[("category", "news")] = "/categories/news/"
    return sm


@pytest.mark.parametrize(
    ("url", "new"),
    [
        ("https://old.example/wp-content/uploads/2025/03/a-580x300.png", "/wp-content/uploads/2025/03/a.png"),
        ("https://www.old.example/2025/03/hello/#top", "/posts/hello/#top"),
        ("https://old.example/?p=12", "/posts/hello/"),
        ("/2025/03/hello", "/posts/hello/"),
        ("https://old.example/category/news/", "/categories/news/"),
        ("https://other.example/2025/03/hello/", None),
        ("mailto:a@old.example", None),
    ],
)
def test_rewrites_old_site_urls(url, new):
    assert sitemap().rewrite(url) == new


def test_links_devices_and_pipes_in_a_tar_are_skipped_and_said_so(tmp_path):
    path = tmp_path / "uploads.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        photo = tarfile.TarInfo("2025/03/a.png")
        photo.size = 3
        tf.addfile(photo, io.BytesIO(b"png"))
        for name, kind in (
            ("2025/03/passwd.png", tarfile.SYMTYPE),
            ("2025/03/hard.png", tarfile.LNKTYPE),
            ("2025/03/null", tarfile.CHRTYPE),
            ("2025/03/pipe", tarfile.FIFOTYPE),
        ):
            member = tarfile.TarInfo(name)
            member.type, member.linkname = kind, "/etc/passwd"
            tf.addfile(member)
        folder = tarfile.TarInfo("2025/04")
        folder.type = tarfile.DIRTYPE
        tf.addfile(folder)
    archive = UploadsArchive(path)
    assert archive.files == {"2025/03/a.png"}
    assert sorted(archive.skipped) == [
        "2025/03/hard.png",
        "2025/03/null",
        "2025/03/passwd.png",
        "2025/03/pipe",
    ]
    archive.close()


def test_a_link_in_a_zip_is_skipped_not_copied_as_a_file_holding_its_target(tmp_path):
    path = tmp_path / "uploads.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("2025/03/a.png", b"png")
        link = zipfile.ZipInfo("2025/03/passwd.png")
        link.external_attr = 0o120777 << 16  # S_IFLNK in the high bytes, as Info-ZIP stores a Unix link
        zf.writestr(link, "/etc/passwd")
    archive = UploadsArchive(path)
    assert archive.files == {"2025/03/a.png"} and archive.skipped == ["2025/03/passwd.png"]
    archive.close()


@pytest.mark.parametrize(
    ("site", "link"),
    [
        ("https://bücher.example/", "https://xn--bcher-kva.example/hello/"),
        ("https://xn--bcher-kva.example/", "https://BÜCHER.example/hello/"),
    ],
)
def test_a_sites_unicode_host_is_the_same_site_spelled_in_punycode(site, link):
    """A link written with the ASCII form of the site's own Unicode host stayed a link to the old
    site, and its upload was counted as kept elsewhere without a missing-media warning."""
    sm = SiteMap()
    sm.add_host(site)
    sm.by_path["/hello/"] = Target("/posts/hello/", "/posts/hello", True)
    assert sm.is_old_site(link) and sm.rewrite(link) == "/posts/hello/"
