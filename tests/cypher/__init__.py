"""Tests of graphkit.cypher (a package, so that its conftest collects beside tests/stores)."""
