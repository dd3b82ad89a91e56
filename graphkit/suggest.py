"""'Did you mean …?': close matches for a mistyped path, id, type or column name."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["close_matches", "did_you_mean", "path_hint", "node_matches", "node_hint"]


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


def node_matches(word: str, nodes: Iterable[tuple[Any, Any]], *, n: int = 3) -> list[str]:
    """Node ids a mistyped id may mean, from ``(id, name)`` pairs: the id in another case,
    a node whose name is the word (a name given where the id belongs, in any case), then
    close spellings of ids and of names.

    Examples
    --------
    >>> nodes = [("BEL", "Belgium"), ("BGR", "Bulgaria"), ("NATO", "NATO")]
    >>> node_matches("Belgium", nodes), node_matches("nato", nodes), node_matches("BELL", nodes)
    (['BEL'], ['NATO'], ['BEL'])
    >>> node_matches("belgium", nodes), node_matches("zzz", nodes)
    (['BEL'], [])
    """
    pairs = [(str(i), str(name) if name is not None else "") for i, name in nodes]
    key = word.casefold()
    exact = [i for i, _ in pairs if i.casefold() == key] + [i for i, name in pairs if name.casefold() == key]
    if exact:
        return list(dict.fromkeys(exact))[:n]
    by_name: dict[str, str] = {}
    for i, name in pairs:
        if name:
            by_name.setdefault(name, i)
    found = close_matches(word, [i for i, _ in pairs], n=n)
    found += [by_name[m] for m in close_matches(word, list(by_name), n=n)]
    return list(dict.fromkeys(found))[:n]


def node_hint(word: str, nodes: Iterable[tuple[Any, Any]]) -> str:
    """``" (did you mean 'BEL' (Belgium)?)"``, or ``""``: :func:`node_matches` as a message.

    >>> node_hint("Belgium", [("BEL", "Belgium")])
    " (did you mean 'BEL' (Belgium)?)"
    """
    pairs = {str(i): name for i, name in nodes}
    found = node_matches(word, pairs.items())
    if not found:
        return ""
    shown = [f"{f!r} ({pairs[f]})" if pairs.get(f) not in (None, "", f) else repr(f) for f in found]
    return " (did you mean " + " or ".join(shown) + "?)"
