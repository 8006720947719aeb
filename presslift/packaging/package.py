"""`make package`: Chalice's template merged with Presslift's infrastructure, transformed to plain
CloudFormation and checked, in one output folder.

    build/package/<stage>/
      sam.json             what `make deploy` deploys (SAM; `aws cloudformation package` uploads code)
      deployment.zip       the functions' code and runtime dependencies
      hugo-layer-x86_64.zip
      cloudformation.json  the same stack after the SAM transform (offline; for checks and review)
      merge.json           the generated merge template, for review
      findings.json        what the checks found (empty lists when all is well)

Runs Chalice in a child process; never talks to AWS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.prices import PriceTableError
from presslift.packaging import appmodel, bytecode, checks, dependencies, idlecost, project, template
from presslift.packaging.lambda_runtime import BOTO3_FLOOR, RuntimeMissing
from presslift.packaging.stage import PROJECT_ROOT, Stage, load_stage

OUT = PROJECT_ROOT / "build" / "package"
LAYER_FILE = f"hugo-layer-{template.ARCHITECTURE}.zip"
IMPORTS_CHECK = "imports in the Lambda runtime"
IDLE_CHECK = "no hourly-billed resources"


@dataclass
class Packaged:
    stage: Stage
    out: Path
    functions: list[appmodel.Function]
    findings: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    idle: idlecost.IdleCost | None = None
    idle_warning: str | None = None

    @property
    def ok(self) -> bool:
        return not any(self.findings.values())

    @property
    def sam(self) -> Path:
        return self.out / "sam.json"


def build_layer(out: Path) -> Path:
    """The Hugo (and Pagefind) layer from hugo_layer/, built if missing, copied beside the template."""
    from hugo_layer import build as layer_build

    arch = template.ARCHITECTURE
    built = layer_build.layer_path(layer_build.pinned_version(), arch)
    if not built.exists() or checks.layer_contents(built):  # missing, or built before it held Pagefind
        subprocess.run(
            [sys.executable, "-m", "hugo_layer.build", "--arch", arch], check=True, cwd=PROJECT_ROOT
        )
    target = out / LAYER_FILE
    shutil.copy2(built, target)
    return target


def run_chalice(project_dir: Path, out: Path, merge: Path, stage: str) -> None:
    staging = out / "chalice"
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", checks.REGION)}
    env.pop("AWS_ENDPOINT_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "presslift.packaging.chalice_cli",
            "--project-dir",
            str(project_dir),
            "package",
            "--stage",
            stage,
            "--merge-template",
            str(merge),
            "--template-format",
            "json",
            str(staging),
        ],
        check=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    for name in ("sam.json", "deployment.zip"):
        shutil.move(staging / name, out / name)
    staging.rmdir()


def check(packaged: Packaged, app: Any) -> dict[str, list[str]]:
    sam: dict[str, Any] = json.loads(packaged.sam.read_text())
    started = time.perf_counter()
    try:
        cfn = checks.sam_transform(sam)
        transform_findings: list[str] = []
    except Exception as exc:  # the translator's own error types carry the message we want to show
        cfn, transform_findings = {}, [f"SAM transform failed: {exc}"]
    packaged.seconds["transform"] = time.perf_counter() - started
    (packaged.out / "cloudformation.json").write_text(json.dumps(cfn, indent=1, sort_keys=True) + "\n")
    started = time.perf_counter()
    findings = {
        "cfn-lint (SAM)": checks.lint(sam),
        "SAM transform": transform_findings,
        "cfn-lint (CloudFormation)": checks.lint(cfn) if cfn else [],
        "least privilege": checks.wildcard_grants(cfn or sam),
        "one role per function": checks.roles_per_function(cfn or sam),
        "event sources": checks.event_sources(cfn, app, packaged.functions) if cfn else [],
        "queues": checks.queues(cfn or sam, packaged.functions),
        "deployment package": checks.package_contents(packaged.out / "deployment.zip"),
    }
    try:
        findings[IMPORTS_CHECK] = checks.package_imports(packaged.out / "deployment.zip")
    except RuntimeMissing as exc:
        packaged.notes.append(f"{IMPORTS_CHECK} (Python 3.12, boto3 {BOTO3_FLOOR}) skipped: {exc}")
    findings["layer"] = checks.layer_contents(packaged.out / LAYER_FILE)
    findings[IDLE_CHECK] = idlecost.findings(cfn or sam)
    packaged.idle_warning = idlecost.warning(cfn or sam)
    try:
        packaged.idle = idlecost.idle_cost(cfn or sam)
    except PriceTableError as exc:
        findings[IDLE_CHECK].append(str(exc))
    packaged.seconds["checks"] = time.perf_counter() - started
    return findings


def package(stage_name: str, out: Path | None = None, *, run_checks: bool = True) -> Packaged:
    """Write the stage's packaged stack to `out` (default build/package/<stage>) and check it."""
    stage = load_stage(stage_name)
    out = (out or OUT / stage_name).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    app = appmodel.load_app(stage)
    functions = appmodel.functions(app, stage)
    build_layer(out)
    merge = out / "merge.json"
    merge.write_text(
        json.dumps(template.merge_template(stage, functions, f"./{LAYER_FILE}"), indent=1) + "\n"
    )
    project_dir = project.assemble(stage, out.parent / f"{stage_name}-project")
    dependencies.vendor(PROJECT_ROOT / "requirements.txt", project_dir, OUT / "wheels-cp312")
    run_chalice(project_dir, out, merge, stage_name)
    packaged = Packaged(stage=stage, out=out, functions=functions)
    sam = json.loads(packaged.sam.read_text())
    template.keep_runner_environment_empty(sam, functions)
    packaged.sam.write_text(json.dumps(sam, indent=2) + "\n")
    python312 = bytecode.find_python312()
    if python312 is None:
        packaged.notes.append("no Python 3.12 here: the package ships without .pyc (slower cold starts)")
    else:
        count = bytecode.add_bytecode(out / "deployment.zip", python312)
        packaged.notes.append(f"{count} modules precompiled for Python 3.12 (unchecked-hash .pyc)")
    packaged.seconds["package"] = time.perf_counter() - started
    if run_checks:
        packaged.findings = check(packaged, app)
        (out / "findings.json").write_text(json.dumps(packaged.findings, indent=1) + "\n")
    return packaged
