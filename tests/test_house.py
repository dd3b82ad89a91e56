"""The house rules a maintainer relies on: imports run one way, private names stay private.

Every module of ``graphkit/`` is read with ``ast``; every import counts wherever it stands
(top level, inside a function, under ``if TYPE_CHECKING``), relative imports resolved.

- no import cycle between files (a file importing a module of its own package counts);
- no private name (``_x``) imported from, or read off, another graphkit module;
- every module says what it exports (``__all__``).

The checkers are tested on hand-made modules first, so a pass means something.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "graphkit"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules(package: Path = PACKAGE, root: Path = ROOT) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(package.rglob("*.py"))}


def _resolve(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def import_edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the graphkit modules (files) it imports, wherever the import stands.

    ``from pkg import name`` points at ``pkg.name`` when that is a module, else at ``pkg``.
    """
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        out.add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node, name, path.name == "__init__.py")
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        out.add(full)
                    elif base in modules:
                        out.add(base)
        out.discard(name)
        edges[name] = out
    return edges


def import_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in edges:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def private_imports(modules: dict[str, Path]) -> list[str]:
    """``module: name`` for every private name taken from another graphkit module."""
    bad = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _resolve(node, name, path.name == "__init__.py")
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        aliases[alias.asname or alias.name] = full
                    elif base in modules and base != name and _private(alias.name):
                        bad.append(f"{name}: from {base} import {alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id] != name
                and _private(node.attr)
            ):
                bad.append(f"{name}: {aliases[node.value.id]}.{node.attr}")
    return sorted(set(bad))


def missing_all(modules: dict[str, Path]) -> list[str]:
    missing = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        declared = any(
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and any(
                isinstance(t, ast.Name) and t.id == "__all__"
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
            for node in tree.body
        )
        if not declared:
            missing.append(name)
    return missing


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# --- the checkers, on hand-made packages -------------------------------------------------


@pytest.fixture
def probe(tmp_path):
    def make(files: dict[str, str]) -> dict[str, Path]:
        for rel, text in files.items():
            p = tmp_path / "pkg" / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        return all_modules(tmp_path / "pkg", tmp_path)

    return make


def test_a_cycle_through_an_import_inside_a_function_is_found(probe):
    mods = probe(
        {
            "__init__.py": "",
            "a.py": "from pkg.b import x\n",
            "b.py": "def f():\n    from . import c\n",
            "c.py": "import pkg.a\n",
            "d.py": "from pkg import a\n",
        }
    )
    assert import_cycles(import_edges(mods)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_private_names_taken_or_read_across_modules_are_found(probe):
    mods = probe(
        {
            "__init__.py": "",
            "a.py": "__all__ = []\n_x = 1\ny = _x\n",
            "b.py": "from pkg.a import _x\n",
            "c.py": "from pkg import a as m\nz = m._x\nw = m.__name__\n",
        }
    )
    assert private_imports(mods) == ["pkg.b: from pkg.a import _x", "pkg.c: pkg.a._x"]
    assert missing_all(mods) == ["pkg", "pkg.b", "pkg.c"]


# --- the rules, on graphkit ----------------------------------------------------------------


def test_no_import_cycle_between_files():
    assert import_cycles(import_edges(all_modules())) == []


def test_no_private_name_crosses_a_module_boundary():
    assert private_imports(all_modules()) == []


def test_every_module_declares_all():
    assert missing_all(all_modules()) == []
