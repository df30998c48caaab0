"""The shape of the code, kept: no import cycles, small modules and functions.

The layering itself (adapters -> service -> model features and storage -> core) is an
import-linter contract in pyproject.toml, checked by `make lint`; it is also run here so
a plain `pytest` catches a wrong-way import too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parent.parent / "bot"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _cycle_from(graph, module: str) -> list[str] | None:
    for imported in graph.find_modules_directly_imported_by(module):
        chain = graph.find_shortest_chain(importer=imported, imported=module)
        if chain:
            return [module, *chain]
    return None


def test_no_import_cycles():
    # Type-only imports (under TYPE_CHECKING) name a type, they load nothing at run time.
    graph = grimp.build_graph("bot", exclude_type_checking_imports=True)
    cycles = [cycle for m in sorted(graph.modules) if (cycle := _cycle_from(graph, m))]
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_layers_contract_is_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], capture_output=True, text=True,
                            cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-2000:]


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_modules_stay_small():
    long = {str(p.relative_to(PACKAGE)): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_functions_stay_small():
    long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({size})")
    assert long == []
