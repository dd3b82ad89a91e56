"""Writing the report folder: analysis, tables, figures, both renderings, moved into place when complete."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.analysis.options import AnalysisOptions
from graphkit.defaults import DEFAULT_SEED
from graphkit.errors import OutputError
from graphkit.export.report.build import build_report
from graphkit.export.report.context import Context, check_focus
from graphkit.export.report.document import REPORT_MARKER
from graphkit.export.report.figures import draw_figures, interactive_graph
from graphkit.export.report.markdown import render_report_markdown
from graphkit.export.report.page import render_report_html
from graphkit.files import atomic_path, check_output_folder, display_path, folder_entries, write_frame_csv
from graphkit.progress import Progress

__all__ = ["write_report", "check_report_path", "write_report_tables"]

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
    options: AnalysisOptions | dict[str, Any] | None = None,
    since: Any = None,
    scenarios: Any = None,
    compare: tuple[str, str] | None = None,
    pdf: bool = False,
) -> Path:
    """Analyse ``G`` and write the report folder: ``index.html``, ``report.md``, ``figures/``, CSV tables.

    The folder is built beside ``path`` and moved into place only when complete. An
    existing ``path`` is replaced only when it is an empty folder or a graphkit report
    holding nothing but what graphkit wrote there (its ``.graphkit-report`` lists the
    files); a folder holding anything else (notes, a dataset), a file, a device or a
    symbolic link raises :class:`OutputError` and is left untouched. A full disk raises
    :class:`OutputError` and leaves nothing behind.

    Parameters
    ----------
    focus : an actor or alliance id; the report then leads with its partners (or members),
        its gaps and its recommended partners.
    top : how many actors each ranking shows.
    seed : seed of every randomised step (community detection, sampling, layout).
    analysis : a precomputed :func:`graphkit.analysis.analyze` result (computed when None).
    options : the :class:`~graphkit.analysis.options.AnalysisOptions` (or a dict of single
        options: ``types``, ``weight``, ``method``, ``threshold``, ``partners`` ...) used when
        ``analysis`` is None; they are recorded in ``summary.json`` under ``"parameters"``. Partner recommendations use the
        analysis's ``threshold`` and ``partners``. The report shows the network of the
        analysis's date (``options["as_of"]``, default today; ``summary["as_of"]``): ``G``
        holds every relationship and is cut to that date here.
    since : a date; adds the "What changed" section comparing the network as of ``since``
        with the one shown, and writes ``changes.csv``, ``gap_changes.csv`` and
        ``rank_changes.csv`` (see :func:`graphkit.analysis.changes.what_changed`).
    scenarios : what :func:`graphkit.analysis.whatif.whatif` takes (a scenario file, changes ...);
        adds the "What if" section and writes ``whatif.csv`` and ``whatif.json``.
    compare : two actor ids; adds the section comparing them side by side
        (:func:`graphkit.analysis.compare.compare`).
    pdf : also print ``report.pdf`` (headless Chromium, :mod:`graphkit.export.report.pdf`)
        inside the new folder before it replaces the old one: a browser that fails, prints
        nothing or is killed leaves the old report exactly as it was.

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
    # a dataset or title from a folder name that is not UTF-8: written as its bytes (\xff)
    dataset = display_path(dataset) if dataset is not None else None
    title = display_path(title) if title is not None else None
    check_report_path(path)
    if top < 1:
        raise OutputError(f"--top must be at least 1 (got {top})")
    if focus is not None:
        check_focus(G, focus)
    if analysis is None:
        from graphkit.analysis import analyze

        with progress.step("analysing the network"):
            chosen = options if isinstance(options, AnalysisOptions) else {"seed": seed, **(options or {})}
            analysis = analyze(G, AnalysisOptions.of(chosen), progress=progress)
    whole, G = G, _dated(G, analysis)
    changes = None
    if since is not None:
        from graphkit.analysis.changes import what_changed

        with progress.step("comparing with the network as of the --since date"):
            changes = what_changed(
                whole,
                since,
                analysis.summary.get("as_of"),
                now=analysis,
                top=top,
                options=_options_of(analysis),
            )
    whatif_result = comparison = None
    if scenarios is not None:
        from graphkit.analysis.whatif import whatif

        with progress.step("what-if scenarios"):
            whatif_result = whatif(
                whole,
                scenarios,
                **{**_options_of(analysis).keywords(), "as_of": analysis.summary.get("as_of")},
            )
    if compare is not None:
        from graphkit.analysis.compare import compare as compare_actors

        parameters = (analysis.summary or {}).get("parameters", {})
        pooling = {k: parameters[k] for k in ("threshold", "partners") if k in parameters}
        comparison = compare_actors(G, compare[0], compare[1], **pooling)
    ctx = Context(G, analysis, top)
    with progress.step("recommending partners"):
        recommendations = _recommendations(G, ctx, focus, progress)
    with atomic_path(path, folder=True, owned=_report_owned(path), what="report") as tmp:
        _readable_by_umask(tmp)
        with progress.step("writing tables"):
            write_report_tables(
                analysis,
                tmp,
                recommendations=recommendations,
                extra={
                    "dataset": dataset,
                    "focus": focus,
                    "top": top,
                    "seed": seed,
                    "as_of": analysis.summary.get("as_of"),
                    "since": changes.since if changes else None,
                },
            )
            if changes is not None:
                _write_change_tables(changes, tmp)
            if whatif_result is not None:
                from graphkit.export.whatif_tables import write_whatif

                write_whatif(whatif_result, tmp)
        with progress.step("drawing figures"):
            figures = draw_figures(ctx, tmp / "figures", focus, seed)
        with progress.step("drawing the interactive graph"):
            graph_html = interactive_graph(G, ctx, focus, seed)
        with progress.step("placing states by their positions"):
            aligned = _alignment_part(G, tmp, top)
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
                changes=changes,
                whatif=whatif_result,
                comparison=comparison,
                alignment=aligned,
            )
            (tmp / "index.html").write_text(render_report_html(report), encoding="utf-8")
            (tmp / "report.md").write_text(render_report_markdown(report), encoding="utf-8")
        if pdf:
            from graphkit.export.report.pdf import write_pdf

            with progress.step("printing report.pdf"):
                write_pdf(tmp / "index.html", tmp / "report.pdf", shown=path / "report.pdf")
        (tmp / REPORT_MARKER).write_text(
            json.dumps(
                {
                    "graphkit_report": 1,
                    "generated": report.generated,
                    "dataset": dataset,
                    "focus": focus,
                    # what graphkit wrote: the only entries a later report may replace
                    "files": [*folder_entries(tmp), REPORT_MARKER],
                }
            )
            + "\n",
            encoding="utf-8",
        )
    progress.say(f"report written to {path}/index.html" + (f" and {path}/report.pdf" if pdf else ""))
    return path


def _alignment_part(G: nx.MultiDiGraph, folder: Path, top: int) -> Any:
    """The alignment section (None without positions); writes alignment.csv, positions.csv ... and its figure."""
    from graphkit.export.alignment_tables import write_alignment
    from graphkit.export.report.alignment_section import alignment_figure, alignment_section, report_alignment

    found = report_alignment(G)
    if found is None:
        return None
    al, capability = found
    write_alignment(al, folder)
    return alignment_section(G, al, alignment_figure(al, capability, folder / "figures"), top=top)


def _dated(G: nx.MultiDiGraph, analysis: Any) -> nx.MultiDiGraph:
    """``G`` cut to the day the analysis shows (unchanged when it shows every relationship)."""
    from graphkit.graph import as_of

    day = (getattr(analysis, "summary", None) or {}).get("as_of")
    return G if not day or day == "all" else as_of(G, day)


def _options_of(analysis: Any) -> AnalysisOptions:
    """The options an analysis was computed with (GDS: run locally)."""
    return AnalysisOptions.from_dict((getattr(analysis, "summary", None) or {}).get("parameters") or {})


def _write_change_tables(changes: Any, folder: Path) -> None:
    for name, df in changes.tables().items():
        write_frame_csv(df, folder / f"{name}.csv", cell=_csv_value)


def _readable_by_umask(folder: Path) -> None:
    """Give the temporary folder (created 0700) the permissions a plain mkdir would have."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)


def check_report_path(path: Path) -> None:
    """Raise :class:`OutputError` unless ``path`` is free, an empty folder or a graphkit report
    that holds nothing but what graphkit wrote there.

    A report folder's ``.graphkit-report`` marker lists the files graphkit wrote; a file
    added to the folder since (notes, a dataset written inside it) makes the folder
    foreign, and it is never replaced. A path that is a symbolic link is refused.
    """
    check_output_folder(Path(path), _report_owned(Path(path)), what="report")


# The files of a report written before the marker listed them (graphkit 0.x): its fixed layout.
_OLD_REPORT_FILES = re.compile(
    r"(index\.html|report\.md|summary\.json|figures|figures/[^/]+\.(png|svg)|[^/]+\.csv)"
)


def _report_owned(path: Path) -> Callable[[str], bool]:
    """Which entries of the report folder at ``path`` graphkit wrote (none without a marker)."""
    try:
        info = json.loads((path / REPORT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return lambda rel: False
    files = info.get("files") if isinstance(info, dict) else None
    if isinstance(files, list):
        # report.pdf: printed beside the marker by graphkit before the PDF went into the swap
        listed = {f for f in files if isinstance(f, str)} | {REPORT_MARKER, "report.pdf"}
        return lambda rel: rel in listed
    return lambda rel: rel == REPORT_MARKER or bool(_OLD_REPORT_FILES.fullmatch(rel))


def write_report_tables(
    analysis: Any,
    folder: str | os.PathLike[str],
    *,
    recommendations: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Path]:
    """Write every DataFrame of ``analysis`` as ``NAME.csv`` plus ``summary.json``.

    Text cells that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@`` ..., also after
    a line break inside the cell) are neutralised with a leading ``'``; cells holding a line
    break (CR, LF, U+2028 ...) are quoted; numbers stay numbers (one writer for every CSV:
    :func:`graphkit.files.write_csv`).
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
        write_frame_csv(df, p, cell=_csv_value)
        written.append(p)
    info = dict(getattr(analysis, "summary", None) or {})
    info["report"] = extra or {}
    p = folder / "summary.json"
    text = json.dumps(_displayable(info), indent=2, default=str, ensure_ascii=False)
    p.write_text(text + "\n", encoding="utf-8")
    written.append(p)
    return written


def _displayable(value: Any) -> Any:
    """``value`` with every text that holds an undecodable byte (a path from a folder name
    that is not UTF-8) written as ``\\xNN`` (:func:`graphkit.terminal.display_path`)."""
    if isinstance(value, str):
        return display_path(value)
    if isinstance(value, dict):
        return {_displayable(k): _displayable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_displayable(v) for v in value]
    return value


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


def _csv_value(v: Any) -> Any:
    """A cell as the CSV writer takes it: list cells become ``;``-text (the writer neutralises)."""
    import numpy as np

    if isinstance(v, list | tuple | set | frozenset | np.ndarray):
        return ";".join(str(x) for x in v)
    return v


def _recommendations(
    G: nx.MultiDiGraph, ctx: Context, focus: str | None, progress: Progress
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
        want = min(ctx.top, 3)  # the report stays short; recommend gives any actor its own
        # recommendations go to states; an organisation gets members to recruit only when asked (--focus)
        ranked = [a for a in totals["actor_id"] if G.nodes[a].get("kind") == "state"]
        regions: dict[Any, str] = {}
        for a in ranked:
            regions.setdefault(G.nodes[a].get("region") or f"(none: {a})", a)
        picked = set(list(regions.values())[:want])
        picked |= set([a for a in ranked if a not in picked][: want - len(picked)])
        targets = [a for a in ranked if a in picked]
    parameters = ctx.info.get("parameters", {}) if isinstance(ctx.info, dict) else {}
    chosen = AnalysisOptions.from_dict(parameters)
    pooling: dict[str, Any] = {
        "threshold": chosen.threshold,
        "partners": chosen.partners,
        "dormant_after": chosen.dormant_after,
    }
    from graphkit.analysis.likeminded import camp_sponsors, opposite_camp_states

    sponsors = camp_sponsors(G) if targets else {}  # the camps once, for every recipient
    out = {}
    for i, a in enumerate(targets):
        # like-minded as well as capable: never a state of the opposite camp on the rules of cyberspace
        opposite = opposite_camp_states(G, a, sponsors=sponsors)
        out[a] = recommend_partners(G, a, k=ctx.top, exclude=opposite, **pooling)
        progress.count("recommending partners", i + 1, len(targets), unit="actors")
    return out
