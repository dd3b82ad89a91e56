"""Graphs in a Jupyter notebook that stays small: the viewer's library is sent to the page once.

:func:`show` (``gk.show``) puts vis-network and graphkit's viewer into the notebook page
with the first drawing of a kernel session, behind a guard (``window.graphkitLibrary``) so
that running the cell again does not load it twice; every later drawing is a ``<div>``, its
data and one call that waits for the library: a few kilobytes, not 750 KB. Ids are random,
so drawings from an earlier kernel session on the same page never collide.

If the page lost the library (a reloaded notebook whose first drawing was not run again),
a drawing says so and ``gk.show(G, library=True)`` sends it again. ``isolated=True`` is
the sandboxed ``<iframe srcdoc>`` of :func:`graphkit.export.html.show` (the whole page in
every output, scripts sandboxed); ``inline=False`` writes the page beside the notebook.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING, Any

from graphkit.errors import OutputError
from graphkit.export import html as _page
from graphkit.export.drawing import prepare_drawing

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["show", "library_html", "DRAWING_OPTIONS"]

DRAWING_OPTIONS = frozenset(
    {
        "color_by", "size_by", "analysis", "clusters", "scores", "options", "seed", "focus", "depth",
        "layers", "types", "title", "caption", "physics", "isolates", "aggregate", "present",
    }
)  # fmt: skip
"""The options :func:`show` takes (those of :func:`graphkit.write_html`)."""

_sent = {"library": False}  # whether this kernel session sent the library to the page


def library_html() -> str:
    """vis-network, graphkit's viewer and its style, loaded once per page.

    vis-network is run with ``define``, ``module`` and ``exports`` hidden, so that it
    becomes ``window.vis`` even where the page has RequireJS (the classic notebook).
    """
    return (
        f"<style>{_page_css()}</style>\n"
        "<script>if (!window.graphkitLibrary) { window.graphkitLibrary = true;\n"
        "(function (define, module, exports) {\n"
        f"{_page.vis_network_script_source()}\n"
        "}).call(window);\n"
        f"{_page.viewer_script_source()}\n"
        "}</script>"
    )


def show(
    G: nx.MultiDiGraph,
    *,
    height: int = 640,
    inline: bool = True,
    path: str | os.PathLike[str] | None = None,
    isolated: bool = False,
    library: bool | None = None,
    **options: Any,
) -> Any:
    """The graph in a Jupyter notebook (needs IPython); ``height`` in pixels.

    Options as in :func:`graphkit.write_html`. The first call of a kernel session also
    sends the viewer's library to the page (``library=True`` sends it again, ``False``
    never); later calls add only their drawing. ``isolated`` and ``inline=False``: see the
    module.

    Examples
    --------
    >>> first = gk.show(gk.load(gk.SAMPLE), library=True).data
    >>> second = gk.show(gk.load(gk.SAMPLE), focus="NATO").data
    >>> len(first) > 500_000, len(second) < 50_000, "graphkitDraw" in second
    (True, True, True)
    """
    if isolated or not inline:
        return _page.show(G, height=height, inline=inline, path=path, **options)
    if path is not None:
        raise TypeError("show(): path= is for inline=False")
    try:
        from IPython.display import HTML
    except ImportError:  # pragma: no cover - IPython comes with the notebook extra
        raise OutputError("show() needs IPython: pip install 'graphkit[notebook]'") from None
    unknown = set(options) - DRAWING_OPTIONS
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
    present = bool(options.pop("present", False))
    drawing = prepare_drawing(G, **options)
    root = f"graphkit-{uuid.uuid4().hex[:12]}"
    data = _page.script_json(_page.drawing_data(drawing, present=present))
    parts = []
    send = (not _sent["library"]) if library is None else bool(library)
    if send:
        parts.append(library_html())
        _sent["library"] = True
    parts.append(
        f'<div id="{root}" class="gk-root" style="height:{int(height)}px"></div>\n'
        f'<script type="application/json" id="{root}-data">{data}</script>\n'
        f"<script>{_waiting_draw(root)}</script>"
    )
    return HTML('<div class="graphkit-show">' + "\n".join(parts) + "</div>")


def _page_css() -> str:
    return _page.viewer_css()


def _waiting_draw(root: str) -> str:
    """Draw once the library is on the page; after 10 s, say how to send it again."""
    return (
        "(function (tries) { var go = function () {"
        f' if (window.graphkitDraw && window.vis) {{ window.graphkitDraw("{root}"); return; }}'
        " if (--tries > 0) { setTimeout(go, 50); return; }"
        f' var el = document.getElementById("{root}");'
        " if (el) { el.textContent = 'graphkit: the viewer library is not on this page; "
        "run gk.show(G, library=True)'; } }; go(); })(200);"
    )
