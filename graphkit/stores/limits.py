"""Resource limits for queries on the embedded engine: a time limit and a memory cap.

A runaway query (``UNWIND range(1, 100000000000) ...``, a cross product of two large
lists, a variable-length path over a dense graph) must stop by itself with a clear
message instead of growing the process until the system kills it. The embedded engine
(ladybug) interrupts a query past its timeout (``Connection.set_query_timeout``) and
fails an allocation past its buffer pool, but builds some values (a ``range`` list, a
string) outside the pool with plain ``malloc``: unbounded, those grew the process to
17.7 GB and ended in a segmentation fault. So the query also runs under an
address-space limit (``RLIMIT_AS``) that leaves it :attr:`QueryLimits.max_memory` bytes
beyond what the process had mapped when the query started; an allocation past it fails
inside the engine, which reports it as an error.

Defaults: 15 seconds and 1 GiB, from ``GRAPHKIT_QUERY_TIMEOUT`` and
``GRAPHKIT_QUERY_MAX_MEMORY`` when set, and from ``--timeout SECONDS`` and
``--max-memory SIZE`` on ``graphkit query`` and ``graphkit shell``; ``0`` turns a limit
off. The memory cap is split between the engine's buffer pool (half, at most) and
everything else the query allocates, so that the query as a whole stays within it.

The address-space limit is a property of the whole process (POSIX ``setrlimit``): while
a query runs, other threads of the same process share it. It is restored when the query
ends.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from graphkit.errors import GraphkitError, QueryError

__all__ = [
    "QueryLimits",
    "parse_size",
    "parse_seconds",
    "format_size",
    "address_space_cap",
    "resident_bytes",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_MEMORY",
]

DEFAULT_TIMEOUT = 15.0  # seconds
DEFAULT_MAX_MEMORY = 1 << 30  # bytes

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1 << 10,
    "kb": 10**3,
    "kib": 1 << 10,
    "m": 1 << 20,
    "mb": 10**6,
    "mib": 1 << 20,
    "g": 1 << 30,
    "gb": 10**9,
    "gib": 1 << 30,
    "t": 1 << 40,
    "tb": 10**12,
    "tib": 1 << 40,
}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(text: str, *, where: str = "--max-memory") -> int | None:
    """Bytes from ``'512M'``, ``'2G'``, ``'1.5GiB'``, ``'2000000000'``; None for ``'0'`` or
    ``'none'`` (no limit). ``K``, ``M``, ``G``, ``T`` are powers of 1024; ``KB``, ``MB`` ...
    powers of 1000.

    >>> parse_size("512M"), parse_size("2GB"), parse_size("0")
    (536870912, 2000000000, None)
    """
    if text.strip().lower() in ("none", "off", "unlimited"):
        return None
    m = _SIZE.match(text)
    unit = m and _UNITS.get(m[2].lower())
    if not m or unit is None:
        raise GraphkitError(f"{where}: {text!r} is not a size (fix: e.g. 512M, 2G or 0 for no limit)")
    value = int(float(m[1]) * unit)
    if value == 0:
        return None
    if value < 64 << 20:
        raise GraphkitError(
            f"{where}: {text!r} is less than 64 MiB, too little to run a query (fix: e.g. 512M)"
        )
    return value


def parse_seconds(text: str, *, where: str = "--timeout") -> float | None:
    """Seconds from ``'20'``, ``'2.5'``; None for ``'0'`` or ``'none'`` (no limit)."""
    if text.strip().lower() in ("none", "off", "unlimited"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise GraphkitError(f"{where}: {text!r} is not a number of seconds (fix: e.g. 60, or 0 for no limit)")
    return value or None


def format_size(n: int) -> str:
    """``'1 GiB'``, ``'512 MiB'``, ``'1.5 GiB'``."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


@dataclass(frozen=True)
class QueryLimits:
    """How long a query may run (seconds) and how much memory it may take (bytes); None is no limit."""

    timeout: float | None = DEFAULT_TIMEOUT
    max_memory: int | None = DEFAULT_MAX_MEMORY

    @classmethod
    def from_env(cls, *, timeout: str | None = None, max_memory: str | None = None) -> QueryLimits:
        """The limits given (CLI text), else from ``GRAPHKIT_QUERY_TIMEOUT`` /
        ``GRAPHKIT_QUERY_MAX_MEMORY``, else the defaults."""
        t_text = timeout if timeout is not None else os.environ.get("GRAPHKIT_QUERY_TIMEOUT")
        m_text = max_memory if max_memory is not None else os.environ.get("GRAPHKIT_QUERY_MAX_MEMORY")
        t_where = "--timeout" if timeout is not None else "GRAPHKIT_QUERY_TIMEOUT"
        m_where = "--max-memory" if max_memory is not None else "GRAPHKIT_QUERY_MAX_MEMORY"
        return cls(
            timeout=parse_seconds(t_text, where=t_where) if t_text is not None else DEFAULT_TIMEOUT,
            max_memory=parse_size(m_text, where=m_where) if m_text is not None else DEFAULT_MAX_MEMORY,
        )

    def buffer_pool(self, wanted: int) -> int:
        """The engine's buffer pool: ``wanted``, but at most half the memory cap."""
        if self.max_memory is None:
            return wanted
        return max(32 << 20, min(wanted, self.max_memory // 2))

    def headroom(self, pool: int) -> int | None:
        """What a query may allocate outside the buffer pool (None: no cap)."""
        if self.max_memory is None:
            return None
        return max(64 << 20, self.max_memory - pool)

    def memory_message(self, file: str) -> str:
        size = format_size(self.max_memory) if self.max_memory else "the system's memory"
        return (
            f"{file}: the query was stopped: it needs more memory than the limit of {size} "
            "(fix: narrow the query, e.g. with LIMIT or a WHERE clause, or raise the limit "
            "with --max-memory SIZE or GRAPHKIT_QUERY_MAX_MEMORY)"
        )

    def time_message(self, file: str) -> str:
        t = self.timeout or 0
        shown = f"{t:.0f}" if t == int(t) else f"{t:g}"
        return (
            f"{file}: the query was stopped after {shown} s (the time limit) "
            "(fix: narrow the query, or raise the limit with --timeout SECONDS or "
            "GRAPHKIT_QUERY_TIMEOUT; 0 means no limit)"
        )


def resident_bytes() -> int | None:
    """The process's resident memory now (Linux /proc), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _mapped_bytes() -> int | None:
    """The process's mapped address space now (Linux /proc), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def address_space_cap(headroom: int | None) -> Iterator[None]:
    """Within the block, the process may map at most ``headroom`` more bytes than now.

    Never raises the existing limit; a no-op where ``resource`` or ``/proc`` is missing
    or ``headroom`` is None.
    """
    if headroom is None:
        yield
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    now = _mapped_bytes()
    if now is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = now + headroom
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class QueryStopped(QueryError):
    """A query stopped at a limit: ``kind`` is ``"time"`` or ``"memory"``.

    The message names no file; :meth:`for_file` gives the one the command line shows.
    """

    def __init__(self, limits: QueryLimits, kind: str) -> None:
        self.limits = limits
        self.kind = kind
        super().__init__(self.for_file("<query>"))

    def for_file(self, file: str) -> str:
        return self.limits.time_message(file) if self.kind == "time" else self.limits.memory_message(file)
