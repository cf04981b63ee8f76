"""Print the size of the source and the tests, by the measures docs/architecture.md keeps.

* **code lines** in ``src/``: lines that hold a token other than a comment,
  outside docstrings (a string statement first in a module, class or function,
  or right after an assignment, as attribute docs are written), as
  ``ruff format`` writes them;
* **lines** in ``tests/``: every line, blank or not;
* the modules of each package, and any module name used in two packages.

    uv run python scripts/measure.py           # the totals
    uv run python scripts/measure.py --modules # and each module's code lines

It reads the files only; it imports nothing of ours.
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "aiocustomlabels"
#: The packages whose module counts are kept, with the most each may hold.
LIMITS = {"testing": 8, "_cli": 5}
#: The modules a wait once took, of which at most two may remain.
WAITING = ("_polling", "_waiting")
MAX_WAITING_MODULES = 2
MAX_SRC_CODE_LINES = 6_000
MAX_TEST_LINES = 12_000


def docstring_lines(tree: ast.Module) -> Iterator[int]:
    """The line numbers of every string statement: docstrings and attribute docs."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            continue
        if isinstance(node.value.value, str):
            yield from range(node.lineno, (node.end_lineno or node.lineno) + 1)


def code_lines(path: Path) -> int:
    """The lines of ``path`` that hold code: not blank, not only a comment, not a docstring."""
    source = path.read_text()
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skipped and token.type != tokenize.ENDMARKER:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - set(docstring_lines(ast.parse(source))))


def main() -> int:
    """Print the measures; exit 1 when one is past its limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="list each module's code lines")
    args = parser.parse_args()
    modules = sorted(PACKAGE.rglob("*.py"))
    sizes = {path.relative_to(PACKAGE.parent).as_posix(): code_lines(path) for path in modules}
    if args.modules:
        for name, size in sorted(sizes.items(), key=lambda item: item[1]):
            print(f"{size:6,} {name}")
    src_lines = sum(sizes.values())
    test_lines = sum(len(p.read_text().splitlines()) for p in sorted((ROOT / "tests").rglob("*.py")))
    failed = False
    for label, value, limit in (
        ("code lines in src/", src_lines, MAX_SRC_CODE_LINES),
        ("lines in tests/", test_lines, MAX_TEST_LINES),
    ):
        failed |= value > limit
        print(f"{label:<28}{value:>7,}  (at most {limit:,})")
    for package, limit in LIMITS.items():
        count = len(list((PACKAGE / package).glob("*.py")))
        failed |= count > limit
        print(f"{'modules in ' + package + '/':<28}{count:>7}  (at most {limit})")
    waiting = [name for name in WAITING if (PACKAGE / f"{name}.py").exists()]
    failed |= len(waiting) > MAX_WAITING_MODULES
    print(
        f"{'modules for waiting':<28}{len(waiting):>7}  (at most {MAX_WAITING_MODULES}: {' '.join(waiting)})"
    )
    names = Counter(path.stem for path in modules if path.stem not in {"__init__", "__main__"})
    twice = sorted(name for name, count in names.items() if count > 1)
    failed |= bool(twice)
    print(f"{'module names used twice':<28}{len(twice):>7}  {' '.join(twice)}")
    return int(failed)


if __name__ == "__main__":
    raise SystemExit(main())
