"""AWS operations as the grants analysis finds them in the code (calls.py): a client's attribute that is
a botocore operation, `get_paginator("...")`, s3transfer's managed transfers; and what one Lambda
function's code reaches. Pure: reads syntax trees, never imports the code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from presslift.packaging.aws_actions import SERVICES, TRANSFERS, iam_actions, operations
from presslift.packaging.codeindex import last_name


@dataclass(frozen=True, order=True)
class Call:
    """One AWS operation a function may send, with where in the code."""

    service: str
    operation: str  # botocore's name: PutObject
    where: str  # module:line

    @property
    def actions(self) -> tuple[str, ...]:
        return iam_actions(self.service, self.operation)


@dataclass
class Reach:
    """What one Lambda function's code can reach."""

    function: str  # Chalice's function name (the handler's name, or api_handler)
    calls: set[Call] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # every name and attribute its reachable code reads
    unresolved: set[str] = field(default_factory=set)
    #: Per call, the names read by the code that leads to it: the function that sends it and every
    #: function of this reach on a path to that one (a secret's name is read where the secret is asked
    #: for, not in the code beside it that only validates a site's settings).
    leading: dict[Call, frozenset[str]] = field(default_factory=dict)

    def names_leading_to(self, call: Call) -> frozenset[str]:
        return self.leading.get(call, frozenset(self.names))

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(action for call in self.calls for action in call.actions)

    def services(self) -> frozenset[str]:
        return frozenset(call.service for call in self.calls)


def distinctive(name: str) -> bool:
    """An operation name that no ordinary object would have (`put_object`, not `copy` or `publish`)."""
    return "_" in name.strip("_") and any(name in operations(s) for s in SERVICES)


def client_literal(call: ast.Call) -> str | None:
    """The service a call makes a client for (`make_client("s3")`, `self._client("ssm")`), if it does."""
    if "client" not in last_name(call.func).lower() or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and first.value in SERVICES:
        return str(first.value)
    return None


def operations_at(service: str, node: ast.Attribute, where: str) -> set[Call]:
    """The operations an attribute of a `service` client at `where` sends (none for other attributes)."""
    ops = operations(service)
    if node.attr in ops:
        return {Call(service, ops[node.attr], where)}
    if service == "s3" and node.attr in TRANSFERS:
        return {Call(service, op, where) for op in TRANSFERS[node.attr]}
    parent = getattr(node, "parent_call", None)
    if node.attr == "get_paginator" and isinstance(parent, ast.Call) and parent.args:
        name = parent.args[0]
        if isinstance(name, ast.Constant) and name.value in ops:
            return {Call(service, ops[name.value], where)}
    return set()


def link_calls(tree: ast.AST) -> None:
    """Let each called attribute know its call (`get_paginator`'s argument names the operation)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node.func.parent_call = node  # type: ignore[attr-defined]
