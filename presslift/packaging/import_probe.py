"""Runs inside the Lambda runtime stand-in (`lambda_runtime.py`), not in Presslift's venv: executes
import statements against an unzipped deployment package and writes down the ones that fail.

    python3.12 -I import_probe.py <task dir> <statements.json> <failures.json>

`statements.json` is a list of `[where, statement]`; `failures.json` gets `[where, statement, error
type, message, missing module or null]` for each statement that raised. The task dir goes first on
sys.path, as /var/task does on Lambda; everything else on the path is the runtime's own.

Standard library only, and never imports presslift: the runtime has neither.
"""

from __future__ import annotations

import json
import os
import sys


def probe(task: str, statements: list[list[str]]) -> list[list[str | None]]:
    sys.path.insert(0, task)
    os.chdir(task)
    failures: list[list[str | None]] = []
    for where, statement in statements:
        try:
            exec(statement, {"__name__": "__probe__"})  # statements from our own AST walk
        except BaseException as exc:  # an import may raise anything, even SystemExit
            missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
            failures.append([where, statement, type(exc).__name__, str(exc), missing])
    return failures


def main(argv: list[str]) -> int:
    task, statements_file, failures_file = argv
    with open(statements_file, encoding="utf-8") as source:
        statements = json.load(source)
    failures = probe(task, statements)
    with open(failures_file, "w", encoding="utf-8") as out:
        json.dump(failures, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
