"""graphkit.analysis.arrays.unique against numpy's own unique."""

from __future__ import annotations

import numpy as np
import pytest

from graphkit.analysis.arrays import unique


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.intp, np.float64])
def test_unique_equals_numpy(seed, dtype):
    rng = np.random.default_rng(seed)
    for size, high in [(0, 1), (1, 1), (7, 3), (1000, 50), (20_000, 10**9)]:
        x = rng.integers(-high, high + 1, size).astype(dtype)
        for inverse in (False, True):
            for counts in (False, True):
                want = np.unique(x, return_inverse=inverse, return_counts=counts)
                got = unique(x, inverse=inverse, counts=counts)
                want = want if isinstance(want, tuple) else (want,)
                got = got if isinstance(got, tuple) else (got,)
                assert len(got) == len(want)
                for g, w in zip(got, want, strict=True):
                    assert g.dtype == w.dtype and g.shape == w.shape and np.array_equal(g, w)


def test_map_large_arrays_is_a_setting_only(monkeypatch):
    """The allocator setting returns whether it was set, leaves an environment's own choice
    alone, and arrays allocated after it hold what they are given."""
    from graphkit.loaders import memory as allocator

    allocator.map_large_arrays.cache_clear()
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert allocator.map_large_arrays() is False
    allocator.map_large_arrays.cache_clear()
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_")
    assert isinstance(allocator.map_large_arrays(), bool)
    x = np.arange(1_000_000, dtype=np.int64)
    assert int(x.sum()) == 999_999 * 1_000_000 // 2
