"""graphkit: map who can defend cyberspace together.

Load a property graph of actors, capabilities and threats; analyse centrality,
cooperation clusters and capability gaps; draw it as interactive HTML; write reports.

>>> import graphkit as gk
>>> G = gk.load(gk.SAMPLE)
>>> gk.summary(G)["nodes"]["Threat"]
3
"""

from __future__ import annotations

from pathlib import Path

from graphkit.errors import (
    AnalysisError,
    DatasetError,
    FormatError,
    GraphkitError,
    MissingExtraError,
    OutputError,
    Problem,
    QueryError,
    SchemaError,
    StoreError,
)

__version__ = "0.1.0"

# Everything but the errors loads on first use, so that `import graphkit` and the
# command line start fast (a cached `graphkit query` needs neither networkx nor pandas).
_LAZY = {
    **{
        name: "graphkit.graph"
        for name in (
            "new_graph",
            "add_node",
            "add_relationship",
            "validate",
            "summary",
            "select",
            "actor_graph",
            "ego_graph",
            "graph_diff",
            "as_of",
        )
    },
    **{
        name: "graphkit.loaders"
        for name in (
            "load",
            "load_dataset",
            "load_json",
            "load_graphml",
            "load_gexf",
        )
    },
    **{
        name: "graphkit.export.tables"
        for name in (
            "write",
            "write_dataset",
            "write_json",
            "write_graphml",
            "write_gexf",
        )
    },
    **{
        name: "graphkit.analysis"
        for name in (
            "analyze",
            "Analysis",
            "centrality",
            "clusters",
            "cluster_summary",
            "modularity",
            "capability_gaps",
            "gap_summary",
            "alliance_gaps",
            "uncovered_threats",
            "recommend_partners",
            "critical_actors",
            "alignment",
            "analyze_alignment",
        )
    },
    **{name: "graphkit.analysis.whatif" for name in ("whatif", "WhatIf")},
    **{name: "graphkit.analysis.scenarios" for name in ("apply_changes", "Scenario")},
    "load_scenarios": "graphkit.analysis.scenario_files",
    "compare": "graphkit.analysis.compare",
    **{name: "graphkit.export.html" for name in ("write_html", "render_html", "HTMLGraph")},
    "DrawingOptions": "graphkit.export.drawing_model",
    "show": "graphkit.export.notebook",
    "write_image": "graphkit.export.static",
    "query": "graphkit.cypher",
    "run_query": "graphkit.cypher",
    "to_pyvis": "graphkit.export.pyvis",
    "write_pyvis": "graphkit.export.pyvis",
    "write_analysis": "graphkit.export.analysis_tables",
    "from_pandas": "graphkit.loaders.frames",
    "to_pandas": "graphkit.export.frames",
    "to_networkx": "graphkit.export.interop",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def _sample_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "sample", here.parent / "data" / "sample"):
        if (candidate / "actors.csv").is_file():
            return candidate
    return here / "data" / "sample"


SAMPLE: Path = _sample_path()
"""The bundled sample dataset (a dozen actors, every relationship type)."""

__all__ = [
    "__version__",
    "SAMPLE",
    "GraphkitError",
    "DatasetError",
    "FormatError",
    "SchemaError",
    "QueryError",
    "StoreError",
    "AnalysisError",
    "OutputError",
    "MissingExtraError",
    "Problem",
    *_LAZY,
]
"""The curated public API: the errors, then every lazily loaded name (one table, :data:`_LAZY`)."""
