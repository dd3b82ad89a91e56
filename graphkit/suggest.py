"""'Did you mean …?': close matches for a mistyped path, id, type or column name."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["close_matches", "did_you_mean", "path_hint"]


def close_matches(word: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.75) -> list[str]:
    """The candidates closest to ``word`` (case-insensitive), best first.

    Examples
    --------
    >>> close_matches("knid", ["id", "name", "kind", "source"])
    ['kind']
    >>> close_matches("MEMBER_F", ["MEMBER_OF", "COOPERATES_WITH"])
    ['MEMBER_OF']
    >>> close_matches("di", ["id", "name"])
    ['id']
    >>> close_matches("zzz", ["kind"])
    []
    """
    pool: dict[str, str] = {}
    for c in candidates:
        pool.setdefault(c.casefold(), c)
    key = word.casefold()
    # letters swapped ('di' for 'id') are as close as a match gets, whatever the length
    swapped = [c for c in pool if c != key and sorted(c) == sorted(key)]
    found = swapped + [
        f for f in difflib.get_close_matches(key, list(pool), n=n, cutoff=cutoff) if f not in swapped
    ]
    return [pool[f] for f in found[:n]]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``" (did you mean 'kind'?)"``, or ``""`` when nothing is close.

    Examples
    --------
    >>> did_you_mean("knid", ["id", "kind"])
    " (did you mean 'kind'?)"
    >>> did_you_mean("knid", [])
    ''
    """
    found = close_matches(word, candidates)
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(f) for f in found) + "?)"


def path_hint(path: str | os.PathLike[str]) -> str:
    """A "did you mean" for a path that does not exist, from its folder's entries.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "cyber-multilateral").mkdir()
    ...     path_hint(Path(tmp) / "cyber-multilaterl").endswith("cyber-multilateral'?)")
    True
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    try:
        names = [e.name for e in os.scandir(parent)][:10_000]
    except OSError:
        return ""
    found = close_matches(p.name, names, cutoff=0.7)
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(str(parent / f)) for f in found) + "?)"
