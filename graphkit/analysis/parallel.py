"""Exact (or sampled) betweenness and closeness split across cores, with progress.

igraph computes betweenness from a chosen set of source vertices; sums over disjoint
source sets add up to the value over all of them, so the sources are cut into chunks and
each chunk runs in a worker process. The workers share nothing: each receives the graph
once, as arrays (edge ends and distances), when it starts, and builds its own igraph
graph. Closeness is per vertex, so its vertices are cut into chunks the same way.
Chunks also give progress: counts and an estimate of the time left, at least every 10 s.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from graphkit.progress import Progress

__all__ = [
    "default_jobs",
    "betweenness_from_sources",
    "closeness_of_vertices",
    "PARALLEL_MIN_WORK",
    "using",
    "current",
]

PARALLEL_MIN_WORK = 2_000_000
"""Below about this many vertex × edge operations a pool costs more than it saves."""

_CHUNKS_PER_JOB = 16

# the worker's graph, built once per process from the arrays sent at start-up
_G: Any = None
_W: Any = None


_SETTING: contextvars.ContextVar[tuple[int, Progress | None]] = contextvars.ContextVar(
    "graphkit_parallel", default=(1, None)
)


@contextlib.contextmanager
def using(jobs: int | None, progress: Progress | None = None) -> Iterator[None]:
    """Within the block, betweenness and closeness use ``jobs`` worker processes (None:
    every core) and report their progress to ``progress``.

    Examples
    --------
    >>> with using(2):
    ...     current()[0]
    2
    >>> current()[0]
    1
    """
    token = _SETTING.set((default_jobs() if jobs is None else max(1, int(jobs)), progress))
    try:
        yield
    finally:
        _SETTING.reset(token)


def current() -> tuple[int, Progress | None]:
    """The ``(jobs, progress)`` set by :func:`using` (``(1, None)`` outside it)."""
    return _SETTING.get()


def default_jobs() -> int:
    """The cores this process may use (``os.sched_getaffinity`` where the OS has it).

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def betweenness_from_sources(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    dist: np.ndarray | None,
    sources: Sequence[int],
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> np.ndarray:
    """Sum over ``sources`` of igraph's undirected source betweenness, towards every target.

    igraph counts half of each unordered pair from each of its two ends, so with every
    vertex as a source the sum is igraph's full betweenness (each pair once), and
    with a sample it is half of networkx's ordered-pair count.

    Examples
    --------
    A path 0 - 1 - 2: vertex 1 lies on the one shortest path between 0 and 2.

    >>> betweenness_from_sources(3, np.array([0, 1]), np.array([1, 2]), None, [0, 1, 2]).tolist()
    [0.0, 1.0, 0.0]
    >>> betweenness_from_sources(3, np.array([0, 1]), np.array([1, 2]), None, [0]).tolist()
    [0.0, 0.5, 0.0]
    """
    return _run(
        "betweenness",
        n,
        src,
        dst,
        dist,
        list(sources),
        _betweenness_chunk,
        jobs=jobs,
        progress=progress,
        unit="sources",
    ).sum(axis=0)


def closeness_of_vertices(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    dist: np.ndarray | None,
    vertices: Sequence[int],
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> np.ndarray:
    """igraph's normalised closeness of ``vertices`` (NaN for an isolated vertex), in order.

    Examples
    --------
    >>> closeness_of_vertices(3, np.array([0, 1]), np.array([1, 2]), None, [0, 1, 2]).round(3).tolist()
    [0.667, 1.0, 0.667]
    """
    vertices = list(vertices)
    parts = _run(
        "closeness",
        n,
        src,
        dst,
        dist,
        vertices,
        _closeness_chunk,
        jobs=jobs,
        progress=progress,
        unit="actors",
    )
    return np.concatenate(parts) if len(parts) else np.zeros(0)


def _run(
    name: str,
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    dist: np.ndarray | None,
    items: list[int],
    work: Callable[[list[int]], np.ndarray],
    *,
    jobs: int,
    progress: Progress | None,
    unit: str,
) -> Any:
    progress = progress or Progress(quiet=True)
    jobs = max(1, min(int(jobs), len(items) or 1))
    size = max(1, -(-len(items) // (jobs * _CHUNKS_PER_JOB)))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    arrays = (n, np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), dist)
    results: list[Any] = [None] * len(chunks)
    done = 0
    if jobs == 1:
        _init(*arrays)
        for k, chunk in enumerate(chunks):
            results[k] = work(chunk)
            done += len(chunk)
            progress.count(name, done, len(items), unit=unit)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(), *arrays)
        ) as pool:
            futures = {pool.submit(work, chunk): k for k, chunk in enumerate(chunks)}
            for fut in as_completed(futures):
                k = futures[fut]
                results[k] = fut.result()
                done += len(chunks[k])
                progress.count(name, done, len(items), unit=unit)
    if name == "betweenness":
        return np.vstack(results) if results else np.zeros((1, n))
    return results


def _init_worker(parent: int, n: int, src: np.ndarray, dst: np.ndarray, dist: np.ndarray | None) -> None:
    """A worker's start: it dies with the process that started it (a SIGKILLed ``analyze``
    leaves no workers behind), then builds its graph."""
    from graphkit.lifetime import die_with_parent

    die_with_parent(parent)
    _init(n, src, dst, dist)


def _init(n: int, src: np.ndarray, dst: np.ndarray, dist: np.ndarray | None) -> None:
    import igraph as ig

    global _G, _W
    _G = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=False)
    _W = None if dist is None else list(map(float, dist))


def _betweenness_chunk(sources: list[int]) -> np.ndarray:
    return np.asarray(
        _G.betweenness(directed=False, weights=_W, sources=sources, targets=range(_G.vcount())), dtype=float
    )


def _closeness_chunk(vertices: list[int]) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(_G.closeness(vertices=vertices, weights=_W, normalized=True), dtype=float)
