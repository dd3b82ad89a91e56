"""Analysis: centrality, cooperation clusters, capability gaps and critical actors.

Every function is a pure function of the canonical graph ``G`` returning a
:class:`pandas.DataFrame`; :func:`analyze` runs them all at once and
:func:`write_analysis` writes the tables. ``engine.py`` is the fast path (igraph),
with networkx as the reference.
"""

from graphkit.analysis.centrality import CENTRALITY_COLUMNS, centrality
from graphkit.analysis.clusters import cluster_summary, clusters, modularity
from graphkit.analysis.engine import ActorNetwork, AnalysisError, actor_network
from graphkit.analysis.gaps import (
    GAP_COLUMNS,
    alliance_gaps,
    capability_gaps,
    critical_actors,
    gap_summary,
    recommend_partners,
    uncovered_threats,
)
from graphkit.analysis.run import ANALYSIS_FILES, Analysis, analyze, write_analysis
from graphkit.defaults import (
    CLUSTER_METHODS,
    DEFAULT_THRESHOLD,
    DEFAULT_TYPES,
    ENGINES,
    EXACT_THRESHOLD,
    SAMPLES,
)

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
    "CENTRALITY_COLUMNS",
    "GAP_COLUMNS",
    "CLUSTER_METHODS",
    "ENGINES",
    "DEFAULT_TYPES",
    "DEFAULT_THRESHOLD",
    "EXACT_THRESHOLD",
    "SAMPLES",
]
