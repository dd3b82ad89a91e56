"""Camps come from graphkit's own average linkage (no scipy in the default install); it
gives scipy's partition (scipy.cluster.hierarchy, the reference) on random and real distances."""

from __future__ import annotations

import numpy as np
import pytest

from graphkit.analysis.camps import average_linkage

hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
distance = pytest.importorskip("scipy.spatial.distance")


def _partition(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, lab in enumerate(np.asarray(labels).tolist()):
        groups.setdefault(lab, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def _scipy(D: np.ndarray, k: int):
    return hierarchy.fcluster(
        hierarchy.linkage(distance.squareform(D, checks=False), method="average"), t=k, criterion="maxclust"
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_equals_scipy_on_random_distances(seed, k):
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(40, 3))
    D = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    assert _partition(average_linkage(D, k)) == _partition(_scipy(D, k))


def test_equals_scipy_on_the_bundled_votes():
    import graphkit as gk
    from graphkit.analysis.alignment import agreement_matrix, alignment

    pairs = alignment(gk.load("data/cyber-multilateral"))
    ids = sorted(set(pairs["actor_a"]) | set(pairs["actor_b"]))
    A = agreement_matrix(pairs, ids)
    D = 1.0 - np.where(np.isnan(A), 0.5, A)
    np.fill_diagonal(D, 0.0)
    assert _partition(average_linkage(D, 3)) == _partition(_scipy(D, 3))
