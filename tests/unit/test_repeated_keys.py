"""A YAML key written twice in one mapping: found by the line scan whenever it is there, dropped but for
its last occurrence (as Hugo read it before 0.152) only where the data stays what PyYAML reads."""

from __future__ import annotations

import random

import pytest
import yaml

from chalicelib.repeatedkeys import _fixed_front_matter, _fixed_yaml, _some_key_twice, may_repeat


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "title: A\ndraft: true\ndate: 2020-01-01\ndraft: false\nresources:\n  - name: x\n",
            "title: A\ndate: 2020-01-01\ndraft: false\nresources:\n  - name: x\n",
        ),
        (  # nested, twice in one mapping (okfn.de's contact block)
            "contact:\n  website: a\n  twitter: t\n  website: b\n  github: g\n  github: h\nnext: 1\n",
            "contact:\n  twitter: t\n  website: b\n  github: h\nnext: 1\n",
        ),
        (  # the earlier one a folded block scalar, its lines go with it
            "description: >\n  one\n  two\ntitle: T\ndescription: final\n",
            "title: T\ndescription: final\n",
        ),
        ('"draft": true\ndraft: false\n', "draft: false\n"),  # quoted or not, one key
        ("items:\n  - a: 1\n    b: 2\n    b: 3\n  - b: 4\n", "items:\n  - a: 1\n    b: 3\n  - b: 4\n"),
    ],
)
def test_earlier_occurrences_are_dropped_and_the_data_kept(text: str, fixed: str) -> None:
    assert may_repeat(text) and _some_key_twice(text)
    result = _fixed_yaml(text.encode())
    assert result is not None and result.decode() == fixed
    assert yaml.safe_load(result) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  a: 2\n",  # the same key in two mappings
        "desc: |\n  title: x\n  title: y\ntitle: z\n",  # key-like lines inside a block scalar
        "list:\n  - a: 1\n  - a: 2\n",  # one key in each list item
        "m: {a: 1, a: 2}\n",  # a flow mapping: left for Hugo to report
        "items:\n  - a: 1\n    a: 3\n",  # the earlier one starts the list item's line
        "a: [1,\n  2]\nb: 3\n",
        "not: [valid\n",
    ],
)
def test_nothing_to_drop_or_nothing_droppable_leaves_the_text(text: str) -> None:
    assert _fixed_yaml(text.encode()) is None


def test_the_line_scan_never_misses_a_repeated_key() -> None:
    # Random nested block YAML with a repeat planted somewhere: the scan must always see it.
    rng = random.Random(7)

    def mapping(indent: int, depth: int, plant: bool) -> list[str]:
        keys = [f"k{n}" for n in range(rng.randrange(1, 5))]
        if plant:
            keys.insert(rng.randrange(len(keys) + 1), rng.choice(keys))
        lines = []
        for key in keys:
            roll = rng.random()
            if depth < 3 and roll < 0.3:
                lines.append(" " * indent + f"{key}:")
                lines += mapping(indent + 2, depth + 1, False)
            elif depth < 3 and roll < 0.45:
                lines.append(" " * indent + f"{key}:")
                item = mapping(indent + 4, depth + 1, False)
                lines.append(" " * (indent + 2) + "- " + item[0].lstrip())
                lines += item[1:]
            elif roll < 0.55:
                lines += [" " * indent + f"{key}: |", " " * (indent + 2) + "k0: text"]
            else:
                lines.append(" " * indent + f"{key}: value # k0: no")
        return lines

    for _ in range(500):
        text = "\n".join(mapping(0, 0, True)) + "\n"
        assert may_repeat(text) and _some_key_twice(text), text


def test_front_matter_only_is_read_and_the_body_kept() -> None:
    raw = b"---\ntitle: A\ndraft: true\ndraft: false\n---\nbody\ndraft: x\ndraft: y\n"
    assert _fixed_front_matter(raw) == b"---\ntitle: A\ndraft: false\n---\nbody\ndraft: x\ndraft: y\n"
    assert _fixed_front_matter(b"+++\ntitle = 'A'\n+++\n") is None
    assert _fixed_front_matter(b"---\ntitle: A\n---\n") is None
    assert _fixed_front_matter(b"---\ntitle: A\ntitle: B\n") is None  # never closed: Hugo says so


ALIAS_BOMB = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 9)
)


@pytest.mark.parametrize(
    "text",
    [
        "a" + " " * 300_000 + "b\n",  # a key-like start, then spaces: the scan stays linear
        "- " * 100_000 + "a: 1\n",  # lists opened on one line
        "a: 1\na: 2\nb: " + "[" * 5_000 + "\n",  # nesting PyYAML would recurse into
        '"' + "x" * 300_000 + '": 1\n',
        ALIAS_BOMB + "title: a\ntitle: b\n",  # 9 aliases 9 deep: 387 million values to compare
    ],
)
def test_hostile_yaml_is_left_to_hugo(text: str) -> None:
    assert _fixed_yaml(text.encode()) is None
