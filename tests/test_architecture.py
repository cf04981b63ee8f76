"""The package's shape, read from its source with ``ast`` and from docs/architecture.md's layer table.

Two rules of the architecture (docs/architecture.md):

* each module sits on one layer of the table that the page shows, and imports
  only modules on the layers below its own: never up, never sideways, counting
  imports inside functions and under ``if TYPE_CHECKING:``;
* no private attribute (``x._name``, or ``getattr(x, "_name")``) is read on an
  object that is not ours: the base must be ``self``, ``cls`` or a module of the
  package. The aioresponses shims (one module) are the one exception.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = "aiocustomlabels"
REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "src" / PACKAGE
ARCHITECTURE = REPO / "docs" / "architecture.md"

#: Modules allowed to reach into other libraries' private parts: the probed shims for open upstream bugs.
SHIM_MODULES = frozenset({f"{PACKAGE}.testing._aioresponses_shims"})


def module_name(path: Path) -> str:
    """The dotted name of the module at ``path``."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def layer_table(text: str) -> list[list[str]]:
    """The modules of each layer, top row first, from the table under the page's "Layers" heading."""
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [
        [
            name if name == PACKAGE else f"{PACKAGE}.{name}"
            for cell in row.split("|")[2:4]  # the library's column and the fake's
            for name in re.findall(r"`([\w.]+)`", cell)
        ]
        for row in rows
    ]


def layers() -> dict[str, int]:
    """Each module's layer: 0 for the bottom row, counting up."""
    table = layer_table(ARCHITECTURE.read_text())
    return {module: len(table) - 1 - row for row, modules in enumerate(table) for module in modules}


def imports_of(module: str, source: str | None = None) -> set[str]:
    """The package's modules that ``module`` imports: at the top, in functions, under TYPE_CHECKING."""
    tree = ast.parse(MODULES[module].read_text() if source is None else source)
    is_package = module not in MODULES or MODULES[module].name == "__init__.py"
    base = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
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


def wrong_imports(module: str, source: str | None = None) -> set[str]:
    """The imports of ``module`` that go up or sideways: to a module on its own layer or above."""
    layer = layers()
    return {target for target in imports_of(module, source) if layer[target] >= layer[module]}


def test_every_module_sits_on_one_layer() -> None:
    """The layer table names every module of the package once, and nothing else."""
    named = [module for row in layer_table(ARCHITECTURE.read_text()) for module in row]
    assert sorted(named) == sorted(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_goes_up_or_sideways(module: str) -> None:
    """A module imports only modules on the layers below its own."""
    assert wrong_imports(module) == set()


def test_the_bottom_layer_imports_nothing_of_ours() -> None:
    """The modules of the bottom row import no module of the package."""
    bottom = layer_table(ARCHITECTURE.read_text())[-1]
    assert {module: imports_of(module) for module in bottom} == {module: set() for module in bottom}


@pytest.mark.parametrize(
    "source",
    [
        "from ._client import CustomLabelsClient",
        "def f():\n    from . import _client",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._client import CustomLabelsClient",
    ],
)
def test_an_upward_import_is_caught(source: str) -> None:
    """An import of the client from the bottom layer fails the check, wherever it is written."""
    bottom = layer_table(ARCHITECTURE.read_text())[-1][0]
    assert wrong_imports(bottom, source) == {f"{PACKAGE}._client"}


def test_a_sideways_import_is_caught() -> None:
    """An import between two modules of one layer fails the check."""
    row = next(row for row in layer_table(ARCHITECTURE.read_text()) if len(row) > 1)
    assert wrong_imports(row[0], f"import {row[1]}") == {row[1]}


#: What the fake may use of the library: the rules, the ARNs, the models and the converters.
FAKE_MAY_IMPORT = frozenset(f"{PACKAGE}.{name}" for name in ("_rules", "_arns", "_models", "_converters"))


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith(f"{PACKAGE}.testing")])
def test_the_fake_uses_no_library_code_but_rules_models_and_converters(module: str) -> None:
    """Testing imports its own modules and the library's rules, ARNs, models and converters: never the client."""
    library = {name for name in imports_of(module) if not name.startswith(f"{PACKAGE}.testing")}
    assert library <= FAKE_MAY_IMPORT


def test_the_library_never_imports_the_fake() -> None:
    """No module below the public surface imports testing, so a user's import never loads the fake."""
    below = [
        m
        for m, layer in layers().items()
        if layer < layers()[PACKAGE] and not m.startswith(f"{PACKAGE}.testing")
    ]
    assert {m: imports_of(m) & {f"{PACKAGE}.testing"} for m in below} == {m: set() for m in below}


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


@pytest.mark.parametrize("module", [m for m in MODULES if m not in SHIM_MODULES])
def test_no_private_attribute_of_others_is_read(module: str) -> None:
    """No module reads a private attribute (``_name``) of an object that is not ours."""
    assert private_reads(module) == set()
