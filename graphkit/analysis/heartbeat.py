"""A line every few seconds while a long step runs that cannot count its own progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from graphkit.progress import Progress

__all__ = ["heartbeat", "EVERY"]

EVERY = 10.0
"""Seconds between two lines of a step that is still running."""


@contextmanager
def heartbeat(progress: Progress, name: str, *, every: float = EVERY) -> Iterator[None]:
    """Say ``"<name>: still running, N s"`` every ``every`` seconds until the block ends
    (from a daemon thread: it writes whenever the block's code lets the interpreter
    switch, i.e. everywhere but inside one long call that keeps the GIL). Quiet progress: nothing.

    >>> import io
    >>> out = io.StringIO()
    >>> with heartbeat(Progress(stream=out), "actor network", every=0.05):
    ...     time.sleep(0.12)
    >>> out.getvalue().splitlines()[0]
    'actor network: still running, 0 s'
    """
    if progress.quiet:
        yield
        return
    done = threading.Event()
    start = time.perf_counter()

    def beat() -> None:
        while not done.wait(every):
            progress.say(f"{name}: still running, {time.perf_counter() - start:.0f} s")

    thread = threading.Thread(target=beat, name="graphkit-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
