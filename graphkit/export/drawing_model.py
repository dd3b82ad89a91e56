"""The drawing's vocabulary: palette, shapes, layers and the :class:`Drawing` data model.

:mod:`graphkit.export.drawing` builds a :class:`Drawing`; the HTML page, the static images
and pyvis draw it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphkit import schema
from graphkit.analysis.measures import MEASURE_NAMES
from graphkit.defaults import DEFAULT_SEED

__all__ = [
    "DrawingOptions",
    "MAX_TEXT_LENGTH",
    "KIND_COLORS",
    "KIND_NAMES",
    "kind_name",
    "LABEL_COLORS",
    "LABEL_SHAPES",
    "EDGE_STYLES",
    "CLUSTER_COLORS",
    "OTHER_COLOR",
    "LAYERS",
    "LAYER_TYPES",
    "COLOR_MODES",
    "SIZE_MEASURES",
    "ANALYSIS_OPTIONS",
    "AGGREGATE_TIES",
    "PHYSICS_MAX_NODES",
    "MAX_LABELS",
    "LABEL_ALL_UP_TO",
    "DrawnNode",
    "DrawnEdge",
    "LegendEntry",
    "Drawing",
]


KIND_COLORS: dict[str, str] = {
    "state": "#0072B2",
    "alliance": "#D55E00",
    "international_org": "#009E73",
    "company": "#CC79A7",
    "ngo": "#E69F00",
    "cert": "#56B4E9",
    "other": "#8C8C8C",
}
"""Fill colour of an actor, by kind (Okabe-Ito)."""

KIND_NAMES: dict[str, str] = {k: words[0] for k, words in schema.KIND_WORDS.items()}
"""How a reader sees an actor kind (singular), in legends and reports; files keep the raw ids
(:data:`graphkit.schema.KIND_WORDS`, the one vocabulary)."""


def kind_name(kind: Any) -> str:
    """The reader-facing spelling of an actor kind: ``international_org`` -> ``international organisation``.

    >>> kind_name("international_org"), kind_name("state"), kind_name("think_tank")
    ('international organisation', 'state', 'think tank')
    """
    return schema.kind_word(kind)


LABEL_COLORS: dict[str, str] = {"Capability": "#F0E442", "Threat": "#A50F15", "Norm": "#56B4E9"}
"""Fill colour of capabilities and threats when colouring by kind."""

LABEL_SHAPES: dict[str, str] = {
    "Actor": "dot",
    "Capability": "square",
    "Threat": "triangle",
    "Norm": "diamond",
}
"""vis-network shape of each label (the static exporter maps them to matplotlib markers)."""

EDGE_STYLES: dict[str, dict[str, Any]] = {
    "MEMBER_OF": {"color": "#7A7A7A", "dashes": False, "arrows": True},
    "COOPERATES_WITH": {"color": "#2B5C8A", "dashes": False, "arrows": False},
    "HAS_CAPABILITY": {"color": "#9A8A00", "dashes": False, "arrows": True},
    "TARGETS": {"color": "#C0392B", "dashes": True, "arrows": True},
    "ATTRIBUTED_TO": {"color": "#6A3D9A", "dashes": True, "arrows": True},
    "REQUIRES": {"color": "#B8860B", "dashes": True, "arrows": True},
    "POSITION": {"color": "#56B4E9", "dashes": True, "arrows": True},
}
"""Line colour, dashing and arrow heads of each relationship type."""

CLUSTER_COLORS: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
    "#56B4E9", "#A50F15", "#6A3D9A", "#9A8A00", "#2F4F4F",
)  # fmt: skip
"""Colours of the ten largest clusters; the rest share :data:`OTHER_COLOR`."""

OTHER_COLOR = "#C8C8C8"

LAYERS: dict[str, tuple[str, ...]] = {
    "actors": (schema.ACTOR,),
    "all": schema.LABELS,
}
"""Which labels each ``layers`` choice draws."""

LAYER_TYPES: dict[str, tuple[str, ...]] = {
    "actors": ("MEMBER_OF", "COOPERATES_WITH"),
    "all": tuple(schema.RELATIONSHIP_TYPES),
}
"""Relationship types drawn by default for each ``layers`` choice."""

COLOR_MODES = ("kind", "cluster")
SIZE_MEASURES: tuple[str, ...] = MEASURE_NAMES
"""What ``size_by`` may name without ``scores=``: every measure of the registry."""

ANALYSIS_OPTIONS = (
    "types",
    "weight",
    "method",
    "resolution",
    "restarts",
    "engine",
    "exact_threshold",
    "samples",
    "as_of",
    "dormant_after",
    "instruments",
    "threshold",
    "partners",
)
"""Options of :func:`graphkit.analyze` that ``prepare_drawing(options=...)`` hands on."""

AGGREGATE_TIES = 4
"""In the aggregated view, each cluster shows its this-many strongest ties to other clusters."""

PHYSICS_MAX_NODES = 300
"""Above this many nodes the browser runs no physics: positions come from Python only."""

MAX_LABELS = 30
"""Graphs larger than ``LABEL_ALL_UP_TO`` label only their this-many most central nodes (hover shows the rest)."""
LABEL_ALL_UP_TO = 60
"""Graphs of at most this many nodes (an ego network, a small dataset) name every node."""

MAX_TEXT_LENGTH = 300
"""A property value longer than this is cut (with …) where a drawing shows it."""


@dataclass
class DrawnNode:
    """One node as drawn: where, how big, which colour, and the text shown about it."""

    id: str
    name: str
    label: str
    kind: str
    cluster: str
    color: str
    shape: str
    size: float
    x: float
    y: float
    score: float
    show_label: bool
    props: list[tuple[str, str]]


@dataclass
class DrawnEdge:
    """One relationship as drawn."""

    source: str
    target: str
    type: str
    width: float
    props: list[tuple[str, str]]


@dataclass
class LegendEntry:
    """A legend line, which is also a filter: the value it stands for and how it looks."""

    value: str
    name: str
    color: str
    shape: str
    count: int
    dashes: bool = False


@dataclass
class Drawing:
    """Everything an exporter needs to draw a graph."""

    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    kinds: list[LegendEntry]
    clusters: list[LegendEntry]
    types: list[LegendEntry]
    color_by: str
    size_by: str
    title: str
    caption: str
    physics: bool
    focus: str | None = None
    labelled: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def large(self) -> bool:
        return len(self.nodes) > PHYSICS_MAX_NODES


@dataclass(frozen=True)
class DrawingOptions:
    """What a drawing shows and how, defined once for every output that draws a graph.

    :func:`graphkit.export.drawing.prepare_drawing`, :func:`graphkit.write_html`,
    :func:`graphkit.render_html`, :func:`graphkit.show`, :func:`graphkit.to_pyvis` and
    :func:`graphkit.export.static.write_image` take one of these, or its fields as keywords.

    Attributes
    ----------
    color_by : {"kind", "cluster"}
        Colour actors by kind, or every node by its cluster.
    size_by : str
        A measure of :data:`graphkit.analysis.measures.MEASURES` (``"pagerank"``,
        ``"degree"``, ``"betweenness"`` ...) or a column of ``scores``.
    analysis : graphkit.analysis.Analysis, optional
        A :func:`graphkit.analyze` result: its centrality sizes nodes, its clusters colour them.
    clusters, scores : pandas.DataFrame or mapping, optional
        Results from :mod:`graphkit.analysis` (``id`` + ``cluster``; ``id`` + measures).
        What neither gives is asked of :mod:`graphkit.analysis` on ``G`` (never computed
        while drawing), with ``seed`` and ``options``.
    options : mapping, optional
        Options of :func:`graphkit.analyze` for what is computed (:data:`ANALYSIS_OPTIONS`).
    seed : int
        Seed of the analysis asked for and of the layout (default
        :data:`graphkit.defaults.DEFAULT_SEED`, as ``graphkit analyze``).
    focus, depth : str, int
        Draw only the nodes within ``depth`` hops of node ``focus``.
    layers : {"actors", "all"}
        Actors only, or actors with capabilities and threats.
    types : iterable of str, optional
        Relationship types to draw (default: those of the layers).
    title, caption : str, optional
        Heading and the line under it (default: dataset, counts, encodings, date).
    physics : bool, optional
        Let vis-network settle the layout in the browser (default: only for graphs of at
        most :data:`PHYSICS_MAX_NODES` nodes; images never do).
    isolates : bool, optional
        Draw actors without any drawn relationship. Default: yes on a page; in an image,
        only in an ego graph (in an image of the whole network they only take room).
    aggregate : bool, optional
        Draw each cluster as one node first (a click expands it). Default: above
        :data:`~graphkit.export.aggregate.AGGREGATE_ABOVE` nodes.

    Examples
    --------
    >>> DrawingOptions.of(color_by="cluster", focus="NATO").focus
    'NATO'
    >>> DrawingOptions.of(colour_by="kind")
    Traceback (most recent call last):
    ...
    TypeError: unknown drawing option 'colour_by' (did you mean 'color_by'?)
    """

    color_by: str = "kind"
    size_by: str = "pagerank"
    analysis: Any = None
    clusters: Any = None
    scores: Any = None
    options: Mapping[str, Any] | None = None
    seed: int = DEFAULT_SEED
    focus: str | None = None
    depth: int = 1
    layers: str | Iterable[str] = "actors"
    types: Iterable[str] | None = None
    title: str | None = None
    caption: str | None = None
    physics: bool | None = None
    isolates: bool | None = None
    aggregate: bool | None = None

    @classmethod
    def of(cls, given: DrawingOptions | None = None, /, **keywords: Any) -> DrawingOptions:
        """``given`` (default: every default) with ``keywords`` replacing its fields.

        Raises ``TypeError`` naming an unknown keyword (as a misspelt keyword argument would).
        """
        names = [f.name for f in dataclasses.fields(cls)]
        for key in keywords:
            if key not in names:
                import difflib

                near = difflib.get_close_matches(key, names, n=1)
                raise TypeError(
                    f"unknown drawing option {key!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
                )
        return dataclasses.replace(given or cls(), **keywords)
