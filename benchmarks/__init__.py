"""Benchmarks of graphkit: run `python -m benchmarks` (see bench_analysis.py); synthetic.py generates the inputs."""
