"""Pooling mandates: which capabilities each organisation and each cooperation agreement shares.

A relationship pools only what its mandate covers (DESIGN.md, "Capability gaps"):

- an organisation O (any actor that has members) carries ``pools``: a ``;``-list (or a
  list) of capability ids, or ``all``, or ``none``. Absent: ``all`` for an actor of kind
  ``alliance``, ``none`` for every other kind (a universal forum such as ITU shares no
  capability by being joined). Through O a member gets from fellow members, and from O
  itself, only the capabilities in O's ``pools``; O gets the same from its members.
- a ``COOPERATES_WITH`` relationship carries ``pools`` the same way; absent: ``all``. An
  agreement pools in both directions.

A capability id in ``pools`` that the graph does not hold is a :class:`SchemaError` naming
the actor or relationship and the id, with the closest ids.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit import schema
from graphkit.errors import SchemaError

__all__ = ["pooling_mandates", "pooling_ways", "MANDATE_COLUMNS"]

MANDATE_COLUMNS = ("via", "source", "target", "instrument", "since", "pools", "declared")


def pooling_mandates(G: nx.MultiDiGraph) -> pd.DataFrame:
    """What every organisation and every cooperation agreement pools, declared or by default.

    Returns
    -------
    pandas.DataFrame
        ``via, source, target, instrument, since, pools, declared``: ``via`` is
        ``organisation`` (``source`` = its id, ``target`` empty) or ``agreement``
        (``source -COOPERATES_WITH-> target``); ``pools`` a list of capability ids, or
        ``['all']`` / ``['none']``; ``declared`` False where the default applies.
        Organisations (actors with members) in graph order, then agreements in graph order.

    Examples
    --------
    >>> m = gk.analysis.pooling_mandates(gk.load(gk.SAMPLE))
    >>> m[m.via == "organisation"][["source", "pools", "declared"]].values.tolist()
    [['NATO', ['all'], False], ['EU', ['none'], False], ['FIVE_EYES', ['all'], False], ['FIRST', ['none'], False]]
    """
    caps = [n for n, d in G.nodes(data=True) if d.get("label") == schema.CAPABILITY]
    index = {c: i for i, c in enumerate(caps)}
    rows = []
    for o in _organisations(G):
        d = G.nodes[o]
        mask, declared = org_pools(o, d, index)
        rows.append(["organisation", o, None, None, None, _as_list(mask, caps), declared])
    for u, v, d in G.edges(data=True):
        if d.get("type") == "COOPERATES_WITH":
            mask, declared = agreement_pools(u, v, d, index)
            rows.append(
                ["agreement", u, v, d.get("instrument"), d.get("since"), _as_list(mask, caps), declared]
            )
    return pd.DataFrame(rows, columns=list(MANDATE_COLUMNS))


# ---- the ways in (used by the gap model) --------------------------------------------


def pooling_ways(model: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every way an open need (a, c) can be pooled.

    ``coop``: (key, a, c, y, e, lv) — agreement e between a and holder y pools c.
    ``grp``: (key, a, c, g, cnt, hmin, h, lv) — organisation g (a in its group) pools c and
    ``cnt`` other members hold it; ``h`` is the strongest of them (level ``lv``), ``hmin``
    the first in graph order. ``model`` is the gap model (graphkit.analysis.gaps).
    """
    C = max(model.nC, 1)
    need = model.needs()
    key = need["a"].to_numpy(dtype=np.int64) * C + need["c"].to_numpy(dtype=np.int64)
    need["key"] = key
    opened = need.loc[~np.isin(key, model.own_keys), ["a", "c", "key"]]
    own = model.own_pairs()
    coop = pd.DataFrame(columns=["key", "a", "c", "y", "e", "lv"])
    if "COOPERATES_WITH" in model.partners and model.agreements and len(own) and len(opened):
        ends = np.asarray([(u, v, m) for u, v, m, *_ in model.agreements], dtype=np.int64)
        e = np.arange(len(ends))
        E = pd.DataFrame(
            {
                "e": np.r_[e, e],
                "a": np.r_[ends[:, 0], ends[:, 1]],
                "y": np.r_[ends[:, 1], ends[:, 0]],
                "m": np.r_[ends[:, 2], ends[:, 2]],
            }
        )
        # what the other end holds, kept where the agreement's mandate covers it and a needs it
        cp = E.merge(own.rename(columns={"a": "y"}), on="y")
        cp = cp[model.agreement_masks[cp["m"].to_numpy(), cp["c"].to_numpy()]]
        cp = cp.assign(key=cp["a"].to_numpy(dtype=np.int64) * C + cp["c"].to_numpy(dtype=np.int64))
        cp = cp[np.isin(cp["key"].to_numpy(), opened["key"].to_numpy())]
        coop = cp[["key", "a", "c", "y", "e", "lv"]]
    grp = pd.DataFrame(columns=["key", "a", "c", "g", "cnt", "hmin", "h", "lv"])
    if "MEMBER_OF" in model.partners and model.groups.size and len(own) and len(opened):
        pools = [(g, c) for g, m in model.org_pools.items() for c in np.flatnonzero(m)]
        OP = pd.DataFrame(pools, columns=["g", "c"], dtype=np.int64)
        M = pd.DataFrame(model.groups, columns=["m", "g"])
        held = M.merge(own.rename(columns={"a": "m"}), on="m").merge(OP, on=["g", "c"])
        if len(held):
            held = held.sort_values(["g", "c", "lv", "m"], ascending=[True, True, False, True], kind="stable")
            stats = (
                held.groupby(["g", "c"], sort=False)
                .agg(cnt=("m", "size"), hmin=("m", "min"), h=("m", "first"), lv=("lv", "first"))
                .reset_index()
            )
            gr = opened.merge(M.rename(columns={"m": "a"}), on="a").merge(stats, on=["g", "c"])
            grp = gr[["key", "a", "c", "g", "cnt", "hmin", "h", "lv"]]
    return coop.reset_index(drop=True), grp.reset_index(drop=True)


# ---- reading one mandate (used by the gap model) ------------------------------------


def org_pools(actor: str, data: dict[str, Any], caps: dict[str, int]) -> tuple[np.ndarray, bool]:
    """Boolean mask over ``caps`` of what membership of ``actor`` pools, and whether it was declared."""
    value = data.get("pools")
    if value is None:
        return _keyword_mask(schema.default_pools(data.get("kind")), len(caps)), False
    return parse_pools(value, f"actor {actor!r}", caps), True


def agreement_pools(u: str, v: str, data: dict[str, Any], caps: dict[str, int]) -> tuple[np.ndarray, bool]:
    """Boolean mask over ``caps`` of what one ``COOPERATES_WITH`` relationship pools."""
    value = data.get("pools")
    if value is None:
        return _keyword_mask(schema.COOPERATION_DEFAULT_POOLS, len(caps)), False
    return parse_pools(value, f"relationship {u!r} -COOPERATES_WITH-> {v!r}", caps), True


def parse_pools(value: Any, where: str, caps: dict[str, int]) -> np.ndarray:
    """A ``pools`` value (``'all'``, ``'none'``, ``'a;b'`` or a list of those) as a mask over ``caps``.

    >>> parse_pools("b; a", "actor 'X'", {"a": 0, "b": 1, "c": 2}).tolist()
    [True, True, False]
    >>> parse_pools(["none"], "actor 'X'", {"a": 0}).tolist()
    [False]
    >>> parse_pools("cap:threat_intl", "actor 'X'", {"cap:ir": 0, "cap:threat_intel": 1})
    Traceback (most recent call last):
    ...
    graphkit.errors.SchemaError: actor 'X': pools names 'cap:threat_intl', which is not a capability id; did you mean cap:threat_intel? ...
    """
    if isinstance(value, str):
        items = [x.strip() for x in value.split(";")]
    elif isinstance(value, list | tuple):
        if not all(isinstance(x, str) for x in value):
            raise SchemaError(f"{where}: pools = {value!r} must be text; {_HOW}")
        items = [x.strip() for part in value for x in part.split(";")]
    else:
        raise SchemaError(f"{where}: pools = {value!r} is not text or a list; {_HOW}")
    items = [x for x in items if x]
    if not items:
        raise SchemaError(f"{where}: pools is empty; {_HOW}")
    keywords = {x.lower() for x in items if x.lower() in (schema.POOLS_ALL, schema.POOLS_NONE)}
    if keywords:
        if len(items) != 1:
            raise SchemaError(
                f"{where}: pools = {value!r} mixes {' and '.join(sorted(keywords))} with other entries; {_HOW}"
            )
        return _keyword_mask(keywords.pop(), len(caps))
    mask = np.zeros(len(caps), dtype=bool)
    for x in items:
        i = caps.get(x)
        if i is None:
            close = difflib.get_close_matches(x, list(caps), n=3, cutoff=0.75)
            hint = f"did you mean {', '.join(close)}?" if close else "no capability id is close"
            raise SchemaError(
                f"{where}: pools names {x!r}, which is not a capability id; {hint} "
                f"(capability ids are listed in capabilities.csv; {_HOW})"
            )
        mask[i] = True
    return mask


def agreement_note(agreement: tuple[Any, ...]) -> str:
    """`` (mou, 2019)`` from an agreement's instrument and since, or nothing."""
    parts = [str(x) for x in agreement[3:5] if x is not None and x == x]
    return f" ({', '.join(parts)})" if parts else ""


_HOW = "write a ;-list of capability ids, all or none"


def _keyword_mask(keyword: str, n: int) -> np.ndarray:
    return np.full(n, keyword == schema.POOLS_ALL, dtype=bool)


def _as_list(mask: np.ndarray, caps: Sequence[str]) -> list[str]:
    if mask.size and mask.all():
        return [schema.POOLS_ALL]
    if not mask.any():
        return [schema.POOLS_NONE]
    return [caps[int(i)] for i in np.flatnonzero(mask)]


def _organisations(G: nx.MultiDiGraph) -> list[str]:
    """Actors that have members, in graph order."""
    orgs = {v for _, v, d in G.edges(data=True) if d.get("type") == "MEMBER_OF"}
    return [n for n in G.nodes if n in orgs and G.nodes[n].get("label") == schema.ACTOR]
