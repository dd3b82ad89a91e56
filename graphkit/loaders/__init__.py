"""Loaders: one module per input format, all building the canonical graph."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from graphkit.progress import Progress

__all__ = ["load", "load_dataset", "load_json", "load_graphml", "load_gexf"]

_READERS = {
    "load_dataset": "dataset",
    "load_json": "graphkit-json",
    "load_graphml": "graphml",
    "load_gexf": "gexf",
}


def __getattr__(name: str) -> Any:
    # The format modules load on first use (they bring networkx), so that importing
    # graphkit.loaders.values stays cheap; where each reader lives is the registry's to say.
    if name not in _READERS:
        raise AttributeError(f"module 'graphkit.loaders' has no attribute {name!r}")
    from graphkit.loaders.formats import get_format, resolve

    return resolve(get_format(_READERS[name]).reader or "")


def load(
    path: str | os.PathLike[str], *, progress: Progress | None = None, duplicates: str = "error"
) -> nx.MultiDiGraph:
    """Load a graph from any format in the registry (:mod:`graphkit.loaders.formats`):
    a dataset folder, ``.xlsx``, ``.json``, ``.graphml`` or ``.gexf``, chosen by the path.

    An exact duplicate relationship (same source, type, target and values) is an error;
    ``duplicates="merge"`` keeps the first and counts the rest in
    ``G.graph["merged_duplicates"]`` (the command line's ``--merge-duplicates``).

    Raises
    ------
    FormatError
        When the path's suffix names no format, or the file is not of its format.
    DatasetError
        When the data breaks the schema (every problem with its file, line and field).

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> sorted(gk.summary(G)["nodes"].items())[0]
    ('Actor', 14)
    """
    from graphkit.loaders.formats import for_path, resolve

    fmt = for_path(path)
    reader = resolve(fmt.reader or "")
    if fmt.folder or fmt.name == "xlsx":
        return reader(Path(path), progress=progress, duplicates=duplicates)
    return reader(Path(path), duplicates=duplicates)
