"""The gis app's imports: no module of it imports another that imports it back, and no function hides an import of
a lower layer (a hidden import is how a circle goes unnoticed until it bites at start-up)."""

from __future__ import annotations

import ast
from pathlib import Path

GIS = Path(__file__).resolve().parents[1]


def _modules() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text(), str(path)) for path in GIS.glob("*.py")}


def _imported(node: ast.AST) -> set[str]:
    names = set()
    for found in ast.walk(node):
        if isinstance(found, ast.ImportFrom) and found.module:
            names.add(found.module)
            names.update(f"{found.module}.{alias.name}" for alias in found.names)
        elif isinstance(found, ast.Import):
            names.update(alias.name for alias in found.names)
    return names


def test_it_has_no_import_circle_between_its_modules():
    """models ⇄ features was one: models.refresh_extent imported features, which imports models."""
    modules = _modules()
    graph = {name: {m.rsplit(".", 1)[-1] for m in _imported(tree) if m.startswith("plandesk.gis.")} & set(modules)
             for name, tree in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in graph[start] - seen)

    circles = sorted(name for name in graph if reaches(name, name, set()))
    assert circles == []


def test_it_imports_the_lower_layers_at_module_level():
    """Imports of plandesk's own modules sit at the top of each gis module, where the layering can be read."""
    hidden = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                hidden += [f"{name}.{node.name}: {m}" for m in _imported(node)
                           if m.startswith("plandesk.") and m.count(".") >= 2]
    assert hidden == []
