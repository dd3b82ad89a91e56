"""Cypher's temporal values: date, localtime, time, localdatetime, datetime and duration.

Values, their text forms, construction from maps and strings, selection, truncation,
accessors, comparison and ``duration.between`` / ``inMonths`` / ``inDays`` /
``inSeconds`` as the Cypher Manual ("Temporal values", "Temporal functions") and the
openCypher TCK (``expressions/temporal``) specify. Times carry nanoseconds; named time
zones come from the IANA database (:mod:`zoneinfo`); the default time zone is UTC.
Years are limited to 1..9999 (Python's calendar): others are refused with an error.
Text forms follow ``java.time``'s ``toString`` (Neo4j's): ``12:31`` (no zero seconds),
``12:31:14.645`` (3, 6 or 9 fraction digits), ``Z`` for UTC, ``+01:00[Europe/Stockholm]``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time as _time
from typing import Any

from graphkit.errors import QueryError

__all__ = [
    "Temporal",
    "TemporalText",
    "Date",
    "LocalTime",
    "Time",
    "LocalDateTime",
    "DateTime",
    "Duration",
    "is_temporal_function",
    "call",
    "arithmetic",
    "duration_sum",
    "statement_clock",
]

NS = 1_000_000_000
DAY_NS = 86_400 * NS
_AVG_MONTH_S = 2_629_746  # seconds in an average Gregorian month (Neo4j, java.time)


class TemporalError(QueryError):
    """A temporal value that cannot be made (bad field, text, or out of range)."""


def _err(msg: str) -> TemporalError:
    return TemporalError(f"{msg} (InvalidArgumentValue)")


# ------------------------------------------------------------------ text helpers


def _frac(ns: int) -> str:
    if ns == 0:
        return ""
    if ns % 1_000_000 == 0:
        return f".{ns // 1_000_000:03d}"
    if ns % 1000 == 0:
        return f".{ns // 1000:06d}"
    return f".{ns:09d}"


def _time_text(ns: int) -> str:
    h, rem = divmod(ns, 3600 * NS)
    m, rem = divmod(rem, 60 * NS)
    s, n = divmod(rem, NS)
    out = f"{h:02d}:{m:02d}"
    if s or n:
        out += f":{s:02d}" + _frac(n)
    return out


def _offset_text(off: int) -> str:
    if off == 0:
        return "Z"
    sign = "+" if off > 0 else "-"
    a = abs(off)
    h, rem = divmod(a, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _date_text(d: dt.date) -> str:
    return d.isoformat()


# ------------------------------------------------------------------ zones


def _zone(name: str) -> Any:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise _err(f"unknown time zone {name!r}") from None


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?$")


def _parse_offset(text: str) -> int | None:
    if text in ("Z", "z"):
        return 0
    m = _OFFSET.match(text)
    if not m:
        return None
    sign = 1 if m.group(1) == "+" else -1
    h, mi, s = int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0)
    if h > 18 or mi > 59 or s > 59 or h * 3600 + mi * 60 + s > 18 * 3600:
        raise _err(f"time zone offset {text!r} out of range")
    return sign * (h * 3600 + mi * 60 + s)


def _zone_offset(zone: str, d: dt.date, ns: int) -> int:
    """The UTC offset (seconds) of a named zone at a local date and time (earlier offset in a gap/overlap)."""
    if d.year < 1900:
        raise TemporalError(
            f"a named time zone ({zone}) before 1900 is refused: its historical local mean time differs between "
            "time zone databases; give an offset (+01:00) instead"
        )
    z = _zone(zone)
    local = dt.datetime(d.year, d.month, d.day) + dt.timedelta(microseconds=ns // 1000)
    off = local.replace(tzinfo=z).utcoffset()
    assert off is not None
    # java.time: a local time in a gap moves forward by the gap; keep the offset before the gap
    return int(off.total_seconds())


def _zone_offset_at_instant(zone: str, epoch_s: int) -> int:
    z = _zone(zone)
    utc = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=epoch_s)
    off = utc.astimezone(z).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def _timezone_arg(v: Any) -> tuple[int, str | None]:
    """(offset, zone name) from a ``timezone`` field: ``'+01:00'``, ``'Z'`` or ``'Europe/Stockholm'``."""
    if not isinstance(v, str):
        raise _err(f"timezone must be a string, not {v!r}")
    off = _parse_offset(v)
    if off is not None:
        return off, None
    _zone(v)
    return 0, v


# ------------------------------------------------------------------ values


class Temporal:
    """Base of the temporal values."""

    TYPE = "TEMPORAL"

    def key(self) -> Any:
        raise NotImplementedError

    def equal(self, other: Any) -> bool:
        return self.key() == other.key()

    def compare(self, other: Any) -> int | None:
        a, b = self.key(), other.key()
        return (a > b) - (a < b)

    def sort_compare(self, other: Any) -> int:
        c = self.compare(other)
        return c or 0

    def accessor(self, name: str) -> Any:
        f = _ACCESSORS.get(name.lower())
        if f is None:
            raise TemporalError(f"{self.TYPE} has no field .{name} (InvalidArgumentType)")
        try:
            return f(self)
        except AttributeError:
            raise TemporalError(f"{self.TYPE} has no field .{name} (UnsupportedTemporalUnit)") from None


class Date(Temporal):
    TYPE = "DATE"

    def __init__(self, d: dt.date) -> None:
        self.date = d

    def key(self) -> Any:
        return self.date.toordinal()

    def __str__(self) -> str:
        return _date_text(self.date)


class LocalTime(Temporal):
    TYPE = "LOCALTIME"

    def __init__(self, ns: int) -> None:
        self.ns = ns % DAY_NS

    def key(self) -> Any:
        return self.ns

    def __str__(self) -> str:
        return _time_text(self.ns)


class Time(Temporal):
    TYPE = "TIME"

    def __init__(self, ns: int, offset: int) -> None:
        self.ns, self.offset = ns % DAY_NS, offset

    def key(self) -> Any:
        return (self.ns - self.offset * NS, self.offset)

    def compare(self, other: Any) -> int | None:
        a, b = self.ns - self.offset * NS, other.ns - other.offset * NS
        return (a > b) - (a < b)

    def __str__(self) -> str:
        return _time_text(self.ns) + _offset_text(self.offset)


class LocalDateTime(Temporal):
    TYPE = "LOCALDATETIME"

    def __init__(self, d: dt.date, ns: int) -> None:
        self.date, self.ns = d, ns

    def key(self) -> Any:
        return (self.date.toordinal(), self.ns)

    def __str__(self) -> str:
        return _date_text(self.date) + "T" + _time_text(self.ns)


class DateTime(Temporal):
    TYPE = "DATETIME"

    def __init__(self, d: dt.date, ns: int, offset: int, zone: str | None = None) -> None:
        self.date, self.ns, self.offset, self.zone = d, ns, offset, zone

    def epoch_ns(self) -> int:
        return (self.date.toordinal() - _EPOCH) * DAY_NS + self.ns - self.offset * NS

    def key(self) -> Any:
        return (self.epoch_ns(), self.offset, self.zone or "")

    def compare(self, other: Any) -> int | None:
        a, b = self.epoch_ns(), other.epoch_ns()
        return (a > b) - (a < b)

    def sort_compare(self, other: Any) -> int:
        return self.compare(other) or 0

    def __str__(self) -> str:
        s = _date_text(self.date) + "T" + _time_text(self.ns) + _offset_text(self.offset)
        return s + (f"[{self.zone}]" if self.zone else "")


class Duration(Temporal):
    TYPE = "DURATION"

    def __init__(self, months: int, days: int, seconds: int, nanos: int) -> None:
        s, n = divmod(nanos, NS)
        self.months, self.days, self.seconds, self.nanos = months, days, seconds + s, n

    def key(self) -> Any:
        return (self.months, self.days, self.seconds, self.nanos)

    def compare(self, other: Any) -> int | None:
        return None

    def sort_compare(self, other: Any) -> int:
        a, b = self.key(), other.key()
        return (a > b) - (a < b)

    def __neg__(self) -> Duration:
        return Duration(-self.months, -self.days, -self.seconds, -self.nanos)

    def __str__(self) -> str:
        months, days, seconds, nanos = self.months, self.days, self.seconds, self.nanos
        if not (months or days or seconds or nanos):
            return "PT0S"
        out = ["P"]

        def add(q: int, unit: str) -> None:
            if q:
                out.append(f"{q}{unit}")

        add(_tdiv(months, 12), "Y")
        add(_trem(months, 12), "M")
        add(days, "D")
        if seconds or nanos:
            s, n = seconds, nanos
            if s < 0 and n:
                s += 1
                n -= NS
            out.append("T")
            add(_tdiv(s, 3600), "H")
            s = _trem(s, 3600)
            add(_tdiv(s, 60), "M")
            s = _trem(s, 60)
            if s:
                out.append(str(s))
                if n:
                    out.append(_nanos(n))
                out.append("S")
            elif n:
                if n < 0:
                    out.append("-")
                out.append("0" + _nanos(n) + "S")
        if len(out) == 1:
            out.append("T0S")
        return "".join(out)


def _nanos(n: int) -> str:
    return "." + f"{abs(n):09d}".rstrip("0")


def _tdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _trem(a: int, b: int) -> int:
    return a - b * _tdiv(a, b)


_EPOCH = dt.date(1970, 1, 1).toordinal()


class TemporalText(str):
    """A temporal value in a result: its Cypher text (``'2015-07-21'``), the value as ``.value``."""

    value: Any

    def __new__(cls, value: Temporal) -> TemporalText:
        s = super().__new__(cls, str(value))
        s.value = value
        return s


# ------------------------------------------------------------------ accessors


def _iso(t: Any) -> tuple[int, int, int]:
    return t.date.isocalendar()


def _quarter(t: Any) -> int:
    return (t.date.month - 1) // 3 + 1


def _tz_name(t: Any) -> str:
    if isinstance(t, DateTime) and t.zone:
        return t.zone
    return _offset_text(t.offset)


_ACCESSORS: dict[str, Any] = {
    "year": lambda t: t.date.year,
    "quarter": _quarter,
    "month": lambda t: t.date.month,
    "week": lambda t: _iso(t)[1],
    "weekyear": lambda t: _iso(t)[0],
    "dayofweek": lambda t: _iso(t)[2],
    "weekday": lambda t: _iso(t)[2],
    "day": lambda t: t.date.day,
    "ordinalday": lambda t: t.date.timetuple().tm_yday,
    "dayofquarter": lambda t: t.date.toordinal() - dt.date(t.date.year, 3 * (_quarter(t) - 1) + 1, 1).toordinal() + 1,
    "hour": lambda t: t.ns // (3600 * NS),
    "minute": lambda t: t.ns // (60 * NS) % 60,
    "second": lambda t: t.ns // NS % 60,
    "millisecond": lambda t: t.ns % NS // 1_000_000,
    "microsecond": lambda t: t.ns % NS // 1000,
    "nanosecond": lambda t: t.ns % NS,
    "timezone": _tz_name,
    "offset": lambda t: _offset_text(t.offset).replace("Z", "+00:00"),
    "offsetminutes": lambda t: t.offset // 60,
    "offsetseconds": lambda t: t.offset,
    "epochseconds": lambda t: t.epoch_ns() // NS,
    "epochmillis": lambda t: t.epoch_ns() // 1_000_000,
}

_DURATION_ACCESSORS: dict[str, Any] = {
    "years": lambda d: _tdiv(d.months, 12),
    "quarters": lambda d: _tdiv(d.months, 3),
    "months": lambda d: d.months,
    "weeks": lambda d: _tdiv(d.days, 7),
    "days": lambda d: d.days,
    "hours": lambda d: _floordiv_s(d, 3600),
    "minutes": lambda d: _floordiv_s(d, 60),
    "seconds": lambda d: d.seconds,
    "milliseconds": lambda d: d.seconds * 1000 + d.nanos // 1_000_000,
    "microseconds": lambda d: d.seconds * 1_000_000 + d.nanos // 1000,
    "nanoseconds": lambda d: d.seconds * NS + d.nanos,
    "quartersofyear": lambda d: _trem(_tdiv(d.months, 3), 4),
    "monthsofquarter": lambda d: _trem(d.months, 3),
    "monthsofyear": lambda d: _trem(d.months, 12),
    "daysofweek": lambda d: _trem(d.days, 7),
    "minutesofhour": lambda d: _trem(_floordiv_s(d, 60), 60),
    "secondsofminute": lambda d: _trem(d.seconds, 60),
    "millisecondsofsecond": lambda d: d.nanos // 1_000_000,
    "microsecondsofsecond": lambda d: d.nanos // 1000,
    "nanosecondsofsecond": lambda d: d.nanos,
}


def _floordiv_s(d: Duration, unit: int) -> int:
    return _tdiv(d.seconds, unit)


def _duration_accessor(self: Duration, name: str) -> Any:
    f = _DURATION_ACCESSORS.get(name.lower())
    if f is None:
        raise TemporalError(f"DURATION has no field .{name} (InvalidArgumentType)")
    return f(self)


Duration.accessor = _duration_accessor  # type: ignore[method-assign]


# ------------------------------------------------------------------ parsing text

_DATE_FORMS = [
    (re.compile(r"([+-]?\d{4})-(\d{2})-(\d{2})$"), "ymd"),
    (re.compile(r"([+-]?\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"([+-]?\d{4})-W(\d{2})-(\d)$"), "wd"),
    (re.compile(r"([+-]?\d{4})W(\d{2})(\d)$"), "wd"),
    (re.compile(r"([+-]?\d{4})-W(\d{2})$"), "w"),
    (re.compile(r"([+-]?\d{4})W(\d{2})$"), "w"),
    (re.compile(r"([+-]?\d{4})-Q(\d)-(\d{2})$"), "qd"),
    (re.compile(r"([+-]?\d{4})-(\d{3})$"), "o"),
    (re.compile(r"([+-]?\d{4})(\d{3})$"), "o"),
    (re.compile(r"([+-]?\d{4})-(\d{2})$"), "ym"),
    (re.compile(r"([+-]?\d{4})(\d{2})$"), "ym"),
    (re.compile(r"([+-]?\d{4})$"), "y"),
]


def _year(y: int) -> int:
    if not 1 <= y <= 9999:
        raise TemporalError(
            f"the year {y} is refused: graphkit's temporal values cover the years 1 to 9999 "
            "(Neo4j's reach -999,999,999 to +999,999,999)"
        )
    return y


def _make_date(y: int, m: int = 1, d: int = 1) -> dt.date:
    try:
        return dt.date(_year(y), m, d)
    except ValueError as e:
        raise _err(f"invalid date {y}-{m}-{d}: {e}") from None


def _week_date(y: int, w: int, dow: int = 1) -> dt.date:
    try:
        return dt.date.fromisocalendar(_year(y), w, dow)
    except ValueError as e:
        raise _err(f"invalid week date {y}-W{w}-{dow}: {e}") from None


_WIDE_YEAR = re.compile(r"[+-]\d+(?=-|$)")


def _parse_date(s: str) -> dt.date:
    m = _WIDE_YEAR.match(s)
    if m and not 1 <= int(m.group()) <= 9999:
        raise TemporalError(
            f"the date {s!r} is refused: graphkit's temporal values cover the years 1 to 9999 "
            "(Neo4j's reach -999,999,999 to +999,999,999)"
        )
    if s.startswith("+"):
        s = s[1:]
    for rx, form in _DATE_FORMS:
        m = rx.match(s)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        if form == "ymd":
            return _make_date(g[0], g[1], g[2])
        if form == "wd":
            return _week_date(g[0], g[1], g[2])
        if form == "w":
            return _week_date(g[0], g[1])
        if form == "qd":
            start = _make_date(g[0], 3 * (g[1] - 1) + 1, 1)
            return start + dt.timedelta(days=g[2] - 1)
        if form == "o":
            if not 1 <= g[1] <= (366 if _leap(g[0]) else 365):
                raise _err(f"invalid ordinal day {s!r}")
            return _make_date(g[0]) + dt.timedelta(days=g[1] - 1)
        if form == "ym":
            return _make_date(g[0], g[1])
        return _make_date(g[0])
    raise _err(f"cannot read {s!r} as a date")


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


_TIME = re.compile(r"(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?$")


def _parse_time(s: str) -> int:
    m = _TIME.match(s)
    if not m:
        raise _err(f"cannot read {s!r} as a time")
    h, mi, sec, frac = m.groups()
    return _hms(int(h), int(mi or 0), int(sec or 0), int((frac or "").ljust(9, "0") or 0))


def _hms(h: int, m: int, s: int, n: int) -> int:
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60 and 0 <= n < NS):
        raise _err(f"invalid time {h}:{m}:{s}.{n}")
    return ((h * 60 + m) * 60 + s) * NS + n


_ZONE_SUFFIX = re.compile(r"(.*?)(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?$")


def _split_zone(s: str) -> tuple[str, int | None, str | None]:
    m = _ZONE_SUFFIX.match(s)
    assert m is not None
    body, off, zone = m.groups()
    return body, (_parse_offset(off) if off else None), zone


# ------------------------------------------------------------------ construction


_TIME_KEYS = ("hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
_DATE_KEYS = ("year", "month", "day", "week", "dayofweek", "quarter", "dayofquarter", "ordinalday")


def _fields(m: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in m.items():
        out[k.lower()] = v
    return out


def _intf(f: dict[str, Any], k: str, default: int | None = None) -> int | None:
    v = f.get(k, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise _err(f"{k} must be an integer, not {v!r}")
    return v


def _date_from_fields(f: dict[str, Any], base: dt.date | None) -> dt.date | None:
    keys = [k for k in _DATE_KEYS if k in f]
    if not keys and base is None:
        return None
    if base is not None and not keys:
        return base
    if "year" not in f and base is None:
        raise _err("a date needs a year")
    y = _intf(f, "year", base.year if base else None)
    assert y is not None
    if "week" in f or ("dayofweek" in f and base is not None and "month" not in f):
        if "week" in f:
            w = _intf(f, "week")
        else:
            w = base.isocalendar()[1] if base else 1
        if base is not None and "year" not in f:
            y = base.isocalendar()[0]
        dow = _intf(f, "dayofweek", base.isocalendar()[2] if base is not None and "week" in f and "year" not in f else (base.isocalendar()[2] if base is not None else 1))
        if "dayofweek" not in f:
            dow = base.isocalendar()[2] if base is not None else 1
        assert w is not None and dow is not None
        return _week_date(y, w, dow)
    if "quarter" in f or "dayofquarter" in f:
        q = _intf(f, "quarter", (base.month - 1) // 3 + 1 if base else 1)
        dq = _intf(f, "dayofquarter", (base.toordinal() - dt.date(base.year, 3 * ((base.month - 1) // 3) + 1, 1).toordinal() + 1) if base else 1)
        assert q is not None and dq is not None
        if not 1 <= q <= 4:
            raise _err(f"invalid quarter {q}")
        start = _make_date(y, 3 * (q - 1) + 1, 1)
        d = start + dt.timedelta(days=dq - 1)
        if (d.month - 1) // 3 + 1 != q or dq < 1:
            raise _err(f"invalid day of quarter {dq}")
        return d
    if "ordinalday" in f:
        od = _intf(f, "ordinalday")
        assert od is not None
        if not 1 <= od <= (366 if _leap(y) else 365):
            raise _err(f"invalid ordinal day {od}")
        return _make_date(y) + dt.timedelta(days=od - 1)
    mo = _intf(f, "month", base.month if base else 1)
    da = _intf(f, "day", base.day if base else 1)
    assert mo is not None and da is not None
    if "day" in f and "month" not in f and base is None:
        raise _err("a date with a day needs a month")
    return _make_date(y, mo, da)


def _time_from_fields(f: dict[str, Any], base: int | None) -> int | None:
    keys = [k for k in _TIME_KEYS if k in f]
    if not keys:
        return base
    order = list(_TIME_KEYS[:3])
    present = [k in f for k in order]
    # hour, minute, second must be given from the largest down without gaps
    if base is None:
        seen_gap = False
        for p in present:
            if not p:
                seen_gap = True
            elif seen_gap:
                raise _err("time fields must be given from the hour down without gaps")
        if "hour" not in f:
            raise _err("a time needs an hour")
    h0, m0, s0, n0 = (base // (3600 * NS), base // (60 * NS) % 60, base // NS % 60, base % NS) if base is not None else (0, 0, 0, 0)
    h = _intf(f, "hour", h0)
    mi = _intf(f, "minute", m0)
    s = _intf(f, "second", s0)
    assert h is not None and mi is not None and s is not None
    if any(k in f for k in ("millisecond", "microsecond", "nanosecond")):
        bms, bus, bns = (n0 // 1_000_000, n0 // 1000 % 1000, n0 % 1000) if base is not None else (0, 0, 0)
        ms = _intf(f, "millisecond", bms)
        us = _intf(f, "microsecond", bus)
        ns = _intf(f, "nanosecond", bns)
        assert ms is not None and us is not None and ns is not None
        if base is None and "millisecond" not in f and "microsecond" not in f:
            ms, us = 0, 0
            if not 0 <= ns < NS:
                raise _err("nanosecond out of range")
        elif base is None and "millisecond" not in f:
            if not (0 <= us < 1_000_000 and 0 <= ns < 1000):
                raise _err("sub-second fields out of range")
        elif not (0 <= ms < 1000 and 0 <= us < 1000 and 0 <= ns < 1000):
            raise _err("sub-second fields out of range")
        n = ms * 1_000_000 + us * 1000 + ns
    else:
        n = n0
    return _hms(h, mi, s, n)


def _localtime_of(v: Any) -> int | None:
    if isinstance(v, LocalTime | Time | LocalDateTime | DateTime):
        return v.ns
    return None


def _date_of(v: Any) -> dt.date | None:
    if isinstance(v, Date | LocalDateTime | DateTime):
        return v.date
    return None


def _construct(kind: str, args: list[Any]) -> Any:
    if not args:
        return _now(kind, None)
    if len(args) > 1:
        raise _err(f"{kind}() takes one argument")
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


_KIND_KEY = {"date": "date", "localtime": "time", "time": "time", "localdatetime": "datetime", "datetime": "datetime"}


_CLOCK: list[int] = []


def statement_clock() -> None:
    """Fix "now" for one query: every ``date()``, ``datetime()`` ... of a statement sees the same instant."""
    _CLOCK[:] = [_time.time_ns()]


def _now(kind: str, tz: Any) -> Any:
    ns_total = _CLOCK[0] if _CLOCK else _time.time_ns()
    offset, zone = (0, None) if tz is None else _timezone_arg(tz)
    secs = ns_total // NS
    if zone:
        offset = _zone_offset_at_instant(zone, secs)
    local = ns_total + offset * NS
    d = dt.date.fromordinal(_EPOCH + local // DAY_NS)
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
        return Date(_parse_date(s))
    if kind in ("localtime", "time"):
        body, off, zone = _split_zone(s)
        ns = _parse_time(body)
        if kind == "localtime":
            if off is not None or zone:
                ns = _parse_time(body)
            return LocalTime(ns)
        return Time(ns, off if off is not None else 0)
    if "T" not in s:
        d = _parse_date(s)
        ns = 0
        body, off, zone = s, None, None
    else:
        dpart, _, rest = s.partition("T")
        d = _parse_date(dpart)
        body, off, zone = _split_zone(rest)
        ns = _parse_time(body)
    if kind == "localdatetime":
        return LocalDateTime(d, ns)
    if zone:
        real = _zone_offset(zone, d, ns)
        return DateTime(d, ns, real if off is None else off, zone)
    return DateTime(d, ns, off if off is not None else 0)


def _from_map(kind: str, m: dict[str, Any]) -> Any:
    f = _fields(m)
    known = set(_DATE_KEYS + _TIME_KEYS + ("timezone", "date", "time", "datetime", "epochseconds", "epochmillis"))
    for k in f:
        if k not in known:
            raise _err(f"{kind}() has no field {k!r}")
    for k, v in f.items():
        if v is None and k not in ("timezone",):
            return None
    if "epochseconds" in f or "epochmillis" in f:
        if "epochmillis" in f:
            total = _intf(f, "epochmillis") * 1_000_000  # type: ignore[operator]
        else:
            total = _intf(f, "epochseconds") * NS + (_intf(f, "nanosecond", 0) or 0)  # type: ignore[operator]
        return _from_epoch(total, f.get("timezone"))
    dsrc = f.get("date")
    tsrc = f.get("time")
    if "datetime" in f:
        dsrc = dsrc if dsrc is not None else f["datetime"]
        tsrc = tsrc if tsrc is not None else f["datetime"]
    for v in (dsrc, tsrc):
        if v is not None and not isinstance(v, Temporal):
            raise TemporalError(f"{kind}(): date, time and datetime fields take temporal values (InvalidArgumentType)")
    base_date = _date_of(dsrc) if dsrc is not None else None
    if dsrc is not None and base_date is None:
        raise TemporalError(f"{kind}(): the date field takes a value with a date (InvalidArgumentType)")
    base_ns = _localtime_of(tsrc) if tsrc is not None else None
    if tsrc is not None and base_ns is None:
        raise TemporalError(f"{kind}(): the time field takes a value with a time (InvalidArgumentType)")
    zsrc = tsrc if isinstance(tsrc, Time | DateTime) else None
    tz = f.get("timezone")
    if kind == "date":
        if any(k in f for k in _TIME_KEYS) or "timezone" in f or "time" in f:
            raise _err("date() takes no time fields")
        d = _date_from_fields(f, base_date)
        if d is None:
            raise _err("date() needs a year")
        return Date(d)
    if kind in ("localtime", "localdatetime") and "timezone" in f:
        raise _err(f"{kind}() takes no timezone")
    same = isinstance(zsrc, DateTime) and dsrc is zsrc
    if tz is not None and same and kind == "datetime":
        # a datetime moved into another zone: the same instant
        new_off, new_zone = _timezone_arg(tz)
        epoch = zsrc.epoch_ns()  # type: ignore[union-attr]
        if new_zone:
            new_off = _zone_offset_at_instant(new_zone, epoch // NS)
        local = epoch + new_off * NS
        base_date = dt.date.fromordinal(_EPOCH + local // DAY_NS)
        base_ns = local % DAY_NS
        zsrc, tz = DateTime(base_date, base_ns, new_off, new_zone), None
    d = _date_from_fields(f, base_date) if kind in ("localdatetime", "datetime") else None
    if kind in ("localdatetime", "datetime") and d is None:
        raise _err(f"{kind}() needs a date")
    if kind in ("localdatetime", "datetime") and not any(k in f for k in _TIME_KEYS) and base_ns is None:
        base_ns = 0
    ref = d or dt.date(1970, 1, 1)
    src_off: int | None = None
    src_zone: str | None = None
    if zsrc is not None:
        assert base_ns is not None
        src_off, src_zone = zsrc.offset, (zsrc.zone if isinstance(zsrc, DateTime) else None)
        if src_zone and not same and kind == "datetime":
            src_off = _zone_offset(src_zone, ref, base_ns)
    if tz is not None and zsrc is not None and kind in ("time", "datetime"):
        new_off, new_zone = _timezone_arg(tz)
        if new_zone:
            new_off = _zone_offset(new_zone, ref, base_ns)  # type: ignore[arg-type]
        assert src_off is not None and base_ns is not None
        base_ns = (base_ns - src_off * NS + new_off * NS) % DAY_NS
        src_off, src_zone, tz = new_off, new_zone, None
    ns = _time_from_fields(f, base_ns)
    if ns is None:
        raise _err(f"{kind}() needs an hour")
    if kind == "localtime":
        return LocalTime(ns)
    if kind == "localdatetime":
        assert d is not None
        return LocalDateTime(d, ns)
    if tz is not None:
        off, zone = _timezone_arg(tz)
    elif src_off is not None and kind in ("time", "datetime") and zsrc is not None:
        off, zone = src_off, src_zone
    else:
        off, zone = 0, None
    if kind == "time":
        if zone:
            off = _zone_offset(zone, dt.date(1970, 1, 1), ns) if src_off is None or tz is not None else off
        return Time(ns, off)
    assert d is not None
    if zone:
        off = _zone_offset(zone, d, ns)
    return DateTime(d, ns, off, zone)


def _from_epoch(total_ns: int, tz: Any = None) -> DateTime:
    off, zone = (0, None) if tz is None else _timezone_arg(tz)
    if zone:
        off = _zone_offset_at_instant(zone, total_ns // NS)
    local = total_ns + off * NS
    days, ns = divmod(local, DAY_NS)
    try:
        d = dt.date.fromordinal(_EPOCH + days)
    except (ValueError, OverflowError):
        raise TemporalError("the epoch value is outside the years 1..9999 (refused)") from None
    return DateTime(d, ns, off, zone)


# ------------------------------------------------------------------ durations

_DUR_UNITS = {
    "years": ("m", 12), "months": ("m", 1), "weeks": ("d", 7), "days": ("d", 1), "hours": ("s", 3600),
    "minutes": ("s", 60), "seconds": ("s", 1), "milliseconds": ("n", 1_000_000),
    "microseconds": ("n", 1000), "nanoseconds": ("n", 1),
}


def _duration_from_parts(parts: list[tuple[str, Any]]) -> Duration:
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
    frac_s = frac_m * _AVG_MONTH_S
    extra_days = int(frac_s / 86_400)
    days += extra_days
    nanos += (frac_s - extra_days * 86_400) * NS
    whole_d = int(days)
    nanos += (days - whole_d) * 86_400 * NS
    n = int(round(nanos)) if isinstance(nanos, float) else nanos.__trunc__() if nanos.denominator != 1 else int(nanos)
    return Duration(whole_m, whole_d, 0, n)


def _duration_from_map(m: dict[str, Any]) -> Duration:
    parts = []
    for k, v in m.items():
        if k.lower() not in _DUR_UNITS:
            raise _err(f"duration() has no field {k!r}")
        parts.append((k.lower(), v))
    return _duration_from_parts(parts)


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
        return _duration_from_parts([("years", int(y)), ("months", int(mo)), ("days", int(d)), ("hours", int(h)),
                                     ("minutes", int(mi)), ("seconds", int(sec)),
                                     ("nanoseconds", int((frac or "").ljust(9, "0") or 0))])
    m = _DUR_TEXT.match(s)
    if not m or s.upper() in ("P", "PT") or s.upper().endswith("T"):
        raise _err(f"cannot read {s!r} as a duration")
    sign = -1 if m.group(1) == "-" else 1
    parts = []
    for unit, g in zip(("years", "months", "weeks", "days", "hours", "minutes", "seconds"), m.groups()[1:], strict=True):
        if g:
            parts.append((unit, sign * Fraction(g.replace(",", "."))))
    return _duration_from_parts(parts)


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
    return _duration_from_parts([("months", Fraction(m, k)), ("days", Fraction(d, k)), ("nanoseconds", Fraction(n, k))])


# ------------------------------------------------------------------ between


def _local_parts(t: Any, zone_of: Any = None) -> tuple[dt.date | None, int | None, int | None, str | None]:
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
    da, na, oa, za = _local_parts(a)
    db, nb, ob, zb = _local_parts(b)
    if da is None and db is not None and isinstance(a, LocalTime) and isinstance(b, DateTime):
        da, oa, za = db, None, zb
    elif db is None and da is not None and isinstance(b, LocalTime) and isinstance(a, DateTime):
        db, ob, zb = da, None, za
    has_date = da is not None and db is not None
    assert na is not None and nb is not None
    # bring b into a's zone when both have one; a local value takes the other's zone
    if oa is not None and ob is not None:
        if has_date:
            epoch_b = (db.toordinal() - _EPOCH) * DAY_NS + nb - ob * NS  # type: ignore[union-attr]
            off = _zone_offset_at_instant(za, epoch_b // NS) if za else oa
            local_b = epoch_b + off * NS
            db = dt.date.fromordinal(_EPOCH + local_b // DAY_NS)
            nb = local_b % DAY_NS
            ob = off
        else:
            nb = nb - ob * NS + oa * NS
            ob = oa
    elif oa is None and ob is not None:
        # a is local: read it in b's zone
        if zb and da is not None:
            oa = _zone_offset(zb, da, na)
        else:
            oa = ob
        if has_date:
            # express b in a's (now known) offset frame: same instant comparison below
            pass
    elif oa is not None and ob is None:
        if za and db is not None:
            ob = _zone_offset(za, db, nb)
        else:
            ob = oa
    months = days = 0
    if has_date and unit in (None, "months", "days"):
        assert da is not None and db is not None
        if unit in (None, "months"):
            months = _months_until(da, na, db, nb)
            da = _plus_months(da, months)
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
    ta = ((da.toordinal() - _EPOCH) * DAY_NS if has_date and da else 0) + na - (oa or 0) * NS
    tb = ((db.toordinal() - _EPOCH) * DAY_NS if has_date and db else 0) + nb - (ob or 0) * NS
    if oa is None or ob is None:
        ta = ((da.toordinal() - _EPOCH) * DAY_NS if has_date and da else 0) + na
        tb = ((db.toordinal() - _EPOCH) * DAY_NS if has_date and db else 0) + nb
    diff = tb - ta
    return Duration(months, days, _tdiv(diff, NS), _trem(diff, NS))


def _months_until(da: dt.date, na: int, db: dt.date, nb: int) -> int:
    end = db
    if end > da and nb < na:
        end = end - dt.timedelta(days=1)
    elif end < da and nb > na:
        end = end + dt.timedelta(days=1)
    p1 = (da.year * 12 + da.month - 1) * 32 + da.day
    p2 = (end.year * 12 + end.month - 1) * 32 + end.day
    return _tdiv(p2 - p1, 32)


def _plus_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    import calendar

    day = min(d.day, calendar.monthrange(_year(y), m)[1])
    return dt.date(y, m, day)


# ------------------------------------------------------------------ truncation

_UNITS = ["millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week", "day", "hour",
          "minute", "second", "millisecond", "microsecond"]


def _truncate(kind: str, unit: Any, value: Any, overrides: Any = None) -> Any:
    if value is None:
        return None
    if not isinstance(unit, str) or unit.lower() not in [u.lower() for u in _UNITS]:
        raise _err(f"unknown truncation unit {unit!r}")
    u = unit.lower()
    if overrides is not None and not isinstance(overrides, dict):
        raise TemporalError("truncate(): the third argument is a map (InvalidArgumentType)")
    d, ns, off, zone = _local_parts(value)
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
            d = _make_date(d.year // 1000 * 1000 if d.year >= 1000 else max(1, d.year // 1000 * 1000))
        elif u == "century":
            d = _make_date(max(1, d.year // 100 * 100))
        elif u == "decade":
            d = _make_date(max(1, d.year // 10 * 10))
        elif u == "year":
            d = _make_date(d.year)
        elif u == "weekyear":
            d = _week_date(d.isocalendar()[0], 1, 1)
        elif u == "quarter":
            d = _make_date(d.year, 3 * ((d.month - 1) // 3) + 1)
        elif u == "month":
            d = _make_date(d.year, d.month)
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
    f = _fields(overrides or {})
    if f:
        if d is not None and any(k in f for k in _DATE_KEYS):
            base = d
            if "dayofweek" in f and u in ("week", "weekyear"):
                d = base + dt.timedelta(days=int(f.pop("dayofweek")) - 1)
            d = _date_from_fields({**f}, d) if any(k in f for k in _DATE_KEYS) else d
        if any(k in f for k in _TIME_KEYS):
            ns = _time_from_fields(f, ns)
    if kind == "date":
        return Date(d)  # type: ignore[arg-type]
    if kind == "localdatetime":
        return LocalDateTime(d, ns)  # type: ignore[arg-type]
    if kind == "localtime":
        return LocalTime(ns)  # type: ignore[arg-type]
    tz = f.get("timezone")
    if tz is not None:
        off, zone = _timezone_arg(tz)
    elif off is None:
        off, zone = 0, None
    if kind == "time":
        return Time(ns, off)  # type: ignore[arg-type]
    assert d is not None and ns is not None
    if zone:
        off = _zone_offset(zone, d, ns)
    return DateTime(d, ns, off, zone)


# ------------------------------------------------------------------ functions


_KINDS = ("date", "localtime", "time", "localdatetime", "datetime", "duration")


def is_temporal_function(name: str) -> bool:
    """Whether ``name`` (lower case) is one of the temporal functions."""
    if name in _KINDS:
        return True
    base, _, fn = name.partition(".")
    if base in _KINDS[:5] and fn in ("truncate", "transaction", "statement", "realtime", "fromepoch", "fromepochmillis"):
        return True
    return base == "duration" and fn in ("between", "inmonths", "indays", "inseconds")


def call(name: str, args: list[Any]) -> Any:
    """A temporal function on evaluated arguments."""
    if name in _KINDS:
        return _construct(name, args)
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
        return _construct(base, args)
    if fn == "fromepoch":
        s, n = args
        if s is None or n is None:
            return None
        return _from_epoch(int(s) * NS + int(n))
    if fn == "fromepochmillis":
        (ms,) = args
        return None if ms is None else _from_epoch(int(ms) * 1_000_000)
    raise QueryError(f"unknown function {name} (UnknownFunction)")


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``+`` and ``-`` of temporal values and durations, ``*`` ``/`` of a duration by a number."""
    if isinstance(a, Duration) and isinstance(b, Duration) and op in ("+", "-"):
        s = 1 if op == "+" else -1
        return Duration(a.months + s * b.months, a.days + s * b.days, a.seconds + s * b.seconds, a.nanos + s * b.nanos)
    if isinstance(a, Temporal) and not isinstance(a, Duration) and isinstance(b, Duration) and op in ("+", "-"):
        return _shift(a, b if op == "+" else -b)
    if isinstance(a, Duration) and isinstance(b, Temporal) and not isinstance(b, Duration) and op == "+":
        return _shift(b, a)
    if isinstance(a, Duration) and isinstance(b, int | float) and not isinstance(b, bool) and op in ("*", "/"):
        from fractions import Fraction

        if op == "/" and b == 0:
            raise QueryError("/ by zero (ArithmeticError)")
        f = Fraction(b) if op == "*" else 1 / Fraction(b)
        return _duration_from_parts([("months", a.months * f), ("days", a.days * f), ("nanoseconds", (a.seconds * NS + a.nanos) * f)])
    if isinstance(b, Duration) and isinstance(a, int | float) and not isinstance(a, bool) and op == "*":
        return arithmetic("*", b, a)
    raise TemporalError(f"type error: cannot compute {getattr(a, 'TYPE', type(a).__name__)} {op} {getattr(b, 'TYPE', type(b).__name__)} (InvalidArgumentType)")


def _shift(t: Temporal, d: Duration) -> Temporal:
    if isinstance(t, LocalTime | Time):
        ns = (t.ns + d.seconds * NS + d.nanos) % DAY_NS
        return LocalTime(ns) if isinstance(t, LocalTime) else Time(ns, t.offset)
    date, ns = t.date, getattr(t, "ns", 0)  # type: ignore[attr-defined]
    date = _plus_months(date, d.months) + dt.timedelta(days=d.days)
    if isinstance(t, Date):
        return Date(date + dt.timedelta(days=_tdiv(d.seconds, 86_400)))
    total = ns + d.seconds * NS + d.nanos
    extra, ns = divmod(total, DAY_NS)
    try:
        date = date + dt.timedelta(days=extra)
    except OverflowError:
        raise TemporalError("the date is outside the years 1..9999 (refused)") from None
    _year(date.year)
    if isinstance(t, LocalDateTime):
        return LocalDateTime(date, ns)
    assert isinstance(t, DateTime)
    off = _zone_offset(t.zone, date, ns) if t.zone else t.offset
    return DateTime(date, ns, off, t.zone)


_ = math
