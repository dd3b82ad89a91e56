"""Writing the report folder: analysis, tables, figures, both renderings, moved into place when complete."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.defaults import DEFAULT_SEED
from graphkit.errors import OutputError
from graphkit.export.report.build import build_report
from graphkit.export.report.context import _check_focus, _Context
from graphkit.export.report.document import REPORT_MARKER
from graphkit.export.report.figures import _figures, _interactive_graph
from graphkit.export.report.markdown import render_report_markdown
from graphkit.export.report.page import render_report_html
from graphkit.export.tables import atomic_path, neutralise_formula
from graphkit.progress import Progress

# ---- writing ------------------------------------------------------------------------------


def write_report(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    focus: str | None = None,
    top: int = 10,
    title: str | None = None,
    seed: int = DEFAULT_SEED,
    dataset: str | None = None,
    progress: Progress | None = None,
    analysis: Any = None,
    options: dict[str, Any] | None = None,
) -> Path:
    """Analyse ``G`` and write the report folder: ``index.html``, ``report.md``, ``figures/``, CSV tables.

    The folder is built beside ``path`` and moved into place only when complete. An
    existing ``path`` is replaced only when it is an empty folder or a graphkit report
    (it holds ``.graphkit-report``); anything else raises :class:`OutputError`.

    Parameters
    ----------
    focus : an actor or alliance id; the report then leads with its partners (or members),
        its gaps and its recommended partners.
    top : how many actors each ranking shows.
    seed : seed of every randomised step (community detection, sampling, layout).
    analysis : a precomputed :func:`graphkit.analysis.analyze` result (computed when None).
    options : keyword arguments of :func:`graphkit.analysis.analyze` (``types``, ``weight``,
        ``method``, ``threshold``, ``partners`` ...) used when ``analysis`` is None; they are
        recorded in ``summary.json`` under ``"parameters"``. Partner recommendations use the
        analysis's ``threshold`` and ``partners``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graphkit.export.report import write_report
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> _ = write_report(gk.load(gk.SAMPLE), out)
    >>> sorted(p.name for p in out.iterdir() if p.suffix in (".html", ".md"))
    ['index.html', 'report.md']
    """
    path = Path(path)
    progress = progress or Progress(quiet=True)
    check_report_path(path)
    if top < 1:
        raise OutputError(f"--top must be at least 1 (got {top})")
    if focus is not None:
        _check_focus(G, focus)
    if analysis is None:
        from graphkit.analysis import analyze

        with progress.step("analysing the network"):
            analysis = analyze(G, **{"seed": seed, **(options or {})}, progress=progress)
    ctx = _Context(G, analysis, top)
    with progress.step("recommending partners"):
        recommendations = _recommendations(G, ctx, focus, progress)
    with atomic_path(path, folder=True) as tmp:
        _readable_by_umask(tmp)
        with progress.step("writing tables"):
            write_report_tables(
                analysis,
                tmp,
                recommendations=recommendations,
                extra={"dataset": dataset, "focus": focus, "top": top, "seed": seed},
            )
        with progress.step("drawing figures"):
            figures = _figures(ctx, tmp / "figures", focus, seed)
        with progress.step("drawing the interactive graph"):
            graph_html = _interactive_graph(G, ctx, focus, seed)
        with progress.step("writing index.html and report.md"):
            report = build_report(
                G,
                analysis,
                focus=focus,
                top=top,
                title=title,
                dataset=dataset,
                seed=seed,
                recommendations=recommendations,
                graph_html=graph_html,
                figures=figures,
            )
            (tmp / "index.html").write_text(render_report_html(report), encoding="utf-8")
            (tmp / "report.md").write_text(render_report_markdown(report), encoding="utf-8")
            (tmp / REPORT_MARKER).write_text(
                json.dumps(
                    {
                        "graphkit_report": 1,
                        "generated": report.generated,
                        "dataset": dataset,
                        "focus": focus,
                    }
                )
                + "\n",
                encoding="utf-8",
            )
    progress.say(f"report written to {path}/index.html")
    return path


def _readable_by_umask(folder: Path) -> None:
    """Give the temporary folder (created 0700) the permissions a plain mkdir would have."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)


def check_report_path(path: Path) -> None:
    """Raise :class:`OutputError` unless ``path`` is free, an empty folder or a graphkit report."""
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir() or path.is_symlink():
        raise OutputError(f"{path}: exists and is not a report folder; choose another output path")
    if any(path.iterdir()) and not (path / REPORT_MARKER).is_file():
        raise OutputError(
            f"{path}: folder is not empty and is not a graphkit report (no {REPORT_MARKER} file); "
            "it is left untouched — choose another output path or remove it yourself"
        )


def write_report_tables(
    analysis: Any,
    folder: str | os.PathLike[str],
    *,
    recommendations: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Path]:
    """Write every DataFrame of ``analysis`` as ``NAME.csv`` plus ``summary.json``.

    Text cells that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@`` ...) are
    neutralised with a leading ``'``; numbers stay numbers.
    """
    import pandas as pd

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    frames = {k: v for k, v in _frames(analysis).items()}
    recs = [df.assign(for_actor=a) for a, df in (recommendations or {}).items() if df is not None and len(df)]
    if recommendations is not None:
        frames["partner_recommendations"] = (
            pd.concat(recs, ignore_index=True) if recs else pd.DataFrame(columns=["for_actor"])
        )
    for name, df in frames.items():
        p = folder / f"{name}.csv"
        _neutralised(df).to_csv(p, index=False, lineterminator="\n")
        written.append(p)
    info = dict(getattr(analysis, "summary", None) or {})
    info["report"] = extra or {}
    p = folder / "summary.json"
    p.write_text(json.dumps(info, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(p)
    return written


def _frames(analysis: Any) -> dict[str, Any]:
    import pandas as pd

    names = [k for k in dir(analysis) if not k.startswith("_")]
    out = {}
    for k in names:
        try:
            v = getattr(analysis, k)
        except Exception:  # pragma: no cover - properties that cannot be read are skipped
            continue
        if isinstance(v, pd.DataFrame):
            out[k] = v
    return out


def _neutralised(df: Any) -> Any:
    """A copy of ``df`` whose text cells (and text inside list cells) cannot run as spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype.kind in "biufcmM":
            continue
        out[col] = s.map(_neutral_value)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def _neutral_value(v: Any) -> Any:
    import numpy as np

    if isinstance(v, str):
        return neutralise_formula(v)
    if isinstance(v, list | tuple | set | frozenset | np.ndarray):
        return neutralise_formula(";".join(str(x) for x in v))
    return v


def _recommendations(
    G: nx.MultiDiGraph, ctx: _Context, focus: str | None, progress: Progress
) -> dict[str, Any]:
    """Partner recommendations for the focus, or the actors with the largest gaps left."""
    from graphkit.analysis import recommend_partners

    if focus:
        targets = [focus]
    else:
        # the actors with the largest remaining gap a partner could be recommended for, the
        # largest of each region first (neighbours with the same ties get the same advice)
        totals = ctx.gap_totals()
        totals = totals[totals["open_known"] > 0].sort_values(
            ["open_known", "actor_id"], ascending=[False, True]
        )
        want = min(ctx.top, 5)
        ranked = list(totals["actor_id"])
        regions: dict[Any, str] = {}
        for a in ranked:
            regions.setdefault(G.nodes[a].get("region") or f"(none: {a})", a)
        picked = set(list(regions.values())[:want])
        picked |= set([a for a in ranked if a not in picked][: want - len(picked)])
        targets = [a for a in ranked if a in picked]
    parameters = ctx.info.get("parameters", {}) if isinstance(ctx.info, dict) else {}
    pooling = {k: parameters[k] for k in ("threshold", "partners") if k in parameters}
    out = {}
    for i, a in enumerate(targets):
        out[a] = recommend_partners(G, a, k=ctx.top, **pooling)
        progress.count("recommending partners", i + 1, len(targets), unit="actors")
    return out
