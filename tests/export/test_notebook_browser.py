"""gk.show's outputs in a real headless Chromium, laid out as a notebook page lays them out:
the library once (RequireJS present, as in the classic notebook), then drawings that only
carry their data; every drawing is drawn, with no script error."""

from __future__ import annotations

import pytest

import graphkit as gk

pytestmark = pytest.mark.browser

pytest.importorskip("IPython")

API = "window.graphkitGraphs"

# The classic notebook loads RequireJS: a global define with .amd, which a UMD bundle would
# register with instead of setting window.vis.
REQUIRE_JS_STUB = "<script>window.define = function () {}; window.define.amd = {};</script>"


def _wait(page, expression, timeout_ms=60_000):
    waited = 0
    while not page.evaluate(f"!!({expression})"):
        if waited > timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(100)
        waited += 100


def test_library_once_and_every_drawing_drawn(page_for, tmp_path):
    G = gk.load(gk.SAMPLE)
    outputs = [
        gk.show(G, library=True).data,  # the first drawing of a kernel session
        gk.show(G, focus="NATO", height=300).data,  # a later one: no library
        gk.show(G, focus="EST", library=True).data,  # a cell run again: the guard keeps one copy
    ]
    assert "graphkitLibrary" not in outputs[1]
    body = "\n".join(f'<div class="output">{o}</div>' for o in outputs)
    page = tmp_path / "notebook.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{REQUIRE_JS_STUB}{body}</body></html>',
        encoding="utf-8",
    )
    loaded = page_for(page)
    _wait(loaded.page, f"{API} && Object.keys({API}).length === 3")
    _wait(loaded.page, f"Object.values({API}).every(g => g.ready)")
    assert loaded.page_errors == [] and loaded.console_errors == []
    assert loaded.external_requests == []
    assert loaded.page.evaluate("typeof window.vis.Network") == "function"
