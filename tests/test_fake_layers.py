"""The testing package's modules: imports go downward only, and each is readable in one sitting."""

from __future__ import annotations

import ast
import graphlib
import io
import tokenize
from pathlib import Path

import aiocustomlabels.testing

PACKAGE = Path(aiocustomlabels.testing.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))


def imported_siblings(path: Path) -> set[str]:
    """The modules of the testing package that ``path`` imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module)
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aiocustomlabels.testing."):
            found.add((node.module or "").removeprefix("aiocustomlabels.testing."))
    return found - {path.stem}


def code_lines(path: Path) -> int:
    """Lines holding code: docstrings, comments and blank lines aside."""
    source = path.read_text()
    docstrings = {
        (node.body[0].lineno, node.body[0].end_lineno or node.body[0].lineno)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}:
            continue
        if any(first <= token.start[0] <= last for first, last in docstrings):
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines)


def test_imports_go_downward_only() -> None:
    """No import cycle among the testing package's modules, lazy imports counted."""
    graph = {path.stem: imported_siblings(path) for path in MODULES if path.stem != "__init__"}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError on a cycle


def test_each_module_is_readable_in_one_sitting() -> None:
    """Every module of the testing package holds at most 400 lines of code."""
    assert {path.name: code_lines(path) for path in MODULES if code_lines(path) > 400} == {}
