"""Analysis: centrality, clusters, capability gaps, resilience; engine.py is the fast path."""

from graphkit.analysis.centrality import CENTRALITY_COLUMNS, centrality
from graphkit.analysis.engine import ENGINES, AnalysisError, actor_network

__all__ = ["centrality", "CENTRALITY_COLUMNS", "ENGINES", "AnalysisError", "actor_network"]
