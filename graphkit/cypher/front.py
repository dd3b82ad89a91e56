"""The front end every embedded query passes: parse, Neo4j's compile-time checks, and graph-free answers.

:func:`answer_without_graph` is called by :func:`graphkit.cypher.run_query` (before any
dataset is loaded) and by :meth:`graphkit.cypher.EmbeddedGraph.run` (the shell, the
library's tests): a query Neo4j would reject is rejected here with Neo4j's error name; a
query that needs no graph is answered in Python (:mod:`graphkit.cypher.interpret`); a
query that reads the graph goes on to the engine (None is returned).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphkit.cypher.interpret import run_tree
from graphkit.cypher.parser import parse
from graphkit.cypher.queryfile import QueryFile
from graphkit.cypher.result import QueryResult
from graphkit.cypher.semantic import SemanticError, check, needs_graph
from graphkit.cypher.tokens import CypherSyntaxError
from graphkit.errors import QueryError
from graphkit.stores.limits import QueryLimits, QueryStopped

__all__ = ["answer_without_graph", "guard_engine", "ENGINE_GUARD"]

#: The compile-time errors that :func:`guard_engine` raises before the engine sees a query: the
#: variable reuses on which the embedded engine crashes (a path variable bound twice: signal 11).
ENGINE_GUARD = ("VariableAlreadyBound", "VariableTypeConflict", "RelationshipUniquenessViolation")


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
    try:
        tree = parse(qf.text, qf.file)
        check(tree, dict(values))
        if needs_graph(tree):
            return None
        columns, rows = run_tree(tree, dict(values), limits=limits or QueryLimits.from_env())
        return QueryResult(columns, rows)
    except QueryStopped as exc:
        raise QueryError(exc.for_file(qf.file)) from None
    except QueryError as exc:
        if str(exc).startswith(qf.file + ":"):
            raise
        raise type(exc)(f"{qf.file}: {exc}") from None
    except RecursionError:
        raise QueryError(f"{qf.file}: the query is nested too deeply to be read (split it up)") from None
    except MemoryError:
        raise QueryError(f"{qf.file}: the query needs more memory than graphkit may use") from None
    except Exception as exc:  # noqa: BLE001 - no query may end in a traceback
        raise QueryError(
            f"{qf.file}: the query failed inside graphkit ({type(exc).__name__}: {exc})"
        ) from exc


def guard_engine(qf: QueryFile, values: Mapping[str, Any]) -> None:
    """Refuse, before the engine runs it, a query it would crash on (:data:`ENGINE_GUARD`) or one
    past the text limits; leave every other message to the engine path (as :meth:`EmbeddedGraph.run` had).
    """
    try:
        check(parse(qf.text, qf.file), dict(values))
    except CypherSyntaxError:
        return
    except SemanticError as exc:
        if any(code in str(exc) for code in ENGINE_GUARD):
            raise SemanticError(f"{qf.file}: {exc}") from None
    except QueryError as exc:
        text = str(exc)
        if any(limit in text for limit in ("characters long", "nested", "chains more than")):
            raise  # past the text limits: never handed to the engine
    except (RecursionError, MemoryError):
        raise QueryError(f"{qf.file}: the query is too large or too deeply nested to be read") from None
