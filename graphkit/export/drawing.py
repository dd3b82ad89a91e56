"""What a drawing of the graph shows: the view, positions, colours, sizes, labels and legend.

The interactive HTML (:mod:`graphkit.export.html`) and the static images
(:mod:`graphkit.export.static`) both draw a :class:`Drawing` made here, so they share one
palette, one layout and one legend. Colours are from the Okabe-Ito palette (safe for
colour-blind readers); shapes tell labels apart (Actor: dot, Capability: square,
Threat: triangle).
"""

from __future__ import annotations

import datetime as _dt
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.analysis.measures import MEASURES
from graphkit.errors import GraphkitError
from graphkit.export.drawing_model import (  # noqa: F401  (re-exported: the drawing's public vocabulary)
    AGGREGATE_TIES,
    ANALYSIS_OPTIONS,
    CLUSTER_COLORS,
    COLOR_MODES,
    EDGE_STYLES,
    KIND_COLORS,
    KIND_NAMES,
    LABEL_ALL_UP_TO,
    LABEL_COLORS,
    LABEL_SHAPES,
    LAYER_TYPES,
    LAYERS,
    MAX_LABELS,
    MAX_TEXT_LENGTH,
    OTHER_COLOR,
    PHYSICS_MAX_NODES,
    SIZE_MEASURES,
    Drawing,
    DrawingOptions,
    DrawnEdge,
    DrawnNode,
    LegendEntry,
    kind_name,
)
from graphkit.graph import ego_graph, select
from graphkit.progress import Progress

__all__ = [
    "DrawingOptions",
    "KIND_COLORS",
    "LABEL_COLORS",
    "LABEL_SHAPES",
    "EDGE_STYLES",
    "CLUSTER_COLORS",
    "OTHER_COLOR",
    "LAYERS",
    "COLOR_MODES",
    "SIZE_MEASURES",
    "PHYSICS_MAX_NODES",
    "DrawnNode",
    "DrawnEdge",
    "LegendEntry",
    "Drawing",
    "select_view",
    "prepare_drawing",
]


def select_view(
    G: nx.MultiDiGraph,
    *,
    layers: str | Iterable[str] = "actors",
    types: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int = 1,
) -> nx.MultiDiGraph:
    """The part of ``G`` to draw: the chosen layers and relationship types, around ``focus``.

    Raises
    ------
    GraphkitError
        For an unknown layer or relationship type, or a focus id that is not in the view.

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> V = select_view(G, focus="EST", depth=1)
    >>> sorted(V)
    ['EST', 'EU', 'NATO', 'USA']
    """
    if isinstance(layers, str):
        if layers not in LAYERS:
            raise GraphkitError(f"unknown layers {layers!r}; use one of: {', '.join(LAYERS)}")
        labels = LAYERS[layers]
        default_types = LAYER_TYPES[layers]
    else:
        labels = tuple(layers)
        bad = [x for x in labels if x not in schema.LABELS]
        if bad:
            raise GraphkitError(
                f"unknown label(s) {', '.join(map(repr, bad))}; use {', '.join(schema.LABELS)}"
            )
        default_types = tuple(
            t for t, r in schema.RELATIONSHIP_TYPES.items()
            if set(r.sources) & set(labels) and set(r.targets) & set(labels)
        )  # fmt: skip
    if types is None:
        types = default_types
    else:
        types = tuple(types)
        bad = [t for t in types if t not in schema.RELATIONSHIP_TYPES]
        if bad:
            raise GraphkitError(
                f"unknown relationship type(s) {', '.join(map(repr, bad))}; "
                f"use some of {', '.join(schema.RELATIONSHIP_TYPES)}"
            )
    if depth < 0:
        raise GraphkitError(f"depth must be 0 or more, not {depth}")
    V = select(G, labels=labels, types=types)
    if focus is not None:
        if focus not in G:
            raise GraphkitError(f"--focus {focus!r}: no node has this id{_did_you_mean(focus, G)}")
        if focus not in V:
            label = G.nodes[focus].get("label")
            raise GraphkitError(
                f"--focus {focus!r} is a {label}, which the chosen layers do not draw; use --layers all"
            )
        V = ego_graph(V, focus, depth)
    return V


def prepare_drawing(
    G: nx.MultiDiGraph,
    view: DrawingOptions | None = None,
    /,
    *,
    progress: Progress | None = None,
    **keywords: Any,
) -> Drawing:
    """Select the view of ``G`` and decide every node's position, size, colour and label.

    ``view`` (a :class:`~graphkit.export.drawing_model.DrawingOptions`) and ``keywords``
    (its fields) say what to draw and how.

    Sizes and clusters are analysis results, never computed here: ``analysis`` is a
    :func:`graphkit.analyze` result (its ``centrality`` sizes nodes, its ``clusters``
    colour them, named by ``cluster_name``), or ``scores`` and ``clusters`` are DataFrames
    (columns ``id`` and the measure; ``id`` and ``cluster``) or mappings from id to value.
    What is still missing is asked of :mod:`graphkit.analysis` on the whole graph ``G``
    with ``seed`` and ``options`` (:data:`ANALYSIS_OPTIONS`), so a drawing's clusters are
    those of ``graphkit analyze`` with the same seed and options. Nodes without a score
    (capabilities, threats) are drawn smallest; ``seed`` also seeds the layout. The
    ``focus`` of an ego graph is drawn largest, and last (on top). ``isolates=False``
    leaves out nodes without any drawn relationship (the focus stays).

    ``aggregate`` draws the clusters as single nodes first (see
    :mod:`graphkit.export.aggregate`): ``True``, ``False``, or ``None`` for "above
    :data:`~graphkit.export.aggregate.AGGREGATE_ABOVE` nodes".

    Examples
    --------
    >>> D = prepare_drawing(gk.load(gk.SAMPLE), size_by="degree")
    >>> len(D.nodes), len(D.edges)
    (14, 18)
    >>> max(D.nodes, key=lambda n: n.size).id
    'NATO'
    """
    o = DrawingOptions.of(view, **keywords)
    color_by, size_by, analysis, clusters, scores = o.color_by, o.size_by, o.analysis, o.clusters, o.scores
    options, focus, depth, layers, types, seed = o.options, o.focus, o.depth, o.layers, o.types, o.seed
    title, caption, physics, aggregate = o.title, o.caption, o.physics, o.aggregate
    isolates = True if o.isolates is None else o.isolates
    if color_by not in COLOR_MODES:
        raise GraphkitError(f"unknown color_by {color_by!r}; use one of: {', '.join(COLOR_MODES)}")
    progress = progress or Progress(quiet=True)
    V = select_view(G, layers=layers, types=types, focus=focus, depth=depth)
    if not isolates:
        lonely = {n for n in V if n != focus and V.degree(n) == 0}
        if lonely:
            V = V.subgraph([n for n in V if n not in lonely]).copy()
    ids = list(V.nodes)
    options = _analysis_options(options, seed)
    from graphkit.export.aggregate import AGGREGATE_ABOVE

    wants_clusters = (
        color_by == "cluster" or bool(aggregate) or (aggregate is None and len(ids) > AGGREGATE_ABOVE)
    )
    own_analysis = False
    if analysis is None and scores is None and size_by not in MEASURES:
        raise GraphkitError(
            f"unknown size_by {size_by!r}; use one of {', '.join(MEASURES)} or pass scores= with that column"
        )
    if (
        analysis is None
        and ids
        and ((scores is None and size_by in MEASURES) or (clusters is None and wants_clusters))
    ):
        # the drawing's sizes and clusters are those of `graphkit analyze` with the same seed
        # and options (the same active network, the same bloc names), computed once here
        from graphkit.analysis.run import analyze

        with progress.step("analysing the network for the drawing"):
            analysis = analyze(G, **options)
        own_analysis = True
    if analysis is not None:
        scores = analysis.centrality if scores is None else scores
        if clusters is None and len(analysis.clusters) and (wants_clusters or not own_analysis):
            clusters = _named_clusters(analysis.clusters)
    with progress.step(f"scoring {len(ids):,} nodes by {size_by}"):
        score = _scores(G, ids, size_by, scores, options)
    from graphkit.export.aggregate import AGGREGATE_ABOVE, community_layout

    if aggregate is None:
        aggregate = len(ids) > AGGREGATE_ABOVE
    cluster_of: dict[str, str] = {}
    if clusters is not None or color_by == "cluster" or aggregate:
        with progress.step("finding clusters"):
            cluster_of = _clusters(G, ids, clusters, options)
    with progress.step(f"laying out {len(ids):,} nodes"):
        if aggregate and cluster_of:
            pos = community_layout(V, ids, cluster_of, seed, score)
        else:
            pos = _layout(V, ids, seed)

    ranked = sorted(ids, key=lambda n: (-score[n], n))
    labelled = set(ranked if len(ids) <= LABEL_ALL_UP_TO else ranked[:MAX_LABELS])
    if focus is not None:
        labelled.add(focus)
    cluster_rank = _cluster_ranking(cluster_of)
    lo, hi = (min(score.values()), max(score.values())) if score else (0.0, 0.0)
    large = len(ids) > PHYSICS_MAX_NODES
    span = _span(pos)
    # Large graphs are seen zoomed out: sizes and label fonts grow with the drawing's span.
    small, big = (10.0, 42.0) if not large else (max(6.0, span / 1200), max(40.0, span / 120))
    if aggregate and cluster_of:
        from graphkit.export.aggregate import NODE_SPACING

        small, big = NODE_SPACING * 0.12, NODE_SPACING * 0.45  # members sit NODE_SPACING apart

    nodes = []
    for n in ids:
        d = V.nodes[n]
        label = d.get("label", schema.ACTOR)
        kind = d.get("kind", "") if label == schema.ACTOR else label
        cluster = cluster_of.get(n, "")
        if color_by == "cluster":
            rank = cluster_rank.get(cluster)
            color = CLUSTER_COLORS[rank] if rank is not None and rank < len(CLUSTER_COLORS) else OTHER_COLOR
        else:
            color = KIND_COLORS.get(kind) or LABEL_COLORS.get(label, OTHER_COLOR)
        t = 0.0 if hi <= lo else (score[n] - lo) / (hi - lo)
        nodes.append(
            DrawnNode(
                id=n,
                name=str(d.get("name", n)),
                label=label,
                kind=kind,
                cluster=cluster,
                color=color,
                shape=LABEL_SHAPES.get(label, "dot"),
                size=round(small + (big - small) * math.sqrt(t), 2),
                x=pos[n][0],
                y=pos[n][1],
                score=score[n],
                show_label=n in labelled,
                props=_props(d, skip=("label",)),
            )
        )
    if focus is not None and focus in V:
        # the focus of an ego graph is drawn largest and on top (vis-network draws in order)
        others = max((x.size for x in nodes if x.id != focus), default=big)
        for x in nodes:
            if x.id == focus:
                x.size = round(max(x.size, others * 1.2, big), 2)
        nodes.sort(key=lambda x: x.id == focus)
    edges = []
    for u, v, d in V.edges(data=True):
        w = d.get("weight")
        width = 1.0 + min(4.0, math.log1p(w)) if isinstance(w, int | float) and w > 0 else 1.0
        edges.append(DrawnEdge(u, v, d.get("type", ""), round(width, 2), _props(d, skip=())))

    kind_counts = Counter(x.kind for x in nodes)
    kinds = [
        LegendEntry(
            k,
            kind_name(k),
            KIND_COLORS[k] if color_by == "kind" else OTHER_COLOR,
            "dot",
            kind_counts[k],
        )
        for k in schema.ACTOR_KINDS
        if kind_counts[k]
    ] + [
        LegendEntry(
            lb, lb, LABEL_COLORS[lb] if color_by == "kind" else OTHER_COLOR, LABEL_SHAPES[lb], kind_counts[lb]
        )
        for lb in (schema.CAPABILITY, schema.THREAT, schema.NORM)
        if kind_counts[lb]
    ]
    cluster_counts = Counter(x.cluster for x in nodes if x.cluster)
    cluster_entries = []
    for c, rank in sorted(cluster_rank.items(), key=lambda kv: kv[1]):
        color = CLUSTER_COLORS[rank] if rank < len(CLUSTER_COLORS) else OTHER_COLOR
        cluster_entries.append(LegendEntry(c, c, color, "dot", cluster_counts[c]))
    if any(not x.cluster for x in nodes) and cluster_of:
        cluster_entries.append(
            LegendEntry("", "no cluster", OTHER_COLOR, "dot", sum(not x.cluster for x in nodes))
        )
    type_counts = Counter(e.type for e in edges)
    type_entries = [
        LegendEntry(t, t, EDGE_STYLES[t]["color"], "line", type_counts[t], EDGE_STYLES[t]["dashes"])
        for t in schema.RELATIONSHIP_TYPES
        if type_counts[t]
    ]
    if physics is None:
        physics = len(ids) <= PHYSICS_MAX_NODES and not (aggregate and cluster_of)
    name = _dataset_name(G)
    if title is None:
        title = f"{name}: {'ego network of ' + focus if focus else 'stakeholder network'}"
    if caption is None:
        layer_text = layers if isinstance(layers, str) else "+".join(layers)
        caption = (
            f"{name} · {len(nodes):,} nodes, {len(edges):,} relationships · layers: {layer_text} · "
            f"colour: {color_by}, size: {size_by} · {_dt.date.today().isoformat()}"
        )
    return Drawing(
        nodes=nodes,
        edges=edges,
        kinds=kinds,
        clusters=cluster_entries,
        types=type_entries,
        color_by=color_by,
        size_by=size_by,
        title=title,
        caption=caption,
        physics=bool(physics),
        focus=focus,
        labelled=len(labelled),
        extra=(
            {"aggregates": _aggregates(V, nodes, cluster_of, cluster_rank, small, big)}
            if aggregate and cluster_of
            else {}
        ),
    )


def _aggregates(
    V: nx.MultiDiGraph,
    nodes: list[DrawnNode],
    cluster_of: dict[str, str],
    cluster_rank: dict[str, int],
    small: float,
    big: float,
) -> dict[str, Any]:
    """The aggregated first view: one unit per cluster, and the ties between units."""
    from graphkit.export.aggregate import aggregate_units

    by_id = {n.id: n for n in nodes}
    units, singles = aggregate_units([n.id for n in nodes], cluster_of)
    taken = set(by_id)
    out = []
    unit_of: dict[str, str] = {}
    for i, (key, members) in enumerate(sorted(units.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
        uid = f"cluster:{i}"
        while uid in taken:
            uid = "_" + uid
        taken.add(uid)
        rank = cluster_rank.get(key)
        color = CLUSTER_COLORS[rank] if rank is not None and rank < len(CLUSTER_COLORS) else OTHER_COLOR
        xs = [by_id[m].x for m in members]
        ys = [by_id[m].y for m in members]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        reach = max(math.hypot(x - cx, y - cy) for x, y in zip(xs, ys, strict=True))
        top = sorted(members, key=lambda m: (-by_id[m].score, m))[:5]
        kinds = Counter(by_id[m].kind for m in members)
        out.append(
            {
                "id": uid,
                "cluster": key if not key.startswith("\0") else "",
                "name": key.lstrip("\0"),
                "count": len(members),
                "color": color,
                # the disc the members fill when expanded, at least the largest member's size
                "size": round(max(big, reach), 1),
                "x": round(cx, 1),
                "y": round(cy, 1),
                "score": round(sum(by_id[m].score for m in members), 6),
                "top": [by_id[m].name for m in top],
                "kinds": [[k, c] for k, c in kinds.most_common()],
                "members": members,
            }
        )
        for m in members:
            unit_of[m] = uid
    for n in singles:
        unit_of[n] = n
    ties: Counter[tuple[str, str]] = Counter()
    for u, v in V.edges():
        a, b = unit_of.get(u), unit_of.get(v)
        if a is None or b is None or a == b:
            continue
        ties[(min(a, b), max(a, b))] += 1
    # the strongest ties of each unit (a line to every cluster would be a grey disc)
    best: dict[str, list[tuple[int, tuple[str, str]]]] = {}
    for pair, w in ties.items():
        for end in pair:
            best.setdefault(end, []).append((w, pair))
    keep: set[Any] = set()
    for lst in best.values():
        lst.sort(key=lambda x: (-x[0], x[1]))
        keep.update(pair for _, pair in lst[:AGGREGATE_TIES])
    edges = [[a, b, ties[(a, b)]] for (a, b) in sorted(keep, key=lambda p: (-ties[p], p))]
    return {"units": out, "singles": singles, "edges": edges}


def _span(pos: dict[str, tuple[float, float]]) -> float:
    if not pos:
        return 0.0
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _dataset_name(G: nx.MultiDiGraph) -> str:
    if G.graph.get("name"):
        return str(G.graph["name"])
    if G.graph.get("path"):
        return Path(str(G.graph["path"])).name or "graph"
    return "graph"


def _did_you_mean(key: str, G: nx.MultiDiGraph) -> str:
    from graphkit.suggest import node_hint

    return node_hint(key, ((n, d.get("name")) for n, d in G.nodes(data=True)))


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        text = "; ".join(_text(v) for v in value)
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, _dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= MAX_TEXT_LENGTH else text[: MAX_TEXT_LENGTH - 1] + "…"


def _props(d: Mapping[str, Any], skip: Iterable[str]) -> list[tuple[str, str]]:
    skip = set(skip)
    return [(str(k), _text(v)) for k, v in d.items() if k not in skip]


def _column(table: Any, column: str, what: str) -> dict[str, Any]:
    """``{id: value}`` from a DataFrame with ``id`` (column or index) and ``column``, or a mapping."""
    if isinstance(table, Mapping):
        return {str(k): v for k, v in table.items()}
    cols = list(getattr(table, "columns", []))
    if column not in cols:
        raise GraphkitError(
            f"{what} has no column {column!r} (columns: {', '.join(map(str, cols)) or 'none'}); "
            f"pass a DataFrame with columns 'id' and {column!r}"
        )
    keys = table["id"] if "id" in cols else table.index
    return {str(k): v for k, v in zip(keys, table[column], strict=True)}


def _analysis_options(options: Mapping[str, Any] | None, seed: int) -> dict[str, Any]:
    chosen = dict(options or {})
    unknown = sorted(set(chosen) - set(ANALYSIS_OPTIONS) - {"seed"})
    if unknown:
        raise GraphkitError(
            f"unknown analysis option(s) {', '.join(unknown)}; use some of {', '.join(ANALYSIS_OPTIONS)}"
        )
    chosen.setdefault("seed", seed)
    return chosen


def _named_clusters(table: Any) -> Any:
    """Clusters labelled by ``cluster_name`` (as the report's tables name them) when present."""
    if "cluster_name" in getattr(table, "columns", ()):
        return table.assign(cluster=table["cluster_name"].astype(str))
    return table


def _scores(
    G: nx.MultiDiGraph, ids: list[str], size_by: str, scores: Any, options: dict[str, Any]
) -> dict[str, float]:
    if scores is None:
        if size_by not in MEASURES:
            raise GraphkitError(
                f"unknown size_by {size_by!r}; use one of {', '.join(MEASURES)} "
                "or pass scores= with that column"
            )
        if not ids:
            return {}
        from graphkit.analysis.centrality import centrality

        keys = ("types", "weight", "engine", "exact_threshold", "samples", "seed")
        scores = centrality(G, measures=[size_by], **{k: options[k] for k in keys if k in options})
    given = _column(scores, size_by, "scores")
    out = {}
    for n in ids:
        v = given.get(n)
        out[n] = float(v) if isinstance(v, int | float) and math.isfinite(v) else 0.0
    return out


def _clusters(G: nx.MultiDiGraph, ids: list[str], clusters: Any, options: dict[str, Any]) -> dict[str, str]:
    if clusters is None:
        if not ids:
            return {}
        from graphkit.analysis.clusters import clusters as find_clusters

        keys = ("types", "weight", "method", "resolution", "restarts", "engine", "seed")
        clusters = _named_clusters(find_clusters(G, **{k: options[k] for k in keys if k in options}))
    given = _column(clusters, "cluster", "clusters")
    return {n: _cluster_name(given[n]) for n in ids if n in given and given[n] is not None}


def _cluster_name(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, str) else f"cluster {value}"


def _cluster_ranking(cluster_of: dict[str, str]) -> dict[str, int]:
    sizes = Counter(cluster_of.values())
    return {c: i for i, (c, _) in enumerate(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))}


def _layout(V: nx.MultiDiGraph, ids: list[str], seed: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions (igraph, fixed seed) scaled to screen pixels."""
    n = len(ids)
    if n == 0:
        return {}
    if n == 1:
        return {ids[0]: (0.0, 0.0)}
    import igraph as ig

    g = _layout_graph(V, ids)
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(niter=500 if n <= 2000 else 300).coords
    finally:
        ig.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    target = max(500.0, 110.0 * math.sqrt(n))
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    k = target / span
    return {m: (round((x - cx) * k, 1), round((y - cy) * k, 1)) for m, x, y in zip(ids, xs, ys, strict=True)}


def _layout_graph(V: nx.MultiDiGraph, ids: list[str]) -> Any:
    """The undirected simple graph of the view as igraph (for the layout only)."""
    import igraph as ig

    index = {n: i for i, n in enumerate(ids)}
    pairs = dict.fromkeys((min(index[u], index[v]), max(index[u], index[v])) for u, v in V.edges() if u != v)
    return ig.Graph(n=len(ids), edges=list(pairs), directed=False)
