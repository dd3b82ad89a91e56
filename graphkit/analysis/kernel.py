"""Shortest-path measures (betweenness, closeness and the like) in one pass per source, compiled with numba.

Brandes' algorithm (2001) from each source: a Dijkstra search (a breadth-first one when
the network is unweighted) counts the shortest paths, then a pass back over the settled
actors adds up each one's dependency. The same search gives the source's distances, so
closeness comes free with betweenness: one search per source where igraph runs two.

Paths may run through *hub* vertices (``index >= n_targets``), which are never targets:
an organisation's co-member clique is drawn as one hub joined to each member by half the
co-member distance (:mod:`graphkit.analysis.paths`), so the quadratic projection is never
built for path measures and the numbers are those of the projection.

Distances are compared as igraph compares them (relative tolerance ``1e-10``): paths whose
lengths differ only by rounding are equally short. Compiled functions release the GIL,
so threads run sources side by side without copying the network. When numba is not
installed, :data:`AVAILABLE` is false and callers use igraph.
"""

from __future__ import annotations

import numpy as np

__all__ = ["AVAILABLE", "brandes", "component_sizes"]

EPSILON = 1e-10
"""Relative tolerance under which two path lengths are equal (igraph's)."""

try:  # pragma: no cover - exercised by whichever branch the environment has
    import numba

    AVAILABLE = True
except Exception:  # pragma: no cover - not installed, or not for this numpy
    AVAILABLE = False


def _pass_back(
    k, s, settled, order, first, pred, after, sigma, delta, dist, far, done, out, n_targets, counter
):  # pragma: no cover
    """Brandes' pass back from source ``sources[k] = s`` over the ``settled`` vertices of
    ``order`` (predecessor lists in ``first``/``pred``/``after``): dependencies, the
    source's distance sum and reach, the targets' distances into ``out = (bc, dsum, reach,
    tsum, tcount, tinv, tmax)``; then the settled vertices are made ready for the next source (``dist``
    back to ``far``)."""
    bc, dsum, reach, tsum, tcount, tinv, tmax = out
    total = 0.0
    count = 0
    for j in range(settled - 1, -1, -1):
        w = order[j]
        dw = dist[w]
        coef = delta[w]
        if w < n_targets and w != s:
            coef += 1.0
            total += dw
            count += 1
            tsum[w] += dw
            tcount[w] += 1
            if dw > 0:
                tinv[w] += 1.0 / dw
            if dw > tmax[w]:
                tmax[w] = dw
        coef /= sigma[w]
        q = first[w]
        while q >= 0:
            v = pred[q]
            delta[v] += sigma[v] * coef
            q = after[q]
        if w != s:
            bc[w] += delta[w]
    dsum[k] = total
    reach[k] = count
    counter[0] += 1  # read by another thread for progress
    for j in range(settled):
        w = order[j]
        dist[w] = far
        sigma[w] = 0.0
        delta[w] = 0.0
        done[w] = False
        first[w] = -1


def _brandes_weighted(
    indptr, indices, length, n_targets, sources, eps, counter
):  # pragma: no cover - compiled
    N = indptr.size - 1
    counter[1] = 1  # inside, without the GIL
    bc = np.zeros(N)
    dsum = np.zeros(sources.size)
    reach = np.zeros(sources.size, dtype=np.int64)
    tsum = np.zeros(n_targets)
    tcount = np.zeros(n_targets, dtype=np.int64)
    tinv = np.zeros(n_targets)
    tmax = np.zeros(n_targets)
    out = (bc, dsum, reach, tsum, tcount, tinv, tmax)
    dist = np.full(N, np.inf)
    sigma = np.zeros(N)
    delta = np.zeros(N)
    done = np.zeros(N, dtype=np.bool_)
    order = np.empty(N, dtype=np.int32)
    heap = np.empty(N, dtype=np.int32)  # an indexed 4-ary heap of vertices, their keys in hkey
    hkey = np.empty(N)
    pos = np.full(N, -1, dtype=np.int32)
    first = np.full(N, -1, dtype=np.int32)  # predecessors: a list per vertex in pred/after
    pred = np.empty(indices.size, dtype=np.int32)
    after = np.empty(indices.size, dtype=np.int32)
    for k in range(sources.size):
        s = sources[k]
        dist[s] = 0.0
        sigma[s] = 1.0
        size = 1
        heap[0] = s
        hkey[0] = 0.0
        pos[s] = 0
        settled = 0
        used = 0
        while size > 0:
            v = heap[0]
            pos[v] = -1
            size -= 1
            if size > 0:  # the last vertex to the root, sifted down
                x = heap[size]
                dx = hkey[size]
                i = 0
                while True:
                    c = 4 * i + 1
                    if c >= size:
                        break
                    best = c
                    db = hkey[c]
                    for cc in range(c + 1, min(c + 4, size)):
                        dc = hkey[cc]
                        if dc < db:
                            best = cc
                            db = dc
                    if db < dx:
                        heap[i] = heap[best]
                        hkey[i] = db
                        pos[heap[i]] = i
                        i = best
                    else:
                        break
                heap[i] = x
                hkey[i] = dx
                pos[x] = i
            done[v] = True
            order[settled] = v
            settled += 1
            d = dist[v]
            sv = sigma[v]
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                if done[w]:
                    continue
                alt = d + length[e]
                cur = dist[w]
                if cur == np.inf or alt < cur - eps * cur:
                    dist[w] = alt
                    sigma[w] = sv
                    pred[used] = v
                    after[used] = -1
                    first[w] = used
                    used += 1
                    i = pos[w]
                    if i < 0:  # a new vertex at the end
                        i = size
                        size += 1
                    while i > 0:  # sift up
                        p = (i - 1) >> 2
                        if hkey[p] > alt:
                            y = heap[p]
                            heap[i] = y
                            hkey[i] = hkey[p]
                            pos[y] = i
                            i = p
                        else:
                            break
                    heap[i] = w
                    hkey[i] = alt
                    pos[w] = i
                elif alt <= cur + eps * cur:
                    sigma[w] += sv
                    pred[used] = v
                    after[used] = first[w]
                    first[w] = used
                    used += 1
        _pass_back(
            k,
            s,
            settled,
            order,
            first,
            pred,
            after,
            sigma,
            delta,
            dist,
            np.inf,
            done,
            out,
            n_targets,
            counter,
        )
    return bc, dsum, reach, tsum, tcount, tinv, tmax


def _brandes_buckets(
    indptr, indices, length, n_targets, sources, eps, width, slots, check, counter
):  # pragma: no cover
    """:func:`_brandes_weighted` with Dinitz's bucket queue instead of a heap: buckets of
    ``width`` below the shortest tie, so the vertices of one bucket are final together and
    are settled in any order (O(1) per vertex); ``slots`` buckets in a ring cover the
    longest tie. Unless ``check``, settled vertices are not looked up: their distance is
    shorter than any new path by at least the shortest tie, which is more than the
    tolerance at any distance the search can reach (the caller makes sure)."""
    N = indptr.size - 1
    counter[1] = 1  # inside, without the GIL
    bc = np.zeros(N)
    dsum = np.zeros(sources.size)
    reach = np.zeros(sources.size, dtype=np.int64)
    tsum = np.zeros(n_targets)
    tcount = np.zeros(n_targets, dtype=np.int64)
    tinv = np.zeros(n_targets)
    tmax = np.zeros(n_targets)
    out = (bc, dsum, reach, tsum, tcount, tinv, tmax)
    dist = np.full(N, np.inf)
    sigma = np.zeros(N)
    delta = np.zeros(N)
    done = np.zeros(N, dtype=np.bool_)
    order = np.empty(N, dtype=np.int32)
    first = np.full(N, -1, dtype=np.int32)
    pred = np.empty(indices.size, dtype=np.int32)
    after = np.empty(indices.size, dtype=np.int32)
    head = np.full(slots, -1, dtype=np.int32)  # bucket lists of (vertex, next) entries
    entry_v = np.empty(indices.size + 1, dtype=np.int32)
    entry_next = np.empty(indices.size + 1, dtype=np.int32)
    inverse = 1.0 / width
    below, above = 1.0 - eps, 1.0 + eps
    for k in range(sources.size):
        s = sources[k]
        dist[s] = 0.0
        sigma[s] = 1.0
        head[:] = -1  # the last source may have left superseded entries in later buckets
        entry_v[0] = s
        entry_next[0] = -1
        head[0] = 0
        entries = 1
        waiting = 1
        settled = 0
        used = 0
        bucket = 0
        while waiting > 0:
            slot = bucket % slots
            q = head[slot]
            head[slot] = -1
            while q >= 0:
                v = entry_v[q]
                q = entry_next[q]
                d = dist[v]
                if done[v] or int(d * inverse) != bucket:
                    continue  # settled, or moved to an earlier bucket since
                done[v] = True
                waiting -= 1
                order[settled] = v
                settled += 1
                sv = sigma[v]
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    if check and done[w]:
                        continue
                    alt = d + length[e]
                    cur = dist[w]
                    if alt < cur * below:  # shorter (always, from infinity)
                        if cur == np.inf:
                            waiting += 1
                        dist[w] = alt
                        sigma[w] = sv
                        pred[used] = v
                        after[used] = -1
                        first[w] = used
                        used += 1
                        b = int(alt * inverse) % slots
                        entry_v[entries] = w
                        entry_next[entries] = head[b]
                        head[b] = entries
                        entries += 1
                    elif alt <= cur * above:  # as short: one more way
                        sigma[w] += sv
                        pred[used] = v
                        after[used] = first[w]
                        first[w] = used
                        used += 1
            bucket += 1
        _pass_back(
            k,
            s,
            settled,
            order,
            first,
            pred,
            after,
            sigma,
            delta,
            dist,
            np.inf,
            done,
            out,
            n_targets,
            counter,
        )
    return bc, dsum, reach, tsum, tcount, tinv, tmax


def _brandes_hops(indptr, indices, n_targets, sources, counter):  # pragma: no cover - compiled
    N = indptr.size - 1
    counter[1] = 1  # inside, without the GIL
    bc = np.zeros(N)
    dsum = np.zeros(sources.size)
    reach = np.zeros(sources.size, dtype=np.int64)
    tsum = np.zeros(n_targets)
    tcount = np.zeros(n_targets, dtype=np.int64)
    tinv = np.zeros(n_targets)
    tmax = np.zeros(n_targets)
    out = (bc, dsum, reach, tsum, tcount, tinv, tmax)
    dist = np.full(N, -1, dtype=np.int32)
    done = np.zeros(N, dtype=np.bool_)  # not read by the breadth-first search; reset with the rest
    sigma = np.zeros(N)
    delta = np.zeros(N)
    order = np.empty(N, dtype=np.int32)
    first = np.full(N, -1, dtype=np.int32)
    pred = np.empty(indices.size, dtype=np.int32)
    after = np.empty(indices.size, dtype=np.int32)
    for k in range(sources.size):
        s = sources[k]
        dist[s] = 0
        sigma[s] = 1.0
        order[0] = s
        head = 0
        tail = 1
        used = 0
        while head < tail:
            v = order[head]
            head += 1
            dv = dist[v] + 1
            sv = sigma[v]
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                dw = dist[w]
                if dw < 0:
                    dist[w] = dv
                    order[tail] = w
                    tail += 1
                    dw = dv
                if dw == dv:
                    sigma[w] += sv
                    pred[used] = v
                    after[used] = first[w]
                    first[w] = used
                    used += 1
        _pass_back(
            k, s, tail, order, first, pred, after, sigma, delta, dist, -1, done, out, n_targets, counter
        )
    return bc, dsum, reach, tsum, tcount, tinv, tmax


def _component_sizes(indptr, indices, n_targets):  # pragma: no cover - compiled
    N = indptr.size - 1
    label = np.full(N, -1, dtype=np.int64)
    queue = np.empty(N, dtype=np.int64)
    sizes = np.zeros(N, dtype=np.int64)
    c = 0
    for root in range(N):
        if label[root] >= 0:
            continue
        label[root] = c
        queue[0] = root
        head, tail = 0, 1
        while head < tail:
            v = queue[head]
            head += 1
            if v < n_targets:
                sizes[c] += 1
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                if label[w] < 0:
                    label[w] = c
                    queue[tail] = w
                    tail += 1
        c += 1
    out = np.empty(n_targets, dtype=np.int64)
    for t in range(n_targets):
        out[t] = sizes[label[t]]
    return out


if AVAILABLE:
    _component_sizes = numba.njit(cache=True, nogil=True)(_component_sizes)
    _pass_back = numba.njit(cache=True, nogil=True, inline="always")(_pass_back)
    _brandes_buckets = numba.njit(cache=True, nogil=True)(_brandes_buckets)
    _brandes_weighted = numba.njit(cache=True, nogil=True)(_brandes_weighted)
    _brandes_hops = numba.njit(cache=True, nogil=True)(_brandes_hops)


def brandes(
    indptr: np.ndarray,
    indices: np.ndarray,
    length: np.ndarray | None,
    n_targets: int,
    sources: np.ndarray,
    counter: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """From each of ``sources``: the dependency it adds to every vertex, its summed distance
    to the targets it reaches and how many it reaches; and, for every target, its summed
    distance from the sources that reach it, how many do, the sum of the inverse distances
    and the longest of them.

    The network is undirected, in compressed rows (``indices[indptr[v]:indptr[v + 1]]``
    are the neighbours of ``v``, at ``length`` each; ``None``: one hop each). Targets are
    the vertices ``0 .. n_targets - 1``. Returns ``(dependency, distance_sum, reached,
    target_sum, target_count, target_inverse_sum, target_max)``: ``dependency[v]`` sums, over the sources, the share of
    shortest paths to targets that run through ``v`` (each ordered pair once);
    ``distance_sum[k]`` and ``reached[k]`` are those of ``sources[k]`` (itself not
    counted); ``target_sum[t]`` and ``target_count[t]`` add up the distances to ``t`` from
    the sources other than ``t``, ``target_inverse_sum[t]`` their inverses (harmonic
    centrality) and ``target_max[t]`` is the longest (eccentricity, from every source). ``counter`` (two int64) is for another thread, while this
    call runs without the GIL: ``counter[1]`` becomes 1 once the call is in compiled code,
    and ``counter[0]`` goes up by one as each source is done.

    Examples
    --------
    A path 0 - 1 - 2, from every vertex: 1 lies on both ordered paths between 0 and 2.

    >>> indptr, indices = np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])
    >>> dep, dsum, reached, tsum, tcount, tinv, tmax = brandes(indptr, indices, None, 3, np.arange(3))
    >>> dep.tolist(), dsum.tolist(), reached.tolist(), tinv.tolist(), tmax.tolist()
    ([0.0, 2.0, 0.0], [3.0, 2.0, 3.0], [2, 2, 2], [1.5, 2.0, 1.5], [2.0, 1.0, 2.0])
    >>> dep, dsum, reached, tsum, *_ = brandes(indptr, indices, np.ones(4), 3, np.array([0]))
    >>> dep.tolist(), dsum.tolist(), tsum.tolist()
    ([0.0, 1.0, 0.0], [3.0], [0.0, 1.0, 2.0])
    """
    sources = np.ascontiguousarray(sources, dtype=np.int64)
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    if counter is None:
        counter = np.zeros(2, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int32)
    if length is None:
        return _brandes_hops(indptr, indices, int(n_targets), sources, counter)
    length = np.ascontiguousarray(length, dtype=float)
    if length.size:
        low, high = float(length.min()), float(length.max())
        width = low / (1 + 1e-6)  # a bucket narrower than the shortest tie
        slots = int(high / width) + 2
        if low > 0 and slots <= max(indptr.size, 1024):
            # no path is longer than N * high: is the tolerance there below half the shortest tie?
            check = bool(EPSILON * indptr.size * high >= 0.5 * low)
            return _brandes_buckets(
                indptr, indices, length, int(n_targets), sources, EPSILON, width, slots, check, counter
            )
    return _brandes_weighted(indptr, indices, length, int(n_targets), sources, EPSILON, counter)


def component_sizes(indptr: np.ndarray, indices: np.ndarray, n_targets: int) -> np.ndarray:
    """For each target ``0 .. n_targets - 1`` of the undirected network in compressed rows
    (as :func:`brandes` reads it), how many targets its connected component holds (itself
    included): one breadth-first pass.

    Examples
    --------
    A path 0 - 1 - 2 and a vertex 3 alone; then with 2 and 3 not targets (hubs).

    >>> indptr, indices = np.array([0, 1, 3, 4, 4]), np.array([1, 0, 2, 1])
    >>> component_sizes(indptr, indices, 4).tolist(), component_sizes(indptr, indices, 2).tolist()
    ([3, 3, 3, 1], [2, 2])
    """
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int32)
    return _component_sizes(indptr, indices, int(n_targets))


def warm() -> None:
    """Compile every kernel once (numba caches them next to this file), so that the first
    large analysis does not pay for it: ``python -m graphkit.analysis.kernel``.

    >>> warm()
    """
    indptr, indices = np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1])
    for length in (None, np.ones(4), np.array([1.0, 1.0, 1e9, 1e9])):  # hops, buckets, heap
        brandes(indptr, indices, length, 3, np.arange(3))
    component_sizes(indptr, indices, 3)


if __name__ == "__main__":
    warm()
