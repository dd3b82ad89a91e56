"""CSV files for ``neo4j-admin database import full``: the bulk loader for graphs too large for Bolt.

A folder with one node file per label (``actors.csv``, ``capabilities.csv``,
``threats.csv``), ``relationships.csv`` and ``import.sh`` holding the exact command. The
header grammar is the one Neo4j's operations manual documents ("Import header format"):
``<name>:<field_type>``; the node file has ``id:ID`` (the id is kept as the ``id``
property, as graphkit's own Neo4j store keeps it) and ``:LABEL``; the relationship file has
``:START_ID``, ``:END_ID`` and ``:TYPE``; a property column is ``name:long``,
``name:double``, ``name:boolean``, ``name:date`` or ``name:string``, and lists are
``name:string[]`` (elements split by ``;``, the importer's default array delimiter). An
absent property is an empty cell (no property); text is always quoted, so an empty text
stays an empty text.

Load the folder into a new database (Neo4j 5; the database must not exist yet)::

    neo4j-admin database import full --nodes=actors.csv --nodes=capabilities.csv \\
        --nodes=threats.csv --relationships=relationships.csv neo4j

run in the folder (``import.sh`` has it with the folder's files), then ``CREATE DATABASE``
or restart, as the manual's "Full import" page says.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import OutputError
from graphkit.files import atomic_path

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["write_neo4j_admin", "import_command", "NEO4J_TYPES", "HEADER_FIELD", "ARRAY_DELIMITER"]

NEO4J_TYPES = {"int": "long", "float": "double", "bool": "boolean", "string": "string", "date": "date"}
"""graphkit's property types and the import tool's field types."""

ARRAY_DELIMITER = ";"
"""The import tool's default ``--array-delimiter``."""

HEADER_FIELD = re.compile(
    r"^(?:(?P<name>[^:]+):(?P<type>int|long|float|double|boolean|byte|short|char|string|point|date|"
    r"localtime|time|localdatetime|datetime|duration)(?P<array>\[\])?"
    r"|(?P<idname>[^:]*):ID(?:\((?P<group>[^)]+)\))?"
    r"|:(?P<special>LABEL|START_ID|END_ID|TYPE|IGNORE)(?:\((?P<group2>[^)]+)\))?)$"
)
"""One header field as the manual's "Import header format" page writes it."""

_NODE_FILES = {label: schema.NODE_FILES[label] for label in schema.LABELS}


def write_neo4j_admin(G: nx.MultiDiGraph, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    """Write the folder ``path`` for ``neo4j-admin database import full`` (see the module).

    Raises
    ------
    OutputError
        When a property mixes value types, a list element holds the array delimiter, or
        the folder holds anything but what this writer writes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_neo4j_admin(gk.load(gk.SAMPLE), pathlib.Path(tmp) / "neo4j-import")
    ...     print((out / "actors.csv").read_text().splitlines()[0])
    ...     print((out / "relationships.csv").read_text().splitlines()[0])
    id:ID,name:string,kind:string,iso3:string,region:string,source:string,founded:long,:LABEL
    :START_ID,:END_ID,:TYPE,since:long,source:string,instrument:string,weight:double,level:double,sectors:string[],confidence:double,basis:string,via:string[]
    """
    from graphkit.graph import nodes_of

    path = Path(path)
    files: dict[str, tuple[list[str], list[list[str]]]] = {}
    for label in schema.LABELS:
        items = list(nodes_of(G, label))
        if not items and label != schema.ACTOR:
            continue
        props = [{k: v for k, v in d.items() if k != "label"} for _, d in items]
        keys, types = _columns(props, f"{_NODE_FILES[label]}.csv")
        header = ["id:ID", *[f"{k}:{types[k]}" for k in keys], ":LABEL"]
        rows = [
            [_quote(str(n)), *[_cell(p.get(k)) for k in keys], label]
            for (n, _), p in zip(items, props, strict=True)
        ]
        files[_NODE_FILES[label]] = (header, rows)
    ends, props = [], []
    for u, v, d in G.edges(data=True):
        ends.append((u, v, d["type"]))
        props.append({k: x for k, x in d.items() if k != "type"})
    keys, types = _columns(props, "relationships.csv")
    header = [":START_ID", ":END_ID", ":TYPE", *[f"{k}:{types[k]}" for k in keys]]
    rows = [
        [_quote(str(u)), _quote(str(v)), t, *[_cell(p.get(k)) for k in keys]]
        for (u, v, t), p in zip(ends, props, strict=True)
    ]
    files[schema.RELATIONSHIPS_FILE] = (header, rows)
    multiline = any("\n" in c or "\r" in c for _, rs in files.values() for r in rs for c in r)
    names = [f"{n}.csv" for n in files]
    owned = {*names, "import.sh"}
    with atomic_path(path, folder=True, owned=lambda rel: rel in owned, what="neo4j-admin import") as tmp:
        for name, (header, rows) in files.items():
            with open(tmp / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
                f.write(",".join(header) + "\n")
                for row in rows:
                    f.write(",".join(row) + "\n")
        (tmp / "import.sh").write_text(
            "#!/bin/sh\n# Load this folder into a new Neo4j database (neo4j-admin of Neo4j 5).\n"
            'cd "$(dirname "$0")" && ' + import_command(names, multiline=multiline) + "\n",
            encoding="utf-8",
        )
    return path


def import_command(files: list[str], *, database: str = "neo4j", multiline: bool = False) -> str:
    """The ``neo4j-admin database import full`` command for the files written.

    >>> import_command(["actors.csv", "relationships.csv"])
    'neo4j-admin database import full --nodes=actors.csv --relationships=relationships.csv neo4j'
    """
    parts = ["neo4j-admin", "database", "import", "full"]
    parts += [f"--nodes={f}" for f in files if f != f"{schema.RELATIONSHIPS_FILE}.csv"]
    parts += [f"--relationships={f}" for f in files if f == f"{schema.RELATIONSHIPS_FILE}.csv"]
    if multiline:
        parts.append("--multiline-fields=true")
    parts.append(database)
    return " ".join(parts)


def _columns(props: list[dict[str, Any]], file: str) -> tuple[list[str], dict[str, str]]:
    keys: list[str] = []
    types: dict[str, str] = {}
    for p in props:
        for k, v in p.items():
            kind = schema.value_type(v) or "string"
            scalar, is_list = kind.removesuffix("[]"), kind.endswith("[]")
            t = NEO4J_TYPES.get(scalar, "string") + ("[]" if is_list else "")
            if k not in types:
                keys.append(k)
                types[k] = t
            elif types[k] != t:
                raise OutputError(
                    f"{file}: property {k!r} mixes value types ({types[k]} and {t}); the import "
                    "header declares one type per column: make the values one type"
                )
            if is_list and any(ARRAY_DELIMITER in _text(x) for x in v):
                raise OutputError(
                    f"{file}: property {k!r}: a list element holds {ARRAY_DELIMITER!r}, the import "
                    "tool's array delimiter"
                )
    return keys, types


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(v: Any) -> str:
    """An absent value is an empty cell; text is quoted; numbers, booleans and dates bare."""
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        return _quote(ARRAY_DELIMITER.join(_text(x) for x in v))
    if isinstance(v, str):
        return _quote(v)
    if isinstance(v, float) and v != v:
        return ""
    return _text(v)
