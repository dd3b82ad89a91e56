"""Load a clean dataset folder column by column, at array speed.

:func:`load_clean_folder` reads each CSV file whole, types each column in one go
(:func:`~graphkit.loaders.values.parse_column`), proves column by column that the
row-by-row loader (:func:`graphkit.loaders.tabular.load_dataset`) would find no problem,
and builds the same graph (the same nodes, relationships, keys, attributes, attribute
order and value types) with bulk calls. As soon as anything is not plainly clean (a bad
cell, a repeated row, a ragged row, an id beyond ASCII that the Unicode checks must look
at ...) it gives up and returns None; the row-by-row loader then reads the folder again
and reports, so every error message is the row-by-row loader's by construction.

Every check here accepts a subset of what the row-by-row checks accept: when in doubt it
returns None, which only costs time.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from itertools import compress, islice
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import FormatError
from graphkit.files import display_path
from graphkit.graph import INT_RANGE, id_key, new_graph, period_problems, text_problem
from graphkit.loaders.header import NODE_FIXED, REL_FIXED, column_kind, column_specs
from graphkit.loaders.ids import IdChecks
from graphkit.loaders.rows import ESCAPE_PREFIX, MAX_FIELD_BYTES, Problems, Table
from graphkit.loaders.source import kind_problem, read_input
from graphkit.loaders.values import ColumnSpec, parse_column, split_list
from graphkit.progress import Progress

__all__ = ["load_clean_folder"]

_CHUNK = 1 << 16  # rows read at a time: a file of repeated rows is given up on early
_PROGRESS_ROWS = 20_000  # tables longer than this report progress, as the row-by-row loader does
_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")
_TIE_KEYS = (*schema.TIE_START, *schema.TIE_END, schema.TIE_CONFIRMED)


@dataclass
class _Column:
    """One named column: its property, type and typed values, one per row that has one."""

    name: str
    kind: str
    is_list: bool
    rows: list[int] | None  # the rows with a value, in order (None: every row)
    values: list[Any]
    texts: list[str]  # the non-empty texts, stripped (for text columns: to spot outer spaces)

    def full(self, n: int) -> list[Any]:
        """One value per row, None where the row has none (lists as tuples: hashable)."""
        values = [tuple(v) for v in self.values] if self.is_list else self.values
        if self.rows is None:
            return list(values)
        out: list[Any] = [None] * n
        for i, v in zip(self.rows, values, strict=True):
            out[i] = v
        return out


def load_clean_folder(
    path: str | os.PathLike[str], progress: Progress | None = None
) -> nx.MultiDiGraph | None:
    """The graph of the dataset folder ``path``, or None when anything in it needs the
    row-by-row loader's closer look (and maybe a problem report).

    Examples
    --------
    >>> G = load_clean_folder(gk.SAMPLE)
    >>> G.nodes["NATO"]["kind"], G.number_of_edges() == gk.load(gk.SAMPLE).number_of_edges()
    ('alliance', True)

    An actor of an unknown kind is a problem: the row-by-row loader must report it.

    >>> import pathlib, shutil, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bad = shutil.copytree(gk.SAMPLE, pathlib.Path(tmp) / "d")
    ...     with open(bad / "actors.csv", "a") as f:
    ...         _ = f.write("XX,Somewhere,planet\\n")
    ...     print(load_clean_folder(bad))
    None
    """
    path = Path(path)
    G = new_graph(display_path(path.stem if path.suffix else path.name))
    G.graph["path"] = display_path(path)  # shown and written, never opened
    nodes = []
    for label in schema.LABELS:
        file = path / f"{schema.NODE_FILES[label]}.csv"
        if (
            label != schema.ACTOR or schema.NODE_FILES[label] in schema.OPTIONAL_NODE_FILES
        ) and not os.path.lexists(file):
            continue  # capabilities.csv, threats.csv and norms.csv are optional
        table = _read_table(file, schema.REQUIRED_NODE_COLUMNS[label], NODE_FIXED, progress)
        if table is None:
            return None
        n, columns = table
        found = _node_rows(label, n, columns)
        if found is None:
            return None
        nodes.append(found)
    ids = [i for node_ids, _ in nodes for i in node_ids]
    if not _ids_clean(ids):
        return None
    for node_ids, attrs in nodes:
        G.add_nodes_from(zip(node_ids, attrs, strict=True))
    table = _read_table(
        path / f"{schema.RELATIONSHIPS_FILE}.csv", schema.REQUIRED_RELATIONSHIP_COLUMNS, REL_FIXED, progress
    )
    if table is None or not _add_relationships(G, *table):
        return None
    for extra in schema.EXTRA_RELATIONSHIP_FILES:
        file = path / f"{extra}.csv"
        if not os.path.lexists(file):
            continue
        table = _read_table(file, schema.REQUIRED_RELATIONSHIP_COLUMNS, REL_FIXED, progress)
        if table is None or not _add_relationships(G, *table):
            return None
    return G


def _read_table(
    file: Path, required: tuple[str, ...], fixed: dict[str, str], progress: Progress | None
) -> tuple[int, list[_Column]] | None:
    """``(rows, columns)`` of one CSV file, or None when the row-by-row reader must look."""
    if kind_problem(file) is not None:
        return None
    try:
        raw = read_input(file)
    except FormatError:
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        return None
    old_limit = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        header = next(reader, None)
        if header is None:
            return None
        table = Table(str(file), header)
        problems = Problems(1)
        specs = column_specs(table, required, problems)
        if specs is None or problems.items:
            return None
        rows = _rows(reader, file.name, progress)
    except (csv.Error, UnicodeDecodeError):
        return None
    finally:
        csv.field_size_limit(old_limit)
    if rows is None:
        return None
    n = len(rows)
    if progress is not None and n > _PROGRESS_ROWS:
        progress.count(file.name, 0, n)
    cells = _cells(rows, len(header))
    del rows
    if cells is None:
        return None
    columns = []
    for spec, column in zip(specs, cells, strict=True):
        if spec is None:
            if any(map(str.strip, column)):
                return None  # a value under a column with no name
            continue
        typed = _typed(spec, fixed, column)
        if typed is None:
            return None
        columns.append(typed)
    if progress is not None and n > _PROGRESS_ROWS:
        progress.count(file.name, n, n)
    return n, columns


def _rows(reader: Any, name: str, progress: Progress | None) -> list[tuple[str, ...]] | None:
    """The rows after the header, blank ones left out; None at the first repeated row.
    A long file counts its rows on ``progress`` as they are read."""
    rows: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    while chunk := list(islice(reader, _CHUNK)):
        kept = [tuple(r) for r in chunk if (r and r[0].strip()) or "".join(r).strip()]
        before = len(seen)
        seen.update(kept)
        if len(seen) - before != len(kept):
            return None
        rows += kept
        if progress is not None and len(rows) > _PROGRESS_ROWS:
            progress.count(f"{name} (reading)", len(rows), unit="rows")
    return rows


def _cells(rows: list[tuple[str, ...]], width: int) -> list[tuple[str, ...]] | None:
    """The table's columns of cells, each row cut or padded to ``width``; None when a row
    holds a value beyond the header."""
    if not rows:
        return [()] * width
    if set(map(len, rows)) != {width}:
        pad = ("",) * width
        fitted = []
        for row in rows:
            if len(row) > width and any(map(str.strip, row[width:])):
                return None
            fitted.append(row[:width] if len(row) >= width else row + pad[len(row) :])
        rows = fitted
    return list(zip(*rows, strict=True))


def _typed(spec: ColumnSpec, fixed: dict[str, str], column: tuple[str, ...]) -> _Column | None:
    """One column's values as the row-by-row loader types them, or None for a bad cell."""
    if ESCAPE_PREFIX in "".join(column):
        # The writers put a ' before text a spreadsheet would read as a formula.
        column = tuple(c[1:] if c[:1] == ESCAPE_PREFIX and len(c) > 1 else c for c in column)
    rows: list[int] | None = None
    cells: list[str] | tuple[str, ...] = column
    if "" in column:  # a sparse column: strip only the cells with text
        rows = list(compress(range(len(column)), column))
        cells = list(compress(column, column))
    texts = list(map(str.strip, cells))
    if "" in texts:  # cells of spaces are empty too
        rows = list(compress(range(len(column)) if rows is None else rows, texts))
        cells = list(compress(cells, texts))
        texts = list(filter(None, texts))
    if spec.is_list:
        parts = [split_list(c) for c in cells]
        kind = column_kind(spec, fixed, lambda: [p for ps in parts for p in ps])
        flat = parse_column([p for ps in parts for p in ps], kind)
        if flat is None:
            return None
        it = iter(flat)
        return _Column(spec.name, kind, True, rows, [list(islice(it, len(ps))) for ps in parts], texts)
    kind = column_kind(spec, fixed, lambda: texts)
    values = list(cells) if kind == "string" else parse_column(texts, kind)
    if values is None:
        return None
    return _Column(spec.name, kind, False, rows, values, texts)


def _node_rows(label: str, n: int, columns: list[_Column]) -> tuple[list[str], list[dict[str, Any]]] | None:
    """``(ids, attributes)`` of one node table's rows, or None when a row has a problem."""
    by_name = {c.name: c for c in columns}
    required = schema.REQUIRED_NODE_COLUMNS[label]  # id, name (and kind): a text in every row
    if any(c not in by_name or by_name[c].rows is not None or by_name[c].is_list for c in required):
        return None
    ids = by_name["id"]
    if ids.values != ids.texts or any(map(text_problem, ids.values)):
        return None  # outer spaces, a control character, more than 1 MiB
    if label == schema.ACTOR and not set(by_name["kind"].values) <= set(schema.ACTOR_KINDS):
        return None
    if label == schema.NORM and not set(by_name["kind"].values) <= set(schema.NORM_KINDS):
        return None
    attrs: list[dict[str, Any]] = [{} for _ in range(n)]
    for column in columns:
        if column.name == "id":
            continue
        if (column.values and column.name in schema.RESERVED_NODE_KEYS) or not _values_clean(
            column.name, column
        ):
            return None
        values = column.values if column.is_list else _shared(column.values)
        _fill(attrs, column.name, column.rows, values)
    for d in attrs:
        d["label"] = label
    return ids.values, attrs


def _ids_clean(ids: list[str]) -> bool:
    """Whether the ids are unique (also in case and Unicode normalisation) and pass the
    :class:`~graphkit.loaders.ids.IdChecks` (which an ASCII id without controls always does)."""
    if len(set(map(id_key, ids))) != len(ids):
        return False
    joined = "".join(ids)
    if joined.isascii() and _ASCII_CONTROL.search(joined) is None:
        return True
    checks = IdChecks()
    return not any(checks.check(i, "") for i in ids)


def _add_relationships(G: nx.MultiDiGraph, n: int, columns: list[_Column]) -> bool:
    """Add the relationships; False (and G unusable) when any of them has a problem."""
    by_name = {c.name: c for c in columns}
    ends = [by_name.get(c) for c in ("source", "type", "target")]
    if any(c is None or c.rows is not None or c.is_list for c in ends):
        return False
    sources, types, targets = (c.values for c in ends if c is not None)
    labels = {u: d["label"] for u, d in G.nodes(data=True)}
    for rtype, a, b in set(zip(types, map(labels.get, sources), map(labels.get, targets), strict=True)):
        rel = schema.RELATIONSHIP_TYPES.get(rtype)
        if rel is None or a is None or b is None:
            return False
        if (rel.sources and a not in rel.sources) or (rel.targets and b not in rel.targets):
            return False
    loops = {t for s, t, v in zip(sources, types, targets, strict=True) if s == v}
    if loops & {"MEMBER_OF", "COOPERATES_WITH"}:
        return False
    props = [c for c in columns if c.name not in ("source", "type", "target")]
    props.sort(key=lambda c: c.name == schema.RELATIONSHIP_SOURCE_COLUMN)  # it goes last, as "source"
    named = [("source" if c.name == schema.RELATIONSHIP_SOURCE_COLUMN else c.name, c) for c in props]
    if any(
        (c.values and key in schema.RESERVED_RELATIONSHIP_KEYS) or not _values_clean(key, c)
        for key, c in named
    ):
        return False
    if not _levels_clean(types, by_name.get("level")) or not _rules_clean(types, named):
        return False
    if "POSITION" in types and not _stances_present(types, by_name.get("stance")):
        return False
    full = {key: c.full(n) for key, c in named}
    if not _periods_clean([full[k] for k in _TIE_KEYS if k in full], [k for k in _TIE_KEYS if k in full]):
        return False
    if len(set(zip(sources, types, targets, *full.values(), strict=True))) != n:
        return False  # maybe exact duplicates: the row-by-row loader tells
    # What the graph keeps, taken out of the columns: the ends as the nodes' own id objects
    # (the adjacency dicts are keyed by them: no second copy of every id), one object per
    # distinct type and value. The columns go first (the caller's list is emptied), so that
    # the texts read are freed before the graph's dicts are made, and Python's allocator can
    # give their memory back instead of keeping it scattered between the graph's dicts.
    own = {u: u for u in G}
    sources = list(map(own.__getitem__, sources))
    targets = list(map(own.__getitem__, targets))
    types = _shared(types)
    kept = [(key, c.rows, c.values if c.is_list else _shared(c.values)) for key, c in named]
    columns.clear()
    del own, by_name, ends, props, named, full
    attrs: list[dict[str, Any]] = [{"type": t} for t in types]
    del types
    for key, rows, values in kept:
        _fill(attrs, key, rows, values)
    del kept
    _add_edges(G, sources, targets, attrs)
    return True


def _add_edges(
    G: nx.MultiDiGraph, sources: list[str], targets: list[str], attrs: list[dict[str, Any]]
) -> None:
    """``G.add_edge(u, v, **d)`` for each, between existing nodes, at three times the speed.

    A plain MultiDiGraph keeps, per ``(u, v)``, one dict of edge keys (0, 1, ... in the
    order added) to attribute dicts, shared by ``G._succ[u][v]`` and ``G._pred[v][u]``
    (networkx's documented data structure); the new attribute dicts are put there as they
    are, which is what ``add_edge`` does with a copy. Any other graph class goes through
    ``add_edge``.
    """
    if (
        type(G) is not nx.MultiDiGraph
        or G.edge_key_dict_factory is not dict
        or G.edge_attr_dict_factory is not dict
    ):
        for u, v, d in zip(sources, targets, attrs, strict=True):
            G.add_edge(u, v, **d)
        return
    succ, pred = G._succ, G._pred
    for u, v, d in zip(sources, targets, attrs, strict=True):
        keys = succ[u].get(v)
        if keys is None:
            succ[u][v] = pred[v][u] = {0: d}
        else:
            key = len(keys)
            while key in keys:  # as MultiDiGraph.new_edge_key
                key += 1
            keys[key] = d
    clear = getattr(nx, "_clear_cache", None)  # networkx >= 3.3 caches backend conversions
    if clear is not None:
        clear(G)


def _fill(attrs: list[dict[str, Any]], key: str, rows: list[int] | None, values: list[Any]) -> None:
    """``attrs[i][key] = value`` for the rows with a value (``rows`` None: every row)."""
    if rows is None:
        for d, v in zip(attrs, values, strict=True):
            d[key] = v
    else:
        for i, v in zip(rows, values, strict=True):
            attrs[i][key] = v


def _shared(values: list[Any]) -> list[Any]:
    """``values`` (of one column: all texts, all ints, all floats, all dates or all flags) with
    equal values as one object each: a large graph keeps one ``"COOPERATES_WITH"``, one
    ``0.5``, not one per relationship. Values are immutable, so nothing else changes; zeros
    are left apart (``-0.0 == 0.0``)."""
    memo: dict[Any, Any] = {}
    one = memo.setdefault
    return [one(v, v) if v else v for v in values]


def _values_clean(key: str, column: _Column) -> bool:
    """Whether every value of the column is one the graph's property checks accept under ``key``."""
    if not column.values:
        return True
    if key in schema.TEXT_PROPERTIES and (column.kind != "string" or column.is_list):
        return False
    flat = [x for v in column.values for x in v] if column.is_list else column.values
    if column.kind == "string":
        return not any(map(text_problem, set(flat)))
    if column.kind == "int" and flat:
        return INT_RANGE[0] <= min(flat) and max(flat) <= INT_RANGE[1]
    return True  # floats are finite (parse_column saw to it), bools and dates always fit


def _levels_clean(types: list[str], level: _Column | None) -> bool:
    """Whether every HAS_CAPABILITY level (a float) lies in 0..1."""
    if level is None or level.kind != "float" or level.is_list:
        return True
    rtypes = types if level.rows is None else [types[i] for i in level.rows]
    return all(0 <= v <= 1 for t, v in zip(rtypes, level.values, strict=True) if t == "HAS_CAPABILITY")


def _rules_clean(types: list[str], named: list[tuple[str, _Column]]) -> bool:
    """Whether no value breaks a rule of its relationship type (``basis`` of ATTRIBUTED_TO ...)."""
    for key, column in named:
        rtypes = types if column.rows is None else [types[i] for i in column.rows]
        values = map(tuple, column.values) if column.is_list else column.values
        for t, v in set(zip(rtypes, values, strict=True)):
            if schema.property_value_problem(t, key, list(v) if column.is_list else v):
                return False
    return True


def _stances_present(types: list[str], stance: _Column | None) -> bool:
    """Whether every POSITION row has a ``stance`` (the row-by-row loader reports one that has none)."""
    if stance is None:
        return False
    if stance.rows is None:
        return True
    have = set(stance.rows)
    return all(i in have for i, t in enumerate(types) if t == "POSITION")


def _periods_clean(columns: list[list[Any]], keys: list[str]) -> bool:
    """Whether no relationship's since/until dates have a problem (each combination checked once)."""
    if not columns:
        return True
    for combo in set(zip(*columns, strict=True)):
        d = {k: list(v) if isinstance(v, tuple) else v for k, v in zip(keys, combo, strict=True)}
        if period_problems({k: v for k, v in d.items() if v is not None}):
            return False
    return True
