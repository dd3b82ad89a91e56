"""Cypher's temporal functions and operators: ``duration.between``/``inMonths``/``inDays``/``inSeconds``,
``.truncate()``, ``+``/``-``/``*``/``/`` with durations, and ``sum``/``avg`` of durations.

``between`` follows ``java.time``'s ``until`` as Neo4j uses it: whole months first (a day
counted only once its time of day is reached), then days, then the rest in seconds and
nanoseconds; a value without a zone is read in the other value's zone, and a time of day
without a date borrows the other value's date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphkit.cypher.temporal import (
    DAY_NS,
    EPOCH_ORDINAL,
    NS,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Temporal,
    TemporalError,
    Time,
    bad_value,
    check_year,
    make_date,
    tdiv,
    timezone_arg,
    trem,
    week_date,
    zone_offset,
    zone_offset_at_instant,
)
from graphkit.cypher.temporal_make import (
    DATE_KEYS,
    TIME_KEYS,
    construct,
    date_from_fields,
    duration_from_parts,
    from_epoch,
    lower_fields,
    time_from_fields,
)
from graphkit.errors import QueryError

__all__ = ["is_temporal_function", "call", "arithmetic", "duration_sum", "local_parts", "plus_months"]


def duration_sum(vals: list[Duration], *, average: bool = False) -> Duration:
    """The sum (or mean) of durations, as ``sum()``/``avg()`` give them."""
    m = sum(v.months for v in vals)
    d = sum(v.days for v in vals)
    n = sum(v.seconds * NS + v.nanos for v in vals)
    if not average:
        return Duration(m, d, 0, n)
    if not vals:
        return None  # type: ignore[return-value]
    from fractions import Fraction

    k = len(vals)
    return duration_from_parts(
        [("months", Fraction(m, k)), ("days", Fraction(d, k)), ("nanoseconds", Fraction(n, k))]
    )


# ------------------------------------------------------------------ between


def local_parts(t: Any, zone_of: Any = None) -> tuple[dt.date | None, int | None, int | None, str | None]:
    """(date, ns of day, offset, zone) of a temporal value."""
    if isinstance(t, Date):
        return t.date, 0, None, None
    if isinstance(t, LocalTime):
        return None, t.ns, None, None
    if isinstance(t, Time):
        return None, t.ns, t.offset, None
    if isinstance(t, LocalDateTime):
        return t.date, t.ns, None, None
    if isinstance(t, DateTime):
        return t.date, t.ns, t.offset, t.zone
    raise TemporalError(f"duration.between() takes temporal values, not {t!r} (InvalidArgumentType)")


def _between(unit: str | None, a: Any, b: Any) -> Duration | None:
    if a is None or b is None:
        return None
    if isinstance(a, Duration) or isinstance(b, Duration):
        raise TemporalError("duration.between() takes two instants, not durations (InvalidArgumentType)")
    da, na, oa, za = local_parts(a)
    db, nb, ob, zb = local_parts(b)
    if da is None and db is not None and isinstance(a, LocalTime) and isinstance(b, DateTime):
        da, oa, za = db, None, zb
    elif db is None and da is not None and isinstance(b, LocalTime) and isinstance(a, DateTime):
        db, ob, zb = da, None, za
    has_date = da is not None and db is not None
    assert na is not None and nb is not None
    # bring b into a's zone when both have one; a local value takes the other's zone
    if oa is not None and ob is not None:
        if has_date:
            epoch_b = (db.toordinal() - EPOCH_ORDINAL) * DAY_NS + nb - ob * NS  # type: ignore[union-attr]
            off = zone_offset_at_instant(za, epoch_b // NS) if za else oa
            local_b = epoch_b + off * NS
            db = dt.date.fromordinal(EPOCH_ORDINAL + local_b // DAY_NS)
            nb = local_b % DAY_NS
            ob = off
        else:
            nb = nb - ob * NS + oa * NS
            ob = oa
    elif oa is None and ob is not None:
        # a is local: read it in b's zone
        oa = zone_offset(zb, da, na) if zb and da is not None else ob
        if has_date:
            # express b in a's (now known) offset frame: same instant comparison below
            pass
    elif oa is not None and ob is None:
        ob = zone_offset(za, db, nb) if za and db is not None else oa
    months = days = 0
    if has_date and unit in (None, "months", "days"):
        assert da is not None and db is not None
        if unit in (None, "months"):
            months = _months_until(da, na, db, nb)
            da = plus_months(da, months)
        if unit in (None, "days"):
            end = db
            if end > da and nb < na:
                end = end - dt.timedelta(days=1)
            elif end < da and nb > na:
                end = end + dt.timedelta(days=1)
            days = end.toordinal() - da.toordinal()
            da = da + dt.timedelta(days=days)
        if unit == "months":
            return Duration(months, 0, 0, 0)
        if unit == "days":
            return Duration(0, days, 0, 0)
    if unit in ("months", "days"):
        return Duration(0, 0, 0, 0)
    # the rest in nanoseconds (instants when zoned)
    ta = ((da.toordinal() - EPOCH_ORDINAL) * DAY_NS if has_date and da else 0) + na - (oa or 0) * NS
    tb = ((db.toordinal() - EPOCH_ORDINAL) * DAY_NS if has_date and db else 0) + nb - (ob or 0) * NS
    if oa is None or ob is None:
        ta = ((da.toordinal() - EPOCH_ORDINAL) * DAY_NS if has_date and da else 0) + na
        tb = ((db.toordinal() - EPOCH_ORDINAL) * DAY_NS if has_date and db else 0) + nb
    diff = tb - ta
    return Duration(months, days, tdiv(diff, NS), trem(diff, NS))


def _months_until(da: dt.date, na: int, db: dt.date, nb: int) -> int:
    end = db
    if end > da and nb < na:
        end = end - dt.timedelta(days=1)
    elif end < da and nb > na:
        end = end + dt.timedelta(days=1)
    p1 = (da.year * 12 + da.month - 1) * 32 + da.day
    p2 = (end.year * 12 + end.month - 1) * 32 + end.day
    return tdiv(p2 - p1, 32)


def plus_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    import calendar

    day = min(d.day, calendar.monthrange(check_year(y), m)[1])
    return dt.date(y, m, day)


# ------------------------------------------------------------------ truncation

_UNITS = [
    "millennium",
    "century",
    "decade",
    "year",
    "weekyear",
    "quarter",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "microsecond",
]


def _truncate(kind: str, unit: Any, value: Any, overrides: Any = None) -> Any:
    if value is None:
        return None
    if not isinstance(unit, str) or unit.lower() not in [u.lower() for u in _UNITS]:
        raise bad_value(f"unknown truncation unit {unit!r}")
    u = unit.lower()
    if overrides is not None and not isinstance(overrides, dict):
        raise TemporalError("truncate(): the third argument is a map (InvalidArgumentType)")
    d, ns, off, zone = local_parts(value)
    time_units = ("hour", "minute", "second", "millisecond", "microsecond")
    if kind in ("date", "localdatetime", "datetime") and d is None:
        raise TemporalError(f"{kind}.truncate() needs a value with a date (InvalidArgumentType)")
    if kind in ("localtime", "time") and u not in time_units + ("day",):
        raise TemporalError(f"{kind}.truncate() cannot truncate to {unit} (UnsupportedTemporalUnit)")
    if kind == "date" and u in time_units:
        raise TemporalError(f"date.truncate() cannot truncate to {unit} (UnsupportedTemporalUnit)")
    assert ns is not None
    if d is not None:
        if u == "millennium":
            d = make_date(d.year // 1000 * 1000 if d.year >= 1000 else max(1, d.year // 1000 * 1000))
        elif u == "century":
            d = make_date(max(1, d.year // 100 * 100))
        elif u == "decade":
            d = make_date(max(1, d.year // 10 * 10))
        elif u == "year":
            d = make_date(d.year)
        elif u == "weekyear":
            d = week_date(d.isocalendar()[0], 1, 1)
        elif u == "quarter":
            d = make_date(d.year, 3 * ((d.month - 1) // 3) + 1)
        elif u == "month":
            d = make_date(d.year, d.month)
        elif u == "week":
            d = d - dt.timedelta(days=d.isocalendar()[2] - 1)
    if u in ("millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week", "day"):
        ns = 0
    elif u == "hour":
        ns -= ns % (3600 * NS)
    elif u == "minute":
        ns -= ns % (60 * NS)
    elif u == "second":
        ns -= ns % NS
    elif u == "millisecond":
        ns -= ns % 1_000_000
    elif u == "microsecond":
        ns -= ns % 1000
    f = lower_fields(overrides or {})
    if f:
        if d is not None and any(k in f for k in DATE_KEYS):
            base = d
            if "dayofweek" in f and u in ("week", "weekyear"):
                d = base + dt.timedelta(days=int(f.pop("dayofweek")) - 1)
            d = date_from_fields({**f}, d) if any(k in f for k in DATE_KEYS) else d
        if any(k in f for k in TIME_KEYS):
            ns = time_from_fields(f, ns)
    if kind == "date":
        return Date(d)  # type: ignore[arg-type]
    if kind == "localdatetime":
        return LocalDateTime(d, ns)  # type: ignore[arg-type]
    if kind == "localtime":
        return LocalTime(ns)  # type: ignore[arg-type]
    tz = f.get("timezone")
    if tz is not None:
        off, zone = timezone_arg(tz)
    elif off is None:
        off, zone = 0, None
    if kind == "time":
        return Time(ns, off)  # type: ignore[arg-type]
    assert d is not None and ns is not None
    if zone:
        off = zone_offset(zone, d, ns)
    return DateTime(d, ns, off, zone)


# ------------------------------------------------------------------ functions


_KINDS = ("date", "localtime", "time", "localdatetime", "datetime", "duration")


def is_temporal_function(name: str) -> bool:
    """Whether ``name`` (lower case) is one of the temporal functions."""
    if name in _KINDS:
        return True
    base, _, fn = name.partition(".")
    if base in _KINDS[:5] and fn in (
        "truncate",
        "transaction",
        "statement",
        "realtime",
        "fromepoch",
        "fromepochmillis",
    ):
        return True
    return base == "duration" and fn in ("between", "inmonths", "indays", "inseconds")


def call(name: str, args: list[Any]) -> Any:
    """A temporal function on evaluated arguments."""
    if name in _KINDS:
        return construct(name, args)
    base, _, fn = name.partition(".")
    if base == "duration":
        if len(args) != 2:
            raise QueryError(f"duration.{fn}() takes two arguments (InvalidNumberOfArguments)")
        unit = {"between": None, "inmonths": "months", "indays": "days", "inseconds": "seconds"}[fn]
        return _between(unit, args[0], args[1])
    if fn == "truncate":
        if not 2 <= len(args) <= 3:
            raise QueryError(f"{name}() takes two or three arguments (InvalidNumberOfArguments)")
        return _truncate(base, *args)
    if fn in ("transaction", "statement", "realtime"):
        return construct(base, args)
    if fn == "fromepoch":
        s, n = args
        if s is None or n is None:
            return None
        return from_epoch(int(s) * NS + int(n))
    if fn == "fromepochmillis":
        (ms,) = args
        return None if ms is None else from_epoch(int(ms) * 1_000_000)
    raise QueryError(f"unknown function {name} (UnknownFunction)")


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``+`` and ``-`` of temporal values and durations, ``*`` ``/`` of a duration by a number."""
    if isinstance(a, Duration) and isinstance(b, Duration) and op in ("+", "-"):
        s = 1 if op == "+" else -1
        return Duration(
            a.months + s * b.months, a.days + s * b.days, a.seconds + s * b.seconds, a.nanos + s * b.nanos
        )
    if (
        isinstance(a, Temporal)
        and not isinstance(a, Duration)
        and isinstance(b, Duration)
        and op in ("+", "-")
    ):
        return _shift(a, b if op == "+" else -b)
    if isinstance(a, Duration) and isinstance(b, Temporal) and not isinstance(b, Duration) and op == "+":
        return _shift(b, a)
    if (
        isinstance(a, Duration)
        and isinstance(b, int | float)
        and not isinstance(b, bool)
        and op in ("*", "/")
    ):
        from fractions import Fraction

        if op == "/" and b == 0:
            raise QueryError("/ by zero (ArithmeticError)")
        f = Fraction(b) if op == "*" else 1 / Fraction(b)
        return duration_from_parts(
            [("months", a.months * f), ("days", a.days * f), ("nanoseconds", (a.seconds * NS + a.nanos) * f)]
        )
    if isinstance(b, Duration) and isinstance(a, int | float) and not isinstance(a, bool) and op == "*":
        return arithmetic("*", b, a)
    raise TemporalError(
        f"type error: cannot compute {getattr(a, 'TYPE', type(a).__name__)} {op} {getattr(b, 'TYPE', type(b).__name__)} (InvalidArgumentType)"
    )


def _shift(t: Temporal, d: Duration) -> Temporal:
    if isinstance(t, LocalTime | Time):
        ns = (t.ns + d.seconds * NS + d.nanos) % DAY_NS
        return LocalTime(ns) if isinstance(t, LocalTime) else Time(ns, t.offset)
    date, ns = t.date, getattr(t, "ns", 0)  # type: ignore[attr-defined]
    date = plus_months(date, d.months) + dt.timedelta(days=d.days)
    if isinstance(t, Date):
        return Date(date + dt.timedelta(days=tdiv(d.seconds, 86_400)))
    total = ns + d.seconds * NS + d.nanos
    extra, ns = divmod(total, DAY_NS)
    try:
        date = date + dt.timedelta(days=extra)
    except OverflowError:
        raise TemporalError("the date is outside the years 1..9999 (refused)") from None
    check_year(date.year)
    if isinstance(t, LocalDateTime):
        return LocalDateTime(date, ns)
    assert isinstance(t, DateTime)
    off = zone_offset(t.zone, date, ns) if t.zone else t.offset
    return DateTime(date, ns, off, t.zone)
