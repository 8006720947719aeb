"""The retired words of docs/vocabulary.md stay out of what people read: every `presslift` command's
--help and the dashboard's page templates."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from chalicelib.web import TEMPLATES
from presslift.cli import parser
from tests.conftest import ROOT

#: (what is retired, for what it must be called instead), as case-insensitive patterns. "ingest" stays
#: only in the import bucket's AWS resource names.
RETIRED = {
    r"(?<!presslift-)ingest(?!_bucket)": "import (the bucket's resource name keeps 'ingest')",
    r"\bconver(sion|ted|ting)\b": "import ('convert' is only the import's stage and the offline command)",
    r"\btarget stage": "target",
    r"\b(a|the|each|which) stage (holds|again|serves)|\bto a stage\b|\bon the stage\b": "target",
    r"\bstaging stage|\bprod stage": "the staging / prod target",
}


def helps(command: argparse.ArgumentParser, name: str = "presslift") -> Iterator[tuple[str, str]]:
    """(command, its --help) for the command and every subcommand below it."""
    yield name, command.format_help()
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from helps(sub, f"{name} {sub_name}")


def found(text: str) -> list[str]:
    text = " ".join(text.split())  # --help wraps its lines anywhere
    return [
        f"{match.group(0)!r} (say {instead})"
        for pattern, instead in RETIRED.items()
        for match in re.finditer(pattern, text, re.IGNORECASE)
    ]


def test_the_vocabulary_is_written_down_and_linked_from_the_architecture_page() -> None:
    vocabulary = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    for word in ("import", "kind", "stage", "target", "run", "artifact", "release", "site"):
        assert f"| **{word}** |" in vocabulary
    assert "(vocabulary.md)" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("command", "text"), [pytest.param(*pair, id=pair[0]) for pair in helps(parser())])
def test_no_command_help_uses_a_retired_word(command: str, text: str) -> None:
    assert found(text) == [], command


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda path: path.name)
def test_no_page_template_uses_a_retired_word(template: object) -> None:
    assert found(template.read_text(encoding="utf-8")) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "files waiting in the ingest bucket",
        "write the conversion report",
        "deploy an earlier artifact to a stage again",
        "the build a stage holds",
        "the target stage",
    ],
)
def test_the_check_finds_the_words_it_retired(text: str) -> None:
    assert found(text)


@pytest.mark.parametrize(
    "text",
    [
        "s3://presslift-ingest/imports/",
        "PRESSLIFT_INGEST_BUCKET",
        "only this stage's logs (convert, build, ...)",
        "dev, stage or prod for code sites",
        "a deployment on AWS: its Chalice stage (dev, prod)",
    ],
)
def test_the_check_leaves_the_words_that_stay(text: str) -> None:
    assert found(text) == []
