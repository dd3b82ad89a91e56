"""The floors of the house: lower layers never import upper ones (docs/ARCHITECTURE.md).

Every ``import`` and ``from ... import`` in a module counts, wherever it stands (top level,
inside a function, under ``if TYPE_CHECKING``), relative imports resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graphkit"

# module or folder (relative to graphkit/) -> packages it must not import
FORBIDDEN = {
    "graph.py": ("export", "cli", "stores"),
    "schema.py": ("export", "cli", "stores"),
    "errors.py": ("export", "cli", "stores"),
    "defaults.py": ("export", "cli", "stores", "analysis", "loaders"),
    "loaders": ("export", "cli", "stores"),
    "analysis": ("export", "cli", "stores"),
}


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, as absolute dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts if path.name == "__init__.py" else parts[:-1]
    if path.name == "__init__.py":
        package = parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)  # from graphkit import export
    return found


def _modules(target: str) -> list[Path]:
    p = PACKAGE / target
    return sorted(p.rglob("*.py")) if p.is_dir() else [p]


@pytest.mark.parametrize("target", sorted(FORBIDDEN))
def test_lower_floors_do_not_import_upper_floors(target):
    bad = []
    for path in _modules(target):
        for module in imported_modules(path):
            for floor in FORBIDDEN[target]:
                if module == f"graphkit.{floor}" or module.startswith(f"graphkit.{floor}."):
                    bad.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert bad == []


def test_the_scan_sees_imports_inside_functions(tmp_path, monkeypatch):
    """The checker itself: a hand-made module with a hidden import must be caught."""
    fake = PACKAGE / "analysis" / "_layer_probe_function.py"
    source = "def f():\n    from graphkit.export.tables import atomic_path\n    import graphkit.cli\n"
    fake.write_text(source, encoding="utf-8")
    try:
        found = imported_modules(fake)
    finally:
        fake.unlink()
    assert "graphkit.export.tables" in found and "graphkit.cli" in found


def test_relative_imports_are_resolved(tmp_path):
    fake = PACKAGE / "analysis" / "_layer_probe_relative.py"
    fake.write_text("from ..export import tables\nfrom . import engine\n", encoding="utf-8")
    try:
        found = imported_modules(fake)
    finally:
        fake.unlink()
    assert {
        "graphkit.export",
        "graphkit.export.tables",
        "graphkit.analysis",
        "graphkit.analysis.engine",
    } <= found
