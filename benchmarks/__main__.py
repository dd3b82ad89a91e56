"""``python -m benchmarks``: the analysis benchmark at 1k and 10k actors (add --sizes 100k for the large one)."""

from benchmarks.bench_analysis import main

raise SystemExit(main())
