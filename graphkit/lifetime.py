"""Child processes that cannot outlive graphkit: PR_SET_PDEATHSIG on Linux, a watchdog elsewhere."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None, *, sig: int = signal.SIGKILL) -> None:
    """Make the calling (child) process receive ``sig`` when its parent process ends.

    Call it first thing in a child: a worker's initializer, or a ``preexec_fn``. On Linux
    this is ``prctl(PR_SET_PDEATHSIG)`` (the kernel sends the signal even when the parent
    is killed with SIGKILL); where that is missing, a daemon thread polls the parent's
    process id every half second. ``parent``: the parent's pid as the parent saw it before
    forking; when the child finds another parent already (the parent died before the call),
    it ends at once.
    """
    done = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            done = libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
        except (OSError, AttributeError):
            done = False
    expected = parent if parent is not None else os.getppid()
    if os.getppid() != expected:  # the parent is gone already: the signal will never come
        os.kill(os.getpid(), sig)
    if not done:
        threading.Thread(target=_watch, args=(expected, sig), daemon=True).start()


def _watch(parent: int, sig: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), sig)
