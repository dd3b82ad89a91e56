"""The front end every embedded query passes: parse, Neo4j's compile-time checks, then the answer.

:func:`answer_without_graph` is called by :func:`graphkit.cypher.run_query` before any
dataset is loaded: a query Neo4j would reject is rejected here with Neo4j's error name; a
query that needs no graph is answered in Python (:mod:`graphkit.cypher.interpret`).
:func:`run_graph_query` (:meth:`graphkit.cypher.EmbeddedGraph.run`: ``graphkit query``,
the shell, the library's tests) answers a query that reads the graph: its MATCH clauses
by the engine (:mod:`graphkit.cypher.translate`), everything else in Python.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from graphkit.cypher.interpret import GraphReader, run_tree
from graphkit.cypher.lexer import located, tokenize
from graphkit.cypher.parser import parse
from graphkit.cypher.queryfile import QueryFile
from graphkit.cypher.result import QueryResult
from graphkit.cypher.semantic import check, needs_graph
from graphkit.cypher.translate import EngineReader, property_uses, refuse_unsupported
from graphkit.errors import QueryError
from graphkit.stores.limits import QueryLimits, QueryStopped

__all__ = ["answer_without_graph", "run_graph_query"]


def answer_without_graph(
    qf: QueryFile, values: Mapping[str, Any], limits: QueryLimits | None = None
) -> QueryResult | None:
    """The rows of a query that needs no graph; None for one that reads the graph.

    Raises
    ------
    QueryError
        Naming the query's file: a syntax error (line and column), a query Neo4j rejects
        before running it, a run-time error, or a query stopped at its limits.
    """
    with _as_query_errors(qf):
        tree = parse(qf.text, qf.file)
        check(tree, dict(values))
        if needs_graph(tree):
            return None
        columns, rows = run_tree(tree, dict(values), limits=limits or QueryLimits.from_env())
        return QueryResult(columns, rows)
    raise AssertionError("unreachable")  # pragma: no cover


def run_graph_query(
    qf: QueryFile, values: Mapping[str, Any], reader: GraphReader, limits: QueryLimits | None = None
) -> QueryResult:
    """The rows of any query, its MATCH clauses answered by ``reader`` (:mod:`graphkit.cypher.translate`).

    Raises
    ------
    QueryError
        As :func:`answer_without_graph`; and for a construct the embedded engine cannot run
        as Neo4j would (:func:`graphkit.cypher.translate.refuse_unsupported`).
    """
    with _as_query_errors(qf):
        tree = parse(qf.text, qf.file)
        check(tree, dict(values))
        refuse_unsupported(tree)
        if isinstance(reader, EngineReader):
            reader.check_properties(tree)
            reader.uses = property_uses(tree)
        columns, rows = run_tree(tree, dict(values), limits=limits or QueryLimits.from_env(), graph=reader)
        return QueryResult(columns, rows)
    raise AssertionError("unreachable")  # pragma: no cover


_FUNCTION_ERROR = re.compile(r"(?:type error: )?(\w+)\(\)")
_VARIABLE_ERROR = re.compile(r"variable '(\w+)' is not defined")
_PROPERTY_ERROR = re.compile(r"unknown property '(\w+)'")


def _function_position(text: str, message: str) -> int | None:
    """Where in ``text`` the function, variable or property an error names is first used."""
    toks = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]
    m = _FUNCTION_ERROR.match(message)
    if m is not None:
        name = m[1].lower()
        for k, t in enumerate(toks[:-1]):
            if t.text.lower() == name and toks[k + 1].text == "(":
                return t.pos
        return None
    m = _VARIABLE_ERROR.match(message)
    if m is not None:
        return next((t.pos for t in toks if t.kind == "ident" and t.text.strip("`") == m[1]), None)
    m = _PROPERTY_ERROR.match(message)
    if m is not None:
        for k, t in enumerate(toks[1:], start=1):
            if t.text.strip("`") == m[1] and toks[k - 1].text == ".":
                return t.pos
        for k, t in enumerate(toks[:-1]):  # a key of a pattern's property map
            if t.text.strip("`") == m[1] and toks[k + 1].text == ":":
                return t.pos
    return None


@contextlib.contextmanager
def _as_query_errors(qf: QueryFile) -> Iterator[None]:
    """Every failure as a QueryError naming the query's file (never a traceback)."""
    try:
        yield
    except QueryStopped as exc:
        raise QueryError(exc.for_file(qf.file)) from None
    except QueryError as exc:
        if str(exc).startswith(qf.file + ":"):
            raise
        at = _function_position(qf.text, str(exc))
        if at is not None:
            raise located(qf.file, qf.text, at, str(exc)) from None
        raise type(exc)(f"{qf.file}: {exc}") from None
    except RecursionError:
        raise QueryError(f"{qf.file}: the query is nested too deeply to be read (split it up)") from None
    except MemoryError:
        raise QueryError(f"{qf.file}: the query needs more memory than graphkit may use") from None
    except Exception as exc:  # noqa: BLE001 - no query may end in a traceback
        raise QueryError(
            f"{qf.file}: the query failed inside graphkit ({type(exc).__name__}: {exc})"
        ) from exc
