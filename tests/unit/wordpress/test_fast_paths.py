"""The converter's shortcuts give exactly what the long way gives (issue 19: conversion speed).

Each shortcut is held to the function it stands in for, on hand-picked edge cases and on many
strings made by a seeded generator from the characters that matter to it.
"""

import json
import random
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from chalicelib.wordpress import writer
from chalicelib.wordpress.comments import comments_json
from chalicelib.wordpress.dates import iso_date, offset_of
from chalicelib.wordpress.links import url_host
from chalicelib.wordpress.plaintext import plain, plain_start
from chalicelib.wordpress.scan import LONG_RUN, PAYLOAD_HINT, _may_hold_payload
from chalicelib.wordpress.writer import records_json


def _host_the_long_way(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


@pytest.mark.parametrize(
    "url",
    [
        "http://Example.com/x",
        "https://WWW.a.b:80/",
        "https://a.b:8x/",
        "http://user@host/",
        "http://[::1]/",
        "http://[::1/",
        "HTTP://A/",
        "http://a?x",
        "http://a#b",
        "http:///x",
        "https://:80/",
        "http://ex\tample.com/",
        "  http://WWW.x.org  ",
        "http://é.com/",
        "http://a.b\\c/",
        "//cdn.example.com/a.png",
        "/wp-content/uploads/a.png",
        "",
    ],
)
def test_url_host_reads_hosts_as_urlsplit_does(url):
    assert url_host(url) == _host_the_long_way(url)


def test_url_host_agrees_with_urlsplit_on_generated_urls():
    rnd = random.Random(19)
    pieces = [*"hts:/.aW@[]?#0 \t\nA-xé%", "http://", "https://", "www.", ":8080"]
    for _ in range(20_000):
        url = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert url_host(url) == _host_the_long_way(url), url


def test_plain_start_is_the_start_of_plain():
    rnd = random.Random(19)
    pieces = ["<", ">", "&", "amp;", "&#38;", "&lt", " ", "\n", "\t", "word", "<p>", "</p>", '<a href="x">']
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 600)))
        length = rnd.randint(1, 80)
        assert plain_start(text, length) == plain(text)[:length], (text, length)


def test_plain_start_of_a_long_body():
    body = "<p>" + "Harbour &amp; <em>quay</em> day. " * 400 + "</p>"
    assert plain_start(body, 300) == plain(body)[:300]
    assert len(plain_start(body, 300)) == 300


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain words (with brackets)",
        "eval (x)",
        "x = atob('aGk=')",
        "<?php echo 1;",
        "A" * 299,
        "A" * 300,
        "word " + "Zm9v" * 80 + "==",
        "Zm9v" * 74 + " tail",
        " " * 400,
        "document.write(1)",
        "string.fromcharcode(1)",
    ],
)
def test_payload_hint_shortcut_agrees_with_the_patterns(text):
    expected = bool(PAYLOAD_HINT.search(text) or LONG_RUN.search(text))
    assert _may_hold_payload(text) == expected


def test_iso_dates_match_strftime_for_every_year():
    assert iso_date("2024-01-02 09:30:00", "2024-01-02 08:30:00") == "2024-01-02T09:30:00+01:00"
    assert iso_date("", "2024-01-02 08:30:00") == "2024-01-02T08:30:00+00:00"
    assert iso_date("0999-01-02 09:30:00", "", "+02:00") == (
        datetime(999, 1, 2, 9, 30).strftime("%Y-%m-%dT%H:%M:%S") + "+02:00"
    )
    assert iso_date("0000-00-00 00:00:00", "0000-00-00 00:00:00") == ""
    assert offset_of("2024-01-02 09:30:00", "2024-01-02 14:00:00") == "-04:30"


def test_payload_hint_shortcut_agrees_with_the_patterns_on_generated_texts():
    rnd = random.Random(19)
    pieces = ["eval", "atob", "(", " ", "\n", "\u2003", "x", "Zm9v" * 20, "<?php", "str_rot13", "A" * 149]
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        expected = bool(PAYLOAD_HINT.search(text) or LONG_RUN.search(text))
        assert _may_hold_payload(text) == expected, text


def test_records_json_is_what_json_dumps_writes():
    rnd = random.Random(19)
    values = [
        "",
        "plain",
        'q"uote\\',
        "é\u2028\x00\n</script>",
        0,
        -3,
        2**70,
        True,
        False,
        None,
        1.5,
        [1],
        {"a": 1},
    ]
    for _ in range(2_000):
        entries = [
            {
                rnd.choice(["id", "author", "content", "é"]): rnd.choice(values)
                for _ in range(rnd.randint(0, 4))
            }
            for _ in range(rnd.randint(0, 3))
        ]
        expected = json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
        assert records_json(entries) == expected, entries
        assert comments_json(entries) == expected, entries


def test_front_matter_entries_are_what_libyaml_writes_at_any_length():
    rnd = random.Random(19)
    alphabet = "abcXYZ019_/().,+!?&%$=;@':#-é "
    for _ in range(5_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.choice([1, 5, 70, 74, 75, 77, 80, 150, 300])))
        if rnd.random() < 0.2:
            text = rnd.choice(["true", "null", "2024-01-02", "12", "0x1F", "~", "yes"]) + text[:2]
        for value in (text, [text, "x"]):
            fast = writer._yaml_entry("featured_image", value)
            assert fast is None or fast == writer._yaml({"featured_image": value}), value
