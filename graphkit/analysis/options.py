"""The analysis options, in one frozen object handed down to every analysis (:class:`AnalysisOptions`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphkit.defaults import (
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_TYPES,
    EXACT_THRESHOLD,
    RESTARTS,
    SAMPLES,
)
from graphkit.errors import AnalysisError
from graphkit.ties import DEFAULT_DORMANT_AFTER

__all__ = ["AnalysisOptions", "PARAMETER_NAMES", "RUN_OPTIONS"]

PARAMETER_NAMES: dict[str, str] = {
    "types": "types",
    "weight": "weight",
    "method": "cluster_method",
    "resolution": "resolution",
    "restarts": "restarts",
    "seed": "seed",
    "engine": "engine",
    "exact_threshold": "exact_threshold",
    "samples": "samples",
    "threshold": "threshold",
    "partners": "partners",
    "dormant_after": "dormant_after",
    "instruments": "instruments",
}
"""Option (field) name -> its key in ``summary["parameters"]`` (:meth:`AnalysisOptions.as_dict`).

The options that choose what is computed; the others (:data:`RUN_OPTIONS`) choose which
network (``as_of``: recorded as ``summary["as_of"]``), how many stability runs
(``perturb``: ``summary["stability"]``) and how many cores (``jobs``: the values are the same)."""

RUN_OPTIONS = ("as_of", "perturb", "jobs")
"""Options recorded elsewhere than ``summary["parameters"]`` (see :data:`PARAMETER_NAMES`)."""


@dataclass(frozen=True)
class AnalysisOptions:
    """Every option of the analysis, defined once: :func:`graphkit.analyze`, :func:`~graphkit.analysis.stability`,
    :func:`~graphkit.analysis.what_changed`, the report and the command line share it.

    Attributes
    ----------
    types : relationship types forming the actor network (``MEMBER_OF``, ``COOPERATES_WITH``).
    weight : numeric relationship property read as cooperation strength (None: unweighted).
    method : cluster method (``louvain``, ``leiden``, ``label_propagation``).
    resolution : modularity resolution.
    restarts : seeded cluster runs; the best modularity is kept.
    seed : seed of clusters, sampling and the stability runs.
    engine : ``auto``, ``igraph`` or ``networkx``.
    exact_threshold : exact betweenness and closeness up to this many actors, sampled above.
    samples : source actors sampled above ``exact_threshold``.
    threshold : capability level that counts as held.
    partners : relations through which capabilities are pooled.
    dormant_after : years without evidence (``last_confirmed``) after which a tie is dormant:
        it neither pools nor counts in the active network (:mod:`graphkit.ties`; 0 keeps every tie).
    instruments : the instrument weight table (instrument -> strength); None: the default
        :data:`graphkit.ties.INSTRUMENT_WEIGHTS`.
    as_of : the network of that day (``"today"``, a date, a year; ``"all"`` or None: every relationship).
    perturb : stability runs (0: none).
    jobs : cores for betweenness and closeness on large networks (None: every core).

    Examples
    --------
    >>> o = AnalysisOptions(seed=1, threshold=0.6)
    >>> o.as_dict()["threshold"], o.as_dict()["cluster_method"]
    (0.6, 'louvain')
    >>> AnalysisOptions.from_dict(o.as_dict()) == o
    True
    >>> AnalysisOptions.of(o, partners="MEMBER_OF").partners
    ('MEMBER_OF',)
    """

    types: tuple[str, ...] = DEFAULT_TYPES
    weight: str | None = None
    method: str = "louvain"
    resolution: float = 1.0
    restarts: int = RESTARTS
    seed: int | None = DEFAULT_SEED
    engine: str = "auto"
    exact_threshold: int = EXACT_THRESHOLD
    samples: int = SAMPLES
    threshold: float = DEFAULT_THRESHOLD
    partners: tuple[str, ...] = DEFAULT_TYPES
    dormant_after: float = DEFAULT_DORMANT_AFTER
    instruments: Mapping[str, float] | None = None
    as_of: Any = "today"
    perturb: int = 0
    jobs: int | None = None

    def __post_init__(self) -> None:
        for name in ("types", "partners"):
            value = getattr(self, name)
            object.__setattr__(self, name, _names(value))

    @classmethod
    def of(
        cls, options: AnalysisOptions | Mapping[str, Any] | None = None, **keywords: Any
    ) -> AnalysisOptions:
        """``options`` (an :class:`AnalysisOptions`, a dict of option names, or None: the
        defaults) with ``keywords`` replacing single options; an unknown name raises
        :class:`~graphkit.errors.AnalysisError` naming the known ones.

        >>> AnalysisOptions.of({"seed": 3}, threshold=0.4).seed
        3
        """
        if isinstance(options, AnalysisOptions):
            base = options
        else:
            base = cls()
            keywords = {**dict(options or {}), **keywords}
        if not keywords:
            return base
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(keywords) - known)
        if unknown:
            raise AnalysisError(
                f"unknown analysis option(s) {', '.join(unknown)}; the options are {', '.join(sorted(known))}"
            )
        return dataclasses.replace(base, **keywords)

    def replace(self, **keywords: Any) -> AnalysisOptions:
        """A copy with ``keywords`` changed (checked as in :meth:`of`)."""
        return AnalysisOptions.of(self, **keywords)

    def as_dict(self) -> dict[str, Any]:
        """``summary["parameters"]``: the options choosing what is computed (:data:`PARAMETER_NAMES`),
        under their summary names, lists for tuples (JSON-ready)."""
        out: dict[str, Any] = {}
        for field, key in PARAMETER_NAMES.items():
            value = getattr(self, field)
            out[key] = (
                list(value)
                if isinstance(value, tuple)
                else dict(value)
                if isinstance(value, Mapping)
                else value
            )
        return out

    @classmethod
    def from_dict(cls, parameters: Mapping[str, Any], **keywords: Any) -> AnalysisOptions:
        """The options an analysis ran with, from its ``summary["parameters"]`` (unknown keys ignored;
        an analysis run in GDS is read as run locally)."""
        names = {key: field for field, key in PARAMETER_NAMES.items()}
        chosen = {names[k]: v for k, v in dict(parameters or {}).items() if k in names}
        if chosen.get("engine") == "gds":
            chosen["engine"] = "auto"
        return cls.of(chosen, **keywords)

    def keywords(self, names: Iterable[str] | None = None) -> dict[str, Any]:
        """The options as keyword arguments (all, or those named)."""
        wanted = [f.name for f in dataclasses.fields(self)] if names is None else list(names)
        return {n: getattr(self, n) for n in wanted}


def _names(value: Any) -> tuple[str, ...]:
    """A relationship-type list as a tuple (one name alone is a list of one)."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)
