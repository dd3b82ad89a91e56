"""PNG and SVG images: the HTML's palette and legend, data drawn as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import graphkit as gk
from graphkit.export.drawing import EDGE_STYLES, KIND_COLORS, LABEL_COLORS
from graphkit.export.static import write_image

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def sample():
    return gk.load(gk.SAMPLE)


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_svg_has_the_palette_legend_and_labels(sample, tmp_path):
    out = write_image(sample, tmp_path / "g.svg", layers="all", title="Sample", caption="cap")
    text = out.read_text()
    root = ET.fromstring(text)
    texts = _texts(root)
    assert "Sample" in texts and "cap" in texts
    # legend: every kind present, the two other labels and every relationship type, with counts
    for line in ["state (8)", "alliance (2)", "Capability (5)", "Threat (3)", "MEMBER_OF (13)", "REQUIRES (7)"]:
        assert line in texts
    colours = text.lower()
    for c in [KIND_COLORS["state"], KIND_COLORS["alliance"], LABEL_COLORS["Threat"], EDGE_STYLES["TARGETS"]["color"]]:
        assert c.lower() in colours
    assert "North Atlantic Treaty Organization" in texts


def test_payloads_are_text_in_svg_and_no_dialog_fires(page_for, tmp_path):
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name="<img src=x onerror=alert(1)>", kind="state")
    gk.add_node(G, "B", "Actor", name="</text><script>alert(2)</script> $x^2$", kind="alliance")
    gk.add_relationship(G, "A", "MEMBER_OF", "B")
    out = write_image(G, tmp_path / "x.svg", title="<script>alert(3)</script>")
    root = ET.fromstring(out.read_text())
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}image", f"{SVG}foreignObject")]
    texts = _texts(root)
    assert "<img src=x onerror=alert(1)>" in texts
    assert "</text><script>alert(2)</script> $x^2$" in texts  # no mathtext either
    loaded = page_for(out)
    assert loaded.dialogs == [] and loaded.page_errors == [] and loaded.external_requests == []


def test_png_is_written_and_formats_are_checked(sample, tmp_path):
    out = write_image(sample, tmp_path / "g.png", color_by="cluster")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(gk.OutputError, match="unknown image format"):
        write_image(sample, tmp_path / "g.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.png"]
