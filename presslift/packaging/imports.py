"""The package's import check: everything the functions import is in the package or in Lambda's
runtime.

Lists every module of `chalicelib/` and `app`, and every import statement anywhere in them (inside
functions too: handlers import lazily to keep cold starts short, so a missing dependency would
otherwise surface only when that branch runs on AWS), from their syntax trees; skips `__future__` and
the bodies of `if TYPE_CHECKING:`. Then runs them all in the Lambda runtime stand-in (Python 3.12 with
only boto3 at the floor) with the unzipped deployment package as the only other path entry, as
/var/task is on Lambda. Each statement that fails is a finding that names the file, the line and
what is missing.

Reads the package and runs a child process; never talks to AWS and never writes into the package.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from presslift.packaging.lambda_runtime import LambdaRuntime

PROBE = Path(__file__).with_name("import_probe.py")
#: The code the functions run: Chalice packages app.py and chalicelib/ beside the vendored wheels.
OWN_CODE = ("app.py", "chalicelib/")


@dataclass(frozen=True)
class ImportStatement:
    """One import to try: where it is written (`chalicelib/x.py:12`) and what it says, made absolute."""

    where: str
    statement: str
    module: str


def module_name(path: str) -> str:
    """`chalicelib/search/algolia.py` -> `chalicelib.search.algolia`; a package's __init__ is the package."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def statements_in(source: str, path: str) -> list[ImportStatement]:
    """The import statements of one file, in order, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(source, filename=path)
    module, is_package = module_name(path), path.endswith("__init__.py")
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            type_only.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    found: list[ImportStatement] = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [ImportStatement(where, f"import {a.name}", a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            base = _absolute(node, module, is_package)
            names = ", ".join(a.name for a in node.names)
            found.append(ImportStatement(where, f"from {base} import {names}", base))
    return sorted(found, key=lambda s: (s.where.split(":")[0], int(s.where.split(":")[1])))


def statements_of_package(deployment_zip: Path) -> list[ImportStatement]:
    """Each own module imported by name, then every import statement written in them."""
    with zipfile.ZipFile(deployment_zip) as archive:
        paths = sorted(
            name
            for name in archive.namelist()
            if name.endswith(".py") and (name == OWN_CODE[0] or name.startswith(OWN_CODE[1]))
        )
        sources = {path: archive.read(path).decode("utf-8") for path in paths}
    found = [ImportStatement(path, f"import {module_name(path)}", module_name(path)) for path in paths]
    for path in paths:
        found += statements_in(sources[path], path)
    return found


def failures(deployment_zip: Path, runtime: LambdaRuntime) -> list[str]:
    """Run every import of the package in the runtime; one finding per statement that fails."""
    wanted = statements_of_package(deployment_zip)
    with tempfile.TemporaryDirectory(prefix="presslift-imports-") as scratch:
        task = Path(scratch) / "task"
        with zipfile.ZipFile(deployment_zip) as archive:
            archive.extractall(task)
        listed, result = Path(scratch) / "statements.json", Path(scratch) / "failures.json"
        listed.write_text(json.dumps([[s.where, s.statement] for s in wanted]))
        done = subprocess.run(
            [str(runtime.python), "-I", "-B", str(PROBE), str(task), str(listed), str(result)],
            env=lambda_environment(),
            cwd=task,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0 or not result.exists():
            return [f"the import check itself failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}"]
        failed = json.loads(result.read_text())
    by_statement = {(s.where, s.statement): s for s in wanted}
    return [describe(by_statement[(where, statement)], *rest) for where, statement, *rest in failed]


def describe(statement: ImportStatement, error: str, message: str, missing: str | None) -> str:
    if missing is not None:
        return f"{statement.where} imports {statement.module}: {missing} is not in the package or the runtime"
    return f"{statement.where} `{statement.statement}` fails in the runtime: {error}: {message}"


def lambda_environment() -> dict[str, str]:
    """What a function's process has that matters to an import: a region, no credentials, no
    PYTHON* variables (`-I` ignores them anyway), and nothing of this machine's AWS set-up."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "LAMBDA_TASK_ROOT": "/var/task",
    }
