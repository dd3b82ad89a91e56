"""Making Cypher temporal values: from maps (``date({year: 1984, week: 10})``), from ISO 8601 text, now.

Selection from other temporal values (``datetime({date: d, time: t, timezone: ...})``),
the statement clock (one "now" per query), ``datetime.fromepoch``, and durations from maps
and text (fractions cascade down: ``P0.75M`` is ``P22DT19H51M49.5S``, by the average
Gregorian month as ``java.time`` and Neo4j have it).
"""

from __future__ import annotations

import datetime as dt
import re
import time as _time
from typing import Any

from graphkit.cypher.temporal import (
    AVG_MONTH_SECONDS,
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
    hms,
    is_leap,
    make_date,
    parse_date,
    parse_time,
    split_zone,
    timezone_arg,
    week_date,
    zone_offset,
    zone_offset_at_instant,
)

__all__ = [
    "DATE_KEYS",
    "TIME_KEYS",
    "lower_fields",
    "int_field",
    "date_from_fields",
    "time_from_fields",
    "construct",
    "statement_clock",
    "from_epoch",
    "duration_from_parts",
]


# ------------------------------------------------------------------ construction


TIME_KEYS = ("hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
DATE_KEYS = ("year", "month", "day", "week", "dayofweek", "quarter", "dayofquarter", "ordinalday")


def lower_fields(m: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in m.items():
        out[k.lower()] = v
    return out


def int_field(f: dict[str, Any], k: str, default: int | None = None) -> int | None:
    v = f.get(k, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise bad_value(f"{k} must be an integer, not {v!r}")
    return v


def date_from_fields(f: dict[str, Any], base: dt.date | None) -> dt.date | None:
    keys = [k for k in DATE_KEYS if k in f]
    if not keys and base is None:
        return None
    if base is not None and not keys:
        return base
    if "year" not in f and base is None:
        raise bad_value("a date needs a year")
    y = int_field(f, "year", base.year if base else None)
    assert y is not None
    if "week" in f or ("dayofweek" in f and base is not None and "month" not in f):
        w = int_field(f, "week") if "week" in f else base.isocalendar()[1] if base else 1
        if base is not None and "year" not in f:
            y = base.isocalendar()[0]
        dow = int_field(
            f,
            "dayofweek",
            base.isocalendar()[2]
            if base is not None and "week" in f and "year" not in f
            else (base.isocalendar()[2] if base is not None else 1),
        )
        if "dayofweek" not in f:
            dow = base.isocalendar()[2] if base is not None else 1
        assert w is not None and dow is not None
        return week_date(y, w, dow)
    if "quarter" in f or "dayofquarter" in f:
        q = int_field(f, "quarter", (base.month - 1) // 3 + 1 if base else 1)
        dq = int_field(
            f,
            "dayofquarter",
            (base.toordinal() - dt.date(base.year, 3 * ((base.month - 1) // 3) + 1, 1).toordinal() + 1)
            if base
            else 1,
        )
        assert q is not None and dq is not None
        if not 1 <= q <= 4:
            raise bad_value(f"invalid quarter {q}")
        start = make_date(y, 3 * (q - 1) + 1, 1)
        d = start + dt.timedelta(days=dq - 1)
        if (d.month - 1) // 3 + 1 != q or dq < 1:
            raise bad_value(f"invalid day of quarter {dq}")
        return d
    if "ordinalday" in f:
        od = int_field(f, "ordinalday")
        assert od is not None
        if not 1 <= od <= (366 if is_leap(y) else 365):
            raise bad_value(f"invalid ordinal day {od}")
        return make_date(y) + dt.timedelta(days=od - 1)
    mo = int_field(f, "month", base.month if base else 1)
    da = int_field(f, "day", base.day if base else 1)
    assert mo is not None and da is not None
    if "day" in f and "month" not in f and base is None:
        raise bad_value("a date with a day needs a month")
    return make_date(y, mo, da)


def time_from_fields(f: dict[str, Any], base: int | None) -> int | None:
    keys = [k for k in TIME_KEYS if k in f]
    if not keys:
        return base
    order = list(TIME_KEYS[:3])
    present = [k in f for k in order]
    # hour, minute, second must be given from the largest down without gaps
    if base is None:
        seen_gap = False
        for p in present:
            if not p:
                seen_gap = True
            elif seen_gap:
                raise bad_value("time fields must be given from the hour down without gaps")
        if "hour" not in f:
            raise bad_value("a time needs an hour")
    h0, m0, s0, n0 = (
        (base // (3600 * NS), base // (60 * NS) % 60, base // NS % 60, base % NS)
        if base is not None
        else (0, 0, 0, 0)
    )
    h = int_field(f, "hour", h0)
    mi = int_field(f, "minute", m0)
    s = int_field(f, "second", s0)
    assert h is not None and mi is not None and s is not None
    if any(k in f for k in ("millisecond", "microsecond", "nanosecond")):
        bms, bus, bns = (n0 // 1_000_000, n0 // 1000 % 1000, n0 % 1000) if base is not None else (0, 0, 0)
        ms = int_field(f, "millisecond", bms)
        us = int_field(f, "microsecond", bus)
        ns = int_field(f, "nanosecond", bns)
        assert ms is not None and us is not None and ns is not None
        if base is None and "millisecond" not in f and "microsecond" not in f:
            ms, us = 0, 0
            if not 0 <= ns < NS:
                raise bad_value("nanosecond out of range")
        elif base is None and "millisecond" not in f:
            if not (0 <= us < 1_000_000 and 0 <= ns < 1000):
                raise bad_value("sub-second fields out of range")
        elif not (0 <= ms < 1000 and 0 <= us < 1000 and 0 <= ns < 1000):
            raise bad_value("sub-second fields out of range")
        n = ms * 1_000_000 + us * 1000 + ns
    else:
        n = n0
    return hms(h, mi, s, n)


def _localtime_of(v: Any) -> int | None:
    if isinstance(v, LocalTime | Time | LocalDateTime | DateTime):
        return v.ns
    return None


def _date_of(v: Any) -> dt.date | None:
    if isinstance(v, Date | LocalDateTime | DateTime):
        return v.date
    return None


def construct(kind: str, args: list[Any]) -> Any:
    if not args:
        return _now(kind, None)
    if len(args) > 1:
        raise bad_value(f"{kind}() takes one argument")
    a = args[0]
    if a is None:
        return None
    if isinstance(a, str):
        return _from_text(kind, a)
    if isinstance(a, Temporal):
        return _from_map(kind, {_KIND_KEY[kind]: a}) if kind != "duration" else _dur_check(a)
    if isinstance(a, dict):
        if kind == "duration":
            return _duration_from_map(a)
        if set(k.lower() for k in a) == {"timezone"}:
            return _now(kind, a[next(iter(a))])
        return _from_map(kind, a)
    raise TemporalError(f"{kind}() does not accept {type(a).__name__} (InvalidArgumentType)")


def _dur_check(a: Any) -> Duration:
    if not isinstance(a, Duration):
        raise TemporalError("duration() takes a map or a string (InvalidArgumentType)")
    return a


_KIND_KEY = {
    "date": "date",
    "localtime": "time",
    "time": "time",
    "localdatetime": "datetime",
    "datetime": "datetime",
}


_CLOCK: list[int] = []


def statement_clock() -> None:
    """Fix "now" for one query: every ``date()``, ``datetime()`` ... of a statement sees the same instant."""
    _CLOCK[:] = [_time.time_ns()]


def _now(kind: str, tz: Any) -> Any:
    ns_total = _CLOCK[0] if _CLOCK else _time.time_ns()
    offset, zone = (0, None) if tz is None else timezone_arg(tz)
    secs = ns_total // NS
    if zone:
        offset = zone_offset_at_instant(zone, secs)
    local = ns_total + offset * NS
    d = dt.date.fromordinal(EPOCH_ORDINAL + local // DAY_NS)
    ns = local % DAY_NS
    if kind == "date":
        return Date(d)
    if kind == "localtime":
        return LocalTime(ns)
    if kind == "time":
        return Time(ns, offset)
    if kind == "localdatetime":
        return LocalDateTime(d, ns)
    return DateTime(d, ns, offset, zone)


def _from_text(kind: str, s: str) -> Any:
    if kind == "duration":
        return _parse_duration(s)
    if kind == "date":
        return Date(parse_date(s))
    if kind in ("localtime", "time"):
        body, off, zone = split_zone(s)
        ns = parse_time(body)
        if kind == "localtime":
            if off is not None or zone:
                ns = parse_time(body)
            return LocalTime(ns)
        return Time(ns, off if off is not None else 0)
    if "T" not in s:
        d = parse_date(s)
        ns = 0
        body, off, zone = s, None, None
    else:
        dpart, _, rest = s.partition("T")
        d = parse_date(dpart)
        body, off, zone = split_zone(rest)
        ns = parse_time(body)
    if kind == "localdatetime":
        return LocalDateTime(d, ns)
    if zone:
        real = zone_offset(zone, d, ns)
        return DateTime(d, ns, real if off is None else off, zone)
    return DateTime(d, ns, off if off is not None else 0)


def _from_map(kind: str, m: dict[str, Any]) -> Any:
    f = lower_fields(m)
    known = set(
        DATE_KEYS + TIME_KEYS + ("timezone", "date", "time", "datetime", "epochseconds", "epochmillis")
    )
    for k in f:
        if k not in known:
            raise bad_value(f"{kind}() has no field {k!r}")
    for k, v in f.items():
        if v is None and k not in ("timezone",):
            return None
    if "epochseconds" in f or "epochmillis" in f:
        if "epochmillis" in f:
            total = int_field(f, "epochmillis") * 1_000_000  # type: ignore[operator]
        else:
            total = int_field(f, "epochseconds") * NS + (int_field(f, "nanosecond", 0) or 0)  # type: ignore[operator]
        return from_epoch(total, f.get("timezone"))
    dsrc = f.get("date")
    tsrc = f.get("time")
    if "datetime" in f:
        dsrc = dsrc if dsrc is not None else f["datetime"]
        tsrc = tsrc if tsrc is not None else f["datetime"]
    for v in (dsrc, tsrc):
        if v is not None and not isinstance(v, Temporal):
            raise TemporalError(
                f"{kind}(): date, time and datetime fields take temporal values (InvalidArgumentType)"
            )
    base_date = _date_of(dsrc) if dsrc is not None else None
    if dsrc is not None and base_date is None:
        raise TemporalError(f"{kind}(): the date field takes a value with a date (InvalidArgumentType)")
    base_ns = _localtime_of(tsrc) if tsrc is not None else None
    if tsrc is not None and base_ns is None:
        raise TemporalError(f"{kind}(): the time field takes a value with a time (InvalidArgumentType)")
    zsrc = tsrc if isinstance(tsrc, Time | DateTime) else None
    tz = f.get("timezone")
    if kind == "date":
        if any(k in f for k in TIME_KEYS) or "timezone" in f or "time" in f:
            raise bad_value("date() takes no time fields")
        d = date_from_fields(f, base_date)
        if d is None:
            raise bad_value("date() needs a year")
        return Date(d)
    if kind in ("localtime", "localdatetime") and "timezone" in f:
        raise bad_value(f"{kind}() takes no timezone")
    same = isinstance(zsrc, DateTime) and dsrc is zsrc
    if tz is not None and same and kind == "datetime":
        # a datetime moved into another zone: the same instant
        new_off, new_zone = timezone_arg(tz)
        epoch = zsrc.epoch_ns()  # type: ignore[union-attr]
        if new_zone:
            new_off = zone_offset_at_instant(new_zone, epoch // NS)
        local = epoch + new_off * NS
        base_date = dt.date.fromordinal(EPOCH_ORDINAL + local // DAY_NS)
        base_ns = local % DAY_NS
        zsrc, tz = DateTime(base_date, base_ns, new_off, new_zone), None
    d = date_from_fields(f, base_date) if kind in ("localdatetime", "datetime") else None
    if kind in ("localdatetime", "datetime") and d is None:
        raise bad_value(f"{kind}() needs a date")
    if kind in ("localdatetime", "datetime") and not any(k in f for k in TIME_KEYS) and base_ns is None:
        base_ns = 0
    ref = d or dt.date(1970, 1, 1)
    src_off: int | None = None
    src_zone: str | None = None
    if zsrc is not None:
        assert base_ns is not None
        src_off, src_zone = zsrc.offset, (zsrc.zone if isinstance(zsrc, DateTime) else None)
        if src_zone and not same and kind == "datetime":
            src_off = zone_offset(src_zone, ref, base_ns)
    if tz is not None and zsrc is not None and kind in ("time", "datetime"):
        new_off, new_zone = timezone_arg(tz)
        if new_zone:
            new_off = zone_offset(new_zone, ref, base_ns)  # type: ignore[arg-type]
        assert src_off is not None and base_ns is not None
        base_ns = (base_ns - src_off * NS + new_off * NS) % DAY_NS
        src_off, src_zone, tz = new_off, new_zone, None
    ns = time_from_fields(f, base_ns)
    if ns is None:
        raise bad_value(f"{kind}() needs an hour")
    if kind == "localtime":
        return LocalTime(ns)
    if kind == "localdatetime":
        assert d is not None
        return LocalDateTime(d, ns)
    if tz is not None:
        off, zone = timezone_arg(tz)
    elif src_off is not None and kind in ("time", "datetime") and zsrc is not None:
        off, zone = src_off, src_zone
    else:
        off, zone = 0, None
    if kind == "time":
        if zone:
            off = zone_offset(zone, dt.date(1970, 1, 1), ns) if src_off is None or tz is not None else off
        return Time(ns, off)
    assert d is not None
    if zone:
        off = zone_offset(zone, d, ns)
    return DateTime(d, ns, off, zone)


def from_epoch(total_ns: int, tz: Any = None) -> DateTime:
    off, zone = (0, None) if tz is None else timezone_arg(tz)
    if zone:
        off = zone_offset_at_instant(zone, total_ns // NS)
    local = total_ns + off * NS
    days, ns = divmod(local, DAY_NS)
    try:
        d = dt.date.fromordinal(EPOCH_ORDINAL + days)
    except (ValueError, OverflowError):
        raise TemporalError("the epoch value is outside the years 1..9999 (refused)") from None
    return DateTime(d, ns, off, zone)


# ------------------------------------------------------------------ durations

_DUR_UNITS = {
    "years": ("m", 12),
    "months": ("m", 1),
    "weeks": ("d", 7),
    "days": ("d", 1),
    "hours": ("s", 3600),
    "minutes": ("s", 60),
    "seconds": ("s", 1),
    "milliseconds": ("n", 1_000_000),
    "microseconds": ("n", 1000),
    "nanoseconds": ("n", 1),
}


def duration_from_parts(parts: list[tuple[str, Any]]) -> Duration:
    from fractions import Fraction

    months = Fraction(0)
    days = Fraction(0)
    nanos = Fraction(0)
    for unit, v in parts:
        if v is None:
            return None  # type: ignore[return-value]
        if isinstance(v, bool) or not isinstance(v, int | float | Fraction):
            raise TemporalError(f"duration field {unit} takes a number, not {v!r} (InvalidArgumentType)")
        kind, mult = _DUR_UNITS[unit]
        q = Fraction(v) * mult
        if kind == "m":
            months += q
        elif kind == "d":
            days += q
        elif kind == "s":
            nanos += q * NS
        else:
            nanos += q
    # cascade fractions down: months -> days/seconds (average month), days -> seconds
    whole_m = int(months)
    frac_m = months - whole_m
    frac_s = frac_m * AVG_MONTH_SECONDS
    extra_days = int(frac_s / 86_400)
    days += extra_days
    nanos += (frac_s - extra_days * 86_400) * NS
    whole_d = int(days)
    nanos += (days - whole_d) * 86_400 * NS
    n = (
        int(round(nanos))
        if isinstance(nanos, float)
        else nanos.__trunc__()
        if nanos.denominator != 1
        else int(nanos)
    )
    return Duration(whole_m, whole_d, 0, n)


def _duration_from_map(m: dict[str, Any]) -> Duration:
    parts = []
    for k, v in m.items():
        if k.lower() not in _DUR_UNITS:
            raise bad_value(f"duration() has no field {k!r}")
        parts.append((k.lower(), v))
    return duration_from_parts(parts)


_DUR_TEXT = re.compile(
    r"([-+]?)P(?:([-+]?[\d.]+)Y)?(?:([-+]?[\d.]+)M)?(?:([-+]?[\d.]+)W)?(?:([-+]?[\d.]+)D)?"
    r"(?:T(?:([-+]?[\d.]+)H)?(?:([-+]?[\d.]+)M)?(?:([-+]?[\d.,]+)S)?)?$",
    re.I,
)
_DUR_ALT = re.compile(r"P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$")


def _parse_duration(s: str) -> Duration:
    from fractions import Fraction

    m = _DUR_ALT.match(s)
    if m:
        y, mo, d, h, mi, sec, frac = m.groups()
        return duration_from_parts(
            [
                ("years", int(y)),
                ("months", int(mo)),
                ("days", int(d)),
                ("hours", int(h)),
                ("minutes", int(mi)),
                ("seconds", int(sec)),
                ("nanoseconds", int((frac or "").ljust(9, "0") or 0)),
            ]
        )
    m = _DUR_TEXT.match(s)
    if not m or s.upper() in ("P", "PT") or s.upper().endswith("T"):
        raise bad_value(f"cannot read {s!r} as a duration")
    sign = -1 if m.group(1) == "-" else 1
    parts = []
    for unit, g in zip(
        ("years", "months", "weeks", "days", "hours", "minutes", "seconds"), m.groups()[1:], strict=True
    ):
        if g:
            parts.append((unit, sign * Fraction(g.replace(",", "."))))
    return duration_from_parts(parts)
