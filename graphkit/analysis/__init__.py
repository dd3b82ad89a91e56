"""Analysis: centrality, cooperation clusters, capability gaps and critical actors.

Every function is a pure function of the canonical graph ``G`` returning a
:class:`pandas.DataFrame`; :func:`analyze` runs them all at once
(:func:`graphkit.write_analysis` writes the tables). ``measures.py`` is the registry of
centrality measures; ``engine.py`` reads the actor network (igraph fast path, networkx
reference); ``gds.py`` runs measures in Neo4j Graph Data Science on a store it is handed.

This package imports nothing from ``graphkit.export``, ``graphkit.cli`` or
``graphkit.stores`` (``tests/test_layers.py`` checks it). Names load on first use, so
``import graphkit.analysis.measures`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from graphkit.defaults import (
    CLUSTER_METHODS,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_TYPES,
    ENGINES,
    EXACT_THRESHOLD,
    SAMPLES,
)
from graphkit.errors import AnalysisError

_LAZY = {
    "CENTRALITY_COLUMNS": "graphkit.analysis.centrality",
    "centrality": "graphkit.analysis.centrality",
    "cluster_summary": "graphkit.analysis.clusters",
    "clusters": "graphkit.analysis.clusters",
    "modularity": "graphkit.analysis.clusters",
    "ActorNetwork": "graphkit.analysis.engine",
    "actor_network": "graphkit.analysis.engine",
    "MEASURES": "graphkit.analysis.measures",
    "Measure": "graphkit.analysis.measures",
    **{
        name: "graphkit.analysis.gaps"
        for name in (
            "GAP_COLUMNS",
            "alliance_gaps",
            "capability_gaps",
            "critical_actors",
            "gap_summary",
            "recommend_partners",
            "uncovered_threats",
        )
    },
    "ANALYSIS_FILES": "graphkit.analysis.run",
    "Analysis": "graphkit.analysis.run",
    "analyze": "graphkit.analysis.run",
    # writing is export's job; kept here as an alias, imported only when asked for
    "write_analysis": "graphkit.export.analysis_tables",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit.analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "analyze",
    "write_analysis",
    "Analysis",
    "ANALYSIS_FILES",
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
    "actor_network",
    "ActorNetwork",
    "AnalysisError",
    "MEASURES",
    "Measure",
    "CENTRALITY_COLUMNS",
    "GAP_COLUMNS",
    "CLUSTER_METHODS",
    "ENGINES",
    "DEFAULT_SEED",
    "DEFAULT_TYPES",
    "DEFAULT_THRESHOLD",
    "EXACT_THRESHOLD",
    "SAMPLES",
]
