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
    for line in [
        "state (8)",
        "alliance (2)",
        "Capability (5)",
        "Threat (3)",
        "MEMBER_OF (13)",
        "REQUIRES (7)",
    ]:
        assert line in texts
    colours = text.lower()
    for c in [
        KIND_COLORS["state"],
        KIND_COLORS["alliance"],
        LABEL_COLORS["Threat"],
        EDGE_STYLES["TARGETS"]["color"],
    ]:
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


# ---- readable first views (issue 18) ----

DATA = gk.SAMPLE.parent / "cyber-multilateral"


@pytest.fixture(scope="module")
def multilateral():
    return gk.load(DATA)


def test_whole_network_image_leaves_out_isolated_actors(multilateral):
    from graphkit.export.drawing import prepare_drawing

    V = gk.select(multilateral, labels=["Actor"], types=["MEMBER_OF", "COOPERATES_WITH"])
    lonely = {n for n in V if V.degree(n) == 0}
    assert lonely  # the dataset has actors without any drawn tie
    D = prepare_drawing(multilateral, isolates=False)
    assert {n.id for n in D.nodes} == set(V) - lonely
    assert len(prepare_drawing(multilateral).nodes) == V.number_of_nodes()  # the HTML keeps them


def test_image_names_do_not_overlap_and_the_cluster_legend_is_short(multilateral, tmp_path):
    from graphkit.export.drawing import CLUSTER_COLORS, prepare_drawing
    from graphkit.export.static import draw_figure

    D = prepare_drawing(multilateral, color_by="cluster", isolates=False)
    fig = draw_figure(D)
    renderer = fig.canvas.get_renderer()
    names = {n.name for n in D.nodes if n.show_label}
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_text() in names]
    # 6 of the 30 candidate names fit without overlap since the CRI list was completed (issue 26,
    # third round: a denser layout); 8 fitted before. The point is names drawn, none overlapping.
    assert len(boxes) == len(fig.graphkit_labels) >= 6
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    coloured = [x for x in D.clusters if x.color != "#C8C8C8"]
    assert len(coloured) == min(len(CLUSTER_COLORS), len(D.clusters))
    for entry in coloured:  # every coloured cluster is named in the legend
        assert any(line.startswith(entry.name[:20]) for line in legend)
    assert any(line.startswith(f"{D.size_by} ") for line in legend)  # the size legend


def test_focus_is_drawn_largest_in_its_ego_graph(multilateral):
    from graphkit.export.drawing import prepare_drawing

    D = prepare_drawing(multilateral, focus="EST", size_by="degree")
    assert max(D.nodes, key=lambda n: n.size).id == "EST"
    assert D.nodes[-1].id == "EST"  # drawn last, on top
    # by its score alone a neighbour with more ties would be drawn larger
    V = gk.select(multilateral, labels=["Actor"], types=["MEMBER_OF", "COOPERATES_WITH"])
    assert max(D.nodes, key=lambda n: n.score).id != "EST"
    assert any(V.degree(n.id) > V.degree("EST") for n in D.nodes)


def test_present_is_refused_for_images(tmp_path, capsys):
    from graphkit.cli import main

    assert main(["viz", str(gk.SAMPLE), "--present", "-o", str(tmp_path / "x.png"), "-q"]) == 2
    assert "--present" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
