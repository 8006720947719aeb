"""Bundle globs read like .gitignore; requirement lines are pins with optional hashes."""

import pytest

from chalicelib.bundle import GlobSet, glob_regex, parse_requirements
from chalicelib.errors import InputError


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/*", "a.py", True),
        ("**/*", "deep/down/a.py", True),
        ("*.pyc", "a.pyc", True),
        ("*.pyc", "pkg/sub/a.pyc", True),
        ("*.pyc", "a.pyc.txt", False),
        (".git/**", ".git/config", True),
        (".git/**", ".git/objects/ab/cdef", True),
        (".git/**", "sub/.git/config", False),
        ("**/__pycache__/**", "__pycache__/a.pyc", True),
        ("**/__pycache__/**", "pkg/__pycache__/a.pyc", True),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/sub/a.py", False),
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/x/y/a.py", True),
        ("/top.txt", "top.txt", True),
        ("/top.txt", "sub/top.txt", False),
        ("docs/", "docs/a/b.md", True),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file10.txt", False),
        ("[ab].py", "a.py", True),
        ("[!ab].py", "a.py", False),
        ("[!ab].py", "c.py", True),
        ("a+b(1).py", "a+b(1).py", True),
    ],
)
def test_globs_read_like_gitignore(pattern, path, matches):
    assert bool(glob_regex(pattern).fullmatch(path)) is matches


@pytest.mark.parametrize(
    ("patterns", "folder", "covered"),
    [
        ((".git/**",), ".git", True),
        (("**/__pycache__/**",), "pkg/__pycache__", True),
        (("docs/*",), "docs", False),
        (("*.pyc",), "pkg", False),
        (("node_modules/",), "node_modules", True),
    ],
)
def test_walk_skips_only_folders_an_exclude_covers_entirely(patterns, folder, covered):
    assert GlobSet(patterns).covers_folder(folder) is covered


@pytest.mark.parametrize("pattern", ["", "  ", "[abc.py"])
def test_malformed_globs_are_input_errors(pattern):
    with pytest.raises(InputError):
        glob_regex(pattern)


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
