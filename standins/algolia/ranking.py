"""How the local Algolia answers a search: all words must match (the last as a prefix), ranked by field."""

from __future__ import annotations

import copy
import re
from typing import Any


def attribute_name(setting: str) -> str:
    match = re.fullmatch(r"\w+\((.+)\)", setting)
    return match.group(1) if match else setting


def values(record: dict[str, Any], dotted: str) -> list[str]:
    values: list[str] = []
    for name in (part.strip() for part in dotted.split(",")):
        value: Any = record
        for step in name.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        values.extend(flatten(value))
    return values


def flatten(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [text for item in value.values() for text in flatten(item)]
    if isinstance(value, list):
        return [text for item in value for text in flatten(item)]
    return [str(value)]


def all_text(record: dict[str, Any]) -> list[str]:
    return flatten({key: value for key, value in record.items() if key != "objectID"})


def match_rank(words: list[str], fields: list[set[str]]) -> int | None:
    """None unless every word (the last as a prefix) is in some field; else the best field's rank."""
    if not words:
        return 0
    best = 0
    for number, word in enumerate(words):
        last = number == len(words) - 1
        ranks = [
            rank
            for rank, tokens in enumerate(fields)
            if word in tokens or (last and any(token.startswith(word) for token in tokens))
        ]
        if not ranks:
            return None
        best = max(best, min(ranks))
    return best


def with_highlights(record: dict[str, Any], words: list[str]) -> dict[str, Any]:
    def mark(text: str) -> str:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for word in words:
            escaped = re.sub(rf"\b({re.escape(word)}\w*)", r"<mark>\1</mark>", escaped, flags=re.IGNORECASE)
        return escaped

    hit = copy.deepcopy(record)
    highlight: dict[str, Any] = {}
    for name in ("title", "content", "summary"):
        if isinstance(record.get(name), str):
            highlight[name] = {"value": mark(record[name]), "matchLevel": "full" if words else "none"}
    hit["_highlightResult"] = highlight
    content = record.get("content")
    if isinstance(content, str):
        hit["_snippetResult"] = {"content": {"value": mark(snippet(content, words)), "matchLevel": "full"}}
    return hit


def snippet(text: str, words: list[str], size: int = 30) -> str:
    tokens = text.split()
    start = 0
    for number, token in enumerate(tokens):
        if any(token.lower().startswith(word) for word in words):
            start = max(0, number - 5)
            break
    piece = " ".join(tokens[start : start + size])
    return ("… " if start else "") + piece + (" …" if start + size < len(tokens) else "")
