"""Exceptions raised by graphkit.

Every error a user can cause is a :class:`GraphkitError`; the command line turns it
into a message and exit code 2, never a traceback::

    GraphkitError
     ├── DatasetError        input data that breaks the schema (carries every Problem found)
     ├── FormatError         a file that cannot be read as the format it claims to be
     ├── SchemaError         a graph built in code that breaks the schema
     ├── QueryError          a Cypher query that fails to parse, bind or run
     ├── StoreError          a graph store (Neo4j, embedded engine) that cannot be reached or used
     ├── AnalysisError       an analysis parameter that cannot be used (unknown method, engine, actor ...)
     ├── OutputError         an output path that must not be written (exists, not ours, unwritable)
     └── MissingExtraError   an optional part of graphkit whose packages are not installed
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GraphkitError",
    "DatasetError",
    "FormatError",
    "SchemaError",
    "QueryError",
    "StoreError",
    "AnalysisError",
    "OutputError",
    "MissingExtraError",
    "Problem",
]


class GraphkitError(Exception):
    """Base class of every error graphkit raises on purpose.

    Examples
    --------
    Catch this one class to handle every mistake a user can make:

    >>> try:
    ...     gk.load("no/such/dataset")
    ... except gk.GraphkitError as exc:
    ...     print(type(exc).__name__, isinstance(exc, gk.GraphkitError))
    FormatError True
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and what would fix it.

    ``line`` counts physical lines from 1 (the header of a CSV file is line 1); for a
    spreadsheet it is the row number Excel shows.

    Examples
    --------
    >>> print(gk.Problem("actors.csv", "must not be empty", line=3, column="id", fix="give every actor an id"))
    actors.csv:3: column 'id': must not be empty (fix: give every actor an id)
    """

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    fix: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.message if self.column is None else f"column '{self.column}': {self.message}"
        text = f"{where}: {what}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


class DatasetError(GraphkitError):
    """An input dataset breaks the schema; ``problems`` lists every problem found.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "actors.csv").write_text("id,name,kind\\nUSA,United States,state\\nUSA,Again,state\\n")
    >>> try:
    ...     gk.load(folder)
    ... except gk.DatasetError as exc:
    ...     duplicate = [p for p in exc.problems if p.column == "id"][0]
    ...     print(duplicate.line, duplicate.message)
    3 duplicate id 'USA': ids are unique across the whole graph
    """

    def __init__(
        self, problems: list[Problem] | Problem, *, truncated: int = 0, stopped: bool = False
    ) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.truncated = truncated
        self.stopped = stopped  # checking stopped early: there are at least this many
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems) + self.truncated
        head = f"{'at least ' if self.stopped else ''}{n} problem{'s' if n != 1 else ''} found"
        lines = [head] + [f"  {p}" for p in self.problems]
        if self.truncated:
            lines.append(f"  ... and {self.more} (fix these first)")
        return "\n".join(lines)

    @property
    def more(self) -> str:
        """``'N more'``, or ``'at least N more (checking stopped there)'``."""
        if self.stopped:
            return f"at least {self.truncated:,} more (checking stopped there)"
        return f"{self.truncated:,} more"


class FormatError(GraphkitError):
    """A file cannot be read as the format it claims to be.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "graph.json"
    >>> _ = bad.write_text("{not json")
    >>> try:
    ...     gk.load(bad)
    ... except gk.FormatError as exc:
    ...     print(str(bad) in str(exc))
    True
    """


class SchemaError(GraphkitError):
    """A node, relationship or property breaks the schema.

    Examples
    --------
    >>> G = gk.new_graph()
    >>> try:
    ...     gk.add_node(G, "X", "Planet")
    ... except gk.SchemaError as exc:
    ...     print("Planet" in str(exc))
    True
    """


class QueryError(GraphkitError):
    """A Cypher query fails to parse, bind its parameters or run.

    Examples
    --------
    >>> from graphkit.analysis.gds import gds_analysis
    >>> try:
    ...     gds_analysis(None, types=["LIKES"])
    ... except gk.QueryError as exc:
    ...     print(exc)
    unknown relationship type(s): LIKES
    """


class StoreError(GraphkitError):
    """A graph store cannot be reached or used.

    Examples
    --------
    >>> from graphkit.stores.neo4j import Neo4jStore
    >>> try:
    ...     Neo4jStore("http://127.0.0.1:1")
    ... except gk.StoreError as exc:
    ...     print(isinstance(exc, gk.GraphkitError))
    True
    """


class AnalysisError(GraphkitError, ValueError):
    """An analysis parameter that cannot be used (unknown method, engine, actor ...).

    Examples
    --------
    >>> try:
    ...     gk.clusters(gk.load(gk.SAMPLE), method="astrology")
    ... except gk.AnalysisError as exc:
    ...     print(exc)
    unknown cluster method 'astrology'; expected one of louvain, leiden, label_propagation
    """


class OutputError(GraphkitError):
    """An output path must not be written.

    Examples
    --------
    >>> import tempfile
    >>> try:
    ...     gk.write_html(gk.load(gk.SAMPLE), tempfile.mkdtemp())  # a folder, not a file
    ... except gk.OutputError as exc:
    ...     print("is a folder" in str(exc))
    True
    """


class MissingExtraError(GraphkitError):
    """An optional part of graphkit was asked for and its packages are not installed.

    The message names the extra that brings them (``pip install 'graphkit[cypher]'``).
    """
