"""Layers follow the data: each module imports only the layers below it (DESIGN.md).

Every ``import graphkit...`` in the package, at module level or inside a function, is
read with ``ast`` and checked against the floors below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "graphkit"
BOTTOM = {
    "errors",
    "schema",
    "graph",
    "ties",
    "files",
    "suggest",
    "progress",
    "defaults",
    "terminal",
    "lifetime",
}

# module or package (first part after graphkit.) -> what it may import
ALLOWED = {
    "errors": set(),
    "files": {"errors"},
    "terminal": {"errors", "files"},
    "lifetime": set(),
    "suggest": set(),
    "schema": {"errors"},
    "graph": {"errors", "schema"},
    "ties": {"errors", "schema", "graph"},
    "loaders": BOTTOM | {"loaders"},
    "stores": BOTTOM | {"stores"},
    "cypher": BOTTOM | {"loaders", "stores", "cypher"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "graphkit":
            parts = node.module.split(".")
            if len(parts) > 1:
                out.append((node.lineno, parts[1]))
            else:  # from graphkit import schema, __version__
                out += [(node.lineno, a.name) for a in node.names if a.name != "__version__"]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[1]) for a in node.names if a.name.startswith("graphkit.")]
    return out


def _modules():
    for layer in ALLOWED:
        target = PKG / layer
        files = sorted(target.rglob("*.py")) if target.is_dir() else [PKG / f"{layer}.py"]
        for f in files:
            if f.name == "gds.py":  # moving to analysis/ (issue #14, other half)
                continue
            yield layer, f


@pytest.mark.parametrize(("layer", "path"), list(_modules()), ids=lambda x: str(x).split("graphkit/")[-1])
def test_imports_only_lower_layers(layer, path):
    bad = [(line, name) for line, name in _imports(path) if name not in ALLOWED[layer]]
    assert not bad, f"{path.relative_to(PKG.parent)} imports {bad} (allowed: {sorted(ALLOWED[layer])})"
