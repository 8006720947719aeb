"""`make deploy`'s first step: the stage's GitHub token into SSM Parameter Store as a SecureString.

CloudFormation cannot create SecureString parameters, so the stack only names them (parameter
`GitHubTokenParameter`) and grants reading exactly those; this writes the token from the deployer's
environment (`PRESSLIFT_GITHUB_TOKEN`) when set, and leaves an existing value alone otherwise. Webhook
secrets are per site, under `WebhookSecretsPath`: `presslift site add` generates and writes each.
The only module here that talks to AWS; it never prints or logs a value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: environment variable with the value -> the stack parameter naming where it is kept
SECRETS: dict[str, str] = {
    "PRESSLIFT_GITHUB_TOKEN": "GitHubTokenParameter",
}


def parameter_names(stage: str) -> dict[str, str]:
    """The stack parameters' defaults for `stage`: where its secrets and search keys live."""
    return {
        "WebhookSecretsPath": f"/presslift/{stage}/github/webhook-secret",
        "GitHubTokenParameter": f"/presslift/{stage}/github/token",
        "SearchKeysPath": f"/presslift/{stage}/search",
    }


def write_secrets(stage: str, ssm: Any, env: Mapping[str, str] | None = None) -> list[str]:
    """Put each secret found in `env`; returns the parameter names written (never the values)."""
    env = os.environ if env is None else env
    names = parameter_names(stage)
    written: list[str] = []
    for variable, parameter in SECRETS.items():
        value = env.get(variable)
        if not value:
            continue
        ssm.put_parameter(Name=names[parameter], Value=value, Type="SecureString", Overwrite=True)
        written.append(names[parameter])
    return written
