"""Neo4j's temporal calls in graph-reading queries: each one as an embedded-engine expression, or a clear refusal.

The translator of graph queries hands this module a temporal call, accessor or operator
whose operands it has already translated (:class:`EngineExpr`: the engine text and what
kind of value it is) and gets back the engine text. Semantics are Neo4j's, the same code
as graph-free queries (:mod:`graphkit.cypher.temporal`, ``temporal_make``,
``temporal_ops``): a call on literals is computed here, once per query; a call on the
graph's values becomes a call of a ``gk_t_*`` function (:func:`register_temporal` adds
them to an engine connection), which runs that same code per row.

In the engine a date is a ``DATE`` (how graphkit stores ``since_date``, ``until_date``,
``date``, ``first_seen``), a duration is the text Neo4j prints for it (``'P3Y6M23D'``,
always in that normal form, so that ``=`` compares durations as Neo4j does). Results come
back as Neo4j's: dates as :class:`datetime.date`, durations as their Cypher text.

Handled: ``date(text | date | {year, month, day} | nothing)``, ``date.truncate``,
``date.statement/transaction/realtime()``, ``duration(text | literal map)``,
``duration.between/inMonths/inDays/inSeconds`` of dates, date and duration accessors
(``.year``, ``.week``, ``.dayOfWeek``, ``.years``, ``.monthsOfYear`` ...), ``date ±
duration``, ``duration ± duration``, ``duration * / number``, comparisons. Any temporal
call on literals only (``datetime('2015-07-21T21:40:32+01:00').year``) is computed.
Refused, naming the construct and a rewrite that also runs on Neo4j: times and datetimes
of the graph's values (the datasets hold dates only), ``date - date`` (Neo4j's type error:
use ``duration.between``), calls on values whose type the translator cannot tell.

For a translator of the syntax tree (:func:`graphkit.cypher.parser.parse`):
:func:`translate_temporal` takes a node (``('call', name, ...)``, ``('prop', base, key)``,
``('op', op, l, r)``, ``('cmp', op, l, r)``) and a function that translates any other
node to an :class:`EngineExpr`, and returns the engine expression, or None when the node
is not temporal (translate it as usual). The translator gives each operand its kind:
:func:`column` for a property of known engine type (``db.columns[table][property]``),
:func:`literal` for a literal, ``EngineExpr(text)`` (kind ``any``) otherwise; it calls
:func:`register_temporal` on the connection first (the translator does not use this module yet:
dates in graph queries are evaluated in Python).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphkit.cypher import temporal as T
from graphkit.cypher import temporal_make as TM
from graphkit.cypher import temporal_ops as TO
from graphkit.errors import QueryError

__all__ = [
    "EngineExpr",
    "literal",
    "column",
    "kind_of_engine_type",
    "is_temporal_call",
    "temporal_call",
    "temporal_accessor",
    "temporal_operator",
    "translate_temporal",
    "register_temporal",
    "UDFS",
]

_UNSET: Any = object()

#: What an :class:`EngineExpr` may hold: ``date``, ``duration`` (engine text), ``string``,
#: ``int``, ``float``, ``bool``, ``null``, ``map`` (a literal map), the temporal kinds that
#: exist only as literals (``datetime``, ``localdatetime``, ``time``, ``localtime``) and ``any``.
KINDS = (
    "date",
    "duration",
    "string",
    "int",
    "float",
    "bool",
    "null",
    "map",
    "datetime",
    "localdatetime",
    "time",
    "localtime",
    "any",
)


@dataclass(frozen=True)
class EngineExpr:
    """An expression for the embedded engine: its text, its kind (:data:`KINDS`) and, for a
    literal or a value computed here, the Cypher value (``value``; unset otherwise)."""

    raw: str
    kind: str = "any"
    value: Any = field(default=_UNSET, compare=False)
    #: for a map whose values only the engine knows: key -> expression
    entries: Mapping[str, EngineExpr] | None = field(default=None, compare=False)

    @property
    def known(self) -> bool:
        """Whether the value is known before the query runs (a literal, or computed from literals)."""
        return self.value is not _UNSET

    @property
    def text(self) -> str:
        """The engine text; a value the engine cannot hold (a datetime, a time) is refused here."""
        if not self.raw:
            raise QueryError(
                f"a {self.kind} value cannot be used on the graph's rows by the embedded engine (it stores "
                f"dates only): compare dates instead, e.g. date(datetime(...)), or run the query on Neo4j"
            )
        return self.raw


def literal(value: Any) -> EngineExpr:
    """A Cypher literal (``None``, bool, int, float, text, a map of literals, a temporal value) for the engine.

    Examples
    --------
    >>> literal("2025").text, literal(3).kind, literal(None).text
    ("'2025'", 'int', 'NULL')
    """
    if value is None:
        return EngineExpr("NULL", "null", None)
    if isinstance(value, bool):
        return EngineExpr("true" if value else "false", "bool", value)
    if isinstance(value, int):
        return EngineExpr(str(value), "int", value)
    if isinstance(value, float):
        return EngineExpr(repr(value), "float", value)
    if isinstance(value, str):
        return EngineExpr("'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'", "string", value)
    if isinstance(value, dict):
        return EngineExpr("", "map", value)
    if isinstance(value, dt.date):
        value = T.Date(value)
    if isinstance(value, T.Date):
        return EngineExpr(f"date('{value.date.isoformat()}')", "date", value)
    if isinstance(value, T.Duration):
        return EngineExpr(f"'{value}'", "duration", value)
    if isinstance(value, T.Temporal):
        kind = {
            T.DateTime: "datetime",
            T.LocalDateTime: "localdatetime",
            T.Time: "time",
            T.LocalTime: "localtime",
        }[type(value)]
        return EngineExpr("", kind, value)
    raise QueryError(f"a value of type {type(value).__name__} cannot be written into an engine query")


def column(text: str, engine_type: str) -> EngineExpr:
    """A property (or any engine expression) of a known engine type (``'DATE'``, ``'STRING'`` ...).

    >>> column("r.since_date", "DATE").kind
    'date'
    """
    return EngineExpr(text, kind_of_engine_type(engine_type))


def kind_of_engine_type(engine_type: str) -> str:
    """The :data:`KINDS` name of an engine column type (``DATE`` -> ``'date'``; unknown -> ``'any'``)."""
    t = engine_type.upper()
    if t == "DATE":
        return "date"
    if t == "STRING":
        return "string"
    if t in ("INT64", "INT32", "INT16", "INT8", "SERIAL"):
        return "int"
    if t in ("DOUBLE", "FLOAT"):
        return "float"
    if t in ("BOOL", "BOOLEAN"):
        return "bool"
    return "any"


def is_temporal_call(name: str) -> bool:
    """Whether ``name`` (as written: ``date``, ``duration.between`` ...) is one of Cypher's temporal functions."""
    return TO.is_temporal_function(name.lower())


# ------------------------------------------------------------------ engine <-> Cypher values


def _in(value: Any, kind: str) -> Any:
    """An engine value of ``kind`` as the Cypher value the temporal code takes."""
    if value is None:
        return None
    if kind == "date":
        return T.Date(value)
    if kind == "duration":
        return TM.construct("duration", [value])
    return value


def _out(value: Any) -> Any:
    """A Cypher value as the engine holds it (dates as dates, durations as their text)."""
    if isinstance(value, T.Date):
        return value.date
    if isinstance(value, T.Duration):
        return str(value)
    if isinstance(value, T.Temporal):
        raise ValueError(f"{value.TYPE.lower()}(): the embedded engine stores dates only")
    return value


def _guard(fn: Any, n: int, label: str) -> Any:
    """A UDF body whose Cypher errors reach the engine as ``ValueError: label(): message`` (the
    form graphkit reads back to point at the call in the query), with ``n`` plain parameters
    (the engine reads a function's signature, not postponed annotations)."""

    def call(args: tuple) -> Any:
        try:
            return fn(*args)
        except QueryError as exc:
            raise ValueError(f"{label}(): {exc}") from None

    if n == 1:
        return lambda a: call((a,))
    if n == 2:
        return lambda a, b: call((a, b))
    return lambda a, b, c: call((a, b, c))


def _udf_date(s: Any) -> Any:
    return _out(TM.construct("date", [s]))


def _udf_date_map(keys: str) -> Any:
    names = keys.split(",")

    def make(*values: Any) -> Any:
        return _out(TM.construct("date", [dict(zip(names, values, strict=True))]))

    return make


def _udf_truncate(unit: str, d: Any) -> Any:
    return _out(TO.call("date.truncate", [unit, _in(d, "date")]))


def _udf_duration(s: Any) -> Any:
    return _out(TM.construct("duration", [s]))


def _udf_between(fn: str, a: Any, b: Any) -> Any:
    return _out(TO.call(f"duration.{fn}", [_in(a, "date"), _in(b, "date")]))


def _udf_date_field(d: Any, key: str) -> Any:
    return _in(d, "date").accessor(key)


def _udf_duration_field(s: Any, key: str) -> Any:
    return _in(s, "duration").accessor(key)


def _udf_shift(d: Any, s: Any, sign: int) -> Any:
    return _out(TO.arithmetic("+" if sign > 0 else "-", _in(d, "date"), _in(s, "duration")))


def _udf_duration_add(a: Any, b: Any, sign: int) -> Any:
    return _out(TO.arithmetic("+" if sign > 0 else "-", _in(a, "duration"), _in(b, "duration")))


def _udf_duration_scale(a: Any, n: Any, op: str) -> Any:
    return _out(TO.arithmetic(op, _in(a, "duration"), n))


def _udf_duration_scale_int(a: Any, n: Any, op: str) -> Any:
    return _udf_duration_scale(a, n, op)


_DATE_MAPS = ("year", "year,month", "year,month,day")

#: The engine functions :func:`register_temporal` adds: name -> (body, parameter types, return type,
#: null handling by the engine (a null argument gives null without calling the body)).
UDFS: dict[str, tuple[Any, tuple[str, ...], str, bool]] = {
    "gk_t_date": (_udf_date, ("STRING",), "DATE", True),
    **{
        "gk_t_date_" + "_".join(k.split(",")): (
            _udf_date_map(k),
            ("INT64",) * len(k.split(",")),
            "DATE",
            False,
        )
        for k in _DATE_MAPS
    },
    "gk_t_truncate": (_udf_truncate, ("STRING", "DATE"), "DATE", True),
    "gk_t_duration": (_udf_duration, ("STRING",), "STRING", True),
    "gk_t_between": (_udf_between, ("STRING", "DATE", "DATE"), "STRING", True),
    "gk_t_date_field": (_udf_date_field, ("DATE", "STRING"), "INT64", True),
    "gk_t_duration_field": (_udf_duration_field, ("STRING", "STRING"), "INT64", True),
    "gk_t_shift": (_udf_shift, ("DATE", "STRING", "INT64"), "DATE", True),
    "gk_t_duration_add": (_udf_duration_add, ("STRING", "STRING", "INT64"), "STRING", True),
    "gk_t_duration_scale": (_udf_duration_scale, ("STRING", "DOUBLE", "STRING"), "STRING", True),
    "gk_t_duration_scale_int": (_udf_duration_scale_int, ("STRING", "INT64", "STRING"), "STRING", True),
}


def _label(udf: str) -> str:
    """The Cypher function a ``gk_t_*`` function stands for, as its errors name it."""
    if udf.startswith("gk_t_date") and udf != "gk_t_date_field":
        return "date"
    return {"gk_t_truncate": "truncate", "gk_t_between": "between", "gk_t_duration": "duration"}.get(
        udf, "duration" if "duration" in udf else "date"
    )


def register_temporal(conn: Any) -> None:
    """Add the ``gk_t_*`` functions (:data:`UDFS`) to an embedded-engine (ladybug) connection, once."""
    if getattr(conn, "_graphkit_temporal", False):
        return
    import ladybug

    for name, (fn, params, returns, engine_nulls) in UDFS.items():
        try:
            conn.create_function(
                name,
                _guard(fn, len(params), _label(name)),
                [getattr(ladybug.Type, p) for p in params],
                getattr(ladybug.Type, returns),
                default_null_handling=engine_nulls,
            )
        except RuntimeError as exc:
            if "already exists" not in str(exc):
                raise
    conn._graphkit_temporal = True


# ------------------------------------------------------------------ translation


def _refuse(what: str, rewrite: str) -> QueryError:
    return QueryError(f"{what} is refused by the embedded engine; {rewrite}")


def _fold(fn: Any, *args: Any) -> EngineExpr:
    """Compute a call on known values now (Neo4j's errors raised as they are)."""
    return literal(fn(*args))


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else dt.datetime.now(dt.UTC).date()


def temporal_call(
    name: str, args: Sequence[EngineExpr | Mapping[str, EngineExpr]], *, today: dt.date | None = None
) -> EngineExpr:
    """The engine expression for the temporal function ``name`` (as written) on translated ``args``.

    A map argument is a mapping of key -> :class:`EngineExpr`. ``today`` is the statement's
    date in UTC (Neo4j's default time zone; default: now), for ``date()`` and friends.

    Examples
    --------
    >>> temporal_call("date", [literal("2025")]).text
    "date('2025-01-01')"
    >>> temporal_call("date", [column("r.last_confirmed", "STRING")]).text
    'gk_t_date(r.last_confirmed)'
    >>> temporal_call("duration.between", [column("r.since_date", "DATE"), literal(dt.date(2020, 1, 31))]).text
    "gk_t_between('between', r.since_date, date('2020-01-31'))"

    Raises
    ------
    QueryError
        Neo4j's error for a call on literals; a refusal naming the construct and a rewrite.
    """
    fn = name.lower()
    if not is_temporal_call(fn):
        raise QueryError(f"{name}() is not a temporal function")
    exprs = [_as_expr(a) for a in args]
    if all(e.known for e in exprs):
        values = [e.value for e in exprs]
        if fn in ("date", "date.statement", "date.transaction", "date.realtime") and not values:
            return literal(T.Date(_today(today)))
        if not values and fn.partition(".")[0] != "duration":
            TM.statement_clock()  # now, once for this call (graph-free queries set their own)
        return _fold(TO.call, fn, values)
    base, _, sub = fn.partition(".")
    if base == "date" and not sub:
        return _date_of(exprs)
    if fn == "date.truncate":
        return _truncate(exprs)
    if fn == "duration":
        (a,) = _arity(name, exprs, 1)
        if a.kind == "string":
            return EngineExpr(f"gk_t_duration({a.text})", "duration")
        if a.kind == "duration":
            return a
        raise _refuse(
            f"duration() of the {_kind_words(a)}",
            "give the duration as text ('P1Y2M') or a map of literals ({years: 1, months: 2})",
        )
    if base == "duration" and sub in ("between", "inmonths", "indays", "inseconds"):
        a, b = _arity(name, exprs, 2)
        for e in (a, b):
            if e.kind not in ("date", "null"):
                raise _refuse(
                    f"{name}() of the {_kind_words(e)}",
                    "give two dates (a DATE property, date('2020-01-31'), date(r.text), date({year: r.since}))",
                )
        return EngineExpr(f"gk_t_between('{sub}', {a.text}, {b.text})", "duration")
    raise _refuse(
        f"{name}() on the graph's values",
        "the datasets hold dates only: use date(...), date.truncate(...) and durations, or run the query on Neo4j",
    )


def _as_expr(a: EngineExpr | Mapping[str, EngineExpr]) -> EngineExpr:
    if isinstance(a, EngineExpr):
        return a
    entries = {str(k): v for k, v in a.items()}
    if all(v.known for v in entries.values()):
        return EngineExpr("", "map", {k: v.value for k, v in entries.items()})
    return EngineExpr("", "map", entries=entries)


def _arity(name: str, exprs: list[EngineExpr], n: int) -> list[EngineExpr]:
    if len(exprs) != n:
        raise QueryError(f"{name}() takes {n} argument{'s' if n > 1 else ''} (InvalidNumberOfArguments)")
    return exprs


_CYPHER_TYPES = {
    "int": "INTEGER",
    "float": "FLOAT",
    "bool": "BOOLEAN",
    "string": "STRING",
    "null": "null",
    "localdatetime": "LOCAL DATETIME",
    "localtime": "LOCAL TIME",
    "time": "ZONED TIME",
    "datetime": "ZONED DATETIME",
}


def _kind_words(e: EngineExpr) -> str:
    """A value's type in Cypher words, without an article: ``INTEGER value``."""
    words = {"any": "value whose type graphkit cannot tell", "map": "map with graph values"}
    return words.get(e.kind, _CYPHER_TYPES.get(e.kind, e.kind.upper()) + " value")


def _date_of(exprs: list[EngineExpr]) -> EngineExpr:
    (a,) = _arity("date", exprs, 1)
    if a.kind == "date":
        return a
    if a.kind == "string":
        return EngineExpr(f"gk_t_date({a.text})", "date")
    if a.kind == "map" and a.entries is not None:
        given = {k.lower(): v for k, v in a.entries.items()}
        keys = [k for k in ("year", "month", "day") if k in given]
        if ",".join(keys) in _DATE_MAPS and len(keys) == len(given):
            for k in keys:
                if given[k].kind not in ("int", "null"):
                    raise _refuse(
                        f"date({{{k}: ...}}) of the {_kind_words(given[k])}",
                        f"give {k} as an integer (toInteger(...))",
                    )
            return EngineExpr(f"gk_t_date_{'_'.join(keys)}({', '.join(given[k].text for k in keys)})", "date")
        raise _refuse(
            f"date({{{', '.join(given)}}}) with graph values",
            "build the date from {year}, {year, month} or {year, month, day}",
        )
    if a.kind in ("int", "float", "bool"):
        raise QueryError(
            f"date() of the {_kind_words(a)} is a type error in Neo4j: write date({{year: {a.raw or 'x'}}}) "
            "for a year, or date(text)"
        )
    raise _refuse(
        f"date() of the {_kind_words(a)}",
        "give text (date(r.last_confirmed)), a date, or a map ({year: r.since})",
    )


def _truncate(exprs: list[EngineExpr]) -> EngineExpr:
    if len(exprs) == 3:
        raise _refuse(
            "date.truncate() with a map of adjustments on the graph's values",
            "truncate, then add a duration: date.truncate('month', d) + duration({days: 14})",
        )
    unit, d = _arity("date.truncate", exprs, 2)
    if not unit.known or not isinstance(unit.value, str):
        raise _refuse(
            "date.truncate() with a unit that is not written in the query", "write the unit as text"
        )
    TO.call("date.truncate", [unit.value, T.Date(dt.date(2000, 1, 1))])  # an unknown unit: Neo4j's error now
    if d.kind not in ("date", "null"):
        raise _refuse(f"date.truncate() of the {_kind_words(d)}", "truncate a date (date(r.text) first)")
    return EngineExpr(f"gk_t_truncate({unit.text}, {d.text})", "date")


def temporal_accessor(base: EngineExpr, key: str) -> EngineExpr:
    """The engine expression for ``base.key`` where ``base`` is a date or a duration.

    Examples
    --------
    >>> temporal_accessor(column("r.since_date", "DATE"), "year").text
    "gk_t_date_field(r.since_date, 'year')"
    >>> temporal_accessor(literal(T.Duration(14, 3, 0, 0)), "years").value
    1
    """
    if base.known:
        return literal(None if base.value is None else _accessor(base.value, key))
    if base.kind == "date":
        _accessor(T.Date(dt.date(2000, 1, 1)), key)  # an unknown field: Neo4j's error now
        return EngineExpr(f"gk_t_date_field({base.text}, {literal(key).text})", "int")
    if base.kind == "duration":
        _accessor(T.Duration(0, 0, 0, 0), key)
        return EngineExpr(f"gk_t_duration_field({base.text}, {literal(key).text})", "int")
    raise _refuse(f".{key} of the {_kind_words(base)}", "apply it to a date or a duration")


def _accessor(value: Any, key: str) -> Any:
    if not isinstance(value, T.Temporal):
        raise QueryError(f".{key} of a non-temporal value (InvalidArgumentType)")
    return value.accessor(key)


_COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")


def temporal_operator(op: str, left: EngineExpr, right: EngineExpr) -> EngineExpr | None:
    """The engine expression for ``left op right`` when a date or duration is involved; None when
    neither is (translate the operator as usual).

    Examples
    --------
    >>> temporal_operator("-", column("r.since_date", "DATE"), literal(T.Duration(60, 0, 0, 0))).text
    "gk_t_shift(r.since_date, 'P5Y', -1)"
    >>> temporal_operator(">", column("r.since_date", "DATE"), literal(dt.date(2020, 1, 1))) is None
    True
    >>> temporal_operator("<", column("r.since_date", "DATE"), literal("2020-01-01")).text
    'CAST(NULL AS BOOLEAN)'
    """
    temporal = ("date", "duration", "datetime", "localdatetime", "time", "localtime")
    if left.kind not in temporal and right.kind not in temporal:
        return None
    if left.known and right.known:
        return _fold_operator(op, left.value, right.value)
    kinds = (left.kind, right.kind)
    if op in _COMPARISONS:
        return _compare(op, left, right)
    if op in ("+", "-") and kinds == ("date", "duration"):
        return EngineExpr(f"gk_t_shift({left.text}, {right.text}, {1 if op == '+' else -1})", "date")
    if op == "+" and kinds == ("duration", "date"):
        return EngineExpr(f"gk_t_shift({right.text}, {left.text}, 1)", "date")
    if op in ("+", "-") and kinds == ("duration", "duration"):
        return EngineExpr(
            f"gk_t_duration_add({left.text}, {right.text}, {1 if op == '+' else -1})", "duration"
        )
    if op in ("*", "/") and left.kind == "duration" and right.kind in ("int", "float"):
        fn = "gk_t_duration_scale_int" if right.kind == "int" else "gk_t_duration_scale"
        return EngineExpr(f"{fn}({left.text}, {right.text}, '{op}')", "duration")
    if op == "*" and right.kind == "duration" and left.kind in ("int", "float"):
        fn = "gk_t_duration_scale_int" if left.kind == "int" else "gk_t_duration_scale"
        return EngineExpr(f"{fn}({right.text}, {left.text}, '*')", "duration")
    if op == "-" and kinds == ("date", "date"):
        raise _refuse(
            "date - date (a type error in Neo4j)",
            "write duration.between(a, b) (or .inDays(a, b).days for a number of days)",
        )
    raise _refuse(
        f"{_kind_words(left)} {op} {_kind_words(right)}",
        "dates take + and - of a duration; durations take +, -, * and / by a number",
    )


def _fold_operator(op: str, a: Any, b: Any) -> EngineExpr:
    from graphkit.cypher.values import compare, equals

    if op in ("=", "<>"):
        eq = equals(a, b)
        return literal(None if eq is None else (eq if op == "=" else not eq))
    if op in _COMPARISONS:
        c = compare(a, b)
        if c is None:
            return literal(None)
        return literal({"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op])
    if a is None or b is None:
        return literal(None)
    return literal(TO.arithmetic(op, a, b))


def _compare(op: str, left: EngineExpr, right: EngineExpr) -> EngineExpr | None:
    same = left.kind == right.kind or "null" in (left.kind, right.kind)
    if same and left.kind in ("date", "null") and right.kind in ("date", "null"):
        return None  # the engine compares dates as Neo4j does
    if same and "duration" in (left.kind, right.kind):
        if op in ("=", "<>"):
            return None  # durations in their normal text form: equal text, equal durations
        return EngineExpr("CAST(NULL AS BOOLEAN)", "bool")  # Neo4j does not order durations
    if "any" in (left.kind, right.kind):
        raise _refuse(
            f"comparing the {_kind_words(left)} with the {_kind_words(right)}",
            "make both sides dates (date(...)) or durations",
        )
    # values of different types: never equal, never ordered (Neo4j); null stays null
    if op in ("=", "<>"):
        result = "false" if op == "=" else "true"
        return EngineExpr(
            f"(CASE WHEN ({left.text}) IS NULL OR ({right.text}) IS NULL THEN NULL ELSE {result} END)",
            "bool",
        )
    return EngineExpr("CAST(NULL AS BOOLEAN)", "bool")


_TEMPORAL_KINDS = ("date", "duration", "datetime", "localdatetime", "time", "localtime")


def translate_temporal(node: Any, sub: Any, *, today: dt.date | None = None) -> EngineExpr | None:
    """The engine expression of a syntax-tree node when it is temporal, else None.

    ``sub(node) -> EngineExpr`` translates any operand (the translator's own function). A
    call of a temporal function, an accessor of a date or duration, an operator or a
    comparison with a date or duration on either side is translated here.

    Examples
    --------
    >>> from graphkit.cypher.parser import parse
    >>> where = parse("MATCH (a)-[r]->(b) WHERE date(r.last_confirmed) > date('2026-12-07') - duration('P5Y') RETURN a")[1][0][0][3]
    >>> def sub(n):
    ...     if n[0] == "prop":
    ...         return column(f"{n[1][1]}.{n[2]}", "STRING")
    ...     if n[0] == "lit":
    ...         return literal(n[1])
    ...     return translate_temporal(n, sub) or EngineExpr(str(n))
    >>> left, right = sub(where[2]), sub(where[3])
    >>> left.text, right.text, translate_temporal(where, sub)
    ('gk_t_date(r.last_confirmed)', "date('2021-12-07')", None)
    """
    if not isinstance(node, tuple) or not node or not isinstance(node[0], str):
        return None
    head = node[0]
    if head == "call" and len(node) >= 4 and isinstance(node[1], str) and is_temporal_call(node[1]):
        args: list[EngineExpr | Mapping[str, EngineExpr]] = []
        for a in node[3]:
            if isinstance(a, tuple) and a and a[0] == "map":
                args.append({str(k): sub(v) for k, v in a[1]})
            else:
                args.append(sub(a))
        return temporal_call(node[1], args, today=today)
    if head == "prop" and len(node) == 3 and isinstance(node[2], str):
        base = sub(node[1])
        if base.kind in _TEMPORAL_KINDS:
            return temporal_accessor(base, node[2])
        return None
    if head in ("op", "cmp") and len(node) == 4 and isinstance(node[1], str):
        if node[1].upper() in ("AND", "OR", "XOR"):
            return None
        return temporal_operator(node[1], sub(node[2]), sub(node[3]))
    return None
