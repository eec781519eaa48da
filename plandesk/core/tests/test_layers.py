"""The house's layers hold: imports point down (plandesk/core/layers.py), and no module or app imports in a circle.

Reads every module's imports with `ast` — function-local ones included, since they are edges of the graph all the
same — so a circle cannot hide behind an import moved into a function. Tests, migrations and the project's own
modules (plandesk/api.py, urls.py, settings.py, ...: they sit above every app) and the tests' builders in
plandesk/testing/ are not read as importers: they may import anything.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from plandesk.core.layers import LAYERS

PACKAGE = Path(__file__).resolve().parents[2]  # .../plandesk


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_production(path: Path) -> bool:
    rel = path.relative_to(PACKAGE).parts
    # plandesk/testing/ holds the tests' builders: test code, like the tests themselves.
    return len(rel) > 1 and rel[0] != "testing" and "tests" not in rel and "migrations" not in rel


def _imports(path: Path, module: str) -> list[tuple[str, int]]:
    """(imported dotted name, line) for every `plandesk` import in the file, at any depth."""
    found = []
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name == "plandesk" or name.startswith("plandesk.")]


def _graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if _is_production(p)}
    edges: dict[str, dict[str, int]] = defaultdict(dict)
    for module, path in modules.items():
        for name, line in _imports(path, module):
            target = name
            while target and target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != module:
                edges[module].setdefault(target if target in modules else name, line)
    return modules, edges


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else None


def _cycles(nodes, edges) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in nodes:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_it_knows_the_layer_of_every_app():
    """A new app declares its layer in plandesk/core/layers.py before anything can be said about its imports."""
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and (p / "apps.py").exists()}
    assert sorted(apps - set(LAYERS)) == []


def test_it_has_no_import_pointing_up_the_layers():
    modules, edges = _graph()
    upward = []
    for module, targets in sorted(edges.items()):
        source = _app(module)
        for target, line in sorted(targets.items()):
            destination = _app(target)
            where = f"{modules[module].relative_to(PACKAGE.parent)}:{line} imports {target}"
            if destination is None and target != "plandesk":
                upward.append(f"{where} (the project's own modules sit above every app)")
            elif destination and source in LAYERS and destination in LAYERS and LAYERS[destination] > LAYERS[source]:
                upward.append(f"{where} ({source} sits below {destination})")
    assert upward == []


def test_it_has_no_import_circle_between_apps():
    _modules, edges = _graph()
    apps: dict[str, set[str]] = defaultdict(set)
    for module, targets in edges.items():
        for target in targets:
            if _app(module) and _app(target) and _app(module) != _app(target):
                apps[_app(module)].add(_app(target))
    assert _cycles(set(LAYERS), apps) == []


def test_it_has_no_import_circle_between_modules():
    modules, edges = _graph()
    assert _cycles(set(modules), edges) == []


def test_it_finds_a_circle_where_there_is_one():
    """The circle finder can fail: a made-up chain that closes on itself is found, an open one is not."""
    assert _cycles({"a", "b", "c"}, {"a": {"b"}, "b": {"c", "a"}}) == [["a", "b"]]
    assert _cycles({"a", "b", "c"}, {"a": {"b"}, "b": {"c"}}) == []
