"""The report page's Content-Security-Policy in a real headless Chromium: scripts by hash only.

The page allows exactly its own script and the interactive graph's scripts (a ``srcdoc``
frame inherits the page's policy) by sha256, no ``'unsafe-inline'``; the page still works
(the contents bar follows the scrolling, the graph in the frame draws) without one CSP
violation, and a script that is not listed is refused.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

import pytest

import graphkit as gk
from graphkit.cli import main

pytestmark = pytest.mark.browser

_CSP = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)  # no attributes: executable inline scripts


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "r"
    assert main(["report", str(gk.SAMPLE), "-o", str(out), "-q"]) == 0
    return out / "index.html"


def _policy(text: str) -> dict[str, list[str]]:
    content = html.unescape(_CSP.search(text).group(1))
    return {d.split()[0]: d.split()[1:] for d in content.split(";") if d.strip()}


def _sha(js: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode() + "'"


def test_script_src_lists_a_hash_for_every_inline_script_and_nothing_inline(report_page):
    text = report_page.read_text(encoding="utf-8")
    script_src = _policy(text)["script-src"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert all(s.startswith("'sha256-") for s in script_src), script_src
    # the page's own script, computed here independently from the page's bytes
    own = _INLINE_SCRIPT.findall(text)
    assert len(own) == 1 and _sha(own[0]) in script_src
    # the interactive graph's scripts, read out of the iframe's srcdoc
    frame = html.unescape(re.search(r'srcdoc="([^"]*)"', text).group(1))
    graph_scripts = _INLINE_SCRIPT.findall(frame)
    assert len(graph_scripts) >= 3
    assert {_sha(js) for js in graph_scripts} <= set(script_src)
    assert len(script_src) == 1 + len(graph_scripts)


def test_the_report_works_under_its_policy_with_no_violation(report_page, page_for):
    loaded = page_for(report_page)
    page = loaded.page
    # the contents bar script ran: scrolling to a section marks its link active
    page.evaluate("document.querySelectorAll('main section[id]')[2].scrollIntoView()")
    _poll(page.main_frame, "document.querySelector('nav.toc a.active') !== null", 10)
    # the graph in the sandboxed frame drew (its scripts passed the inherited policy)
    frame = next(f for f in page.frames if f != page.main_frame)
    _poll(
        frame,
        "!!(window.graphkitGraphs && Object.values(window.graphkitGraphs)[0] && "
        "Object.values(window.graphkitGraphs)[0].ready)",
        60,
    )
    assert loaded.console_errors == [], loaded.console_errors  # a CSP violation is a console error
    assert loaded.page_errors == [] and loaded.dialogs == [] and loaded.external_requests == []


def _poll(frame, expression: str, seconds: float) -> None:
    """Wait until ``expression`` is true. (``wait_for_function`` evaluates a string with eval(),
    which the page's policy rightly refuses; ``evaluate`` runs from the debugger protocol.)"""
    for _ in range(int(seconds * 10)):
        if frame.evaluate(expression):
            return
        frame.page.wait_for_timeout(100)
    raise AssertionError(f"not true after {seconds} s: {expression}")


def test_a_script_not_listed_in_the_policy_does_not_run(report_page, page_for, tmp_path):
    """Negative control: the same page with one unlisted inline script (what an injection would add)."""
    text = report_page.read_text(encoding="utf-8")
    bad = tmp_path / "index.html"
    bad.write_text(
        text.replace("</body>", "<script>document.title = 'ran';</script></body>"), encoding="utf-8"
    )
    loaded = page_for(bad)
    loaded.page.wait_for_timeout(300)
    assert loaded.page.title() != "ran"
    assert any("Content Security Policy" in m for m in loaded.console_errors), loaded.console_errors


def test_the_framed_graph_needs_its_hashes_in_the_page_policy(report_page, page_for, tmp_path):
    """Why the page lists the graph's hashes: without them the srcdoc frame's scripts are refused."""
    text = report_page.read_text(encoding="utf-8")
    m = _CSP.search(text)
    policy = html.unescape(m.group(1))
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    own_only = policy.replace(script_src, " script-src " + script_src.split()[1])
    bad = tmp_path / "index.html"
    bad.write_text(text.replace(m.group(1), html.escape(own_only)), encoding="utf-8")
    loaded = page_for(bad)
    loaded.page.wait_for_timeout(1500)
    frame = next(f for f in loaded.page.frames if f != loaded.page.main_frame)
    assert not frame.evaluate("!!window.graphkitGraphs")
    assert any("Content Security Policy" in m for m in loaded.console_errors)
