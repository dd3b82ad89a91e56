"""Load a dataset: a folder of four CSV files, or one .xlsx workbook with four sheets.

Every problem in the dataset is collected (up to ``max_problems``) and raised together
as one :class:`~graphkit.errors.DatasetError`, each naming its file, line and column.

A folder is first tried column by column (:mod:`graphkit.loaders.columnar`, three times
faster); when anything in it is not plainly clean, it is read here row by row, and every
problem is reported from here.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import os
import re
import stat
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import FormatError
from graphkit.files import display_path
from graphkit.graph import id_key, new_graph, node_problems, relationship_problems
from graphkit.loaders.columnar import load_clean_folder
from graphkit.loaders.duplicates import MERGE_FIX, DuplicateFinder, check_mode
from graphkit.loaders.header import MAX_COLUMNS, NODE_FIXED, REL_FIXED, column_kind, column_specs
from graphkit.loaders.ids import IdChecks
from graphkit.loaders.memory import map_large_arrays
from graphkit.loaders.rows import MAX_FIELD_BYTES, RowDeduper, Table, gc_paused, read_csv_table
from graphkit.loaders.rows import Problems as _Problems
from graphkit.loaders.source import kind_problem, open_input
from graphkit.loaders.values import ColumnSpec, parse_cell, split_list
from graphkit.progress import Progress
from graphkit.suggest import close_matches, node_matches, path_hint

__all__ = [
    "load_dataset",
    "graph_from_tables",
    "OPTIONAL_TABLES",
    "Table",
    "read_csv_table",
    "read_xlsx_tables",
    "MAX_FIELD_BYTES",
    "MAX_COLUMNS",
]

_TABLES = [
    *(schema.NODE_FILES[label] for label in schema.LABELS),
    schema.RELATIONSHIPS_FILE,
    *schema.EXTRA_RELATIONSHIP_FILES,
]

OPTIONAL_TABLES = frozenset(
    {schema.NODE_FILES[schema.CAPABILITY], schema.NODE_FILES[schema.THREAT]}
    | schema.OPTIONAL_NODE_FILES
    | set(schema.EXTRA_RELATIONSHIP_FILES)
)
"""Tables a dataset may leave out (a plain actor network has no capabilities or threats;
norms and positions are there only where positions are recorded)."""


def load_dataset(
    path: str | os.PathLike[str],
    *,
    max_problems: int = 100,
    progress: Progress | None = None,
    duplicates: str = "error",
) -> nx.MultiDiGraph:
    """Read a dataset folder or ``.xlsx`` workbook into the canonical graph.

    An exact duplicate (a row, or a relationship with the same values) is a problem; with
    ``duplicates="merge"`` the first is kept and ``G.graph["merged_duplicates"]`` counts the
    rest (see :mod:`graphkit.loaders.duplicates`).

    Raises
    ------
    DatasetError
        Listing every problem found (up to ``max_problems``), each with file, line,
        column and a fix.

    Examples
    --------
    >>> G = gk.load_dataset(gk.SAMPLE)
    >>> G.nodes["NATO"]["kind"]
    'alliance'
    """
    path = Path(path)
    check_mode(duplicates)
    map_large_arrays()  # the reader's large buffers go back to the system when freed
    with gc_paused():  # millions of small objects, no cycles: the collector only costs time here
        # A clean folder loads column by column; anything else (and every problem report)
        # takes the row-by-row reader below.
        G = load_clean_folder(path, progress) if os.path.isdir(path) else None
        return G if G is not None else _load_dataset(path, max_problems, progress, duplicates)


def _load_dataset(
    path: Path, max_problems: int, progress: Progress | None, duplicates: str
) -> nx.MultiDiGraph:
    problems = _Problems(max_problems)
    kind = _dataset_kind(path)
    if kind == "folder":
        tables = {}
        for name in _TABLES:
            f = path / f"{name}.csv"
            wrong = kind_problem(f)
            if wrong is not None and wrong.endswith(" is missing") and name in OPTIONAL_TABLES:
                continue
            if wrong is not None and wrong.endswith(" is missing"):
                problems.add(
                    str(f), "file is missing", fix=f"add {name}.csv with a header row (it may have no rows)"
                )
            elif wrong is not None and wrong.endswith(", not a file"):  # never opened: a FIFO would block
                problems.add(str(path), wrong, fix=f"replace it with the CSV file {name}.csv")
            else:
                table = read_csv_table(f, problems, duplicates=duplicates)
                if table is not None:
                    tables[name] = table
            if name not in tables and name != schema.RELATIONSHIPS_FILE and name not in OPTIONAL_TABLES:
                problems.unreadable.append(str(f))
    elif kind == "xlsx":
        tables = read_xlsx_tables(path, problems, duplicates=duplicates)
    else:
        raise FormatError(kind)
    G = graph_from_tables(
        tables,
        display_path(path.stem if path.suffix else path.name),
        problems,
        progress,
        duplicates=duplicates,
    )
    G.graph["path"] = display_path(path)  # shown and written, never opened
    return G


def graph_from_tables(
    tables: dict[str, Table],
    name: str,
    problems: _Problems,
    progress: Progress | None = None,
    *,
    duplicates: str = "error",
) -> nx.MultiDiGraph:
    """The graph of tables read as text (``actors``, ``capabilities``, ``threats``,
    ``relationships``; any but ``actors`` and ``relationships`` may be absent), checked
    row by row; raises :class:`~graphkit.errors.DatasetError` listing every problem."""
    G = new_graph(name)
    first_use: dict[str, tuple[str, str, int]] = {}
    ids = IdChecks()
    for label in schema.LABELS:
        table = tables.get(schema.NODE_FILES[label])
        if table is not None:
            _add_nodes(G, label, table, problems, first_use, ids, progress)
    merged = sum(t.merged for t in tables.values())
    absent = [t for t in _TABLES if t in OPTIONAL_TABLES and t not in tables]
    for rel_name in (schema.RELATIONSHIPS_FILE, *schema.EXTRA_RELATIONSHIP_FILES):
        table = tables.get(rel_name)
        if table is not None:
            merged += _add_relationships(
                G, table, problems, ids, progress, merge=duplicates == "merge", absent=absent
            )
    problems.raise_if_any()
    if merged:
        G.graph["merged_duplicates"] = merged
    return G


def _dataset_kind(path: Path) -> str:
    """``'folder'`` or ``'xlsx'``, or the message of a FormatError for anything else."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return f"{path}: no such file or folder{path_hint(path)}"
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror})"
    if stat.S_ISDIR(st.st_mode):
        try:
            os.listdir(path)
        except OSError as exc:
            return f"{path}: the folder cannot be read ({exc.strerror})"
        return "folder"
    if path.suffix.lower() == ".xlsx":
        wrong = kind_problem(path)
        return "xlsx" if wrong is None else f"{path.parent / wrong}; give a regular file"
    return (
        f"{path}: not a dataset; give a folder with actors.csv, capabilities.csv, threats.csv "
        "and relationships.csv, or an .xlsx workbook with sheets of those names"
    )


def read_xlsx_tables(path: Path, problems: _Problems, *, duplicates: str = "error") -> dict[str, Table]:
    """Read the four sheets of a workbook as text; cells are never evaluated."""

    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise FormatError("reading .xlsx needs openpyxl: pip install openpyxl") from exc
    name = str(path)
    with open_input(path) as fh:
        data = fh.read()
    _check_workbook_xml(io.BytesIO(data), path)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FormatError(
            f"{name}: not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})"
        ) from None
    tables: dict[str, Table] = {}
    seconds = _xlsx_seconds()
    deadline = time.monotonic() + seconds
    try:
        for sheet in _TABLES:
            if sheet not in wb.sheetnames and sheet in OPTIONAL_TABLES:
                continue
            if sheet not in wb.sheetnames:
                near = close_matches(sheet, wb.sheetnames, n=1, cutoff=0.6)
                problems.add(
                    f"{name}[{sheet}]",
                    "sheet is missing",
                    fix=f"rename sheet '{near[0]}' to {sheet} (sheet names are case-sensitive)"
                    if near
                    else f"add a sheet named {sheet} with a header row",
                )
                if sheet != schema.RELATIONSHIPS_FILE:
                    problems.unreadable.append(f"{name}[{sheet}]")
                continue
            ws = wb[sheet]
            # The stored dimension may lie: too small drops cells silently, too large
            # (A1:XFD1048576) pads every row to 16,384 cells. Read what is there instead.
            ws.reset_dimensions()
            label = f"{name}[{sheet}]"
            table = None
            dedupe = None
            try:
                for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    if line % 4096 == 0 and time.monotonic() > deadline:
                        raise FormatError(
                            f"{label}:{line}: reading the workbook took more than {seconds:g} s "
                            "(GRAPHKIT_XLSX_TIMEOUT); save the data as a dataset folder of CSV files instead"
                        )
                    cells = [_cell_text(v) for v in row]
                    if table is None:
                        if all(c is None for c in cells):
                            continue
                        while cells and cells[-1] is None:
                            cells.pop()
                        table = Table(label, [c or "" for c in cells], header_line=line)
                        dedupe = RowDeduper(table, problems, duplicates)
                    elif dedupe is not None and any(c is not None and c.strip() for c in cells):
                        dedupe.add(line, tuple(cells))
            except (
                SyntaxError,
                ValueError,
                KeyError,
                TypeError,
                EOFError,
                OSError,
                zipfile.BadZipFile,
                zlib.error,
            ) as exc:
                # xml.etree's ParseError is a SyntaxError; a damaged zip member fails here too.
                raise FormatError(
                    f"{label}: sheet cannot be read ({exc.__class__.__name__}: {exc})"
                ) from None
            if table is None:
                problems.add(label, "sheet is empty", line=1, fix="add a header row")
                if sheet != schema.RELATIONSHIPS_FILE:
                    problems.unreadable.append(label)
            else:
                table.merged = dedupe.merged if dedupe is not None else 0
                tables[sheet] = table
    finally:
        wb.close()
    return tables


def _xlsx_seconds() -> float:
    """The time a workbook may take to read: ``GRAPHKIT_XLSX_TIMEOUT`` seconds, else 300."""
    try:
        seconds = float(os.environ.get("GRAPHKIT_XLSX_TIMEOUT") or 300)
    except ValueError:
        seconds = 300.0
    return seconds if 0 < seconds < float("inf") else 300.0


MAX_XLSX_UNZIPPED = 1 << 30  # a workbook may unpack to at most 1 GiB
MAX_XLSX_PART = 256 << 20  # and each of its parts (a sheet, the shared strings) to 256 MiB
MAX_XLSX_STRINGS = 64 << 20  # the shared strings (read whole, into memory) to 64 MiB
MAX_XLSX_RATIO = 100  # a part read whole, above 8 MiB, to at most 100 times its packed size
_RATIO_FROM = 8 << 20
_DTD = re.compile(rb"<!(?i:doctype|entity)")


def _check_workbook_xml(data: io.BytesIO, path: Path) -> None:
    """Refuse a workbook that unpacks to more than 1 GiB, a part that unpacks to more than
    256 MiB (shared strings: 64 MiB), a part read whole (not a sheet) that unpacks, above
    8 MiB, to more than 100 times its packed size (a shared-strings bomb: 0.9 MB holding
    360 MB of strings would take minutes and gigabytes in the reader), or XML that declares
    a DTD or entities. The size checks read the zip's headers only, so a bomb is refused in
    about a second."""

    try:
        with zipfile.ZipFile(data) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_XLSX_UNZIPPED:
                raise FormatError(
                    f"{path}: the workbook unpacks to {total:,} bytes (more than "
                    f"{MAX_XLSX_UNZIPPED:,}); is it a zip bomb?"
                )
            for info in infos:
                # Sheets are streamed row by row (a huge cell is refused there, by its row);
                # every other part, the shared strings first, is read whole into memory.
                streamed = info.filename.startswith("xl/worksheets/")
                cap = (
                    MAX_XLSX_STRINGS if info.filename.lower().endswith("sharedstrings.xml") else MAX_XLSX_PART
                )
                packed = max(info.compress_size, 1)
                if info.file_size > cap or (
                    not streamed and info.file_size > _RATIO_FROM and info.file_size > MAX_XLSX_RATIO * packed
                ):
                    raise FormatError(
                        f"{path}: part {info.filename} unpacks to {info.file_size:,} bytes from "
                        f"{info.compress_size:,} (at most {cap:,} bytes, and at most "
                        f"{MAX_XLSX_RATIO} times its packed size above {_RATIO_FROM:,}); is it a zip bomb? "
                        "Save the data as a dataset folder of CSV files instead"
                    )
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with z.open(info) as f:
                    tail = b""
                    while chunk := f.read(1 << 22):
                        if _DTD.search(tail + chunk):
                            raise FormatError(
                                f"{path}: {info.filename} declares a DTD or entities, which are "
                                "refused (entities are never expanded); save the workbook again from a spreadsheet program"
                            )
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise FormatError(
            f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})"
        ) from None


_XLSX_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how Excel stores characters XML can't hold


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = _XLSX_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    return text if text != "" else None


def _typed_rows(
    table: Table,
    specs: list[ColumnSpec | None],
    fixed: dict[str, str],
    problems: _Problems,
    progress: Progress | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as ``(line, {column: value})`` with every column typed; bad cells reported."""
    width = len(table.header)
    kinds: dict[int, str] = {}
    for i, spec in enumerate(specs):
        if spec is not None:
            kinds[i] = column_kind(spec, fixed, functools.partial(_texts, table, i, spec.is_list))
    # One plan per named column, worked out once: (index, name, kind, is_list).
    plans = [(i, spec.name, kinds[i], spec.is_list) for i, spec in enumerate(specs) if spec is not None]
    unnamed = [i for i, spec in enumerate(specs) if spec is None]
    total = len(table.rows)
    label = Path(table.file).name
    for done, (line, cells) in enumerate(table.rows):
        if problems.stopped:
            return
        if progress is not None and done % 20_000 == 0 and total > 20_000:
            progress.count(label, done, total)
        n = len(cells)
        if n > width and any(c is not None and c.strip() for c in cells[width:]):
            problems.add(
                table.file,
                f"row has {n} cells but the header has {width}",
                line=line,
                fix="remove the extra cells or quote a value that holds a comma",
            )
            continue
        for i in unnamed:
            cell = cells[i] if i < n else None
            if cell is not None and cell.strip():
                problems.add(
                    table.file,
                    "value under a column with no name",
                    line=line,
                    fix="give the column a name in the header",
                )
        row: dict[str, Any] = {}
        for i, name, kind, is_list in plans:
            cell = cells[i] if i < n else None
            if cell is None or not cell.strip():
                continue
            if is_list:
                values = []
                for part in split_list(cell):
                    value, reason = parse_cell(part, kind)
                    if reason:
                        problems.add(table.file, reason, line=line, column=name, fix=_type_fix(name, kind))
                    values.append(value)
                row[name] = values
            elif kind == "string":
                row[name] = cell
            else:
                value, reason = parse_cell(cell.strip(), kind)
                if reason:
                    problems.add(table.file, reason, line=line, column=name, fix=_type_fix(name, kind))
                    continue
                row[name] = value
        yield line, row
    if progress is not None and total > 20_000:
        progress.count(label, total, total)


def _texts(table: Table, i: int, is_list: bool) -> list[str]:
    """Column ``i``'s non-empty texts, stripped (lists split), for type inference."""
    texts = []
    for _, cells in table.rows:
        cell = cells[i] if i < len(cells) else None
        if cell is None or not cell.strip():
            continue
        texts += split_list(cell) if is_list else [cell.strip()]
    return texts


def _type_fix(name: str, kind: str) -> str:
    if kind == "date":
        return "write a real date as YYYY-MM-DD"
    if kind in ("int", "float"):
        extra = (
            ""
            if name in ("level", "weight", "confidence")
            else f", or declare the column as text with the header '{name}:string'"
        )
        return f"write a number here{extra}"
    if kind == "bool":
        return "write true or false"
    return "correct the value"


def _add_nodes(
    G: nx.MultiDiGraph,
    label: str,
    table: Table,
    problems: _Problems,
    first_use: dict[str, tuple[str, str, int]],
    ids: IdChecks,
    progress: Progress | None = None,
) -> None:
    specs = column_specs(table, schema.REQUIRED_NODE_COLUMNS[label], problems)
    if specs is None:
        problems.unreadable.append(table.file)
        return
    first_line: dict[str, int] = {}
    short_name = Path(table.file).name
    for line, row in _typed_rows(table, specs, NODE_FIXED, problems, progress):
        node_id = row.pop("id", None)
        if node_id is None:
            problems.add(table.file, "id is empty", line=line, column="id", fix="give every row an id")
            continue
        msgs = node_problems(G, node_id, label, row)
        earlier = first_use.get(id_key(node_id)) if not msgs else None
        if earlier is not None:
            other, file, where = earlier
            a, b = _shown(node_id, other)
            problems.add(
                table.file,
                f"id {a} differs from id {b} ({file} line {where}) only in case or Unicode normalisation",
                line=line,
                column="id",
                fix="use one spelling of the id everywhere, or make the ids really differ",
            )
            continue
        if not msgs:
            for msg in ids.check(node_id, f"{short_name} line {line}"):
                fix = (
                    (
                        "remove the invisible character (a byte-order mark at the start of a line "
                        "comes from pasting two files together)"
                    )
                    if "invisible" in msg
                    else ("write the id in one script (Latin letters only, for example)")
                )
                problems.add(table.file, msg, line=line, column="id", fix=fix)
        for msg in msgs:
            column = _column_of(msg, ("id", "name", "kind"))
            if msg.startswith("duplicate id"):
                first = first_line.get(node_id)
                fix = f"ids are unique across all files; first used {'on line ' + str(first) if first else 'in another file'}"
                problems.add(table.file, msg, line=line, column="id", fix=fix)
            elif column == "kind" and isinstance(row.get("kind"), str):
                near = close_matches(row["kind"], schema.ACTOR_KINDS, n=1)
                hint = f"did you mean '{near[0]}'? (kinds are lower case)" if near else None
                problems.add(table.file, msg, line=line, column=column, fix=hint)
            else:
                problems.add(table.file, msg, line=line, column=column)
        if node_id not in G:
            # Added even when the row has problems, so that relationships to it resolve;
            # a reserved column (reported above) must not clash with the structure.
            G.add_node(
                node_id, **{k: v for k, v in row.items() if k not in schema.RESERVED_NODE_KEYS}, label=label
            )
            first_line[node_id] = line
            first_use[id_key(node_id)] = (node_id, short_name, line)


def _add_relationships(
    G: nx.MultiDiGraph,
    table: Table,
    problems: _Problems,
    ids: IdChecks,
    progress: Progress | None = None,
    *,
    merge: bool = False,
    absent: list[str] | None = None,
) -> int:
    """Add the table's relationships; return how many exact duplicates were merged
    (``absent``: the optional tables not given, named in the fix of an id that does not resolve)."""
    specs = column_specs(table, schema.REQUIRED_RELATIONSHIP_COLUMNS, problems)
    if specs is None:
        return 0
    dupes = DuplicateFinder()
    for line, row in _typed_rows(table, specs, REL_FIXED, problems, progress):
        source, rtype, target = row.pop("source", None), row.pop("type", None), row.pop("target", None)
        missing = [c for c, v in (("source", source), ("type", rtype), ("target", target)) if v is None]
        if missing:
            for c in missing:
                problems.add(table.file, f"{c} is empty", line=line, column=c, fix=f"fill in the {c}")
            continue
        if schema.RELATIONSHIP_SOURCE_COLUMN in row:
            row["source"] = row.pop(schema.RELATIONSHIP_SOURCE_COLUMN)
        level = row.get("level")
        if rtype == "HAS_CAPABILITY" and isinstance(level, float) and not 0 <= level <= 1:
            problems.add(
                table.file,
                f"level {level} is outside 0..1",
                line=line,
                column="level",
                fix="write a level between 0 and 1",
            )
            continue
        msgs = relationship_problems(G, source, rtype, target, row)
        for msg in msgs:
            column = (
                "type"
                if "relationship type" in msg
                else "source"
                if msg.startswith(("source", f"{rtype} cannot start"))
                else "target"
                if msg.startswith(("target", f"{rtype} cannot point"))
                else _column_of(msg, ())
            )
            fix = None
            if "does not resolve" in msg and problems.unreadable:
                problems.knock_on += 1
                continue
            if "does not resolve" in msg:
                bad = source if column == "source" else target
                better = ids.unresolved(bad, column or "")
                near = (
                    node_matches(str(bad), ((n, d.get("name")) for n, d in G.nodes(data=True)), n=1)
                    if better is None and len(problems.items) < problems.cap
                    else []
                )
                rel = schema.RELATIONSHIP_TYPES.get(rtype)
                ends = (rel.sources if column == "source" else rel.targets) if rel is not None else ()
                missing = [t for t in absent or () if any(schema.NODE_FILES[e] == t for e in ends)]
                name = G.nodes[near[0]].get("name") if near else None
                fix = (
                    f"did you mean '{near[0]}'"
                    + (f" ({name})" if name not in (None, near[0]) else "")
                    + "? (ids are case-sensitive; rows link ids, not names)"
                    if near
                    else f"no {' or '.join(missing)} table was given: add {missing[0]}.csv (or its sheet) "
                    "with this id, or correct the id"
                    if missing
                    else "add a node with that id or correct the id (ids are case-sensitive)"
                )
                msg = better or msg
            elif "relationship type" in msg:
                near = close_matches(str(rtype), schema.RELATIONSHIP_TYPES, n=1)
                fix = f"did you mean '{near[0]}'?" if near else "use one of the listed types"
            elif "cannot" in msg:
                rel = schema.RELATIONSHIP_TYPES[rtype]
                fix = f"{rtype} goes from {'/'.join(rel.sources)} to {'/'.join(rel.targets)}"
            problems.add(table.file, msg, line=line, column=column, fix=fix)
        if msgs:
            continue
        token = dupes.token(source, rtype, target, row)
        first = dupes.earlier(G, token, source, rtype, target, row)
        if first is None:
            dupes.remember(token, line, source, target, G.add_edge(source, target, type=rtype, **row))
        elif merge:
            dupes.merged += 1
        else:
            problems.add(
                table.file,
                f"exact duplicate of line {first} ({source} -{rtype}-> {target} with the "
                "same values: it would be counted twice by every weighted measure)",
                line=line,
                fix=MERGE_FIX,
            )
    return dupes.merged


def _shown(a: str, b: str) -> tuple[str, str]:
    """Two near-duplicate ids as the message shows them: escaped when they look alike."""
    return (repr(a), repr(b)) if a.casefold() == b.casefold() else (ascii(a), ascii(b))


def _column_of(message: str, candidates: tuple[str, ...]) -> str | None:
    if message.startswith("property "):
        return message.split("'")[1] if "'" in message else None
    for c in candidates:
        if f"'{c}'" in message or message.startswith(c):
            return c
    return None
