"""The report's section "Who stands with whom on the rules of cyberspace", its figure and tables."""

from __future__ import annotations

import shutil

import graphkit as gk
from graphkit.export.report import write_report

NORMS = (
    "id,name,kind,date,sponsors\n"
    "R1,First text,resolution,2018-12-05,RUS\n"
    "R2,Second text,resolution,2018-12-22,USA\n"
)
# Western states vote no/yes, RUS and CHN yes/no, CAN yes/yes (between)
VOTES = {
    "USA": ("no", "yes"), "GBR": ("no", "yes"), "FRA": ("no", "yes"), "DEU": ("no", "yes"), "EST": ("no", "yes"),
    "RUS": ("yes", "no"), "CHN": ("yes", "no"), "CAN": ("yes", "yes"),
}  # fmt: skip


def _dataset(tmp_path):
    d = shutil.copytree(gk.SAMPLE, tmp_path / "d")
    (d / "norms.csv").write_text(NORMS)
    lines = ["source,type,target,stance"]
    for state, (a, b) in VOTES.items():
        lines += [f"{state},POSITION,R1,{a}", f"{state},POSITION,R2,{b}"]
    (d / "positions.csv").write_text("\n".join(lines) + "\n")
    return d


def test_report_has_the_section_figure_and_tables(tmp_path):
    G = gk.load(_dataset(tmp_path))
    out = write_report(G, tmp_path / "report")
    md = (out / "report.md").read_text()
    assert "## Who stands with whom on the rules of cyberspace" in md
    # the tallies counted by hand from VOTES: R1 3 yes 5 no, R2 6 yes 2 no
    assert "| R1 | 2018-12-05 | Russia | 3 | 5 | 0 | 0 |" in md
    assert "| R2 | 2018-12-22 | United States | 6 | 2 | 0 | 0 |" in md
    assert (out / "figures" / "alignment.svg").is_file()
    assert "with United States" in md and "with Russia" in md
    assert {"alignment.csv", "positions.csv", "camps.csv"} <= {p.name for p in out.iterdir()}
    html = (out / "index.html").read_text()
    assert "Who stands with whom on the rules of cyberspace" in html


def test_no_section_without_positions(tmp_path):
    out = write_report(gk.load(gk.SAMPLE), tmp_path / "report")
    assert "Who stands with whom" not in (out / "report.md").read_text()
    assert not (out / "alignment.csv").exists()
