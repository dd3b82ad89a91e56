"""Default parameters of the analyses, importable without loading numpy, pandas or igraph."""

from __future__ import annotations

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TYPES",
    "ENGINES",
    "CLUSTER_METHODS",
    "RESTARTS",
    "EXACT_THRESHOLD",
    "SAMPLES",
    "DEFAULT_THRESHOLD",
]

DEFAULT_SEED = 0
"""Seed of every randomised step (clusters, sampling, layout) in analyze, report, viz and drawing."""
DEFAULT_TYPES: tuple[str, ...] = ("MEMBER_OF", "COOPERATES_WITH")
"""Relationship types that form the actor network unless told otherwise."""
ENGINES = ("auto", "igraph", "networkx")
CLUSTER_METHODS = ("louvain", "leiden", "label_propagation")
RESTARTS = 5
"""Seeded runs of Louvain / label propagation; the best modularity wins."""
EXACT_THRESHOLD = 20_000
"""Up to this many actors betweenness and closeness are exact; above it they are sampled."""
SAMPLES = 256
"""Source actors sampled for betweenness and closeness above the exact threshold."""
DEFAULT_THRESHOLD = 0.5
"""A capability counts as held from this ``level`` up."""
