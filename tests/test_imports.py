"""The import graph of the runtime packages: no cycle (imports inside functions included) and no import
against the layering knowledge <- inference <- learning <- web (cli composes them all)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("knowledge", "inference", "learning", "web", "cli")
LAYER = {"knowledge": 0, "inference": 1, "learning": 2, "web": 3, "cli": 4}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the runtime packages."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def import_graph() -> nx.DiGraph:
    """Module -> module it imports, anywhere in its body. `from package import module` is an edge to the
    module; an import of one's own parent package is left out (Python has imported it already)."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                submodules = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in modules]
                targets = submodules if len(submodules) == len(node.names) else [module, *submodules]
            else:
                continue
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    graph.add_edge(name, target)
    return graph


def test_no_circular_import():
    cycles = [" -> ".join(cycle) for cycle in nx.simple_cycles(import_graph())]
    assert cycles == []


def test_layers_import_downwards_only():
    upward = [
        f"{a} -> {b}" for a, b in import_graph().edges if LAYER[b.split(".")[0]] > LAYER[a.split(".")[0]]
    ]
    assert upward == []
