"""pyvis for those who already use it: graphkit's drawing as a ``pyvis.network.Network``.

:func:`to_pyvis` builds the network from the same :class:`~graphkit.export.drawing.Drawing`
that the HTML page draws (positions, colours, shapes, sizes, labels, legend groups), so
a pyvis user can go on customising it with pyvis's own API. :func:`write_pyvis` writes
it as one offline file: pyvis's page, rendered with autoescaping, with its CDN tags
replaced by graphkit's inlined vis-network (and pyvis's bundled tom-select when a menu
asks for it) and Bootstrap dropped; no pyvis mode is offline as shipped (pyvis 0.3.2).

Titles stay text. vis-network shows a string title as text, but pyvis's own page switches
to a popup that sets ``innerHTML`` as soon as one title contains ``href``: :func:`to_pyvis`
then escapes every node title, and :func:`write_pyvis` always uses that popup with every
node title escaped, so no markup from the data is ever parsed.
"""

from __future__ import annotations

import html as _html
import json
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.errors import OutputError
from graphkit.export.drawing import Drawing, DrawingOptions, prepare_drawing
from graphkit.export.tables import atomic_path
from graphkit.extras import require

__all__ = ["to_pyvis", "write_pyvis"]

_ESCAPED = "_graphkit_titles_escaped"
_UNDIRECTED = {"COOPERATES_WITH"}


def _pyvis() -> Any:
    require("pyvis", "pyvis")
    from pyvis.network import Network

    return Network


def to_pyvis(
    G: nx.MultiDiGraph,
    view: DrawingOptions | None = None,
    /,
    *,
    height: str = "750px",
    width: str = "100%",
    drawing: Drawing | None = None,
    **keywords: Any,
) -> Any:
    """A ``pyvis.network.Network`` drawing ``G`` as graphkit draws it.

    Drawing options as in :func:`graphkit.write_html` (a
    :class:`~graphkit.export.drawing_model.DrawingOptions` or its fields; ``drawing=`` takes a ready
    :class:`~graphkit.export.drawing.Drawing` instead). Every node carries graphkit's
    ``color``, ``shape``, ``size``, position (``x``, ``y``), a text ``title`` and a
    ``group`` (its kind, or its cluster with ``color_by="cluster"``); every edge its
    relationship type as ``title``, colour, width, dashes and arrow. The legend is on
    ``net.graphkit_legend`` (group, name, colour, shape, count), which :func:`write_pyvis`
    draws. Above 300 nodes, physics is off and the Python layout is kept.

    Examples
    --------
    >>> net = gk.to_pyvis(gk.load(gk.SAMPLE), size_by="degree")
    >>> len(net.nodes), len(net.edges)
    (14, 18)
    >>> max(net.nodes, key=lambda n: n["size"])["id"]
    'NATO'
    """
    Network = _pyvis()
    if drawing is None:
        drawing = prepare_drawing(G, DrawingOptions.of(view, **keywords))
    net = Network(height=height, width=width, directed=False, heading="", cdn_resources="remote")
    titles = [_node_title(n, drawing.size_by) for n in drawing.nodes]
    escape = any("href" in t for t in titles)
    by_cluster = drawing.color_by == "cluster"
    # Drawn largest last, so the biggest node (the focus of an ego graph) is on top.
    order = sorted(range(len(drawing.nodes)), key=lambda i: drawing.nodes[i].size)
    for i in order:
        n = drawing.nodes[i]
        net.add_node(
            n.id,
            label=n.name,
            title=_escape(titles[i]) if escape else titles[i],
            color=n.color,
            shape=n.shape,
            size=n.size,
            x=n.x,
            y=n.y,
            group=(n.cluster or "no cluster") if by_cluster else n.kind,
        )
        node = net.nodes[-1]
        node["color"] = n.color  # pyvis drops ``color`` when a group is given
        if not n.show_label:
            node["label"] = ""
        if drawing.extra.get("label_font"):
            node["font"] = {"size": drawing.extra["label_font"]}
    if escape:
        setattr(net, _ESCAPED, True)
    styles = {t.value: t for t in drawing.types}
    for e in drawing.edges:
        st = styles.get(e.type)
        net.add_edge(
            e.source,
            e.target,
            title=_edge_title(e, drawing),
            color=st.color if st else "#888888",
            width=e.width,
            dashes=bool(st.dashes) if st else False,
            arrows="" if e.type in _UNDIRECTED else "to",
            type=e.type,
        )
    if not drawing.physics:
        net.toggle_physics(False)
    legend = drawing.clusters if by_cluster else drawing.kinds
    net.graphkit_legend = [
        {
            "group": x.value or "no cluster",
            "name": x.name,
            "color": x.color,
            "shape": x.shape,
            "count": x.count,
        }
        for x in legend
    ] + [
        {"group": t.value, "name": t.name, "color": t.color, "shape": "line", "count": t.count}
        for t in drawing.types
    ]
    net.graphkit_title = drawing.title
    net.graphkit_caption = drawing.caption
    return net


def _node_title(n: Any, size_by: str) -> str:
    head = n.label + (f" · {n.kind.replace('_', ' ')}" if n.label == "Actor" else "")
    if n.cluster:
        head += f" · {n.cluster}"
    rows = [f"id: {n.id}"] + [f"{k}: {v}" for k, v in n.props if k != "name"]
    rows.append(f"{size_by}: {n.score:.4g}")
    return "\n".join([n.name, head, *rows])


def _edge_title(e: Any, drawing: Drawing) -> str:
    names = {n.id: n.name for n in drawing.nodes}
    rows = [f"{k}: {v}" for k, v in e.props if k != "type"]
    return "\n".join([e.type, f"{names.get(e.source, e.source)} → {names.get(e.target, e.target)}", *rows])


def _escape(text: str) -> str:
    return _html.escape(str(text), quote=True).replace("\n", "<br>")


_SCRIPT = re.compile(r"<script\b[^>]*?\bsrc\s*=\s*\"([^\"]*)\"[^>]*>\s*</script>", re.I | re.S)
_LINK = re.compile(r"<link\b[^>]*?\bhref\s*=\s*\"([^\"]*)\"[^>]*?/?>", re.I | re.S)

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'"
)


def write_pyvis(net: Any, path: str | os.PathLike[str], *, legend: bool = True) -> Path:
    """Write a pyvis ``Network`` as one offline HTML file and return its path.

    The page is pyvis's own template (``net.path`` in ``net.template_dir``, so a custom
    template is honoured) rendered with autoescaping, its vis-network replaced by
    graphkit's inlined copy, its tom-select (select/filter menus) inlined from pyvis's
    package, Bootstrap dropped, and a Content-Security-Policy that lets it load nothing.
    Node titles are shown as text (escaped, in pyvis's popup). With ``legend`` and a
    network from :func:`to_pyvis`, graphkit's legend is drawn in a corner.

    Raises
    ------
    OutputError
        If ``path`` is a folder or cannot be written, or the template loads something
        that has no offline copy (the URL is named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "net.html"
    >>> page = gk.write_pyvis(gk.to_pyvis(gk.load(gk.SAMPLE)), out).read_text()
    >>> "<script src" in page, "<link" in page
    (False, False)
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name ending in .html")
    text = render_pyvis(net, legend=legend)
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    return path


def render_pyvis(net: Any, *, legend: bool = True) -> str:
    """The document :func:`write_pyvis` writes."""
    import jinja2

    from graphkit.export.html import script_json, vis_network_js

    nodes, edges, heading, height, width, options = net.get_network_data()
    already = getattr(net, _ESCAPED, False)
    safe_nodes = []
    for n in nodes:
        n = dict(n)
        if "title" in n and n["title"] is not None:
            t = str(n["title"])
            n["title"] = _escape(_html.unescape(t) if already else t)
        safe_nodes.append(n)
    if isinstance(net.options, dict):
        physics = net.options.get("physics", {}).get("enabled", True)
    else:
        physics = net.options.physics.enabled
    opts = options if isinstance(options, str) else json.dumps(options)
    opts = script_json(json.loads(opts))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(net.template_dir), autoescape=True)
    page = env.get_template(net.path).render(
        height=height, width=width, nodes=safe_nodes, edges=edges, heading=heading, options=opts,
        physics_enabled=physics, use_DOT=net.use_DOT, dot_lang=net.dot_lang, widget=net.widget,
        bgcolor=net.bgcolor, conf=net.conf, tooltip_link=True,
        neighborhood_highlight=net.neighborhood_highlight, select_menu=net.select_menu,
        filter_menu=net.filter_menu, notebook=False, cdn_resources="remote",
    )  # fmt: skip
    lib = Path(net.template_dir) / "lib"

    def script(m: re.Match[str]) -> str:
        url = m.group(1)
        if "vis-network" in url:
            return "<script>" + vis_network_js().replace("</script", "<\\/script") + "</script>"
        if "tom-select" in url:
            return "<script>" + _read(lib / "tom-select" / "tom-select.complete.min.js") + "</script>"
        if "bootstrap" in url:
            return ""
        if url.endswith("utils.js"):
            return "<script>" + _read(lib / "bindings" / "utils.js") + "</script>"
        raise OutputError(
            f"pyvis template loads {url}, which has no offline copy; remove it from the template"
        )

    def link(m: re.Match[str]) -> str:
        url = m.group(1)
        if "vis-network" in url or "bootstrap" in url:
            return ""  # vis-network injects its own styles; Bootstrap is dropped
        if "tom-select" in url:
            return "<style>" + _read(lib / "tom-select" / "tom-select.css") + "</style>"
        raise OutputError(
            f"pyvis template loads {url}, which has no offline copy; remove it from the template"
        )

    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    page = _SCRIPT.sub(script, page)
    page = _LINK.sub(link, page)
    head = f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
    page = page.replace("<head>", "<head>\n" + head, 1)
    if legend and getattr(net, "graphkit_legend", None):
        page = page.replace("</body>", _legend_html(net) + "\n</body>", 1)
    if not page.lstrip().lower().startswith("<!doctype"):
        page = "<!DOCTYPE html>\n" + page
    return page


def _read(p: Path) -> str:
    return p.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _legend_html(net: Any) -> str:
    e = _html.escape
    rows = []
    for x in net.graphkit_legend:
        if x["shape"] == "line":
            mark = (
                f'<span style="display:inline-block;width:16px;border-top:3px solid {e(x["color"])}"></span>'
            )
        else:
            radius = "50%" if x["shape"] == "dot" else "0"
            mark = (
                f'<span style="display:inline-block;width:11px;height:11px;border-radius:{radius};'
                f'background:{e(x["color"])};border:1px solid rgba(0,0,0,.4)"></span>'
            )
        rows.append(
            f'<div>{mark} {e(str(x["name"]))} <span style="color:#777">{int(x["count"]):,}</span></div>'
        )
    title = e(str(getattr(net, "graphkit_title", "") or ""))
    return (
        '<div id="graphkit-legend" style="position:absolute;top:8px;right:8px;z-index:10;background:rgba(255,255,255,.92);'
        "border:1px solid #ccc;border-radius:4px;padding:6px 9px;font:12px system-ui,sans-serif;max-height:90vh;"
        f'overflow:auto"><div style="font-weight:600">{title}</div>{"".join(rows)}</div>'
    )
