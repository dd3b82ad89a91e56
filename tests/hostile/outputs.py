"""Output-side hostile cases (ids ``out-``): what is at an output path before graphkit writes,
the commands run onto it (``OUT_COMMAND_SETS``) and the checks of what they wrote (``OUT_CHECKS``).

Each setup takes the folder of earlier good outputs (``{out}`` in the command sets:
``existing-dataset``, ``existing-report``, ``existing-analysis``, ``existing.json``,
``existing.html``) and the pytest request, and puts there what a user might have: notes,
a ``.git/``, a report written inside a dataset, a device, a FIFO, links, a full disk.
``manifest.toml`` names a setup with ``setup = "NAME"``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import tree_hash
from make_corpus import BIDI_NAMES, CORPUS, LINE_BREAK_NAMES

import graphkit as gk

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def notes_and_git_in_dataset(out: Path, request) -> None:
    d = out / "existing-dataset"
    (d / "NOTES.md").write_text("where these numbers come from: years of work\n", encoding="utf-8")
    (d / ".git" / "objects" / "ab").mkdir(parents=True)
    (d / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (d / ".git" / "objects" / "ab" / "cdef").write_bytes(b"x\x00blob")


def report_in_dataset(out: Path, request) -> None:
    shutil.copytree(out / "existing-report", out / "existing-dataset" / "report")


def foreign_folder(out: Path, request) -> None:
    (out / "mine").mkdir()
    (out / "mine" / "thesis.docx").write_bytes(b"PK years of work")
    (out / "mine" / "data.csv").write_text("a,b\n1,2\n")


def dataset_entries_not_files(out: Path, request) -> None:
    d = out / "existing-dataset"
    (d / "threats.csv").unlink()
    (d / "threats.csv").mkdir()  # a folder where a table goes
    (d / "threats.csv" / "mine.txt").write_text("x")
    (out / "elsewhere.csv").write_text("the link's target\n")
    (d / "actors.csv").unlink()
    (d / "actors.csv").symlink_to(out / "elsewhere.csv")


def notes_in_report(out: Path, request) -> None:
    (out / "existing-report" / "my-notes.md").write_text("comments on the report\n", encoding="utf-8")
    (out / "existing-report" / "figures" / "annotated.png").write_bytes(b"\x89PNG my drawing")


def dataset_in_report(out: Path, request) -> None:
    shutil.copytree(out / "existing-dataset", out / "existing-report" / "data")


def notes_beside_own_outputs(out: Path, request) -> None:
    (out / "existing-analysis" / "README.md").write_text("my analysis notes\n", encoding="utf-8")
    (out / "keep.txt").write_text("beside the outputs\n", encoding="utf-8")


def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"{what} needs root")


def character_devices(out: Path, request) -> None:
    _need_root("mknod of a character device")
    for name in ("device.html", "device.svg", "device.json", "device.xlsx", "device-folder"):
        os.mknod(out / name, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is


def fifos(out: Path, request) -> None:
    for name in ("pipe.html", "pipe.json", "pipe.graphml"):
        os.mkfifo(out / name)


def links_to_files(out: Path, request) -> None:
    real = out / "real"
    real.mkdir()
    for name in ("page.html", "graph.json"):
        (real / name).write_text("old\n")
        (out / f"link-{name}").symlink_to(real / name)
    (out / "link-new.html").symlink_to(real / "not-yet.html")  # a dangling link: written through


def links_to_folders(out: Path, request) -> None:
    (out / "link-report").symlink_to(out / "existing-report", target_is_directory=True)
    (out / "link-dataset").symlink_to(out / "existing-dataset", target_is_directory=True)


def full_disk(out: Path, request) -> None:
    """A real 512 KiB tmpfs at {out}/disk, full."""
    _need_root("mounting a tmpfs")
    disk = out / "disk"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    request.addfinalizer(lambda: subprocess.run(["umount", str(disk)], check=False))
    st = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * (st.f_bavail * st.f_frsize))


SETUPS: dict[str, Callable[[Path, object], None]] = {
    name: fn
    for name, fn in globals().items()
    if callable(fn)
    and not name.startswith("_")
    and fn.__module__ == __name__
    and not name.startswith("check_")
}


# ---- the commands ({in}: the input, {out}: the prepared output folder) ---------------------------

_MISP = str(CORPUS / "misp-html-values.json")
OUT_COMMAND_SETS = {
    "out-dataset": {  # every command that writes a dataset folder, onto existing-dataset
        "error": [
            ["convert", "{in}", "{out}/existing-dataset"],
            ["merge", "{in}", "-o", "{out}/existing-dataset", "-q"],
            ["import", "misp-galaxy", _MISP, "-o", "{out}/existing-dataset", "-q"],
        ],
        "accept": [
            ["import", "misp-galaxy", _MISP, "-o", "{out}/existing-dataset", "-q"],
            ["merge", "{in}", "-o", "{out}/existing-dataset", "-q"],
            ["convert", "{in}", "{out}/existing-dataset"],
        ],
    },
    "out-foreign-folder": {
        "error": [
            ["convert", "{in}", "{out}/mine"],
            ["merge", "{in}", "-o", "{out}/mine", "-q"],
            ["import", "misp-galaxy", _MISP, "-o", "{out}/mine", "-q"],
        ],
    },
    "out-report": {"error": [["report", "{in}", "-o", "{out}/existing-report", "-q"]]},
    "out-own-outputs": {  # graphkit's own outputs again, with the user's files beside and inside
        "accept": [
            ["convert", "{in}", "{out}/existing-dataset"],
            ["merge", "{in}", "-o", "{out}/existing-dataset", "-q"],
            ["import", "misp-galaxy", _MISP, "-o", "{out}/existing-dataset", "-q"],
            ["convert", "{in}", "{out}/existing-dataset"],
            ["report", "{in}", "-o", "{out}/existing-report", "-q"],
            ["report", "{in}", "-o", "{out}/existing-report", "-q", "--focus", "USA"],
            ["analyze", "{in}", "-o", "{out}/existing-analysis", "-q"],
            ["viz", "{in}", "-o", "{out}/existing.html", "-q"],
            ["convert", "{in}", "{out}/existing.json"],
        ],
    },
    "out-device-files": {
        "error": [
            ["viz", "{in}", "-o", "{out}/device.html", "-q"],
            ["viz", "{in}", "-o", "{out}/device.svg", "--format", "svg", "-q"],
            ["convert", "{in}", "{out}/device.json"],
            ["convert", "{in}", "{out}/device.xlsx"],
            ["merge", "{in}", "-o", "{out}/device.json", "-q"],
        ],
    },
    "out-device-folders": {
        "error": [
            ["convert", "{in}", "{out}/device-folder"],
            ["report", "{in}", "-o", "{out}/device-folder", "-q"],
            ["analyze", "{in}", "-o", "{out}/device-folder", "-q"],
        ],
    },
    "out-fifo-files": {
        "error": [
            ["viz", "{in}", "-o", "{out}/pipe.html", "-q"],
            ["convert", "{in}", "{out}/pipe.json"],
            ["convert", "{in}", "{out}/pipe.graphml"],
        ],
    },
    "out-links-to-files": {
        "accept": [
            ["viz", "{in}", "-o", "{out}/link-page.html", "-q"],
            ["convert", "{in}", "{out}/link-graph.json"],
            ["viz", "{in}", "-o", "{out}/link-new.html", "-q"],
        ],
    },
    "out-links-to-folders": {
        "error": [
            ["report", "{in}", "-o", "{out}/link-report", "-q"],
            ["convert", "{in}", "{out}/link-dataset"],
            ["import", "misp-galaxy", _MISP, "-o", "{out}/link-dataset", "-q"],
        ],
    },
    "out-full-disk": {
        "error": [
            ["report", "{in}", "-o", "{out}/disk/report", "-q"],
            ["convert", "{in}", "{out}/disk/graph.json"],
            ["convert", "{in}", "{out}/disk/dataset"],
            ["convert", "{in}", "{out}/disk/dataset.xlsx"],
            ["convert", "{in}", "{out}/disk/graph.graphml"],
            ["convert", "{in}", "{out}/disk/graph.gexf"],
            ["viz", "{in}", "-o", "{out}/disk/page.png", "-q"],
            ["viz", "{in}", "-o", "{out}/disk/page.svg", "-q"],
            ["analyze", "{in}", "-o", "{out}/disk/analysis", "-q"],
            ["viz", "{in}", "-o", "{out}/disk/page.html", "-q"],
        ],
    },
    "out-names": {  # every output of names built to break them, and the tables on a terminal
        "accept": [
            *[
                ["query", str(CORPUS / "query-names.cypher"), "{in}", "-f", fmt, "-q"]
                for fmt in ("csv", "table")
            ],
            ["recommend", "{in}", "N0"],
            ["convert", "{in}", "{out}/new-dataset"],
            ["analyze", "{in}", "-o", "{out}/new-analysis", "-q"],
            ["report", "{in}", "-o", "{out}/new-report", "-q"],
            ["report", "{in}", "-o", "{out}/new-focus-report", "-q", "--focus", "NATO"],
        ],
    },
}


# ---- checks of what an accepted case wrote ------------------------------------------------------


def check_own_outputs_replaced(src: Path, out: Path, request, results) -> None:
    """graphkit's own outputs were replaced; the user's files beside and inside are as they were."""
    assert (out / "existing-analysis" / "README.md").read_text(encoding="utf-8") == "my analysis notes\n"
    assert (out / "keep.txt").read_text(encoding="utf-8") == "beside the outputs\n"
    assert gk.graph_diff(gk.load(src), gk.load(out / "existing-dataset")) == []
    marker = json.loads((out / "existing-report" / ".graphkit-report").read_text(encoding="utf-8"))
    assert marker["focus"] == "USA"
    on_disk = sorted(
        p.relative_to(out / "existing-report").as_posix() for p in (out / "existing-report").rglob("*")
    )
    assert sorted(marker["files"]) == on_disk  # the marker lists exactly what graphkit wrote


def check_dataset_files_only_replaced(src: Path, out: Path, request, results) -> None:
    """The dataset was written (the last command converts the input); the rest of the folder is as it was."""
    d = out / "existing-dataset"
    assert gk.graph_diff(gk.load(src), gk.load(d)) == []
    if (d / "NOTES.md").exists():
        assert (d / "NOTES.md").read_text(
            encoding="utf-8"
        ) == "where these numbers come from: years of work\n"
        assert (d / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
        assert (d / ".git" / "objects" / "ab" / "cdef").read_bytes() == b"x\x00blob"
    else:
        before = request.getfixturevalue("existing_outputs") / "existing-report"
        assert tree_hash(d / "report") == tree_hash(before), "the report inside the dataset was changed"


def check_links_written_through(src: Path, out: Path, request, results) -> None:
    for name in ("page.html", "graph.json"):
        link = out / f"link-{name}"
        assert link.is_symlink() and os.readlink(link) == str(out / "real" / name), "a link was replaced"
    assert (out / "real" / "page.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert gk.graph_diff(gk.load(src), gk.load(out / "real" / "graph.json")) == []
    assert (out / "link-new.html").is_symlink() and (out / "real" / "not-yet.html").is_file()


def check_names_escaped_everywhere(src: Path, out: Path, request, results) -> None:
    names = {d["name"] for _, d in gk.load(src).nodes(data=True)}
    lb = {n.replace('""', '"') for n in LINE_BREAK_NAMES} & names
    bidi = set(BIDI_NAMES) & names
    assert lb or bidi, "the corpus input holds none of the names"
    assert gk.graph_diff(gk.load(src), gk.load(out / "new-dataset")) == []  # a dataset keeps them exactly
    _csv_cells_safe(out)
    csv_out = results[0].stdout
    rows = list(csv.reader(io.StringIO(csv_out, newline="")))
    assert len(rows) == 1 + sum(1 for _, d in gk.load(src).nodes(data=True) if d["label"] == "Actor")
    for row in rows:
        assert len(row) == 1
        for line in row[0].splitlines() or [""]:
            assert not line.startswith(FORMULA_START), f"query -f csv: {row[0]!r}"
    for r in results[1:3]:  # the query table and the recommendation, as a terminal shows them
        for c in "\r\x85\x9b\u202e\u202b\u2067\u200f\u2028\u2029":
            assert c not in r.stdout, f"{c!r} reached the terminal: graphkit {' '.join(r.argv)}"
    if bidi:
        assert "\\u202e" in results[1].stdout
        for page in (
            "new-report/report.md",
            "new-report/index.html",
            "new-focus-report/report.md",
            "new-focus-report/index.html",
        ):
            _bidi_isolated(re.sub(r'srcdoc="[^"]*"', "", (out / page).read_text(encoding="utf-8")), page)


def _bidi_isolated(text: str, page: str) -> None:
    """Every bidi control in ``text`` sits inside an FSI/PDI isolate closed on the same line."""
    depth, seen = 0, 0
    for ch in text:
        if ch == "\u2068":
            depth += 1
        elif ch == "\u2069":
            depth = max(depth - 1, 0)
        elif ch == "\n":
            assert depth == 0, f"{page}: an isolate stays open across a line"
        elif ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u200e\u200f":
            seen += 1
            assert depth > 0, f"{page}: a bidi control {ch!r} outside an isolate"
    assert seen, f"{page}: no name with a bidi control was shown"


def _csv_cells_safe(root: Path) -> None:
    """Every CSV under ``root``: each record has the header's width (none was split at a line
    break), no cell starts like a formula (unless a number), and outside dataset folders (which
    must load back to the same text) no line inside a cell does either."""
    for f in root.rglob("*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        dataset = (f.parent / "actors.csv").is_file()
        for line, row in enumerate(rows, start=1):
            assert len(row) == len(rows[0]), f"{f}:{line}: a record was split: {row!r}"
            for cell in row:
                parts = [cell] if dataset else cell.splitlines() or [""]
                for part in parts:
                    assert not part.startswith(FORMULA_START) or _is_number(part), f"{f}:{line}: {cell!r}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


OUT_CHECKS = {name[len("check_") :]: fn for name, fn in dict(globals()).items() if name.startswith("check_")}
