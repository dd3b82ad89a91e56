"""The rows of one CSV file or sheet, as text, with the problems found while reading them.

:func:`read_csv_table` streams a CSV file row by row (the file's bytes are read once and
checked for encoding and NUL bytes; rows are parsed as they are needed), and drops a row
that repeats an earlier row exactly, text for text, as soon as it is read: five million
copies of one row cost what one does. Whether such a repeat is an error (the default) or
merged (``duplicates="merge"``) is the caller's choice; see :mod:`graphkit.loaders.duplicates`.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graphkit import schema
from graphkit.errors import DatasetError, FormatError, Problem
from graphkit.loaders.duplicates import MERGE_FIX, check_mode
from graphkit.loaders.source import read_input

__all__ = [
    "Table",
    "Problems",
    "RowDeduper",
    "read_csv_table",
    "MAX_FIELD_BYTES",
    "STOP_AFTER",
    "ESCAPE_PREFIX",
]

MAX_FIELD_BYTES = 1 << 20  # one cell may hold at most 1 MiB of text
STOP_AFTER = 10_000  # problems beyond the reported ones after which checking stops
ESCAPE_PREFIX = "'"


@dataclass
class Table:
    """The raw text of one CSV file or sheet: its header and ``(line, cells)`` rows."""

    file: str
    header: list[str]
    rows: list[tuple[int, tuple[str | None, ...]]] = field(default_factory=list)
    header_line: int = 1
    merged: int = 0  # exact repeats of earlier rows dropped (duplicates="merge")


class Problems:
    """Problems found so far: the first ``cap`` kept, the rest counted."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.items: list[Problem] = []
        self.dropped = 0
        self.unreadable: list[str] = []  # node files whose header could not be used
        self.knock_on = 0  # relationship ids that do not resolve only because of those

    @property
    def stopped(self) -> bool:
        """Past ``STOP_AFTER`` problems, reading stops: a million bad rows take no longer
        than ten thousand to report."""
        return self.dropped >= STOP_AFTER

    def add(
        self,
        file: str,
        message: str,
        line: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        if len(self.items) < self.cap:
            self.items.append(Problem(file, message, line, column, fix))
        else:
            self.dropped += 1

    def raise_if_any(self) -> None:
        if self.knock_on:
            self.items.append(
                Problem(
                    self.unreadable[0] if len(self.unreadable) == 1 else ", ".join(self.unreadable),
                    f"{self.knock_on:,} relationship ids do not resolve only because "
                    f"{' and '.join(Path(u).name for u in self.unreadable)} could not be read "
                    "(not listed one by one)",
                    fix="fix the problem above and validate again",
                )
            )
            self.knock_on = 0
        if self.items:
            raise DatasetError(self.items, truncated=self.dropped, stopped=self.stopped)


class RowDeduper:
    """Rows seen before in one table, by their cells' text: a repeat is reported or merged.

    ``add(line, cells)`` keeps a new row in the table; a row whose cells repeat an earlier
    row's text exactly is reported (``duplicates="error"``) or counted in ``merged``.
    """

    def __init__(self, table: Table, problems: Problems, duplicates: str) -> None:
        check_mode(duplicates)
        self.table = table
        self.problems = problems
        self.merge = duplicates == "merge"
        self.merged = 0
        self._first: dict[tuple[str | None, ...], int] = {}
        self._what = (
            "a relationship given twice is counted twice by every weighted measure"
            if _table_name(table.file) == schema.RELATIONSHIPS_FILE
            else "the same row twice"
        )

    def add(self, line: int, cells: tuple[str | None, ...], raw: tuple[str, ...] | None = None) -> None:
        """Keep the row (``cells`` as the table keeps them; ``raw``, the text read, is the key)."""
        key = cells if raw is None else raw
        first = self._first.get(key)
        if first is None:
            self._first[key] = line
            self.table.rows.append((line, cells))
        else:
            self.repeat(line, first)

    @property
    def first_line(self) -> Callable[[tuple[str | None, ...]], int | None]:
        """The line where a row with these cells was first seen (None: never)."""
        return self._first.get

    def repeat(self, line: int, first: int) -> None:
        if self.merge:
            self.merged += 1
        else:
            self.problems.add(
                self.table.file, f"exact duplicate of line {first} ({self._what})", line=line, fix=MERGE_FIX
            )


def read_csv_table(
    path: Path, problems: Problems | None = None, *, duplicates: str = "error"
) -> Table | None:
    """Read one CSV file's text (UTF-8, with or without BOM); unescape ``'``-prefixed cells.

    A row that repeats an earlier row exactly is reported (``duplicates="error"``) or
    dropped and counted in the table's ``merged`` (``"merge"``).
    """
    own = problems is None
    problems = problems or Problems(100)
    name = str(path)
    try:
        raw = read_input(path)
    except FormatError as exc:
        problems.add(name, str(exc).removeprefix(f"{name}: "))
        return _finish(own, problems, None)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(name, "file is UTF-16", fix="save it as UTF-8 (CSV UTF-8 in Excel)")
        return _finish(own, problems, None)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(
            name,
            "file is not UTF-8 (Latin-1 or Windows-1252?)",
            line=line,
            fix="save it as UTF-8 (CSV UTF-8 in Excel)",
        )
        return _finish(own, problems, None)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        problems.add(
            name, "file holds a NUL byte: it is not a text file", line=line, fix="save it again as CSV UTF-8"
        )
        return _finish(own, problems, None)
    old_limit = csv.field_size_limit(MAX_FIELD_BYTES)
    table: Table | None = None
    dedupe: RowDeduper | None = None
    try:
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""), strict=True)
        start = 1
        try:
            for cells in reader:
                if dedupe is None:
                    table = Table(name, cells, header_line=start)
                    dedupe = RowDeduper(table, problems, duplicates)
                    first_of = dedupe.first_line
                else:
                    raw_cells = tuple(cells)
                    first = first_of(raw_cells)
                    if first is not None:  # the fast path for a row repeated many times
                        dedupe.repeat(start, first)
                        if problems.stopped:
                            break
                    elif "".join(cells).strip():
                        # The writers put a ' before text a spreadsheet would read as a formula.
                        dedupe.add(
                            start,
                            tuple(
                                [
                                    (c[1:] if c[0] == ESCAPE_PREFIX and len(c) > 1 else c) if c else None
                                    for c in cells
                                ]
                            ),
                            raw_cells,
                        )
                start = reader.line_num + 1
        except csv.Error as exc:
            message = str(exc)
            if "field larger" in message:
                message = f"a cell is larger than {MAX_FIELD_BYTES // 1024} KiB"
            problems.add(name, f"not valid CSV: {message}", line=start, fix="check the quoting on this line")
            return _finish(own, problems, None)
    finally:
        csv.field_size_limit(old_limit)
    if table is None:
        problems.add(name, "file is empty", line=1, fix="add a header row")
    elif dedupe is not None:
        table.merged = dedupe.merged
    return _finish(own, problems, table)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off within the block (loading a 1.7M-relationship dataset
    spent a third of its time in it, for no cycle); as it was after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _finish(own: bool, problems: Problems, table: Table | None) -> Table | None:
    if own:
        problems.raise_if_any()
    return table


def _table_name(file: str) -> str:
    """``relationships`` for ``.../relationships.csv`` and ``book.xlsx[relationships]``."""
    if file.endswith("]") and "[" in file:
        return file[file.rindex("[") + 1 : -1]
    return Path(file).stem
