"""`getJSON` and `getCSV`, which Hugo removed, written as the calls Hugo names to replace them.

An older theme or site reads remote data with `getJSON "https://api.github.com/repos/" $repo` (Learn's
example site lists its GitHub contributors so) or `getCSV ";" $url`; Hugo 0.168 has neither, and the
template does not even parse ("function "getJSON" not defined"), as with plain Hugo. Hugo's
replacement does the same: the parts joined into one URL, fetched with `resources.GetRemote` (cached
as getJSON was, an error failing the build as getJSON's did) and parsed with `transform.Unmarshal`
(CSV with its delimiter). The fetch stage writes that into the build's copy (never the repository):

    getJSON A B  ->  (transform.Unmarshal (resources.GetRemote (delimit (slice A B) "")))
    getCSV S A   ->  (transform.Unmarshal (dict "delimiter" S) (resources.GetRemote (delimit (slice A) "")))

so the site builds once its operator allows the host (Presslift's builds fetch from no other), and the
failure names the host until then. A map of HTTP headers as the last argument (Hugo's documented
`{{ $opts := dict "Authorization" "Bearer ..." }}{{ getJSON $url $opts }}`, or a `(dict ...)` in
place) becomes GetRemote's `headers` option, not part of the URL; an address piped in (`$url |
getJSON`, `$url | getCSV ";"`) is piped on to GetRemote; a variable counts as a map only when
the same template sets it from `dict`. A call this cannot read (markup it does
not follow, headers for a local file) is left as it is, for the build's hint to name.

A file of the site's own (`getCSV "," "data/douban/movie.csv"`: a name, not a web address) is read as
those functions read it, from the project's folder, with `os.ReadFile`, and given to
transform.Unmarshal as a resource named for its format (`resources.FromString`), since Unmarshal
guesses a string's format and a CSV file can read as YAML.

This module reads and rewrites only the templates below a site's layout folders.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from chalicelib.notes import named_files
from chalicelib.themelayouts import ACTION, layout_roots, templates

_CALL = re.compile(rb"(?<![\w.$])(getJSON|getCSV)(?=[\s(])")
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_WORD = re.compile(rb"[^\s()|`\"}]+")
_NAMES = {"getJSON": "getJSON", "getCSV": "getCSV"}
# `$opts := dict ...`, `$opts = (dict ...)`: a variable the template sets to a map.
_MAP_VARIABLE = re.compile(rb"(\$\w+)[ \t]*:?=[ \t]*\(?dict\b")


def replace_remote_data(site_root: Path) -> list[str]:
    """Rewrite each getJSON and getCSV call the site's templates make; one note per function."""
    if (site_root / "layouts").is_symlink():
        return []
    used: dict[str, list[str]] = {}
    for path in templates(layout_roots(site_root)):
        try:
            text = path.read_bytes()
        except OSError:
            continue
        if b"getJSON" not in text and b"getCSV" not in text:
            continue
        changed, names = rewrite(text)
        for name in names:
            used.setdefault(name, []).append(path.relative_to(site_root).as_posix())
        if changed != text:
            path.write_bytes(changed)
    return [_note(name, files) for name, files in sorted(used.items())]


def rewrite(text: bytes) -> tuple[bytes, list[str]]:
    """`text` with each call it can read rewritten; the functions rewritten."""
    out = bytearray()
    done: list[str] = []
    position = 0
    actions = [(m.start(), m.end()) for m in ACTION.finditer(text)]
    starts = [start for start, _ in actions]
    maps = set(_MAP_VARIABLE.findall(text))
    for call in _CALL.finditer(text):
        if call.start() < position or not _in_action(actions, starts, call.start()):
            continue
        args, end = _arguments(text, call.end())
        name = call.group(1).decode()
        headers = b""
        if args and (args[-1].startswith(b"(dict") or args[-1] in maps):
            headers, args = b' (dict "headers" ' + args[-1] + b")", args[:-1]
        if args is not None and _piped(text, call.start()) and len(args) == (1 if name == "getCSV" else 0):
            # `$url | getJSON`: the address is the pipeline's, given last, as it is to the replacement
            options = b' (dict "delimiter" ' + args[0] + b")" if name == "getCSV" else b""
            out += text[position : call.start()] + b"resources.GetRemote | transform.Unmarshal" + options
            position = end
            done += [] if name in done else [name]
            continue
        if args is None or not args or (name == "getCSV" and len(args) < 2):
            continue
        if any(arg.startswith((b"(dict", b"dict")) for arg in args):
            continue  # a map anywhere else: not a call this reads
        first_url = args[1] if name == "getCSV" else args[0]
        parts = args[1:] if name == "getCSV" else args
        joined = b"(delimit (slice " + b" ".join(parts) + b') "")'
        if first_url.startswith((b'"', b"`")) and not re.match(rb'["`]https?://', first_url):
            if headers:
                continue  # headers for a file of the site's own: not a call this reads
            fetched = _local_file(name, joined)
        else:
            fetched = b"(resources.GetRemote " + joined + headers + b")"
        options = b'(dict "delimiter" ' + args[0] + b") " if name == "getCSV" else b""
        out += text[position : call.start()] + b"(transform.Unmarshal " + options + fetched + b")"
        position = end
        if name not in done:
            done.append(name)
    out += text[position:]
    return bytes(out), done


def _local_file(name: str, joined: bytes) -> bytes:
    """A file of the site's own, read as getJSON and getCSV read it (from the project's folder), given
    a name whose extension says its format: transform.Unmarshal guesses a string's format."""
    kind = b"json" if name == "getJSON" else b"csv"
    resource_name = b'(printf "presslift/' + name.lower().encode() + b"/%s." + kind + b'" ' + joined + b")"
    return b"(resources.FromString " + resource_name + b" (os.ReadFile " + joined + b"))"


def _piped(text: bytes, at: int) -> bool:
    """Whether the call at `at` is a later stage of a pipeline (`... | getJSON`)."""
    before = text[max(0, at - 64) : at].rstrip()
    return before.endswith(b"|")


def _in_action(actions: list[tuple[int, int]], starts: list[int], at: int) -> bool:
    """Whether `at` is inside a template action (`{{ ... }}`), not in markup or a comment."""
    index = bisect.bisect_right(starts, at) - 1
    return index >= 0 and actions[index][0] < at < actions[index][1]


def _arguments(text: bytes, at: int) -> tuple[list[bytes] | None, int]:
    """The arguments after a call at `at`, up to the end of its pipeline stage, and where they end;
    None for what this does not follow."""
    args: list[bytes] = []
    i = at
    while True:
        while i < len(text) and text[i : i + 1] in (b" ", b"\t", b"\n", b"\r"):
            i += 1
        rest = text[i : i + 3]
        if not rest or rest.startswith((b")", b"|", b"}}", b"-}}")) or rest == b"- }":
            # the argument list ends before the space that led here
            return args, _back_over_space(text, i, at)
        if text[i : i + 1] == b"(":
            close = _matching_paren(text, i)
            if close is None:
                return None, at
            args.append(text[i : close + 1])
            i = close + 1
            continue
        found = _STRING.match(text, i) or _WORD.match(text, i)
        if found is None:
            return None, at
        args.append(found.group(0))
        i = found.end()
        if len(args) > 32:
            return None, at


def _back_over_space(text: bytes, i: int, floor: int) -> int:
    while i > floor and text[i - 1 : i] in (b" ", b"\t", b"\n", b"\r"):
        i -= 1
    return i


def _matching_paren(text: bytes, start: int) -> int | None:
    depth = 0
    i = start
    while i < len(text):
        char = text[i : i + 1]
        if char in (b'"', b"`"):
            found = _STRING.match(text, i)
            if found is None:
                return None
            i = found.end()
            continue
        if char == b"}" and text[i : i + 2] == b"}}":
            return None
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _note(name: str, files: list[str]) -> str:
    where = named_files(files)
    uses = "uses" if len(files) == 1 else "use"
    return (
        f"{where} {uses} {name}, which Hugo no longer has: built with resources.GetRemote (os.ReadFile for "
        "a file of the site's own) and transform.Unmarshal, which do the same (the site's operator allows "
        "the hosts it reads from; "
        "update the theme to a release for this Hugo)"
    )
