"""Requirement lines are pins with optional hashes (bundle globs: tests/unit/test_patterns.py)."""

import pytest

from chalicelib.bundle import parse_requirements
from chalicelib.errors import InputError


def test_requirement_lines_keep_pins_hashes_and_line_numbers():
    text = (
        "# pinned by pip-compile\n"
        "six==1.16.0  # via app\n"
        "\n"
        "attrs==23.2.0 \\\n"
        "    --hash=sha256:aaa \\\n"
        "    --hash=sha256:bbb\n"
        'tomli==2.0.1; python_version < "3.0"\n'
    )
    pins = parse_requirements(text, "requirements.txt")
    assert [(str(pin.requirement), pin.line, pin.hashes) for pin in pins] == [
        ("six==1.16.0", 2, frozenset()),
        ("attrs==23.2.0", 4, frozenset({"aaa", "bbb"})),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("-r other.txt", "-r is not supported"),
        ("--index-url https://example.org/simple", "--index-url is not supported"),
        ("-e .", "-e is not supported"),
        ("demo @ https://example.org/demo.whl", "URL requirements"),
        ("not a requirement!!", "line 1"),
    ],
)
def test_requirement_lines_that_need_pip_or_network_are_refused(line, message):
    with pytest.raises(InputError, match=message):
        parse_requirements(line + "\n", "requirements.txt")
