"""Reading a frozen dataclass from a TOML table, with errors that name the key.

`read_dataclass(cls, data, path, checks)` builds `cls` from the table `data` found at `path` (a dotted
key such as `code` or `cache[0]`): each field's key is checked by `checks[field]`, a key left out takes
the field's default, so defaults are written once, in the dataclass (a field without one is
required), and a key that is not a field is refused with a "did you mean" suggestion. Checks are
`(full key, value) -> value in its final type` and raise `Invalid(key, message)`; the caller adds the
file's name. Pure code: no file system.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields
from pathlib import PurePosixPath
from typing import Any, TypeVar

T = TypeVar("T")


class Invalid(Exception):
    """A value that is wrong at `key`; the caller adds the name of the file it came from."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key} {message}")
        self.key = key
        self.message = message


Check = Callable[[str, Any], Any]  # (the key's full name, its value) -> the value in its final type


def read_dataclass(
    cls: type[T], data: Mapping[str, Any], path: str, checks: Mapping[str, Check], **given: Any
) -> T:
    """An instance of the dataclass `cls` from the table `data` at `path`: each field's key is checked
    by `checks[name]`, a key left out takes the field's default (a field without one is required),
    `given` fields are not read, and a key that is not a field is refused with a suggestion."""
    names = [item.name for item in fields(cls)]  # type: ignore[arg-type]
    if unchecked := set(names) - set(checks) - set(given):
        raise TypeError(f"no check for {cls.__name__} field(s) {', '.join(sorted(unchecked))}")  # a bug here
    kwargs: dict[str, Any] = dict(given)
    for name in names:
        if name not in given and name in data:
            kwargs[name] = checks[name](key_of(path, name), data[name])
    for name in data:
        if name not in names:
            hint = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            suggestion = f"; did you mean {key_of(path, hint[0])!r}?" if hint else ""
            raise Invalid(
                key_of(path, name), f"is not a known key (known here: {', '.join(sorted(names))}){suggestion}"
            )
    for item in fields(cls):  # type: ignore[arg-type]
        if item.name not in kwargs and item.default is MISSING and item.default_factory is MISSING:
            raise Invalid(key_of(path, item.name), "is required")
    return cls(**kwargs)


def key_of(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(key, f"must be a string, not {describe(value)}")
    if not value.strip():
        raise Invalid(key, "must not be empty")
    return value


def strings(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Invalid(key, f"must be a list of strings, not {describe(value)}")
    return tuple(string(f"{key}[{i}]", item) for i, item in enumerate(value))


def choice(options: tuple[str, ...]) -> Check:
    def check(key: str, value: Any) -> str:
        text = string(key, value)
        if text not in options:
            raise Invalid(key, f"must be one of {', '.join(map(repr, options))}, not {text!r}")
        return text

    return check


def whole(low: int, high: int) -> Check:
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(key, f"must be a whole number, not {describe(value)}")
        if not low <= value <= high:
            raise Invalid(key, f"must be between {low} and {high}, not {value}")
        return value

    return check


def relative_path(key: str, value: Any) -> str:
    text = string(key, value)
    path = PurePosixPath(text)
    if path.is_absolute() or text.startswith("\\") or ".." in path.parts:
        raise Invalid(key, f"must be a path inside the repository, not {text!r}")
    return str(path)


def table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(key, f"must be a table, not {describe(value)}")
    return value


def describe(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return (
        f"{names.get(type(value), type(value).__name__)} ({value!r})"
        if not isinstance(value, dict)
        else "a table"
    )
