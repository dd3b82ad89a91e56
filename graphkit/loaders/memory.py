"""Large blocks given back to the system when freed (glibc's malloc), for a lower peak of memory.

Called by :func:`graphkit.loaders.tabular.load_dataset` and :func:`graphkit.analysis.run.analyze`
(a setting of the process's allocator, as :func:`graphkit.loaders.rows.gc_paused` is of the
garbage collector: results never change)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["MMAP_THRESHOLD", "map_large_arrays"]

MMAP_THRESHOLD = 256 * 1024
"""Bytes from which glibc's malloc maps a block on its own (and unmaps it when freed).

glibc starts at 128 KiB but raises the threshold to the size of every mapped block freed,
up to 32 MiB: after the first large arrays of an analysis are freed, the next ones come from
the heap, whose freed memory mostly stays with the process. At 100,000 actors that kept
~110 MB more resident at the peak (``/usr/bin/time -v``: 1,301,488 KB with glibc's
default, 1,185,504 KB with ``MALLOC_MMAP_THRESHOLD_=262144``, the same time), and ~100 MB
more when set only after loading (the loader's freed buffers had raised it already)."""

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


@functools.cache
def map_large_arrays() -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD` for the rest of the process (once;
    what ``MALLOC_MMAP_THRESHOLD_`` would do at start), unless the environment sets it;
    whether it was set. Nothing on other C libraries and systems; results never change."""
    import os

    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
