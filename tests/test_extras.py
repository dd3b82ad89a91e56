"""Optional parts say which extra to install when their packages are missing."""

from __future__ import annotations

import sys

import pytest

import graphkit as gk
from graphkit.errors import MissingExtraError
from graphkit.extras import EXTRAS, require


def test_every_extra_in_the_table_is_declared_in_pyproject():
    import tomllib
    from pathlib import Path

    meta = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    declared = meta["project"]["optional-dependencies"]
    for extra, (_, modules) in EXTRAS.items():
        assert extra in declared
        names = " ".join(declared[extra]).replace("-", "_").lower().replace("pyyaml", "pyyaml yaml")
        assert all(m.split(".")[0].lower() in names for m in modules), (extra, modules, declared[extra])


def test_a_missing_pyvis_names_its_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyvis", None)  # import pyvis now raises ImportError
    monkeypatch.setitem(sys.modules, "pyvis.network", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'graphkit\[pyvis\]'"):
        gk.to_pyvis(gk.load(gk.SAMPLE))


def test_require_returns_the_module_when_installed():
    assert require("networkx", "fast").__name__ == "networkx"
