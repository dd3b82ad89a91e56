"""The format registry: every format graphkit reads or writes, listed once.

``graphkit.load`` and ``graphkit.write``, ``convert``, ``import``, ``merge`` and the
command line's help read :data:`FORMATS`. A format names its reader and writer as
``"module:function"`` text, imported only when a file of that format is read or written
(so this module imports nothing heavy, and loaders never import the exporters).

Adding a format: write its module (a ``load_x(path)`` in ``graphkit/loaders/``, and a
``write_x(G, path)`` in ``graphkit/export/``), then add one :class:`Format` to
:data:`FORMATS`. Formats without suffixes (``importer=True``) are brought in by their own
``graphkit import NAME`` command, because their files (``.json``) need options to read.

Examples
--------
>>> names()
['dataset', 'xlsx', 'graphkit-json', 'node-link', 'graphml', 'gexf', 'cyjs']
>>> names(writing=True)[-4:]
['cyjs', 'kumu-xlsx', 'kumu-json', 'neo4j-admin']
>>> for_path("out/graph.graphml", writing=True).writer
'graphkit.export.tables:write_graphml'
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphkit.errors import FormatError, OutputError

__all__ = [
    "Format",
    "FORMATS",
    "ALIASES",
    "get_format",
    "for_path",
    "matching",
    "names",
    "describe",
    "resolve",
]


@dataclass(frozen=True)
class Format:
    """One format: its name, the suffixes that name it, its reader and writer, and a description."""

    name: str
    suffixes: tuple[str, ...]
    description: str
    reader: str | None = None  # "module:function", called as reader(path) (folder: with progress=)
    writer: str | None = None  # "module:function", called as writer(G, path) (folder: with overwrite=)
    folder: bool = False  # a folder of files, not one file
    importer: bool = False  # read by `graphkit import NAME` with its own options, never by suffix

    @property
    def readable(self) -> bool:
        return self.reader is not None

    @property
    def writable(self) -> bool:
        return self.writer is not None


FORMATS: tuple[Format, ...] = (
    Format(
        "dataset",
        ("",),
        "a folder of actors.csv, capabilities.csv, threats.csv and relationships.csv",
        reader="graphkit.loaders.tabular:load_dataset",
        writer="graphkit.export.tables:write_dataset",
        folder=True,
    ),
    Format(
        "xlsx",
        (".xlsx",),
        "one Excel workbook with the dataset's four sheets",
        reader="graphkit.loaders.tabular:load_dataset",
        writer="graphkit.export.tables:write_dataset",
    ),
    Format(
        "graphkit-json",
        (".json",),
        "graphkit's own JSON (nodes and relationships with typed properties); reads networkx's node-link JSON too",
        reader="graphkit.loaders.graphfile:load_json",
        writer="graphkit.export.tables:write_json",
    ),
    Format(
        "node-link",
        (".nodelink.json",),
        "networkx node-link JSON (nx.node_link_graph reads it, 'edges' and 'links' keys both written)",
        reader="graphkit.loaders.graphfile:load_json",
        writer="graphkit.export.interop:write_node_link",
    ),
    Format(
        "graphml",
        (".graphml",),
        "GraphML (Gephi, yEd, Cytoscape), property types kept",
        reader="graphkit.loaders.graphxml:load_graphml",
        writer="graphkit.export.tables:write_graphml",
    ),
    Format(
        "gexf",
        (".gexf",),
        "GEXF 1.3 for Gephi, with graphkit's colours, sizes and layout (viz) and native edge weights",
        reader="graphkit.loaders.graphxml:load_gexf",
        writer="graphkit.export.tables:write_gexf",
    ),
    Format(
        "cyjs",
        (".cyjs",),
        "Cytoscape JSON (Cytoscape Desktop, Cytoscape.js; nx.cytoscape_graph reads it)",
        reader="graphkit.loaders.graphfile:load_json",
        writer="graphkit.export.interop:write_cyjs",
    ),
    Format(
        "kumu-xlsx",
        (".kumu.xlsx",),
        "Kumu import workbook (Elements and Connections sheets)",
        writer="graphkit.export.kumu:write_kumu_xlsx",
    ),
    Format(
        "kumu-json",
        (".kumu.json",),
        "Kumu JSON blueprint (elements and connections)",
        writer="graphkit.export.kumu:write_kumu_json",
    ),
    Format(
        "neo4j-admin",
        (".neo4j",),
        "a folder of CSV files for neo4j-admin database import full (with import.sh)",
        writer="graphkit.export.neo4j_admin:write_neo4j_admin",
        folder=True,
    ),
    Format(
        "misp-galaxy",
        (),
        "MISP galaxy cluster files (threat-actor, mitre-intrusion-set, mitre-course-of-action, "
        "mitre-attack-pattern, country)",
        reader="graphkit.loaders.misp:load_misp_galaxy",
        importer=True,
    ),
    Format(
        "stix",
        (),
        "STIX 2.1 bundles (intrusion sets, threat actors, identities, locations, courses of action)",
        reader="graphkit.loaders.stix:load_stix",
        importer=True,
    ),
)


ALIASES = {
    "json": "graphkit-json",
    "nodelink": "node-link",
    "node_link": "node-link",
    "kumu": "kumu-xlsx",
    "neo4j": "neo4j-admin",
}
"""Other names :func:`get_format` (and ``--to``) take: ``json`` is graphkit's own JSON."""


def get_format(name: str) -> Format:
    """The format called ``name``.

    Raises
    ------
    FormatError
        When no format has that name (the message lists them).
    """
    name = ALIASES.get(name, name)
    for f in FORMATS:
        if f.name == name:
            return f
    from graphkit.suggest import did_you_mean

    known = [f.name for f in FORMATS]
    raise FormatError(f"unknown format {name!r}{did_you_mean(name, known)}; formats: {', '.join(known)}")


def for_path(path: str | os.PathLike[str], *, writing: bool = False) -> Format:
    """The format a path names: its suffix (the longest that fits), else a dataset folder
    (an existing one, or when writing a path without suffix; when reading, any path that does not exist,
    so that the dataset loader reports it).

    Raises
    ------
    FormatError
        Reading a file whose suffix no format reads.
    OutputError
        Writing to a suffix no format writes.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    usable = [f for f in FORMATS if not f.importer and (f.writable if writing else f.readable)]
    found = matching(path.name, [f for f in FORMATS if not f.importer])
    if found is not None and found not in usable:
        error = OutputError if writing else FormatError
        raise error(
            f"{path}: graphkit {'reads' if writing else 'writes'} {found.name} ({found.suffixes[0]}) "
            f"but does not {'write' if writing else 'read'} it; {'use' if writing else 'give'} "
            f"{describe(writing=writing)}"
        )
    if found is not None:
        return found
    folder = next(f for f in usable if f.folder and "" in f.suffixes)
    try:  # not Path.is_dir(): it raises on a path below a folder one may not read
        st: os.stat_result | None = os.stat(path)
    except OSError:
        st = None
    is_dir = st is not None and stat.S_ISDIR(st.st_mode)
    if is_dir or (suffix in folder.suffixes if writing else st is None):
        return folder
    if writing:
        raise OutputError(
            f"{path}: unknown output format {suffix!r}; use {describe(writing=True)} (or name the format with --to)"
        )
    raise FormatError(f"{path}: unknown input format {suffix!r}; give {describe()}")


def matching(name: str, formats: Iterable[Format] = FORMATS) -> Format | None:
    """The format whose suffix ends ``name``, the longest suffix winning (``x.kumu.xlsx``
    is Kumu's workbook, ``x.xlsx`` a dataset workbook); None when no suffix fits.

    >>> matching("out.kumu.xlsx").name, matching("out.xlsx").name, matching("out.csv")
    ('kumu-xlsx', 'xlsx', None)
    """
    lower = name.lower()
    best: Format | None = None
    size = 0
    for f in formats:
        for suffix in f.suffixes:
            if suffix and lower.endswith(suffix) and len(lower) > len(suffix) and len(suffix) > size:
                best, size = f, len(suffix)
    return best


def names(*, writing: bool = False) -> list[str]:
    """The names of the formats one can read (or write) by path: ``--to`` takes them."""
    return [f.name for f in FORMATS if not f.importer and (f.writable if writing else f.readable)]


def describe(*, writing: bool = False) -> str:
    """The formats one can read (or write), as a help string: ``a dataset folder, .xlsx, ...``.

    >>> describe()
    'a dataset folder, .xlsx, .json, .nodelink.json, .graphml, .gexf or .cyjs'
    """
    usable = [f for f in FORMATS if not f.importer and (f.writable if writing else f.readable)]
    names = [
        "a dataset folder"
        if f.folder and not f.suffixes[0]
        else f"a {f.suffixes[0]} folder"
        if f.folder
        else f.suffixes[0]
        for f in usable
    ]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def resolve(dotted: str) -> Any:
    """The function a ``"module:function"`` reference names (imported now)."""
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)
