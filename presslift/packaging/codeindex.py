"""The code base that `calls` analyses, indexed: its modules (app.py and chalicelib/), their functions,
classes and methods, what each top-level name means (imports and re-exports followed), and each class's
bases. Plain structure, read from the source with `ast`; what values flow where is `calls`' concern.
Never imports the code it reads.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from presslift.packaging.stage import PROJECT_ROOT

_PROPERTY_DECORATORS = {"property", "cached_property"}

Value = frozenset[str]  # "class:Q", "classref:Q", "func:Q", "module:M", "client:S", "external:", "any:"
EMPTY: Value = frozenset()


@dataclass
class Function:
    qualname: str
    module: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Module
    cls: str | None = None  # qualname of the class it is a method of

    @property
    def params(self) -> list[str]:
        if isinstance(self.node, ast.Module):
            return []
        args = self.node.args
        return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]

    @property
    def is_property(self) -> bool:
        return not isinstance(self.node, ast.Module) and any(
            last_name(d) in _PROPERTY_DECORATORS for d in self.node.decorator_list
        )


@dataclass
class Class:
    qualname: str
    module: str
    node: ast.ClassDef
    methods: dict[str, str] = field(default_factory=dict)  # name -> function qualname
    fields: dict[str, ast.expr] = field(default_factory=dict)  # class-level annotations


@dataclass
class Module:
    name: str
    tree: ast.Module
    symbols: dict[str, str] = field(
        default_factory=dict
    )  # name -> "module:M" | "func:Q" | "class:Q" | "symbol:M.N"


def last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class CodeIndex:
    """The modules of app.py and chalicelib/, their functions and classes."""

    def __init__(
        self, root: Path = PROJECT_ROOT, app_file: str = "app.py", package: str = "chalicelib"
    ) -> None:
        self.root = root
        self.modules: dict[str, Module] = {}
        self.functions: dict[str, Function] = {}
        self.classes: dict[str, Class] = {}
        self.by_method_name: dict[str, set[str]] = {}
        self._mro_cache: dict[str, list[str]] = {}
        self._subclass_cache: dict[str, list[str]] = {}
        paths = [root / app_file, *sorted((root / package).rglob("*.py"))]
        for path in paths:
            self._index(module_name(path, root), ast.parse(path.read_text(), str(path)))
        for module in self.modules.values():
            self._imports(module)

    def _index(self, name: str, tree: ast.Module) -> None:
        module = Module(name, tree)
        self.modules[name] = module
        self.functions[name] = Function(name, name, tree)  # the module's top-level code
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[f"{name}.{node.name}"] = Function(f"{name}.{node.name}", name, node)
                module.symbols[node.name] = f"func:{name}.{node.name}"
            elif isinstance(node, ast.ClassDef):
                self._index_class(module, node)
            elif isinstance(node, ast.Assign) and last_name(node.value) == "Any":
                # `S3Client = Any`: an alias that says nothing about the value.
                module.symbols.update({t.id: "any:" for t in node.targets if isinstance(t, ast.Name)})

    def _index_class(self, module: Module, node: ast.ClassDef) -> None:
        qual = f"{module.name}.{node.name}"
        cls = Class(qual, module.name, node)
        self.classes[qual] = cls
        module.symbols[node.name] = f"classref:{qual}"
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = f"{qual}.{item.name}"
                self.functions[method] = Function(method, module.name, item, cls=qual)
                cls.methods[item.name] = method
                self.by_method_name.setdefault(item.name, set()).add(method)
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                cls.fields[item.target.id] = item.annotation

    def _imports(self, module: Module) -> None:
        # Imports anywhere in the module (lazy ones inside functions too) bind module-wide.
        package = module.name if module.name in self._packages() else module.name.rpartition(".")[0]
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.symbols.setdefault(alias.asname, f"module:{alias.name}")
                    else:
                        top = alias.name.split(".")[0]
                        module.symbols.setdefault(top, f"module:{top}")
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([base] if base else [])])
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    kind = "module" if target in self.modules else "symbol"
                    module.symbols.setdefault(alias.asname or alias.name, f"{kind}:{target}")

    @functools.cache  # noqa: B019 - the code base lives as long as one analysis
    def _packages(self) -> frozenset[str]:
        return frozenset(
            name for name in self.modules if (self.root / name.replace(".", "/") / "__init__.py").exists()
        )

    def _symbol(self, module: str, name: str, depth: int = 0) -> Value:
        """What `name` means at the top level of `module`, following re-exports."""
        if module not in self.modules:
            return frozenset({f"module:{module}.{name}"}) if f"{module}.{name}" in self.modules else EMPTY
        found = self.modules[module].symbols.get(name)
        if found is None:
            return frozenset({f"module:{module}.{name}"}) if f"{module}.{name}" in self.modules else EMPTY
        if found.startswith("symbol:") and depth < 10:
            # `from chalicelib.publish.bucket import S3Client`: follow it to what it is there.
            owner, _, attr = found.removeprefix("symbol:").rpartition(".")
            return self._symbol(owner, attr, depth + 1)
        return frozenset({found})

    def _mro(self, qual: str) -> list[str]:
        if qual in self._mro_cache:
            return self._mro_cache[qual]
        seen: list[str] = []
        todo = [qual]
        while todo:
            current = todo.pop(0)
            if current in seen or current not in self.classes:
                continue
            seen.append(current)
            cls = self.classes[current]
            for base in cls.node.bases:
                todo.extend(
                    v.split(":", 1)[1]
                    for v in self._eval_static(cls.module, base)
                    if v.startswith("classref:")
                )
        self._mro_cache[qual] = seen
        return seen

    def _subclasses(self, qual: str) -> list[str]:
        if qual not in self._subclass_cache:
            self._subclass_cache[qual] = [q for q in self.classes if q != qual and qual in self._mro(q)]
        return self._subclass_cache[qual]

    def _eval_static(self, module: str, node: ast.expr) -> Value:
        if isinstance(node, ast.Name):
            return self._symbol(module, node.id)
        if isinstance(node, ast.Attribute):
            found: set[str] = set()
            for value in self._eval_static(module, node.value):
                if value.startswith("module:"):
                    found |= self._symbol(value.removeprefix("module:"), node.attr)
            return frozenset(found)
        return EMPTY


def top_level_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    """A module's own code: everything but function bodies (decorators and defaults do run)."""
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            todo.extend([*node.decorator_list, *node.args.defaults])
            todo.extend(d for d in node.args.kw_defaults if d is not None)
        else:
            todo.extend(ast.iter_child_nodes(node))
