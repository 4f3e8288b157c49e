"""The public API of the runtime packages is declared and documented, read over the AST (nothing imported):
every module has a docstring and an `__all__` of names it defines, and every public function, class and
public method it exports has a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("knowledge", "inference", "learning", "web", "cli")


def runtime_modules(root: Path = ROOT) -> list[Path]:
    """Every .py file of the runtime packages under root."""
    return sorted(path for package in PACKAGES for path in (root / package).rglob("*.py"))


def _bound_names(statements: list[ast.stmt]) -> set[str]:
    """Names a module binds at top level (definitions, assignments, imports; inside top-level if/try too,
    but not under `if TYPE_CHECKING`, which never runs)."""
    names: set[str] = set()
    for node in statements:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            names |= _bound_names(node.body) | _bound_names(node.orelse)
        elif isinstance(node, ast.Try):
            names |= _bound_names(node.body) | _bound_names(node.orelse) | _bound_names(node.finalbody)
            for handler in node.handlers:
                names |= _bound_names(handler.body)
    return names


def _declared_all(tree: ast.Module) -> list[str] | None:
    """The literal `__all__` list of a module, None when it has none."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    return None


def api_problems(path: Path, root: Path = ROOT) -> list[str]:
    """What is missing from one module's declared, documented API (empty when nothing is)."""
    where = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    if ast.get_docstring(tree) is None:
        problems.append(f"{where}: no module docstring")
    exported = _declared_all(tree)
    if exported is None:
        return [*problems, f"{where}: no __all__"]
    bound = _bound_names(tree.body)
    problems += [f"{where}: __all__ names {n!r}, not defined there" for n in exported if n not in bound]
    definitions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    for name in exported:
        node = definitions.get(name)
        if node is None or name.startswith("_"):
            continue
        if ast.get_docstring(node) is None:
            problems.append(f"{where}:{node.lineno}: {name} has no docstring")
        if isinstance(node, ast.ClassDef):
            for method in node.body:
                if (
                    isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not method.name.startswith("_")
                    and ast.get_docstring(method) is None
                ):
                    problems.append(f"{where}:{method.lineno}: {name}.{method.name} has no docstring")
    return problems


def test_every_module_declares_and_documents_its_api():
    problems = [problem for path in runtime_modules() for problem in api_problems(path)]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('"""Doc."""\n\n__all__ = ["f"]\n\n\ndef f():\n    """F."""\n', None),
        ('__all__ = ["f"]\n\n\ndef f():\n    """F."""\n', "no module docstring"),
        ('"""Doc."""\n\n\ndef f():\n    """F."""\n', "no __all__"),
        ('"""Doc."""\n\n__all__ = ["g"]\n\n\ndef f():\n    """F."""\n', "'g', not defined there"),
        ('"""Doc."""\n\n__all__ = ["f"]\n\n\ndef f():\n    pass\n', "f has no docstring"),
        ('"""Doc."""\n\n__all__ = ["C"]\n\n\nclass C:\n    pass\n', "C has no docstring"),
        (
            '"""Doc."""\n\n__all__ = ["C"]\n\n\nclass C:\n    """C."""\n\n    def run(self):\n        pass\n',
            "C.run has no docstring",
        ),
        (
            '"""Doc."""\n\n__all__ = ["C"]\n\n\nclass C:\n    """C."""\n\n    def _run(self):\n        ...\n',
            None,  # a private method needs no docstring
        ),
        ('"""Doc."""\n\nfrom os import path\n\n__all__ = ["path", "X"]\n\nX = Y = 1\n', None),
        ('"""Doc."""\n\n__all__ = ["h"]\n\n\ndef f():\n    """F."""\n\n\ndef h():\n    pass\n', "h has no"),
    ],
)
def test_the_check_catches_each_problem(tmp_path, source, problem):
    module = tmp_path / "knowledge" / "example.py"
    module.parent.mkdir()
    module.write_text(source, encoding="utf-8")
    problems = api_problems(module, tmp_path)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]
