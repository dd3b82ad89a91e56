"""graphkit report --pdf and the report's print stylesheet, read back with poppler and Chromium."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import graphkit as gk
from graphkit.cli import main

pytestmark = pytest.mark.browser

DATA = gk.SAMPLE.parent / "cyber-multilateral"


def _poppler(tool):
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(
            f"{tool} not found: bash scripts/install-system-deps.sh installs poppler-utils", pytrace=False
        )
    return exe


def _pages(pdf):
    out = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def _text(pdf, first, last):
    return subprocess.run(
        [_poppler("pdftotext"), "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "rep"
    assert main(["report", str(DATA), "-o", str(out), "-q", "--pdf"]) == 0
    return out


def test_pdf_is_short_and_starts_with_the_summary(report):
    pdf = report / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    n = _pages(pdf)
    assert 1 < n <= 20
    first = _text(pdf, 1, 1)
    assert "Summary" in first and "cyber-multilateral" in first  # not a header and a blank page
    assert len(first.split()) > 80
    everything = _text(pdf, 1, n)
    assert "Drag to move" not in everything  # no interactive-only caption on paper
    assert "The network" in everything


def test_network_page_carries_the_static_image(report):
    pdf = report / "report.pdf"
    n = _pages(pdf)
    page = next(p for p in range(1, n + 1) if "The network" in _text(pdf, p, p))
    listing = subprocess.run(
        [_poppler("pdfimages"), "-list", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()[2:]  # fmt: skip
    sizes = [(int(r.split()[3]), int(r.split()[4])) for r in listing if r.strip()]
    assert any(w >= 400 and h >= 300 for w, h in sizes)  # a real picture, not an icon


def test_printed_tables_fit_the_page(page_for, report):
    loaded = page_for(report / "index.html", viewport=(794, 1123))  # A4 at 96 dpi
    page = loaded.page
    page.emulate_media(media="print")
    cut = page.evaluate(
        """(() => { const width = document.querySelector('main').getBoundingClientRect().width;
            return Array.from(document.querySelectorAll('table')).filter(t => t.offsetParent !== null)
              .filter(t => t.getBoundingClientRect().right > width + 2).map(t => t.className + ':' + t.rows.length); })()"""
    )
    assert cut == []
    assert page.evaluate("getComputedStyle(document.querySelector('iframe.graph')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('img.print-graph')).display") == "block"
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    assert loaded.external_requests == []


def test_missing_chromium_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRAPHKIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "rep"
    assert main(["report", str(gk.SAMPLE), "-o", str(out), "-q", "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "chromium" in err and "apt-get install chromium" in err and "GRAPHKIT_CHROMIUM" in err
    assert not out.exists()  # refused before anything was written
