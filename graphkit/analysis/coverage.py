"""Coverage tables: alliance gaps (over an organisation and its members) and threats nobody covers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.analysis.gaps import _GapModel

__all__ = ["alliance_table", "uncovered_table"]


def alliance_table(model: _GapModel) -> pd.DataFrame:
    """The table of :func:`graphkit.analysis.alliance_gaps`, from a gap model."""
    cols = [
        "alliance_id",
        "alliance_name",
        "capability_id",
        "capability_name",
        "weight",
        "own",
        "holders",
        "members_needing",
        "members",
        "assessed_members",
        "members_with_level",
        "status",
    ]
    if not model.groups.size or not model.targets.size:
        return pd.DataFrame(columns=cols)
    M = pd.DataFrame(model.groups, columns=["a", "g"])
    t = pd.DataFrame(model.targets, columns=["t", "a"])
    r = pd.DataFrame(model.requires, columns=["t", "c"])
    weight = (
        t.merge(M, on="a")[["g", "t"]]
        .drop_duplicates()
        .merge(r, on="t")
        .groupby(["g", "c"])
        .size()
        .rename("weight")
    )
    needing = model.needs().merge(M, on="a").groupby(["g", "c"])["a"].nunique().rename("members_needing")
    holders = M.merge(model.own_pairs()[["a", "c"]], on="a").groupby(["g", "c"]).size().rename("holders")
    C = max(model.nC, 1)
    any_level = pd.DataFrame({"a": model.level.index.to_numpy() // C, "c": model.level.index.to_numpy() % C})
    with_level = M.merge(any_level, on="a").groupby(["g", "c"]).size().rename("members_with_level")
    df = pd.concat([weight, needing], axis=1).join(holders).join(with_level).reset_index()
    df["members_with_level"] = df["members_with_level"].fillna(0).astype(np.int64)
    df["holders"] = df["holders"].fillna(0).astype(np.int64)
    df["members_needing"] = df["members_needing"].fillna(0).astype(np.int64)
    df = df.sort_values(["g", "weight", "c"], ascending=[True, False, True], kind="stable")
    mem = model.members
    n_members = np.bincount(mem[:, 1], minlength=model.nA) if mem.size else np.zeros(model.nA, np.int64)
    n_assessed = (
        np.bincount(mem[:, 1], weights=model.assessed[mem[:, 0]], minlength=model.nA).astype(np.int64)
        if mem.size
        else np.zeros(model.nA, np.int64)
    )
    g = df["g"].to_numpy(dtype=np.int64)
    c = df["c"].to_numpy(dtype=np.int64)
    held = (df["holders"] > 0).to_numpy()
    covered = ~held & _pooled_by_agreement(model, g, c)
    status = np.select(
        [held, covered, df["members_with_level"].to_numpy() > 0], ["held", "covered", "missing"], "no data"
    ).astype(object)
    return pd.DataFrame(
        {
            "alliance_id": [model.actors[i] for i in g],
            "alliance_name": [model.names[model.actors[i]] for i in g],
            "capability_id": [model.caps[c] for c in df["c"]],
            "capability_name": [model.names[model.caps[c]] for c in df["c"]],
            "weight": df["weight"].to_numpy(dtype=np.int64),
            "own": (df["holders"] > 0).to_numpy(),
            "holders": df["holders"].to_numpy(),
            "members_needing": df["members_needing"].to_numpy(),
            "members": n_members[g].astype(np.int64),
            "assessed_members": n_assessed[g],
            "members_with_level": df["members_with_level"].to_numpy(),
            "status": status,
        },
        columns=cols,
    )


def _pooled_by_agreement(model: _GapModel, g: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Whether organisation g[i] gets capability c[i] through one of its own active agreements
    (the other end holds it and the agreement's mandate covers it)."""
    out = np.zeros(len(g), dtype=bool)
    if not model.agreements or not len(g) or "COOPERATES_WITH" not in model.partners:
        return out
    C = max(model.nC, 1)
    owned = set(model.own_keys.tolist())
    ends: dict[int, list[tuple[int, int]]] = {}
    for u, v, m, *_ in model.agreements:
        ends.setdefault(u, []).append((v, m))
        ends.setdefault(v, []).append((u, m))
    for i, (gi, ci) in enumerate(zip(g.tolist(), c.tolist(), strict=True)):
        out[i] = any(model.agreement_masks[m, ci] and y * C + ci in owned for y, m in ends.get(gi, ()))
    return out


def uncovered_table(model: _GapModel) -> pd.DataFrame:
    """The table of :func:`graphkit.analysis.uncovered_threats`, from a gap model."""
    cols = ["threat_id", "name", "required", "missing", "missing_capabilities", "targets"]
    held = np.zeros(model.nC, dtype=bool)
    C = max(model.nC, 1)
    if model.own_keys.size:
        held[np.unique(model.own_keys % C)] = True
    n_targets = (
        np.bincount(model.targets[:, 0], minlength=len(model.threats))
        if model.targets.size
        else np.zeros(len(model.threats), dtype=np.int64)
    )
    rows = []
    by_threat: dict[int, list[int]] = {}
    for t, c in model.requires.tolist():
        by_threat.setdefault(t, []).append(c)
    for t in sorted(by_threat):
        req = by_threat[t]
        missing = [model.caps[c] for c in req if not held[c]]
        if missing:
            rows.append(
                {
                    "threat_id": model.threats[t],
                    "name": model.names[model.threats[t]],
                    "required": len(req),
                    "missing": len(missing),
                    "missing_capabilities": missing,
                    "targets": int(n_targets[t]),
                }
            )
    return pd.DataFrame(rows, columns=cols)
