"""Optional parts of graphkit: which extra brings which package, and a clear error when missing.

The default install runs the main job (load, analyze, report, viz, convert). Each extra
adds one optional part; :func:`require` imports a package of one and, when it is
missing, raises :class:`~graphkit.errors.MissingExtraError` naming the command that
installs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from graphkit.errors import MissingExtraError

__all__ = ["EXTRAS", "require", "available"]

EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fast": ("the compiled shortest-path kernel for large networks", ("numba",)),
    "cypher": ("Cypher queries without a server (the embedded engine)", ("ladybug", "pyarrow")),
    "neo4j": ("Neo4j over Bolt (--neo4j-uri)", ("neo4j",)),
    "pyvis": ("pyvis networks (gk.to_pyvis)", ("pyvis",)),
    "data": ("the MISP galaxy and ATT&CK importers", ("pymispgalaxies",)),
    "gds": ("Neo4j Graph Data Science", ("graphdatascience",)),
    "notebook": ("Notebook display and networkx's own algorithms", ("IPython", "scipy")),
    "yaml": ("Scenario files in YAML", ("yaml",)),
}
"""extra -> (what it is for, the packages it brings), as in ``pyproject.toml``."""


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` (a package of ``extra``), or say how to install it.

    Raises
    ------
    MissingExtraError
        When the module cannot be imported.

    Examples
    --------
    >>> require("json", "cypher").__name__
    'json'
    >>> require("no_such_package_xyz", "cypher")
    Traceback (most recent call last):
    ...
    graphkit.errors.MissingExtraError: Cypher queries without a server (the embedded engine) need the 'cypher' extra, which is not installed (no_such_package_xyz is missing): pip install 'graphkit[cypher]'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        what = EXTRAS[extra][0]
        raise MissingExtraError(
            f"{what} need the {extra!r} extra, which is not installed ({module} is missing): "
            f"pip install 'graphkit[{extra}]'"
        ) from None


def available(extra: str) -> bool:
    """Whether every package of ``extra`` imports."""
    try:
        for module in EXTRAS[extra][1]:
            importlib.import_module(module)
    except ImportError:
        return False
    return True
