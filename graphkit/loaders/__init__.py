"""Loaders: one module per input format, all building the canonical graph."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from graphkit.errors import FormatError
from graphkit.loaders.graphfile import load_gexf, load_graphml, load_json
from graphkit.loaders.tabular import load_dataset

__all__ = ["load", "load_dataset", "load_json", "load_graphml", "load_gexf"]


def load(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Load a graph from a dataset folder, ``.xlsx``, ``.json``, ``.graphml`` or ``.gexf``.

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> sorted(gk.summary(G)["nodes"].items())[0]
    ('Actor', 14)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_json(path)
    if suffix == ".graphml":
        return load_graphml(path)
    if suffix == ".gexf":
        return load_gexf(path)
    if path.is_dir() or suffix == ".xlsx" or not path.exists():
        return load_dataset(path)
    raise FormatError(
        f"{path}: unknown input format {suffix!r}; give a dataset folder, .xlsx, .json, .graphml or .gexf"
    )
