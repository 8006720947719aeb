"""Which AWS operations each Lambda function can reach: a static analysis (`ast`) of `app.py` and
`chalicelib/`, so the role grants follow from the code instead of a hand-written list.

The entry points are the handlers the app registers (`@app.on_sqs_message`, `@app.schedule`, ...:
one function each, by its name) and every `@app.route` view (together the API handler). From them the
analysis follows names through imports, modules, classes and methods, and records each attribute of
an AWS client that is a botocore operation (`s3.put_object`, also as a reference: `partial(s3.delete_
objects, ...)`), `get_paginator("list_objects_v2")`, and s3transfer's managed transfers.

How it knows what a name is, and where it over-approximates (grants more, never less):
- values are sets of what an expression may be: a class instance (from annotations, constructors and
  `self.x = ...`), a function, a module, or an AWS client. A client is made by a call whose callee's
  name contains `client` and whose first argument is a service's name (`make_client("s3")`,
  `self._client("ssm")`); clients then flow through assignments, attributes, returns and arguments
  (every call site's arguments join the parameter, flow-insensitively, over the whole code base);
- a method called on a value of unknown type resolves to every method of that name in the code base,
  except the methods of Python's own containers and strings (`.get`, `.items`): on a value of unknown
  type those are a dict's; values from plain data (`json.loads`, an annotated `dict`, a loop over
  `message.get("Records", [])`, a caught exception, `super()`) are typed as such;
- a function referred to (a callback, a handler passed along) counts as called; a nested function
  or lambda is part of its enclosing function; a class that is built brings all its dunder methods;
- a module's top-level code runs for every function that reaches anything in it.
An attribute that reads like an operation (`put_object`) on a value the analysis cannot type is
reported in `Reach.unresolved`, so code it cannot follow fails the grants test instead of going
ungranted. Never imports the code it reads; pure apart from reading the files.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from presslift.packaging.awscalls import Call, Reach, client_literal, distinctive, link_calls, operations_at
from presslift.packaging.codeindex import CodeIndex, Function, last_name, top_level_nodes
from presslift.packaging.stage import PROJECT_ROOT

_ROUTE_DECORATORS = {"route"}
#: Calls that call their first argument with the rest: functools.partial, Executor.submit.
_PASS_ALONG = {"partial", "submit"}
_LITERALS = (
    ast.Dict,
    ast.List,
    ast.Set,
    ast.Tuple,
    ast.DictComp,
    ast.ListComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.JoinedStr,
    ast.Constant,
)
#: Nodes that bind a local name (`CodeBase._locals`), and nodes that carry values out (`_flow`).
_BINDINGS = (
    ast.Assign,
    ast.AnnAssign,
    ast.NamedExpr,
    ast.withitem,
    ast.ExceptHandler,
    ast.For,
    ast.comprehension,
)
_CARRIERS = (ast.Return, ast.Assign, ast.AnnAssign, ast.Call)
#: Values whose attributes resolve without guessing (external: a type from outside the code base).
_TYPED = ("module", "class", "classref", "client", "external")


#: Methods of Python's containers and strings (see `CodeBase._eval`).
_BUILTIN_METHODS: frozenset[str] = frozenset(
    name for kind in (dict, list, set, str, bytes, tuple) for name in dir(kind) if not name.startswith("_")
)


class CodeBase(CodeIndex):
    """What flows where in the code base: the values of names, arguments, returns and attributes."""

    def __init__(
        self, root: Path = PROJECT_ROOT, app_file: str = "app.py", package: str = "chalicelib"
    ) -> None:
        super().__init__(root, app_file, package)
        self.params: dict[tuple[str, str], set[str]] = {}
        self.returns: dict[str, set[str]] = {}
        self.attributes: dict[tuple[str, str], set[str]] = {}
        # The classes with a field or assigned attribute of each name (for untyped receivers).
        self._owners: dict[str, set[str]] = {}
        for cls_name, cls in self.classes.items():
            for attr in cls.fields:
                self._owners.setdefault(attr, set()).add(cls_name)
        # Each function's nodes that bind a local, and that carry values elsewhere, walked once:
        # the solver visits every function up to a dozen times.
        self._bindings: dict[str, list[ast.AST]] = {}
        self._carriers: dict[str, list[ast.AST]] = {}
        self._edges: dict[str, tuple[set[str], set[Call], set[str], set[str]]] = {}
        self._solve()

    def _attribute(self, qual: str, attr: str, *, instance: bool) -> set[str]:
        found: set[str] = set()
        for cls_name in [*self._mro(qual), *self._subclasses(qual)]:
            cls = self.classes[cls_name]
            if attr in cls.methods:
                method = self.functions[cls.methods[attr]]
                found.add(f"func:{method.qualname}")
                if instance and method.is_property:
                    found |= self.returns.get(method.qualname, set())
            if attr in cls.fields:
                found |= self._annotation(cls.module, cls.fields[attr])
            found |= self.attributes.get((cls_name, attr), set())
        return found

    def _annotation(self, module: str, node: ast.expr | None) -> set[str]:
        if node is None:
            return set()
        if isinstance(node, ast.BinOp):
            return self._annotation(module, node.left) | self._annotation(module, node.right)
        if isinstance(node, ast.Constant) and node.value is None:
            return set()
        if isinstance(node, (ast.Name, ast.Attribute)):
            static = self._eval_static(module, node)
            if last_name(node) == "Any" or "any:" in static:
                return set()  # unknown: the value's own flow decides
            classes = {f"class:{v.split(':', 1)[1]}" for v in static if v.startswith("classref:")}
            return classes or {"external:"}
        # dict[str, X], Callable[..., Y], Mapping[...]: not a class of the code base.
        return {"external:"}

    # -- values
    def _locals(self, function: Function) -> dict[str, set[str]]:
        env: dict[str, set[str]] = {}
        if isinstance(function.node, ast.Module):
            return env
        for index, name in enumerate(function.params):
            env[name] = set(self.params.get((function.qualname, name), set()))
            if index == 0 and function.cls and name in ("self", "cls"):
                env[name].add(f"{'classref' if name == 'cls' else 'class'}:{function.cls}")
        args = function.node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            env[arg.arg] |= self._annotation(function.module, arg.annotation)
        for _ in range(2):  # flow-insensitive: every assignment of a name joins its value
            for node in self._nodes(function)[0]:
                if isinstance(node, ast.Assign):
                    value = self._eval(function, node.value, env)
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            env.setdefault(target.id, set()).update(value)
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    value = self._annotation(function.module, node.annotation)
                    if node.value is not None:
                        value |= self._eval(function, node.value, env)
                    env.setdefault(node.target.id, set()).update(value)
                elif isinstance(node, ast.NamedExpr):
                    env.setdefault(node.target.id, set()).update(self._eval(function, node.value, env))
                elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                    value = self._eval(function, node.context_expr, env)
                    env.setdefault(node.optional_vars.id, set()).update(value)
                elif isinstance(node, ast.ExceptHandler) and node.name:
                    # the exception caught: one of the code base's classes, or else botocore's or Python's
                    caught = {
                        f"class:{v.split(':', 1)[1]}"
                        for v in (self._eval(function, node.type, env) if node.type else set())
                        if v.startswith("classref:")
                    }
                    env.setdefault(node.name, set()).update(caught or {"external:"})
                elif isinstance(node, (ast.For, ast.comprehension)) and self._plain_data(
                    function, node.iter, env
                ):
                    for bound in ast.walk(node.target):
                        if isinstance(bound, ast.Name):
                            env.setdefault(bound.id, set()).add("external:")
        return env

    def _nodes(self, function: Function) -> tuple[list[ast.AST], list[ast.AST]]:
        """The nodes of `function` that bind a local name, and those that return, assign or call."""
        qual = function.qualname
        if qual not in self._bindings:
            walked = list(ast.walk(function.node))
            self._bindings[qual] = [node for node in walked if isinstance(node, _BINDINGS)]
            self._carriers[qual] = [node for node in walked if isinstance(node, _CARRIERS)]
        return self._bindings[qual], self._carriers[qual]

    def _plain_data(self, function: Function, node: ast.expr, env: dict[str, set[str]]) -> bool:
        """Whether `node` takes a container out of plain data (`message.get("Records", [])`,
        `record["s3"]`, `data.items()` on what `json.loads` gave): what it yields is plain data too, so
        `record.get(...)` in the loop is a dict's method, not every `get` of the code base. Iterating
        anything else (a list a function is annotated to return) leaves the loop variable unknown."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr not in ("get", "items", "values", "keys"):
                return False
            receiver = node.func.value
        elif isinstance(node, ast.Subscript):
            receiver = node.value
        else:
            return False
        return self._eval(function, receiver, env) == {"external:"}

    def _eval(self, function: Function, node: ast.expr, env: dict[str, set[str]]) -> set[str]:
        if isinstance(node, ast.Name):
            if node.id in env:
                return set(env[node.id])
            return set(self._symbol(function.module, node.id))
        if isinstance(node, ast.Attribute):
            found: set[str] = set()
            receiver = self._eval(function, node.value, env)
            for value in receiver:
                kind, _, name = value.partition(":")
                if kind == "module":
                    # os.environ, boto3.client: a module from outside the code base has no methods of ours.
                    found |= self._symbol(name, node.attr) or {"external:"}
                elif kind in ("class", "classref"):
                    found |= self._attribute(name, node.attr, instance=kind == "class")
                elif kind in ("client", "external"):
                    found.add("external:")  # botocore's methods and what they answer
            if not any(v.split(":", 1)[0] in _TYPED for v in receiver) and node.attr not in _BUILTIN_METHODS:
                # Unknown receiver: every method of that name, and every typed attribute of that name.
                # Not for the methods of Python's own containers (`.get`, `.items`, `.split`): on an
                # untyped value those are a dict's or a str's, and resolving them to every `get` of
                # the code base made any JSON read reach the secrets store.
                found |= {f"func:{m}" for m in self.by_method_name.get(node.attr, ())}
                for cls in self._owners.get(node.attr, ()):
                    found |= self._attribute(cls, node.attr, instance=True)
            return found
        if isinstance(node, ast.Call):
            service = client_literal(node)
            if service:
                return {f"client:{service}"}
            if isinstance(node.func, ast.Name) and node.func.id == "super" and function.cls:
                # super(): the bases of the method's class, or Python's own (Exception, object)
                bases = self._mro(function.cls)[1:]
                return {f"class:{base}" for base in bases} or {"external:"}
            found = set()
            for value in self._eval(function, node.func, env):
                kind, _, name = value.partition(":")
                if kind == "classref":
                    found.add(f"class:{name}")
                elif kind == "external":
                    found.add("external:")
                elif kind == "func":
                    callee = self.functions[name]
                    found |= self.returns.get(name, set())
                    if not isinstance(callee.node, ast.Module):
                        found |= self._annotation(callee.module, callee.node.returns)
            return found
        if isinstance(node, ast.IfExp):
            return self._eval(function, node.body, env) | self._eval(function, node.orelse, env)
        if isinstance(node, ast.BoolOp):
            return set().union(*(self._eval(function, v, env) for v in node.values))
        if isinstance(node, ast.NamedExpr):
            return self._eval(function, node.value, env)
        if isinstance(node, _LITERALS):
            return {"external:"}  # a dict, list, str...: its methods are Python's, never ours
        if isinstance(node, ast.Subscript) and "external:" in self._eval(function, node.value, env):
            return {"external:"}
        return set()

    # -- flow: arguments into parameters, returns, `self.x = ...`
    def _solve(self) -> None:
        for _ in range(12):
            changed = False
            for function in self.functions.values():
                changed |= self._flow(function)
            if not changed:
                return

    @staticmethod
    def _join(table: dict[Any, set[str]], key: Any, value: set[str]) -> bool:
        current = table.setdefault(key, set())
        if value <= current:
            return False
        current |= value
        return True

    def _flow(self, function: Function) -> bool:
        env = self._locals(function)
        changed = False
        for node in self._nodes(function)[1]:
            if (
                isinstance(node, ast.Return)
                and node.value is not None
                and not isinstance(function.node, ast.Module)
            ):
                changed |= self._join(self.returns, function.qualname, self._eval(function, node.value, env))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and function.cls:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                        and node.value is not None
                    ):
                        value = self._eval(function, node.value, env)
                        changed |= self._join(self.attributes, (function.cls, target.attr), value)
                        self._owners.setdefault(target.attr, set()).add(function.cls)
            elif isinstance(node, ast.Call):
                changed |= self._arguments(function, node, env)
        return changed

    def _arguments(self, function: Function, call: ast.Call, env: dict[str, set[str]]) -> bool:
        changed = False
        targets = self._eval(function, call.func, env)
        if last_name(call.func) in _PASS_ALONG and call.args:
            targets = self._eval(function, call.args[0], env)  # partial(f, a, b=...) calls f(a, b=...)
            call = ast.Call(func=call.args[0], args=call.args[1:], keywords=call.keywords)
        for value in targets:
            kind, _, name = value.partition(":")
            if kind == "classref":
                init = self._attribute(name, "__init__", instance=False)
                callees = [v.removeprefix("func:") for v in init if v.startswith("func:")]
                bound = True
            elif kind == "func":
                callees, bound = [name], False
            else:
                continue
            for qual in callees:
                callee = self.functions[qual]
                params = callee.params
                skip = (
                    1
                    if callee.cls and params[:1] in (["self"], ["cls"]) and (bound or self._is_bound(call))
                    else 0
                )
                for index, arg in enumerate(call.args):
                    if isinstance(arg, ast.Starred) or index + skip >= len(params):
                        break
                    value_ = self._eval(function, arg, env)
                    changed |= self._join(self.params, (qual, params[index + skip]), value_)
                for keyword in call.keywords:
                    if keyword.arg in params:
                        value_ = self._eval(function, keyword.value, env)
                        changed |= self._join(self.params, (qual, keyword.arg), value_)
        return changed

    @staticmethod
    def _is_bound(call: ast.Call) -> bool:
        return isinstance(call.func, ast.Attribute)

    # -- what one function does
    def edges(self, function: Function) -> tuple[set[str], set[Call], set[str], set[str]]:
        """Functions it may call, AWS operations it may send, names it reads, unresolved operations."""
        env = self._locals(function)
        callees: set[str] = set()
        calls: set[Call] = set()
        names: set[str] = set()
        unresolved: set[str] = set()
        body: Iterable[ast.AST] = (
            top_level_nodes(function.node)
            if isinstance(function.node, ast.Module)
            else ast.walk(function.node)
        )
        for node in body:
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):  # a read; a dataclass field's declaration is not
                    names.add(node.id)
                # A function that reaches a local name through a parameter (a callback) was referred
                # to, and so reached, where it was passed: following the parameter's joined value
                # would make every caller of `batch(event, handler)` reach every handler.
                # A name being bound (a dataclass field `target: X`, an assignment) calls nothing.
                loads = isinstance(node.ctx, ast.Load)
                values = set() if node.id in env or not loads else self._eval(function, node, env)
            elif isinstance(node, ast.Attribute):
                if isinstance(node.ctx, ast.Load):
                    names.add(node.attr)
                values = self._eval(function, node, env)
                receiver = self._eval(function, node.value, env)
                where = f"{function.module}:{node.lineno}"
                clients = [v.removeprefix("client:") for v in receiver if v.startswith("client:")]
                for service in clients:
                    calls |= operations_at(service, node, where)
                if not receiver and distinctive(node.attr):
                    unresolved.add(f"{where}: .{node.attr} on a value the analysis cannot type")
            else:
                continue
            for value in values:
                kind, _, name = value.partition(":")
                if kind == "func":
                    callees.add(name)
                elif kind == "classref":
                    # Building a class may run any of its dunder methods (__init__, __enter__, ...).
                    for cls in self._mro(name):
                        callees |= {q for m, q in self.classes[cls].methods.items() if m.startswith("__")}
        return callees, calls, names, unresolved

    def entry_points(self, app_module: str = "app") -> dict[str, list[str]]:
        """Chalice function name -> the app's handler functions behind it (every route: api_handler)."""
        found: dict[str, list[str]] = {}
        for node in self.modules[app_module].tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                func = decorator.func if isinstance(decorator, ast.Call) else None
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "app"
                ):
                    name = "api_handler" if func.attr in _ROUTE_DECORATORS else node.name
                    found.setdefault(name, []).append(f"{app_module}.{node.name}")
        return found

    def reach(self, function: str, handlers: list[str]) -> Reach:
        found = Reach(function)
        seen: set[str] = set()
        callers: dict[str, set[str]] = {}  # within this reach: who may call each function
        todo = list(handlers)
        while todo:
            qual = todo.pop()
            if qual in seen or qual not in self.functions:
                continue
            seen.add(qual)
            current = self.functions[qual]
            todo.append(current.module)  # its module's top-level code ran when it was imported
            if qual not in self._edges:  # the same for every entry point that reaches it
                self._edges[qual] = self.edges(current)
            callees, calls, names, unresolved = self._edges[qual]
            found.calls |= calls
            found.names |= names
            found.unresolved |= unresolved
            for callee in callees:
                callers.setdefault(callee, set()).add(qual)
            todo.extend(callees - seen)
        for qual in seen:
            sent = self._edges[qual][1]
            if sent:
                leading = frozenset(n for a in _upstream(qual, callers) for n in self._edges[a][2])
                found.leading.update((call, leading) for call in sent)
        return found


def _upstream(qual: str, callers: dict[str, set[str]]) -> set[str]:
    """`qual` and every function on a path to it (by the callers recorded in one reach)."""
    found = {qual}
    todo = [qual]
    while todo:
        for caller in callers.get(todo.pop(), ()):
            if caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


@functools.cache
def analyse(root: Path = PROJECT_ROOT) -> dict[str, Reach]:
    """Chalice function name -> what its code can reach, for the app in `root`."""
    code = CodeBase(root)
    for module in code.modules.values():
        link_calls(module.tree)
    return {name: code.reach(name, handlers) for name, handlers in code.entry_points().items()}


def reach_of(function: str, root: Path = PROJECT_ROOT) -> Reach:
    """What `function` reaches; a function the app's source does not define reaches nothing."""
    return analyse(root).get(function, Reach(function))
