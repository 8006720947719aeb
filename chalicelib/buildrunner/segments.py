"""How a site is cut into Hugo segments, so that several build runners each render a share of it.

Hugo's segmented rendering (gohugo.io/configuration/segments, Hugo 0.124 and later) loads the whole
site graph in every build but renders only the pages a named segment includes (`--renderSegments`):
every page's HTML, RSS and other outputs, its aliases and its page resources; static files are copied
by every segment. What a page shows of other pages (a list's summaries, and the images their
shortcodes resize) is rendered by each segment that renders such a page, so a blog whose lists show
summaries shares out its writing more than its content rendering.

The segments here split the pages on the last character of their logical path (`/posts/hello` →
`o`): N-1 segments each include a set of characters, and the last segment includes
every page kind and excludes exactly what the others include, so every page (the home page `/`, a
path ending in `-` or in a letter outside a-z, a kind Hugo adds later) is rendered by exactly one
segment whatever the site holds. The sets are balanced on how often slugs end in each character;
the balance is a guess, the completeness is not. The home page `/` (with its pagination, which on a
blog renders every post's summary) is the last segment's alone (`renders_home`): that segment is
the one that can tell a site with no layouts by its missing home page, and the build hands its
answer to the others (`BuildJob.theme_fallback`).

The config reaches Hugo as `HUGO_SEGMENTS` (JSON), like Presslift's security settings: Hugo applies
its environment after every config file and config folder (`hugo.toml`, `config/_default/`,
`config/production/`), so a repository cannot redefine these segments, as it could after
`--config site,ours` (Hugo's config folder is merged over the `--config` files). Each segment names
both `includes` and `excludes`, because Hugo merges a map from the environment into the config's
map of the same name and would otherwise keep a repository's `excludes` for it.

Pure: nothing here runs Hugo or reads anything; the runner and the build stage share it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from chalicelib.errors import BuildError

#: The environment variable that carries the segments to Hugo.
ENV = "HUGO_SEGMENTS"
MAX_SEGMENTS = 16

# How often a slug ends in each character (per 1,000, rounded; English titles and numbered posts).
# Only the balance between segments depends on it.
_ENDINGS = {
    "e": 130, "s": 100, "t": 70, "n": 70, "d": 60, "y": 50, "r": 50, "o": 30, "l": 30, "a": 30,
    "g": 30, "h": 20, "k": 20, "m": 20, "p": 12, "c": 12, "f": 10, "w": 10, "x": 8, "i": 8, "u": 8,
    "b": 6, "v": 4, "z": 4, "j": 2, "q": 2,
    **{digit: 20 for digit in "0123456789"},
}  # fmt: skip


def names(count: int) -> tuple[str, ...]:
    """The segments' names for a render split `count` ways ("presslift-1-of-3", ...)."""
    _check_count(count)
    return tuple(f"presslift-{index}-of-{count}" for index in range(1, count + 1))


def endings(count: int) -> tuple[str, ...]:
    """The path endings each of the first `count`-1 segments includes, as glob character sets
    (the last segment takes every other page)."""
    _check_count(count)
    bins: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    # The heaviest ending first, into the lightest segment (ties: the first): near-even shares.
    for char, weight in sorted(_ENDINGS.items(), key=lambda item: (-item[1], item[0])):
        lightest = loads.index(min(loads))
        bins[lightest].append(char)
        loads[lightest] += weight
    return tuple("".join(sorted(chars)) for chars in bins[:-1])


def config(count: int) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Hugo's `segments` config for a render split `count` ways, keyed by `names(count)`."""
    sets = endings(count)
    *firsts, last = names(count)
    segments = {
        name: {"includes": [{"path": f"**[{chars}]"}], "excludes": []}
        for name, chars in zip(firsts, sets, strict=True)
    }
    # Every page has a kind, so `**` includes it; the excludes are the other segments' includes.
    segments[last] = {"includes": [{"kind": "**"}], "excludes": [{"path": f"**[{''.join(sets)}]"}]}
    return segments


def hugo_env(count: int) -> dict[str, str]:
    """The environment that gives Hugo these segments, over whatever the repository's config says."""
    return {ENV: json.dumps(config(count), sort_keys=True)}


def render_args(name: str, count: int) -> tuple[str, ...]:
    """Hugo's arguments to render one of the segments; BuildError for a name that is not one."""
    if name not in names(count):
        raise BuildError(f"{name!r} is not one of the {count} segments of this build")
    return ("--renderSegments", name)


def renders_home(name: str, count: int) -> bool:
    """Whether the segment renders the home page (its path `/` ends in no letter or digit)."""
    return name == names(count)[-1]


def refuse_own_segments(flags: Iterable[str]) -> None:
    """BuildError when a repository's build flags pick segments themselves: its pick and the
    pipeline's would render the union, not the site either would give alone."""
    for flag in flags:
        if flag == "--renderSegments" or flag.startswith("--renderSegments="):
            raise BuildError(
                "presslift.toml's build_flags has --renderSegments, but this site is built in segments "
                "(presslift site update --build-segments): remove the flag, or set --build-segments 1"
            )


def _check_count(count: int) -> None:
    if type(count) is not int or not 2 <= count <= MAX_SEGMENTS:
        raise BuildError(f"a segmented build has 2 to {MAX_SEGMENTS} segments, not {count!r}")
