"""The tools Presslift is measured against, run as their users run them: `aws s3 sync`, `hugo deploy`.

Both are separate processes pointed at the benchmark's moto server with dummy credentials; nothing
here reaches real AWS. Benchmark-only code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.publish.site import HUGO, ROOT

AWS = ROOT / ".venv" / "bin" / "aws"


def dummy_aws_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(work / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(work / "no-aws-credentials"),
    )
    return env


def aws_s3_sync(endpoint: str, bucket: str, tree: Path, work: Path) -> None:
    subprocess.run(
        [
            str(AWS),
            "s3",
            "sync",
            str(tree),
            f"s3://{bucket}/",
            "--delete",
            "--only-show-errors",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
        ],
        check=True,
        env=dummy_aws_env(work),
        capture_output=True,
        text=True,
    )


def hugo_deploy(endpoint: str, bucket: str, tree: Path, work: Path) -> None:
    """`hugo deploy` of `tree` through a throwaway project whose publishDir is that tree."""
    project = work / f"hugo-deploy-{bucket}"
    project.mkdir(parents=True, exist_ok=True)
    # gocloud.dev's S3 URL options (AWS SDK v2): endpoint, use_path_style, disable_https.
    url = f"s3://{bucket}?region=us-east-1&endpoint={endpoint}&use_path_style=true&disable_https=true"
    (project / "hugo.toml").write_text(
        f'baseURL = "https://bench.example/"\npublishDir = "{tree}"\n'
        f'[deployment]\n[[deployment.targets]]\nname = "bench"\nurl = "{url}"\n'
    )
    subprocess.run(
        [str(HUGO), "deploy", "--source", str(project), "--target", "bench", "--noBuildLock"],
        check=True,
        env=dummy_aws_env(work),
        capture_output=True,
        text=True,
    )


def versions() -> dict[str, str]:
    aws = subprocess.run([str(AWS), "--version"], capture_output=True, text=True).stdout.strip()
    hugo = subprocess.run([str(HUGO), "version"], capture_output=True, text=True).stdout.strip()
    return {"aws": aws, "hugo": hugo}
