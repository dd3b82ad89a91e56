"""Cypher: query files and the query library, parameters, a front end, the engine's patterns and results.

The one entry point is :func:`run_query` (embedded engine over a dataset, or Neo4j over
Bolt when a URI is given); ``graphkit query`` and ``graphkit shell`` sit on it.

==================  ===========================================================
module              job
==================  ===========================================================
``lexer``           tokens, positions, errors pointing at ``file:line:column``
``queryfile``       a query file's header, the library (``--list``), checks
``params``          ``k=v`` / ``k:type=v`` values and binding them to a query
``tokens``          the front end's lexer (bounded), syntax errors, token cursor
``parse_expr``      expressions and patterns (openCypher 9 precedence)
``parser``          clauses and :func:`parser.parse`: query text to a syntax tree
``semantic``        Neo4j's compile-time checks on the tree (scopes, columns ...)
``values``          Cypher values: null-aware equality, comparison, sort order
``functions``       scalar and aggregating functions in Python
``evaluate``        expressions in Python, with time and memory budgets
``interpret``       every clause in Python (MATCH clauses answered by ``translate``)
``temporal*``       date, time, datetime, duration: values, making them, functions
``translate``       MATCH clauses from the tree for the embedded engine; the rest in Python
``result``          :class:`QueryResult` and its table / CSV / JSON forms
``embedded``        :class:`EmbeddedGraph`: a dataset in the embedded engine
``run``             :func:`run_query`: choose the backend, run, return rows
==================  ===========================================================

A new library query is one ``.cypher`` file in ``queries/`` (see :mod:`graphkit.cypher.queryfile`).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "run_query",
    "query",
    "defaulted",
    "empty_result_note",
    "as_query",
    "library_listing",
    "QueryResult",
    "as_result",
    "format_table",
    "write_result",
    "RESULT_FORMATS",
    "Param",
    "QueryFile",
    "parse_query",
    "read_query",
    "library_dirs",
    "library",
    "resolve_query",
    "check_query",
    "MAX_NESTING",
    "PARAM_TYPES",
    "parse_param_value",
    "parse_param_args",
    "bind_params",
    "Token",
    "tokenize",
    "position",
    "located",
    "query_parameters",
    "EngineReader",
    "EmbeddedGraph",
    "run_embedded",
    "check_embedded",
    "REFUSED_CLAUSES",
]

# Names load on first use, so that reading a query file never imports the engine.
_WHERE = {
    **dict.fromkeys(
        ("run_query", "query", "as_query", "library_listing", "defaulted", "empty_result_note"), "run"
    ),
    **dict.fromkeys(("QueryResult", "as_result", "format_table", "write_result", "RESULT_FORMATS"), "result"),
    **dict.fromkeys(
        (
            "Param",
            "QueryFile",
            "parse_query",
            "read_query",
            "library_dirs",
            "library",
            "resolve_query",
            "check_query",
            "MAX_NESTING",
        ),
        "queryfile",
    ),
    **dict.fromkeys(("PARAM_TYPES", "parse_param_value", "parse_param_args"), "params"),
    "bind_params": "queryfile",
    **dict.fromkeys(("Token", "tokenize", "position", "located", "query_parameters"), "lexer"),
    "EngineReader": "translate",
    **dict.fromkeys(("EmbeddedGraph", "run_embedded", "check_embedded", "REFUSED_CLAUSES"), "embedded"),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit.cypher' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"graphkit.cypher.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
