"""The build runner: where a repository's code (Hugo with its config and templates, Pagefind over what
they rendered) runs, apart from everything the pipeline holds.

The trusted build stage writes a `BuildJob` (`job.py`): presigned URLs to GET the source tarball and to
PUT the rendered trees' tarball and the log, what to render, and how long it may take. A runner
(`invoke.py`) carries it out: on AWS a Lambda function of its own whose role can only write its logs
and whose environment holds nothing, locally a child process with an allowlisted environment. The
work itself is `render.py`; the result is a small `RunnerResult`.

The runner side of this package must never read a setting, a secret or a credential, nor make an AWS
client call; the build stage's side must never trust what the runner returns beyond parsing and
checking it.
"""

from __future__ import annotations

#: The runner function's name in the app (`app.py`), the template and its grants.
FUNCTION = "build_runner"
