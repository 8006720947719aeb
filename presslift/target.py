"""Which pipeline a CLI command acts on: the local cloud by default, AWS when given a stage or profile.

Locally, the same ports and variables as `presslift up` (`PRESSLIFT_AWS_PORT`, `PRESSLIFT_API_PORT`).
With `--profile` or `--stage`, boto3 talks to AWS with that profile, and resource names are the
deployed stage's, derived from `chalicelib/resources.py` exactly as the packaged template names them.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from chalicelib.config import Settings
from chalicelib.errors import NotFoundError, PipelineError
from chalicelib.services import Services


def add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("which pipeline (default: the local cloud)")
    group.add_argument(
        "--stage",
        dest="aws_stage",
        metavar="DEPLOYMENT",
        help="a deployment on AWS: its Chalice stage (dev, prod)",
    )
    group.add_argument("--profile", help="the AWS profile to use (implies AWS)")


def stage_environment(stage: str) -> dict[str, str]:
    """The resource names of a deployed stage, derived as packaging derives them (one source of truth:
    `chalicelib/resources.py`, with the stage in each name, unless `.chalice/config.json` overrides)."""
    from presslift.packaging.stage import StageError, load_stage

    try:
        return dict(load_stage(stage).names)
    except StageError as exc:  # the one-line error every command gives (exit 2, `--debug` for more)
        raise NotFoundError(str(exc)) from exc


def stack_names(stack: str, cloudformation: Any = None) -> dict[str, str]:
    """The bucket names a deployed stack generated (unique per stack), from its Outputs: each bucket
    output's description is the variable it fills. Empty when the stack cannot be read."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = cloudformation or boto3.client("cloudformation")
        stacks = client.describe_stacks(StackName=stack)["Stacks"]
    except (BotoCoreError, ClientError):
        return {}
    outputs = stacks[0].get("Outputs", []) if stacks else []
    return {
        o["Description"]: o["OutputValue"]
        for o in outputs
        if o.get("Description", "").startswith("PRESSLIFT_")
    }


#: How long an operator's command waits for each AWS answer, and how many tries it makes: a function's
#: clients wait 60 s, five times, which kept an operator at an endpoint that never answers for five
#: minutes. PRESSLIFT_AWS_READ_TIMEOUT (seconds) sets it for a slow link.
READ_TIMEOUT_ENV = "PRESSLIFT_AWS_READ_TIMEOUT"
OPERATOR_READ_TIMEOUT = 20.0
OPERATOR_ATTEMPTS = 3


def operator_client_options() -> dict[str, Any]:
    raw = os.environ.get(READ_TIMEOUT_ENV, "").strip()
    try:
        seconds = float(raw) if raw else OPERATOR_READ_TIMEOUT
    except ValueError:
        raise PipelineError(f"{READ_TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if not 0 < seconds <= 900:
        raise PipelineError(f"{READ_TIMEOUT_ENV}={raw!r}: give between 0 and 900 seconds")
    return {"read_timeout": seconds, "max_attempts": OPERATOR_ATTEMPTS}


def pipeline_services(args: argparse.Namespace) -> Services:
    if getattr(args, "aws_stage", None) or getattr(args, "profile", None):
        if args.profile:
            os.environ["AWS_PROFILE"] = args.profile
        os.environ.pop("AWS_ENDPOINT_URL", None)
        env = {**os.environ}
        if args.aws_stage:
            env.update(stage_environment(args.aws_stage))
            env.update(stack_names(os.environ.get("PRESSLIFT_STACK", f"presslift-{args.aws_stage}")))
        return Services(Settings.from_env(env), client_options=operator_client_options())
    from presslift.localoptions import LocalCloudOptions, client_environment

    os.environ.update(client_environment(LocalCloudOptions()))
    return Services(Settings.from_env(), client_options=operator_client_options())
