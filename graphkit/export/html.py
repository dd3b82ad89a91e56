"""Interactive HTML: one self-contained file that works offline, stays fast and treats data as text.

The page inlines vis-network (vendored in ``assets/``, version
:data:`VIS_NETWORK_VERSION`) and graphkit's own viewer script; it loads nothing from
anywhere, and a Content-Security-Policy forbids it to (scripts run only when their
hash matches). Every name and property from the data reaches the page as JSON inside a
``<script type="application/json">`` block, escaped so that no text can close the block,
and the viewer puts it on screen only through ``textContent`` or the canvas: it is never
parsed as HTML.

Graphs above :data:`~graphkit.export.drawing.PHYSICS_MAX_NODES` nodes get positions from
Python and no physics in the browser, so thousands of nodes draw at once.
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import itertools
import json
import os
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.errors import OutputError
from graphkit.export.drawing import Drawing, DrawingOptions, prepare_drawing
from graphkit.export.tables import atomic_path
from graphkit.progress import Progress

__all__ = [
    "VIS_NETWORK_VERSION",
    "write_html",
    "render_html",
    "render_fragment",
    "vis_network_script",
    "vis_network_script_source",
    "viewer_script_source",
    "viewer_css",
    "drawing_data",
    "show",
    "HTMLGraph",
]

VIS_NETWORK_VERSION = "10.1.5"

_HERE = Path(__file__).resolve().parent
_ids = itertools.count(1)


def write_html(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    view: DrawingOptions | None = None,
    /,
    *,
    progress: Progress | None = None,
    present: bool = False,
    **keywords: Any,
) -> Path:
    """Write ``G`` as one self-contained interactive HTML file and return its path.

    An existing file at ``path`` is replaced whole; a symbolic link is written through (the
    file it names is replaced, the link stays); a folder, a device such as ``/dev/null`` or
    a FIFO is refused with :class:`~graphkit.errors.OutputError`, as is a full disk (nothing
    is left behind).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graph (see :mod:`graphkit.graph`).
    path : path
        The ``.html`` file to write (replaced atomically).
    view, keywords : DrawingOptions, its fields as keywords
        What to draw and how (colour, size, focus, layers, title ...): see
        :class:`~graphkit.export.drawing_model.DrawingOptions`.
    present : bool
        Presentation mode: the graph fills the page (for a 16:9 slide or an iframe in a
        deck), the panel folded into a button. Keys in every mode: F fits, / searches,
        P folds the panel, Escape clears the selection.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graphkit.export.html import write_html
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "sample.html"
    >>> write_html(gk.load(gk.SAMPLE), out).name
    'sample.html'
    >>> "<script src" in out.read_text()
    False
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name ending in .html")
    text = render_html(G, view, progress=progress, present=present, **keywords)
    with atomic_path(path) as tmp:  # a full disk: OutputError, nothing left behind
        tmp.write_text(text, encoding="utf-8")
    return path


def render_html(
    G: nx.MultiDiGraph,
    view: DrawingOptions | None = None,
    /,
    *,
    progress: Progress | None = None,
    present: bool = False,
    **keywords: Any,
) -> str:
    """The complete HTML document that :func:`write_html` writes (same options).

    Examples
    --------
    >>> page = gk.render_html(gk.load(gk.SAMPLE), color_by="cluster", seed=1)
    >>> page.startswith("<!DOCTYPE html>"), "<script src" in page
    (True, False)
    """
    drawing = prepare_drawing(G, DrawingOptions.of(view, **keywords), progress=progress)
    return _document(drawing, height="100vh", present=present)


def render_fragment(
    G: nx.MultiDiGraph,
    view: DrawingOptions | None = None,
    /,
    *,
    include_library: bool = False,
    height: str = "640px",
    progress: Progress | None = None,
    present: bool = False,
    **keywords: Any,
) -> str:
    """A ``<div>`` and its scripts to embed the graph in a page of your own.

    The page must hold :func:`vis_network_script` once (or pass
    ``include_library=True`` for the first fragment). Several fragments can share one
    page; each gets its own element ids. Data is escaped exactly as in
    :func:`render_html`. The host page's Content-Security-Policy, if any, must allow the
    inline scripts.
    """
    drawing = prepare_drawing(G, DrawingOptions.of(view, **keywords), progress=progress)
    root = f"graphkit-{next(_ids)}"
    parts = []
    if include_library:
        parts.append(vis_network_script())
    parts.append(_fragment(drawing, root, height, present))
    return "\n".join(parts)


@cache
def vis_network_js() -> str:
    return (_HERE / "assets" / "vis-network.min.js").read_text(encoding="utf-8")


@cache
def _viewer_js() -> str:
    return (_HERE / "templates" / "viewer.js").read_text(encoding="utf-8")


@cache
def _viewer_css() -> str:
    return (_HERE / "templates" / "viewer.css").read_text(encoding="utf-8")


def vis_network_script_source() -> str:
    """The vendored vis-network JavaScript (its text, for a page that loads it once)."""
    return vis_network_js()


def viewer_script_source() -> str:
    """graphkit's viewer JavaScript (defines ``window.graphkitDraw``)."""
    return _viewer_js()


def viewer_css() -> str:
    """The viewer's style sheet."""
    return _viewer_css()


def vis_network_script() -> str:
    """``<script>`` holding vis-network (inline) and graphkit's viewer: once per page."""
    return f"<script>{vis_network_js()}</script>\n<style>{_viewer_css()}</style>\n<script>{_viewer_js()}</script>"


def drawing_data(drawing: Drawing, *, present: bool = False) -> dict[str, Any]:
    """The JSON-ready description of a drawing that the viewer script reads.

    An aggregated drawing (large by definition) packs its nodes and relationships into
    tables of values (``nodesPacked``, ``edgesPacked``) that the viewer unpacks, so the
    page is a fraction of the size: relationships are drawn on the canvas there and show
    no properties, so they carry none.
    """
    data = _drawing_data(drawing, present)
    if data.get("aggregates"):
        data["nodesPacked"] = _pack_nodes(data.pop("nodes"))
        data["edgesPacked"] = _pack_edges(data.pop("edges"), data["nodesPacked"]["rows"], data["types"])
    return data


_NODE_COLUMNS = ("label", "kind", "cluster", "color", "shape")


def _pack_nodes(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    tables: dict[str, list[str]] = {c: [] for c in _NODE_COLUMNS}
    index: dict[str, dict[str, int]] = {c: {} for c in _NODE_COLUMNS}
    rows = []
    for n in nodes:
        coded = []
        for c in _NODE_COLUMNS:
            v = n[c]
            if v not in index[c]:
                index[c][v] = len(tables[c])
                tables[c].append(v)
            coded.append(index[c][v])
        props = [p for p in n["props"] if p[0] not in ("name", "kind")]
        rows.append(
            [n["id"], n["name"], *coded, n["size"], n["x"], n["y"], n["score"], int(n["showLabel"]), props]
        )
    return {"columns": ["id", "name", *_NODE_COLUMNS, "size", "x", "y", "score", "showLabel", "props"],
            **tables, "rows": rows}  # fmt: skip


def _pack_edges(
    edges: list[dict[str, Any]], rows: list[list[Any]], types: list[dict[str, Any]]
) -> dict[str, Any]:
    at = {r[0]: i for i, r in enumerate(rows)}
    names = [t["value"] for t in types]
    kind = {t: i for i, t in enumerate(names)}
    flat: list[int] = []
    for e in edges:
        flat += [at[e["from"]], at[e["to"]], kind[e["type"]], round(e["width"] * 10)]
    return {"types": names, "stride": 4, "rows": flat}


def _drawing_data(drawing: Drawing, present: bool) -> dict[str, Any]:
    return {
        "present": present,
        "title": drawing.title,
        "caption": drawing.caption,
        "colorBy": drawing.color_by,
        "sizeBy": drawing.size_by,
        "physics": drawing.physics,
        "large": drawing.large,
        "focus": drawing.focus,
        "labelled": drawing.labelled,
        "labelFont": drawing.extra.get("label_font"),
        "visNetwork": VIS_NETWORK_VERSION,
        "nodes": [
            {
                "id": n.id,
                "name": n.name,
                "label": n.label,
                "kind": n.kind,
                "cluster": n.cluster,
                "color": n.color,
                "shape": n.shape,
                "size": n.size,
                "x": n.x,
                "y": n.y,
                "score": round(n.score, 6),
                "showLabel": n.show_label,
                "props": n.props,
            }
            for n in drawing.nodes
        ],
        "edges": [
            {"from": e.source, "to": e.target, "type": e.type, "width": e.width, "props": e.props}
            for e in drawing.edges
        ],
        "filters": [
            {"field": "kind", "title": "Kinds", "entries": [vars(x) for x in drawing.kinds]},
            *(
                [{"field": "cluster", "title": "Clusters", "entries": [vars(x) for x in drawing.clusters]}]
                if drawing.clusters
                else []
            ),
        ],
        "types": [vars(x) for x in drawing.types],
        "aggregates": drawing.extra.get("aggregates"),
    }


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    >>> script_json({"name": "</script><script>alert(1)</script>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def show(
    G: nx.MultiDiGraph,
    *,
    height: int = 640,
    inline: bool = True,
    path: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Any:
    """The graph in a Jupyter notebook (needs IPython); ``height`` is in pixels.

    Options as in :func:`write_html`. No warning is raised.

    ``inline=True`` (default) puts the whole page into the output as an ``<iframe srcdoc>``
    (sandboxed scripts): it works offline and in every notebook front end, and each call adds
    the page, vis-network included (about 750 KB), to the notebook file.

    ``inline=False`` writes the page to ``path`` (default ``graphkit-<digest>.html`` in the
    current folder, which for a Jupyter kernel is the notebook's folder; the digest names
    the content, so running the cell again rewrites the same file) and shows an
    ``<iframe src>`` to it: a few hundred bytes in the notebook. The Jupyter server serves the
    file from beside the notebook (JupyterLab, Notebook); a front end that serves no files
    (an exported or emailed notebook, some editors) shows nothing, then open the file.

    Examples
    --------
    >>> shown = show(gk.load(gk.SAMPLE), focus="EST", height=400)  # gk.show(..., isolated=True)
    >>> "<iframe srcdoc" in shown.data and "height:400px" in shown.data
    True
    """
    try:
        from IPython.display import HTML, IFrame
    except ImportError:  # pragma: no cover - IPython is installed with the test extras
        raise OutputError("show() needs IPython: pip install ipython") from None
    if inline:
        if path is not None:
            raise TypeError("show(): path= is for inline=False")
        # Wrapped in a <div>: IPython warns about any HTML that is one bare <iframe> and
        # suggests IFrame, which cannot carry srcdoc.
        frame = HTMLGraph(G, height=height, **options)._repr_html_()
        return HTML(f'<div class="graphkit-show">{frame}</div>')
    text = render_html(G, **options)
    if path is None:
        path = Path.cwd() / f"graphkit-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.html"
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name ending in .html")
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    src = Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()
    return IFrame(
        urllib.parse.quote(src), width="100%", height=int(height),
        extras=['sandbox="allow-scripts"', 'title="graphkit graph"', 'style="border:0"'],
    )  # fmt: skip


class HTMLGraph:
    """A graph drawing that a notebook shows inline (``_repr_html_``) and can save.

    >>> from graphkit.export.html import HTMLGraph
    >>> g = HTMLGraph(gk.load(gk.SAMPLE), focus="NATO")
    >>> g._repr_html_().startswith("<iframe")
    True
    """

    def __init__(self, G: nx.MultiDiGraph, *, height: int = 640, **options: Any) -> None:
        self.G = G
        self.height = int(height)
        self.options = options

    def html(self) -> str:
        """The full document."""
        return render_html(self.G, **self.options)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the document to ``path``."""
        return write_html(self.G, path, **self.options)

    def _repr_html_(self) -> str:
        doc = _html.escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{doc}" style="width:100%;height:{self.height}px;border:0" '
            'sandbox="allow-scripts" title="graphkit graph"></iframe>'
        )


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _fragment(drawing: Drawing, root: str, height: str, present: bool = False) -> str:
    data = script_json(drawing_data(drawing, present=present))
    return (
        f'<div id="{root}" class="gk-root" style="height:{_html.escape(height)}"></div>\n'
        f'<script type="application/json" id="{root}-data">{data}</script>\n'
        f"<script>{_draw_call(root)}</script>"
    )


def _draw_call(root: str) -> str:
    return f'graphkitDraw("{root}");'


def _document(drawing: Drawing, height: str, present: bool = False) -> str:
    import jinja2

    root = "graphkit-graph"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    vis_js, viewer_js, draw = vis_network_js(), _viewer_js(), _draw_call(root)
    csp = (
        "default-src 'none'; "
        f"script-src '{_sha256(vis_js)}' '{_sha256(viewer_js)}' '{_sha256(draw)}'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return env.get_template("page.html.j2").render(
        title=drawing.title,
        csp=csp,
        css=_markup(_viewer_css()),
        vis_js=_markup(vis_js),
        viewer_js=_markup(viewer_js),
        draw_js=_markup(draw),
        root=root,
        height=height,
        data=_markup(script_json(drawing_data(drawing, present=present))),
        vis_version=VIS_NETWORK_VERSION,
    )


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)
