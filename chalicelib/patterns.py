"""Path patterns in presslift.toml: one syntax, gitignore's, for every key that takes them.

`[code]` include and exclude, `[[cache]]` pattern and `watch_paths` all read their patterns here, so a
pattern means the same thing wherever it is written. The syntax is .gitignore's (via `pathspec`), with
paths relative to the repository root (or, for `[[cache]]`, to the published site's root):

- a pattern with no slash (other than a trailing one) matches a name at any depth: `*.css` matches
  `main.css` and `css/main.css`; `content` matches `content/post.md` and `docs/content/a.md`;
- a pattern with a slash at its start or in the middle is anchored at the root: `/content` and
  `docs/*.md` match only from the top (`docs/a.md`, not `docs/sub/a.md` nor `site/docs/a.md`);
- `*` and `?` never cross a `/`; `**` spans folders: `src/**/*.py`, `**/__pycache__/**`;
- a pattern that matches a folder covers everything under it; a trailing `/` matches folders only;
- `[abc]` and `[!abc]` are character classes; `\\` escapes a special character;
- `!pattern` takes back what an earlier pattern of the same list matched (the last match wins), as
  in .gitignore: `["assets/**", "!assets/raw/**"]`.

A pattern with a `..` segment, an empty one or one gitignore cannot read is refused with a
`PatternError` naming the pattern; callers add where it was written. Pure code: no file system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pathspec import GitIgnoreSpec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

__all__ = ["PatternError", "Patterns"]

# Names no real path has: a folder is covered when every one of these paths under it matches.
_PROBES = ("\0a", "\0a/\0b", "\0a/\0b/\0c")
_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


class PatternError(ValueError):
    """A pattern that is not one; the message names the pattern and the reason."""


class Patterns:
    """A compiled list of patterns; a path matches when the last pattern that matches it is not `!`."""

    def __init__(self, patterns: tuple[str, ...], spec: GitIgnoreSpec) -> None:
        self.patterns = patterns
        self._spec = spec

    @classmethod
    def compile(cls, patterns: Iterable[str]) -> Patterns:
        """`Patterns.compile(["*.css"]).matches("css/main.css")` is True; bad patterns raise PatternError."""
        texts = tuple(patterns)
        for text in texts:
            _check(text)
        try:
            spec = GitIgnoreSpec.from_lines(texts)
        except ValueError as exc:
            raise PatternError(f"{exc}") from exc
        for text, compiled in zip(texts, spec.patterns, strict=True):
            if compiled.include is None:
                raise PatternError(f"pattern {text!r} is not a valid gitignore-style pattern")
        return cls(texts, spec)

    def matches(self, path: str) -> bool:
        return bool(self._spec.match_file(path.lstrip("/")))

    def matching(self, paths: Iterable[str]) -> list[str]:
        """The paths that match, sorted."""
        return sorted(path for path in paths if self.matches(path))

    def covers_folder(self, folder: str) -> bool:
        """Whether every path under `folder` matches, so a walk can skip it (.git, caches)."""
        return all(self.matches(f"{folder}/{probe}") for probe in _PROBES)

    def regex(self) -> str:
        """One regular expression that `re.search` finds in exactly the paths `matches` accepts (for
        the publish planner's Cache-Control rules, which are regexes). The last match wins: pattern i
        decides when it matches and no later pattern does."""
        regexes = [_plain(compiled) for compiled in self._spec.patterns]
        alternatives = []
        for index, compiled in enumerate(self._spec.patterns):
            if compiled.include:
                later = "".join(f"(?!{regex})" for regex in regexes[index + 1 :])
                alternatives.append(f"(?={regexes[index]}){later}")
        return "^(?:" + "|".join(alternatives) + ")" if alternatives else "(?!)"


def _check(text: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise PatternError(f"pattern {text!r} is empty")
    if ".." in text.lstrip("!").split("/"):
        raise PatternError(f"pattern {text!r} must stay inside the root (it has a '..' part)")
    if text.lstrip().startswith("#"):
        raise PatternError(f"pattern {text!r} starts with '#', a comment in gitignore (write '\\#')")


def _plain(compiled: GitIgnoreSpecPattern) -> str:
    """The pattern's regex, anchored at the start of the path, with its named groups made plain so
    several can sit in one expression."""
    assert compiled.regex is not None  # compile() refused null patterns
    body = _NAMED_GROUP.sub("(?:", compiled.regex.pattern)
    return body if body.startswith("^") else "^" + body
