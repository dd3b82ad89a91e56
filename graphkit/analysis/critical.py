"""Critical actors: whose loss would open others' coalition gaps, and cut vertices of the partner network.

A pooled, not owned need (A, c) has *ways in*: each agreement of A with a holder y of c
whose mandate covers c (killed by removing y), and each organisation g containing A whose
``pools`` covers c and in which some other member holds c (killed by removing g, or by
removing the holder when it is the only one). Removing X opens the need exactly when X
kills every way in; this is counted without re-running the analysis per actor. Needs of
unassessed actors and capability-unassessed needs are not summed.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import ActorNetwork, actor_network, resolve_engine
from graphkit.analysis.gaps import _GapModel

__all__ = ["critical_table"]


def critical_table(
    model: _GapModel, *, engine: str = "auto", net: ActorNetwork | None = None
) -> pd.DataFrame:
    """The table of :func:`graphkit.analysis.critical_actors`, from a gap model."""
    cols = [
        "actor_id",
        "name",
        "kind",
        "opened_weight",
        "opened_gaps",
        "actors_affected",
        "articulation_point",
    ]
    r = model.routes()
    # needs pooled but not owned, of assessed actors and assessed capabilities only
    r = r[r["pooled"] & ~r["own"] & r["assessed"] & r["capability_assessed"]]
    coop, grp = model.candidates()
    keys = r["key"].to_numpy(dtype=np.int64)
    # Each way in is killed by removing any actor of its kill set: an agreement holder y
    # ({y}); an organisation g through which cnt members hold c ({g}, plus the holder if
    # cnt == 1). The need opens when x is in the kill set of every way in.
    c1 = coop[coop["key"].isin(keys)][["key", "y"]].drop_duplicates()
    g1 = grp[grp["key"].isin(keys)]
    ways = pd.concat([c1.assign(w=c1["y"]), g1[["key", "g"]].assign(w=-1 - g1["g"])], ignore_index=True)[
        ["key", "w"]
    ]
    n_ways = ways.groupby("key").size()
    kill = pd.concat(
        [
            pd.DataFrame({"key": c1["key"], "w": c1["y"], "x": c1["y"]}),
            pd.DataFrame({"key": g1["key"], "w": -1 - g1["g"], "x": g1["g"]}),
            pd.DataFrame({"key": g1["key"], "w": -1 - g1["g"], "x": g1["hmin"]})[g1["cnt"].to_numpy() == 1],
        ],
        ignore_index=True,
    ).drop_duplicates()
    hits = kill.groupby(["key", "x"]).size().rename("n").reset_index()
    hits = hits[hits["n"].to_numpy() == n_ways.reindex(hits["key"]).to_numpy()]
    C = max(model.nC, 1)
    hits = hits.assign(a=hits["key"] // C, c=hits["key"] % C)
    hits = hits[hits["x"] != hits["a"]].merge(r[["key", "weight"]], on="key")
    agg = hits.groupby("x").agg(
        opened_weight=("weight", "sum"), opened_gaps=("c", "size"), actors_affected=("a", "nunique")
    )
    if net is None or set(net.types) != set(model.partners):
        net = actor_network(model.G, model.partners, dormant_after=model.dormant_after, as_of=model.day)
    if resolve_engine(engine) == "igraph":
        cut = set(net.igraph.articulation_points())
    else:
        cut = set(nx.articulation_points(net.networkx))
    ids = sorted(set(agg.index.tolist()) | cut)
    out = pd.DataFrame(
        {
            "actor_id": [model.actors[i] for i in ids],
            "name": [model.names[model.actors[i]] for i in ids],
            "kind": [model.kinds[model.actors[i]] for i in ids],
            "opened_weight": [int(agg["opened_weight"].get(i, 0)) for i in ids],
            "opened_gaps": [int(agg["opened_gaps"].get(i, 0)) for i in ids],
            "actors_affected": [int(agg["actors_affected"].get(i, 0)) for i in ids],
            "articulation_point": [i in cut for i in ids],
            "_order": ids,
        }
    )
    out = out.sort_values(["opened_weight", "articulation_point", "_order"], ascending=[False, False, True])
    return out[cols].reset_index(drop=True)
