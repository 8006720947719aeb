"""`chalice` with the Lambda runtime pinned to python3.12, whatever Python runs it.

Chalice picks the runtime, and the wheels it packages, from the interpreter it runs under; the venv
is 3.11 and Lambda runs 3.12. Overriding that one property makes Chalice fetch cp312 manylinux wheels
for the compiled dependencies (lxml, PyYAML, MarkupSafe). Run as a separate process: Chalice writes
the stage's variables into os.environ.

    python -m presslift.packaging.chalice_cli --project-dir DIR package ...
"""

from __future__ import annotations

import sys

from chalice import config as chalice_config
from chalice.cli import main as chalice_main

RUNTIME = "python3.12"


def main() -> int:
    chalice_config.Config.lambda_python_version = property(lambda self: RUNTIME)  # type: ignore[method-assign,assignment]
    return int(chalice_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
