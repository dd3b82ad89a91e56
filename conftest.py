"""Doctests see ``gk`` (graphkit) and ``nx`` (networkx), as networkx's own conftest does."""

import networkx as nx
import pytest

import graphkit as gk


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["gk"] = gk
    doctest_namespace["nx"] = nx
