"""Progress on stderr for long work: a bar on a terminal, one line per step elsewhere, nothing when quiet."""

from __future__ import annotations

import math
import sys
import threading
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Report steps and counts of long work.

    >>> p = Progress(quiet=True)
    >>> with p.step("nothing to see"):
    ...     pass
    >>> p.timings["nothing to see"] >= 0
    True
    """

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.timings: dict[str, float] = {}
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last: dict[str, float] = {}  # when each counter last wrote
        self._started: dict[str, float] = {}
        self._bar = False  # a bar is on the terminal's last line, without its line end
        self._lock = threading.Lock()  # counts may come from a background thread

    def step(self, name: str) -> _Step:
        """A context manager timing one named step and saying when it starts and ends."""
        return _Step(self, name)

    def count(self, name: str, done: int, total: int | None = None, *, unit: str = "rows") -> None:
        """Say how far a counted step is, with the time left when the total is known (at
        most ten times a second on a terminal, every 2 s elsewhere).

        >>> import io
        >>> out = io.StringIO()
        >>> p = Progress(stream=out)
        >>> p.count("betweenness", 10, 10, unit="sources")
        >>> print(out.getvalue(), end="")
        betweenness: 10/10 sources
        """
        if self.quiet:
            return
        with self._lock:
            self._count(name, done, total, unit)

    def _count(self, name: str, done: int, total: int | None, unit: str) -> None:
        now = time.perf_counter()
        start = self._started.setdefault(name, now)
        final = total is not None and done >= total
        if not final and now - self._last.get(name, -math.inf) < (0.1 if self._tty else 2.0):
            return
        self._last[name] = now
        text = f"{name}: {done:,}" + (f"/{total:,}" if total else "") + f" {unit}"
        if total and 0 < done < total and now - start > 1.0:
            left = (now - start) * (total - done) / done
            text += f", about {_duration(left)} left"
        if final:
            self._started.pop(name, None)
        if self._tty:
            width = 30
            bar = ""
            if total:
                filled = int(width * min(done, total) / total)
                bar = "[" + "#" * filled + "." * (width - filled) + "] "
            # the bar's own carriage return is sent as it is; the text is escaped by the stream
            getattr(self.stream, "write_raw", self.stream.write)("\r")
            self.stream.write(bar + text + ("\n" if final else ""))
            self._bar = not final
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def say(self, text: str) -> None:
        """One line of news, unless quiet."""
        if self.quiet:
            return
        with self._lock:
            self.stream.write(("\n" if self._bar else "") + text + "\n")
            self._bar = False
            self.stream.flush()


def _duration(seconds: float) -> str:
    """``"45 s"``, ``"3 min"``, ``"1 h 05 min"``.

    >>> _duration(44.6), _duration(200), _duration(3900)
    ('45 s', '3 min', '1 h 05 min')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


class _Step:
    def __init__(self, progress: Progress, name: str) -> None:
        self.progress = progress
        self.name = name

    def __enter__(self) -> _Step:
        self.start = time.perf_counter()
        self.progress.say(f"{self.name} ...")
        return self

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.progress.timings[self.name] = elapsed
        if exc[0] is None:
            self.progress.say(f"{self.name}: done in {elapsed:.2f} s")
