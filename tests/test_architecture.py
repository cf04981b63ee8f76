"""The package's shape, read from its source with ``ast``: imports go one way, and no private part of others is read.

Two rules of the architecture (docs/architecture.md):

* no import cycle between the package's modules, counting imports inside
  functions (only ``if TYPE_CHECKING:`` imports are left out: they never run);
* no private attribute (``x._name``, or ``getattr(x, "_name")``) is read on an
  object that is not ours: the base must be ``self``, ``cls`` or a module of the
  package. The aioresponses shims (one module) are the one exception.

There is no cap on a module's length: a module owns one concern whole.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "aiocustomlabels"
ROOT = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: Modules allowed to reach into other libraries' private parts: the probed shims for open upstream bugs.
SHIM_MODULES = frozenset({f"{PACKAGE}.testing._aioresponses_shims"})


def module_name(path: Path) -> str:
    """The dotted name of the module at ``path``."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def is_package(module: str) -> bool:
    """Whether ``module`` is a package (an ``__init__.py``)."""
    return MODULES[module].name == "__init__.py"


def runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:``, which never run."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *runtime_nodes(child)])
            continue
        yield node
        yield from runtime_nodes(node)


def imports_of(module: str) -> set[str]:
    """The package's modules that ``module`` imports, at the top or inside functions."""
    tree = ast.parse(MODULES[module].read_text())
    base = module if is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                target = f"{anchor}.{node.module}" if node.module else anchor
            else:
                target = node.module or ""
            # "from . import name" imports the submodule ``name`` if there is one, else a name of the package.
            submodules = {f"{target}.{alias.name}" for alias in node.names} & MODULES.keys()
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(target)
    return {name for name in found if name in MODULES and name != module}


def cycles() -> set[tuple[str, ...]]:
    """The strongly connected groups of more than one module in the import graph (Tarjan)."""
    graph = {module: imports_of(module) for module in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[tuple[str, ...]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.add(tuple(sorted(group)))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def module_aliases(tree: ast.AST) -> set[str]:
    """The names a module binds to modules of the package (``from . import _x``, ``import aiocustomlabels``)."""
    names: set[str] = {"self", "cls"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith(PACKAGE))
        elif isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(PACKAGE)):
            names.update(a.asname or a.name for a in node.names if a.name.startswith("_"))
    return names


def is_private(name: str) -> bool:
    """``_name``, but not ``__dunder__`` nor enum's documented ``_sunder_`` names (``_value_``)."""
    return name.startswith("_") and not name.endswith("_")


def defined_private_names() -> frozenset[str]:
    """The private names the package defines itself: its functions, classes, and attributes it sets.

    A private attribute of that name is taken as ours wherever it is read
    (``exc._prefixed`` on an error of ours); one the package never defines
    belongs to someone else.
    """
    names: set[str] = set()
    for module, path in MODULES.items():
        if module in SHIM_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                names.add(node.args[1].value)
    return frozenset(name for name in names if is_private(name))


OURS = defined_private_names()


def private_reads(module: str) -> set[str]:
    """``base.attribute`` for each private attribute read on a base that is not ours."""
    tree = ast.parse(MODULES[module].read_text())
    ours = module_aliases(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr) and node.attr not in OURS:
            base = node.value
            if isinstance(base, ast.Name) and base.id in ours:
                continue
            if isinstance(base, ast.Call) and ast.unparse(base.func) == "super":
                continue
            found.add(f"{ast.unparse(base)}.{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
            and node.args[1].value not in OURS
        ):
            base_arg = node.args[0]
            if not (isinstance(base_arg, ast.Name) and base_arg.id in ours):
                found.add(f"{ast.unparse(base_arg)}.{node.args[1].value}")
    return found


def test_the_source_is_found() -> None:
    """The walk finds the package's modules, so that an empty walk cannot pass silently."""
    assert {f"{PACKAGE}._client", f"{PACKAGE}._transport", f"{PACKAGE}._waiting"} <= set(MODULES)


def test_relative_imports_inside_functions_are_counted() -> None:
    """imports_of() sees an import inside a function, as the cycle check must."""
    assert f"{PACKAGE}._transport" in imports_of(f"{PACKAGE}._client")


def test_no_import_cycles() -> None:
    """The modules import one another one way only, lazy imports included."""
    assert cycles() == set()


@pytest.mark.parametrize("module", [m for m in MODULES if m not in SHIM_MODULES])
def test_no_private_attribute_of_others_is_read(module: str) -> None:
    """No module reads a private attribute (``_name``) of an object that is not ours."""
    assert private_reads(module) == set()
