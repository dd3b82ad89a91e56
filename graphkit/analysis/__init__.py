"""Analysis: centrality, clusters, capability gaps, resilience; engine.py is the fast path."""
