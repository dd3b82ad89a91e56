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
import re
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
    "TemporalError",
    "NS",
    "DAY_NS",
    "EPOCH_ORDINAL",
    "AVG_MONTH_SECONDS",
    "bad_value",
    "zone_info",
    "parse_offset",
    "offset_text",
    "time_text",
    "zone_offset",
    "zone_offset_at_instant",
    "timezone_arg",
    "tdiv",
    "trem",
    "check_year",
    "make_date",
    "week_date",
    "parse_date",
    "is_leap",
    "parse_time",
    "hms",
    "split_zone",
]

NS = 1_000_000_000
DAY_NS = 86_400 * NS
AVG_MONTH_SECONDS = 2_629_746  # seconds in an average Gregorian month (Neo4j, java.time)


class TemporalError(QueryError):
    """A temporal value that cannot be made (bad field, text, or out of range)."""


def bad_value(msg: str) -> TemporalError:
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


def time_text(ns: int) -> str:
    h, rem = divmod(ns, 3600 * NS)
    m, rem = divmod(rem, 60 * NS)
    s, n = divmod(rem, NS)
    out = f"{h:02d}:{m:02d}"
    if s or n:
        out += f":{s:02d}" + _frac(n)
    return out


def offset_text(off: int) -> str:
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


def zone_info(name: str) -> Any:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise bad_value(f"unknown time zone {name!r}") from None


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?$")


def parse_offset(text: str) -> int | None:
    if text in ("Z", "z"):
        return 0
    m = _OFFSET.match(text)
    if not m:
        return None
    sign = 1 if m.group(1) == "+" else -1
    h, mi, s = int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0)
    if h > 18 or mi > 59 or s > 59 or h * 3600 + mi * 60 + s > 18 * 3600:
        raise bad_value(f"time zone offset {text!r} out of range")
    return sign * (h * 3600 + mi * 60 + s)


def zone_offset(zone: str, d: dt.date, ns: int) -> int:
    """The UTC offset (seconds) of a named zone at a local date and time (earlier offset in a gap/overlap)."""
    if d.year < 1900:
        raise TemporalError(
            f"a named time zone ({zone}) before 1900 is refused: its historical local mean time differs between "
            "time zone databases; give an offset (+01:00) instead"
        )
    z = zone_info(zone)
    local = dt.datetime(d.year, d.month, d.day) + dt.timedelta(microseconds=ns // 1000)
    off = local.replace(tzinfo=z).utcoffset()
    assert off is not None
    # java.time: a local time in a gap moves forward by the gap; keep the offset before the gap
    return int(off.total_seconds())


def zone_offset_at_instant(zone: str, epoch_s: int) -> int:
    z = zone_info(zone)
    utc = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=epoch_s)
    off = utc.astimezone(z).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def timezone_arg(v: Any) -> tuple[int, str | None]:
    """(offset, zone name) from a ``timezone`` field: ``'+01:00'``, ``'Z'`` or ``'Europe/Stockholm'``."""
    if not isinstance(v, str):
        raise bad_value(f"timezone must be a string, not {v!r}")
    off = parse_offset(v)
    if off is not None:
        return off, None
    zone_info(v)
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
        return time_text(self.ns)


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
        return time_text(self.ns) + offset_text(self.offset)


class LocalDateTime(Temporal):
    TYPE = "LOCALDATETIME"

    def __init__(self, d: dt.date, ns: int) -> None:
        self.date, self.ns = d, ns

    def key(self) -> Any:
        return (self.date.toordinal(), self.ns)

    def __str__(self) -> str:
        return _date_text(self.date) + "T" + time_text(self.ns)


class DateTime(Temporal):
    TYPE = "DATETIME"

    def __init__(self, d: dt.date, ns: int, offset: int, zone: str | None = None) -> None:
        self.date, self.ns, self.offset, self.zone = d, ns, offset, zone

    def epoch_ns(self) -> int:
        return (self.date.toordinal() - EPOCH_ORDINAL) * DAY_NS + self.ns - self.offset * NS

    def key(self) -> Any:
        return (self.epoch_ns(), self.offset, self.zone or "")

    def compare(self, other: Any) -> int | None:
        a, b = self.epoch_ns(), other.epoch_ns()
        return (a > b) - (a < b)

    def sort_compare(self, other: Any) -> int:
        return self.compare(other) or 0

    def __str__(self) -> str:
        s = _date_text(self.date) + "T" + time_text(self.ns) + offset_text(self.offset)
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

    def accessor(self, name: str) -> Any:
        return _duration_accessor(self, name)

    def __str__(self) -> str:
        months, days, seconds, nanos = self.months, self.days, self.seconds, self.nanos
        if not (months or days or seconds or nanos):
            return "PT0S"
        out = ["P"]

        def add(q: int, unit: str) -> None:
            if q:
                out.append(f"{q}{unit}")

        add(tdiv(months, 12), "Y")
        add(trem(months, 12), "M")
        add(days, "D")
        if seconds or nanos:
            s, n = seconds, nanos
            if s < 0 and n:
                s += 1
                n -= NS
            out.append("T")
            add(tdiv(s, 3600), "H")
            s = trem(s, 3600)
            add(tdiv(s, 60), "M")
            s = trem(s, 60)
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


def tdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def trem(a: int, b: int) -> int:
    return a - b * tdiv(a, b)


EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


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
    return offset_text(t.offset)


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
    "dayofquarter": lambda t: (
        t.date.toordinal() - dt.date(t.date.year, 3 * (_quarter(t) - 1) + 1, 1).toordinal() + 1
    ),
    "hour": lambda t: t.ns // (3600 * NS),
    "minute": lambda t: t.ns // (60 * NS) % 60,
    "second": lambda t: t.ns // NS % 60,
    "millisecond": lambda t: t.ns % NS // 1_000_000,
    "microsecond": lambda t: t.ns % NS // 1000,
    "nanosecond": lambda t: t.ns % NS,
    "timezone": _tz_name,
    "offset": lambda t: offset_text(t.offset).replace("Z", "+00:00"),
    "offsetminutes": lambda t: t.offset // 60,
    "offsetseconds": lambda t: t.offset,
    "epochseconds": lambda t: t.epoch_ns() // NS,
    "epochmillis": lambda t: t.epoch_ns() // 1_000_000,
}

_DURATION_ACCESSORS: dict[str, Any] = {
    "years": lambda d: tdiv(d.months, 12),
    "quarters": lambda d: tdiv(d.months, 3),
    "months": lambda d: d.months,
    "weeks": lambda d: tdiv(d.days, 7),
    "days": lambda d: d.days,
    "hours": lambda d: _floordiv_s(d, 3600),
    "minutes": lambda d: _floordiv_s(d, 60),
    "seconds": lambda d: d.seconds,
    "milliseconds": lambda d: d.seconds * 1000 + d.nanos // 1_000_000,
    "microseconds": lambda d: d.seconds * 1_000_000 + d.nanos // 1000,
    "nanoseconds": lambda d: d.seconds * NS + d.nanos,
    "quartersofyear": lambda d: trem(tdiv(d.months, 3), 4),
    "monthsofquarter": lambda d: trem(d.months, 3),
    "monthsofyear": lambda d: trem(d.months, 12),
    "daysofweek": lambda d: trem(d.days, 7),
    "minutesofhour": lambda d: trem(_floordiv_s(d, 60), 60),
    "secondsofminute": lambda d: trem(d.seconds, 60),
    "millisecondsofsecond": lambda d: d.nanos // 1_000_000,
    "microsecondsofsecond": lambda d: d.nanos // 1000,
    "nanosecondsofsecond": lambda d: d.nanos,
}


def _floordiv_s(d: Duration, unit: int) -> int:
    return tdiv(d.seconds, unit)


def _duration_accessor(self: Duration, name: str) -> Any:
    f = _DURATION_ACCESSORS.get(name.lower())
    if f is None:
        raise TemporalError(f"DURATION has no field .{name} (InvalidArgumentType)")
    return f(self)


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


def check_year(y: int) -> int:
    if not 1 <= y <= 9999:
        raise TemporalError(
            f"the year {y} is refused: graphkit's temporal values cover the years 1 to 9999 "
            "(Neo4j's reach -999,999,999 to +999,999,999)"
        )
    return y


def make_date(y: int, m: int = 1, d: int = 1) -> dt.date:
    try:
        return dt.date(check_year(y), m, d)
    except ValueError as e:
        raise bad_value(f"invalid date {y}-{m}-{d}: {e}") from None


def week_date(y: int, w: int, dow: int = 1) -> dt.date:
    try:
        return dt.date.fromisocalendar(check_year(y), w, dow)
    except ValueError as e:
        raise bad_value(f"invalid week date {y}-W{w}-{dow}: {e}") from None


_WIDE_YEAR = re.compile(r"[+-]\d+(?=-|$)")


def parse_date(s: str) -> dt.date:
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
            return make_date(g[0], g[1], g[2])
        if form == "wd":
            return week_date(g[0], g[1], g[2])
        if form == "w":
            return week_date(g[0], g[1])
        if form == "qd":
            start = make_date(g[0], 3 * (g[1] - 1) + 1, 1)
            return start + dt.timedelta(days=g[2] - 1)
        if form == "o":
            if not 1 <= g[1] <= (366 if is_leap(g[0]) else 365):
                raise bad_value(f"invalid ordinal day {s!r}")
            return make_date(g[0]) + dt.timedelta(days=g[1] - 1)
        if form == "ym":
            return make_date(g[0], g[1])
        return make_date(g[0])
    raise bad_value(f"cannot read {s!r} as a date")


def is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


_TIME = re.compile(r"(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?$")


def parse_time(s: str) -> int:
    m = _TIME.match(s)
    if not m:
        raise bad_value(f"cannot read {s!r} as a time")
    h, mi, sec, frac = m.groups()
    return hms(int(h), int(mi or 0), int(sec or 0), int((frac or "").ljust(9, "0") or 0))


def hms(h: int, m: int, s: int, n: int) -> int:
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60 and 0 <= n < NS):
        raise bad_value(f"invalid time {h}:{m}:{s}.{n}")
    return ((h * 60 + m) * 60 + s) * NS + n


_ZONE_SUFFIX = re.compile(r"(.*?)(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?$")


def split_zone(s: str) -> tuple[str, int | None, str | None]:
    m = _ZONE_SUFFIX.match(s)
    assert m is not None
    body, off, zone = m.groups()
    return body, (parse_offset(off) if off else None), zone
