"""Interactive HTML: graphkit's page against plain pyvis defaults, in one run, in headless Chromium.

For each size (actors; ~5 relationships each, from :func:`benchmarks.synthetic.synthetic_graph`)
both pages are generated from the same actor graph and opened from ``file://``:

- graphkit: ``write_html(G, path)`` (positions from Python, no physics above 300 nodes);
  *first full draw* = the first ``afterDrawing`` with every node and relationship drawn
  (performance.now(), i.e. ms since navigation started).
- pyvis 0.3.2 defaults: ``Network()``, ``add_node``/``add_edge`` per item, ``write_html``
  (``directed=True`` only, so pyvis skips its quadratic duplicate-edge scan). Its page
  loads vis-network 9.1.2 from a CDN; the benchmark answers those requests with the copy
  pyvis ships, so the page can draw offline. Physics stays on as pyvis sets it, and the
  page shows its graph once stabilisation ends: *first full draw* = the
  ``stabilizationIterationsDone`` event, waited for at most ``--cap`` seconds ("did not
  stabilise" beyond).

Run: ``python -m benchmarks.bench_html [--sizes 500 2000 5000] [--cap 60]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


def actor_graph(n: int, seed: int = 1):
    import graphkit as gk
    from benchmarks.synthetic import synthetic_graph

    G = synthetic_graph(n, seed=seed, coop_edges_per_actor=4)
    return gk.select(G, labels=["Actor"], types=["MEMBER_OF", "COOPERATES_WITH"])


def generate_graphkit(G, path: Path) -> float:
    from graphkit.export.html import write_html

    t = time.perf_counter()
    write_html(G, path)
    return time.perf_counter() - t


def generate_pyvis(G, path: Path) -> float:
    from pyvis.network import Network

    t = time.perf_counter()
    net = Network(directed=True)
    for n, d in G.nodes(data=True):
        net.add_node(n, label=str(d.get("name", n)))
    for u, v, d in G.edges(data=True):
        net.add_edge(u, v, title=d.get("type"))
    # pyvis copies its lib/ folder into the current directory: keep it beside the page.
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        net.write_html(str(path))
    finally:
        os.chdir(here)
    return time.perf_counter() - t


def _serve_pyvis_cdn(route) -> None:
    import pyvis

    url = route.request.url
    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    if url.endswith("vis-network.min.js"):
        route.fulfill(path=str(lib / "vis-network.min.js"), content_type="application/javascript")
    elif url.endswith("vis-network.min.css"):
        route.fulfill(path=str(lib / "vis-network.css"), content_type="text/css")
    elif url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def draw_graphkit(browser, path: Path, cap: float) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    api = "Object.values(window.graphkitGraphs)[0]"
    page.wait_for_function(f"window.graphkitGraphs && {api} && {api}.ready", timeout=cap * 1000)
    out = page.evaluate(
        f"({{first: {api}.firstDrawMs, counts: {api}.drawnCounts(), physics: {api}.network.physics.physicsEnabled}})"
    )
    out["external"] = [u for u in requests if not u.startswith("file:")]
    page.close()
    return out


def draw_pyvis(browser, path: Path, cap: float) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", _serve_pyvis_cdn)
    page.add_init_script(
        """window.__gk = {};
        const poll = setInterval(() => {
          if (typeof network !== "undefined" && network && network.on) {
            clearInterval(poll);
            network.once("stabilizationIterationsDone", () => { window.__gk.done = performance.now(); });
            network.once("afterDrawing", () => { window.__gk.first = performance.now(); });
          }
        }, 5);"""
    )
    page.goto(path.as_uri())
    try:
        page.wait_for_function("window.__gk && window.__gk.done", timeout=cap * 1000, polling=250)
        out = {"first": page.evaluate("window.__gk.done")}
    except Exception:  # playwright TimeoutError
        out = {"first": None}
    page.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[500, 2000, 5000])
    ap.add_argument("--cap", type=float, default=60.0, help="seconds to wait for a pyvis page to stabilise")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n in args.sizes:
            G = actor_graph(n)
            m = G.number_of_edges()
            gk_path, pv_path = Path(tmp) / f"gk{n}.html", Path(tmp) / f"pv{n}.html"
            gen_gk = generate_graphkit(G, gk_path)
            gen_pv = generate_pyvis(G, pv_path)
            d_gk = draw_graphkit(browser, gk_path, args.cap)
            assert d_gk["counts"] == {"nodes": n, "edges": m}, d_gk
            assert not d_gk["external"], d_gk["external"]
            d_pv = draw_pyvis(browser, pv_path, args.cap)
            rows.append((n, m, gen_gk, gen_pv, d_gk["first"] / 1000, d_pv["first"], d_gk["physics"],
                         gk_path.stat().st_size, pv_path.stat().st_size))  # fmt: skip
            print(f"done {n:,} nodes", file=sys.stderr)
        browser.close()

    print("| nodes | relationships | generate: graphkit | generate: pyvis | ratio | first full draw: graphkit "
          "| first full draw: pyvis defaults | ratio | file: graphkit | file: pyvis |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, m, g1, g2, f1, f2, _phys, s1, s2 in rows:
        pv = f"{f2 / 1000:.1f} s" if f2 is not None else f"did not stabilise in {args.cap:.0f} s"
        ratio = f"{(f2 / 1000) / f1:.0f}x" if f2 is not None else f"> {args.cap / f1:.0f}x"
        print(f"| {n:,} | {m:,} | {g1:.2f} s | {g2:.2f} s | {g2 / g1:.2f}x | {f1:.2f} s | {pv} | {ratio} "
              f"| {s1 / 1e6:.1f} MB | {s2 / 1e6:.1f} MB |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
