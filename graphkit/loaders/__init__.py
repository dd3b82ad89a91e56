"""Loaders: one module per input format, all building the canonical graph."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit.errors import FormatError

if TYPE_CHECKING:
    import networkx as nx

    from graphkit.progress import Progress

__all__ = ["load", "load_dataset", "load_json", "load_graphml", "load_gexf"]

# The format modules load on first use (they bring networkx), so that importing
# graphkit.loaders.values stays cheap.
_LAZY = {"load_dataset": "tabular", "load_json": "graphfile", "load_graphml": "graphfile", "load_gexf": "graphfile"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit.loaders' has no attribute {name!r}")
    return getattr(importlib.import_module(f"graphkit.loaders.{module}"), name)


def load(path: str | os.PathLike[str], *, progress: Progress | None = None) -> nx.MultiDiGraph:
    """Load a graph from a dataset folder, ``.xlsx``, ``.json``, ``.graphml`` or ``.gexf``.

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> sorted(gk.summary(G)["nodes"].items())[0]
    ('Actor', 14)
    """
    from graphkit.loaders.graphfile import load_gexf, load_graphml, load_json
    from graphkit.loaders.tabular import load_dataset

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_json(path)
    if suffix == ".graphml":
        return load_graphml(path)
    if suffix == ".gexf":
        return load_gexf(path)
    if path.is_dir() or suffix == ".xlsx" or not path.exists():
        return load_dataset(path, progress=progress)
    raise FormatError(
        f"{path}: unknown input format {suffix!r}; give a dataset folder, .xlsx, .json, .graphml or .gexf"
    )
