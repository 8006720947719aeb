"""CloudFormation's intrinsic functions, evaluated against a local stand-in of a deployed stack.

Packaged mode reads the template that `make package` wrote and needs what CloudFormation would have
put in each function's environment and role: names, ARNs and URLs of the stack's own resources. This
module evaluates `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`,
the condition functions and the pseudo parameters, over the physical ids and attributes a `Scope`
holds. It never invents a value: anything it cannot resolve raises `Unresolved`, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "123456789012"  # moto's default account
NO_VALUE = object()


class Unresolved(LookupError):
    """The template refers to something this stand-in has no value for."""


@dataclass
class Scope:
    region: str
    stack_name: str
    parameters: dict[str, Any] = field(default_factory=dict)
    #: logical id -> what `Ref` returns
    refs: dict[str, Any] = field(default_factory=dict)
    #: (logical id, attribute) -> what `Fn::GetAtt` returns
    attributes: dict[tuple[str, str], Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    #: the last say for attributes this scope cannot know in advance (e.g. a distribution's domain)
    fallback: Callable[[str, str], Any] | None = None

    def pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT}:stack/{self.stack_name}/local",
        }

    def ref(self, name: str) -> Any:
        pseudo = self.pseudo()
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise Unresolved(f"Ref {name}")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if (logical_id, attribute) in self.attributes:
            return self.attributes[(logical_id, attribute)]
        if self.fallback is not None:
            found = self.fallback(logical_id, attribute)
            if found is not None:
                return found
        raise Unresolved(f"Fn::GetAtt {logical_id}.{attribute}")

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise Unresolved(f"Condition {name}")
        return bool(resolve(self.conditions[name], self))


_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


def _sub(template: str, variables: dict[str, Any], scope: Scope) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in variables:
            return str(variables[name])
        if "." in name and not name.startswith("AWS::"):
            logical_id, attribute = name.split(".", 1)
            return str(scope.get_att(logical_id, attribute))
        return str(scope.ref(name))

    return _SUB.sub(one, template).replace("${!", "${")


def resolve(value: Any, scope: Scope) -> Any:
    """`value` with every intrinsic function replaced by its value; `NO_VALUE` entries dropped."""
    if isinstance(value, list):
        return [item for item in (resolve(v, scope) for v in value) if item is not NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref":
            return scope.ref(argument)
        if key == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return scope.get_att(logical_id, attribute)
        if key == "Fn::Sub":
            if isinstance(argument, list):
                template, variables = argument
                return _sub(template, {k: resolve(v, scope) for k, v in variables.items()}, scope)
            return _sub(argument, {}, scope)
        if key == "Fn::Join":
            separator, items = argument
            return separator.join(str(item) for item in resolve(items, scope))
        if key == "Fn::Select":
            index, items = argument
            return resolve(items, scope)[int(resolve(index, scope))]
        if key == "Fn::Split":
            separator, text = argument
            return str(resolve(text, scope)).split(separator)
        if key == "Fn::If":
            name, when_true, when_false = argument
            return resolve(when_true if scope.condition(name) else when_false, scope)
        if key == "Fn::Equals":
            left, right = resolve(argument, scope)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not resolve(argument[0], scope)
        if key == "Fn::And":
            return all(resolve(argument, scope))
        if key == "Fn::Or":
            return any(resolve(argument, scope))
        if key == "Condition":
            return scope.condition(argument)
    resolved = {key: resolve(item, scope) for key, item in value.items()}
    return {key: item for key, item in resolved.items() if item is not NO_VALUE}
