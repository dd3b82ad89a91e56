"""Estimators for shortest-path measures computed from a sample of sources."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["rescale_sampled", "closeness_estimate"]


def rescale_sampled(ordered: np.ndarray, n: int, pivots: list[int]) -> np.ndarray:
    """networkx 3.6's normalised rescaling of a sampled sum over ordered (source, target) pairs."""
    k = len(pivots)
    N = n - 1
    scale = np.full(n, 1.0 / (k * (N - 1)))
    scale[pivots] = 1.0 / ((k - 1) * (N - 1)) if k > 1 else np.nan
    return ordered * scale


def closeness_estimate(
    sums: np.ndarray, cnt: np.ndarray, reach: np.ndarray, n: int, exact: Any
) -> np.ndarray:
    """Closeness from distances to sampled sources: the mean sampled distance stands for the
    mean distance to the actor's whole component (Eppstein & Wang 2004); actors whose
    component holds no other sampled source are computed exactly."""
    out = np.zeros(n)
    ok = (cnt > 0) & (sums > 0)
    out[ok] = cnt[ok] / sums[ok] * (reach[ok] - 1) / (n - 1)
    missing = np.flatnonzero(~ok & (reach > 1))
    if missing.size:
        out[missing] = exact(missing) * (reach[missing] - 1) / (n - 1)
    return out
