"""Analysis: centrality, cooperation clusters, capability gaps and critical actors.

Every function is a pure function of the canonical graph ``G`` returning a
:class:`pandas.DataFrame`; :func:`analyze` runs them all at once
(:func:`graphkit.write_analysis`, in :mod:`graphkit.export.analysis_tables`, writes the
tables). ``measures.py`` is the registry of
centrality measures; ``stability.py`` repeats the analysis over perturbed estimates;
``engine.py`` reads the actor network (igraph fast path, networkx
reference); ``gds.py`` runs measures in Neo4j Graph Data Science on a store it is handed.

This package imports nothing from ``graphkit.export``, ``graphkit.cli`` or
``graphkit.stores`` (``tests/test_layers.py`` checks it).
"""

from __future__ import annotations

from graphkit.analysis.alignment import alignment
from graphkit.analysis.camps import Alignment, analyze_alignment, state_positions
from graphkit.analysis.centrality import CENTRALITY_COLUMNS, centrality
from graphkit.analysis.changes import Changes, gap_changes, rank_changes, relationship_changes, what_changed
from graphkit.analysis.clusters import cluster_summary, clusters, modularity
from graphkit.analysis.engine import ActorNetwork, actor_network
from graphkit.analysis.gaps import (
    GAP_COLUMNS,
    alliance_gaps,
    capability_gaps,
    critical_actors,
    gap_summary,
    uncovered_threats,
)
from graphkit.analysis.likeminded import like_minded_coalition, like_minded_partners
from graphkit.analysis.measures import MEASURES, Measure
from graphkit.analysis.options import AnalysisOptions
from graphkit.analysis.pooling import pooling_mandates
from graphkit.analysis.recommend import FEASIBILITY_WEIGHTS, recommend_partners
from graphkit.analysis.run import ANALYSIS_FILES, STABILITY_FILES, Analysis, analyze
from graphkit.analysis.stability import Stability, stability
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

__all__ = [
    "alignment",
    "analyze_alignment",
    "Alignment",
    "state_positions",
    "like_minded_partners",
    "like_minded_coalition",
    "analyze",
    "AnalysisOptions",
    "Analysis",
    "ANALYSIS_FILES",
    "STABILITY_FILES",
    "stability",
    "Stability",
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
    "pooling_mandates",
    "FEASIBILITY_WEIGHTS",
    "what_changed",
    "Changes",
    "relationship_changes",
    "gap_changes",
    "rank_changes",
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
