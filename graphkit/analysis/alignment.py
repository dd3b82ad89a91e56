"""Will and intent: positions on norms, pairwise alignment, one axis per period, camps and swing states.

Butler & Lachow's coalitions are *like-minded* as well as capable. A state's positions are
its ``POSITION`` relationships to ``Norm`` nodes (a recorded vote, a signature, a
ratification, an endorsement) or, for a general political affinity, its recorded votes in
the UN General Assembly (:func:`graphkit.loaders.unga.read_unga_votes`).

Definitions (docs/alignment.md has them with their sources):

- **score of a stance** (:data:`STANCE_SCORES`): yes, signed, ratified, supports = 1;
  abstain = 0.5; no = 0.
- **agreement(a, b)** over the norms both took a position on (``n_shared``), with a weight
  ``w`` per norm (default 1; a ``weight`` property on the Norm, or ``weights=``)::

      agreement(a, b) = Σ_shared w · (1 − |score_a − score_b|) / Σ_shared w

  so the same stance agrees fully, an abstention against a yes or a no counts half, and yes
  against no not at all: an index of agreement in the tradition of the study of bloc voting
  in the General Assembly (Lijphart, American Political Science Review 57(4), 1963).
- **axis** (one per period): the first principal component of the stance-score matrix
  (states × votes; a state's missing vote is the vote's mean; states with fewer than
  ``min_participation`` of the votes are left out), scaled to −1..1 by its largest absolute
  score and oriented so that ``orient`` (default the United States) is positive. It is the
  first dimension of the vote matrix, a simpler cousin of the ideal points of Bailey,
  Strezhnev & Voeten (2017).
- **camps**: average-linkage hierarchical clusters on the distance 1 − agreement, cut into
  ``k`` camps, then each state moved to the camp it agrees with most on average until none
  moves (deterministic). A camp is named after the resolution sponsor (a Norm's
  ``sponsors``) its members agree with most ("with United States"), else after its most
  common region.
- **cohesion** of a camp: the mean agreement of the pairs inside it.
- **swing state**: one whose mean agreement with its own camp exceeds its mean agreement
  with the nearest other camp by less than ``swing_margin`` (default 0.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from graphkit import schema
from graphkit.errors import AnalysisError, SchemaError

__all__ = [
    "STANCE_SCORES",
    "DEFAULT_ORIENT",
    "ALIGNMENT_COLUMNS",
    "POSITION_TABLE_COLUMNS",
    "position_table",
    "unga_position_table",
    "pairwise_agreement",
    "alignment",
    "alignment_axis",
    "agreement_matrix",
    "norm_weights",
]

STANCE_SCORES: dict[str, float] = {
    "yes": 1.0,
    "signed": 1.0,
    "ratified": 1.0,
    "supports": 1.0,
    "abstain": 0.5,
    "no": 0.0,
}
"""The score of each stance: agreement compares scores, an abstention is half-way."""

DEFAULT_ORIENT = "USA"
"""The actor whose axis score is made positive (when it has one)."""


ALIGNMENT_COLUMNS = ("actor_a", "actor_b", "agreement", "n_shared", "weight_shared")
POSITION_TABLE_COLUMNS = ("actor_id", "norm_id", "stance", "score", "date")


def position_table(
    G: nx.MultiDiGraph, *, norms: Iterable[str] | None = None, kinds: Iterable[str] | None = ("state",)
) -> pd.DataFrame:
    """Every ``POSITION`` of the graph: ``actor_id, norm_id, stance, score, date``.

    Parameters
    ----------
    norms : iterable of str, optional
        Only positions on these Norm ids (default: all).
    kinds : iterable of str or None
        Only actors of these kinds (default: states; None: every actor).

    Examples
    --------
    >>> t = position_table(gk.load(gk.SAMPLE))
    >>> list(t.columns), len(t)
    (['actor_id', 'norm_id', 'stance', 'score', 'date'], 0)
    """
    wanted = None if norms is None else set(norms)
    if wanted is not None:
        unknown = sorted(n for n in wanted if G.nodes.get(n, {}).get("label") != schema.NORM)
        if unknown:
            raise SchemaError(f"no Norm with id {', '.join(map(repr, unknown))}; check the id in norms.csv")
    kinds = None if kinds is None else set(kinds)
    rows = []
    for u, v, d in G.edges(data=True):
        if d.get("type") != "POSITION" or (wanted is not None and v not in wanted):
            continue
        if kinds is not None and G.nodes[u].get("kind") not in kinds:
            continue
        stance = d.get("stance")
        rows.append((u, v, stance, STANCE_SCORES.get(stance, np.nan), d.get("date")))
    return pd.DataFrame(rows, columns=list(POSITION_TABLE_COLUMNS))


def unga_position_table(G: nx.MultiDiGraph, votes: pd.DataFrame) -> pd.DataFrame:
    """Recorded votes (:func:`~graphkit.loaders.unga.read_unga_votes`) as a position table of
    ``G``'s states: matched on their ``iso2`` property; ``norm_id`` is ``unga:<rcid>``.

    Votes of states that ``G`` does not hold are left out.
    """
    iso2 = {d["iso2"]: n for n, d in G.nodes(data=True) if d.get("kind") == "state" and d.get("iso2")}
    actor = votes["country_code"].map(iso2)
    keep = actor.notna()
    out = pd.DataFrame(
        {
            "actor_id": actor[keep].to_numpy(),
            "norm_id": ("unga:" + votes.loc[keep, "rcid"].astype(str)).to_numpy(),
            "stance": votes.loc[keep, "vote"].to_numpy(),
            "score": votes.loc[keep, "vote"].map(STANCE_SCORES).to_numpy(),
            "date": votes.loc[keep, "date"].to_numpy(),
        }
    )
    return out.drop_duplicates(["actor_id", "norm_id"]).reset_index(drop=True)


def pairwise_agreement(
    positions: pd.DataFrame, *, weights: Mapping[str, float] | None = None, min_shared: int = 1
) -> pd.DataFrame:
    """Agreement of every pair of actors over the norms both took a position on.

    Parameters
    ----------
    positions : pandas.DataFrame
        ``actor_id, norm_id, score`` (a :func:`position_table`).
    weights : mapping of str to float, optional
        Weight per norm id (default 1; a norm left out weighs 1).
    min_shared : int
        Pairs sharing fewer positions are left out.

    Returns
    -------
    pandas.DataFrame
        ``actor_a, actor_b, agreement, n_shared, weight_shared``, one row per unordered pair
        (``actor_a < actor_b``), sorted by agreement (highest first), then ids.

    Examples
    --------
    A votes yes, no; B yes, abstain; C no on the first only:

    >>> p = pd.DataFrame({"actor_id": ["A", "A", "B", "B", "C"], "norm_id": ["n1", "n2", "n1", "n2", "n1"],
    ...                   "score": [1.0, 0.0, 1.0, 0.5, 0.0]})
    >>> pairwise_agreement(p).values.tolist()
    [['A', 'B', 0.75, 2, 2.0], ['A', 'C', 0.0, 1, 1.0], ['B', 'C', 0.0, 1, 1.0]]
    """
    if isinstance(min_shared, bool) or not isinstance(min_shared, int) or min_shared < 1:
        raise AnalysisError(f"min_shared must be a positive integer, not {min_shared!r}")
    actors, X, M, w = _matrix(positions, weights)
    rows = []
    for i in range(len(actors) - 1):
        shared = M[i] & M[i + 1 :]  # (n - i - 1) x m
        diff = np.abs(X[i] - X[i + 1 :])
        wsum = shared @ w
        agree = np.where(shared, 1.0 - diff, 0.0) @ w
        count = shared.sum(axis=1)
        for j in np.nonzero(count >= min_shared)[0].tolist():
            a, b = actors[i], actors[i + 1 + j]
            if wsum[j] > 0:
                rows.append(
                    (a, b, round(float(agree[j] / wsum[j]), 6), int(count[j]), round(float(wsum[j]), 6))
                )
    out = pd.DataFrame(rows, columns=list(ALIGNMENT_COLUMNS))
    flip = out["actor_a"] > out["actor_b"]
    out.loc[flip, ["actor_a", "actor_b"]] = out.loc[flip, ["actor_b", "actor_a"]].to_numpy()
    return out.sort_values(
        ["agreement", "actor_a", "actor_b"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def alignment(
    G: nx.MultiDiGraph,
    *,
    norms: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    min_shared: int = 1,
) -> pd.DataFrame:
    """Pairwise agreement of the states on the graph's norms (:func:`pairwise_agreement`).

    A Norm's ``weight`` property is its weight unless ``weights`` names it.

    Examples
    --------
    >>> gk.alignment(gk.load(gk.SAMPLE)).empty  # the sample has no positions
    True
    """
    return pairwise_agreement(
        position_table(G, norms=norms), weights=norm_weights(G, weights), min_shared=min_shared
    )


def alignment_axis(
    positions: pd.DataFrame,
    *,
    orient: str | None = DEFAULT_ORIENT,
    min_participation: float = 0.5,
) -> pd.DataFrame:
    """Each actor's place on one axis: the first principal component of its stance scores.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, axis, n_positions`` (axis −1..1, ``orient`` positive), sorted by axis.

    Examples
    --------
    >>> p = pd.DataFrame({"actor_id": list("AABBCC"), "norm_id": ["n1", "n2"] * 3,
    ...                   "score": [1.0, 0.0, 1.0, 0.5, 0.0, 1.0]})
    >>> alignment_axis(p, orient="A").values.tolist()
    [['C', -1.0, 2], ['B', 0.305746, 2], ['A', 0.694254, 2]]
    """
    actors, X, M, _ = _matrix(positions, None)
    cols = ["actor_id", "axis", "n_positions"]
    if not actors:
        return pd.DataFrame(columns=cols)
    m = X.shape[1]
    n_pos = M.sum(axis=1)
    keep = n_pos >= min_participation * m
    X, M = X[keep], M[keep]
    kept = [a for a, k in zip(actors, keep.tolist(), strict=True) if k]
    counts = n_pos[keep]
    if len(kept) < 2:
        return pd.DataFrame(
            {"actor_id": kept, "axis": [0.0] * len(kept), "n_positions": counts}, columns=cols
        )
    filled = np.where(M, X, np.nan)
    means = np.nanmean(np.where(M.any(axis=0), filled, 0.0), axis=0)
    filled = np.where(M, X, means)
    centred = filled - filled.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    score = u[:, 0] * s[0]
    top = np.abs(score).max()
    score = score / top if top > 0 else score
    score = np.where(np.abs(score) < 1e-12, 0.0, score)
    if orient is not None and orient in kept and score[kept.index(orient)] < 0:
        score = -score
    out = pd.DataFrame({"actor_id": kept, "axis": np.round(score, 6), "n_positions": counts.astype(int)})
    return out.sort_values(["axis", "actor_id"], kind="stable").reset_index(drop=True)


def agreement_matrix(pairs: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """Square agreement matrix over ``ids`` (NaN where a pair shares nothing; diagonal 1)."""
    index = {a: i for i, a in enumerate(ids)}
    A = np.full((len(ids), len(ids)), np.nan)
    ia = pairs["actor_a"].map(index)
    ib = pairs["actor_b"].map(index)
    ok = ia.notna() & ib.notna()
    ia, ib = ia[ok].to_numpy(dtype=np.int64), ib[ok].to_numpy(dtype=np.int64)
    vals = pairs.loc[ok, "agreement"].to_numpy(dtype=float)
    A[ia, ib] = vals
    A[ib, ia] = vals
    np.fill_diagonal(A, 1.0)
    return A


def norm_weights(G: nx.MultiDiGraph, weights: Mapping[str, float] | None) -> dict[str, float]:
    """Per-norm weights: the Norm's ``weight`` property, overridden by ``weights``."""
    out = {
        n: float(d["weight"])
        for n, d in G.nodes(data=True)
        if d.get("label") == schema.NORM and isinstance(d.get("weight"), int | float)
    }
    out.update(weights or {})
    return out


# ---------------------------------------------------------------------------- helpers


def _matrix(
    positions: pd.DataFrame, weights: Mapping[str, float] | None
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Actors (sorted), the score matrix X, its mask M (a position taken) and per-norm weights."""
    p = positions.dropna(subset=["score"])
    actors = sorted(set(p["actor_id"]))
    norms = sorted(set(p["norm_id"]))
    ai = {a: i for i, a in enumerate(actors)}
    ni = {n: j for j, n in enumerate(norms)}
    X = np.zeros((len(actors), len(norms)))
    M = np.zeros((len(actors), len(norms)), dtype=bool)
    r = p["actor_id"].map(ai).to_numpy(dtype=np.int64)
    c = p["norm_id"].map(ni).to_numpy(dtype=np.int64)
    X[r, c] = p["score"].to_numpy(dtype=float)
    M[r, c] = True
    w = np.array([float((weights or {}).get(n, 1.0)) for n in norms])
    if (w < 0).any() or not np.isfinite(w).all():
        raise AnalysisError("norm weights must be finite and not negative")
    return actors, X, M, w
