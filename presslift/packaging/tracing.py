"""X-Ray tracing as an opt-in stack parameter: off (PassThrough) by default, so it costs nothing
unless asked; `Tracing=Active` turns on active tracing for every function and, only then, grants
each function's role the two X-Ray actions Lambda needs to send its segments.

The grant sits inside each role's policies behind `Fn::If`, not in a separate conditional policy: a
function with active tracing is checked for the permission when it is created, so the grant must come
with the role the function already depends on. Pure: builds template pieces.
"""

from __future__ import annotations

from typing import Any

from presslift.packaging.logical import ref

PARAMETER = "Tracing"
CONDITION = "TracingActive"
ACTIVE = "Active"
#: AWS::Lambda::Function TracingConfig.Mode's allowed values; SAM's `Tracing` property passes it on.
MODES = ("PassThrough", ACTIVE)
#: What Lambda calls with the function's role to send traces; X-Ray has no resource-level permissions.
ACTIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")


def parameters() -> tuple[dict[str, Any], dict[str, Any]]:
    """The stack parameter and the condition that is true when it asks for active tracing."""
    return (
        {
            PARAMETER: {
                "Type": "String",
                "Default": MODES[0],
                "AllowedValues": list(MODES),
                "Description": "X-Ray tracing of every function: Active records traces (billed per "
                "trace), PassThrough (default) records none",
            }
        },
        {CONDITION: {"Fn::Equals": [ref(PARAMETER), ACTIVE]}},
    )


def function_properties() -> dict[str, Any]:
    """The SAM function property: the parameter's mode (SAM writes it as TracingConfig.Mode)."""
    return {"Tracing": ref(PARAMETER)}


def role_policy(function_logical_id: str) -> dict[str, Any]:
    """The role policy granting the X-Ray actions when tracing is active, and nothing otherwise."""
    return {
        "Fn::If": [
            CONDITION,
            {
                "PolicyName": f"{function_logical_id}Tracing",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": list(ACTIONS), "Resource": "*"}],
                },
            },
            ref("AWS::NoValue"),
        ]
    }
