"""Output-side hostile cases (ids ``out-``): what is put at an output path before graphkit writes.

Each setup takes the folder of earlier good outputs (``{out}`` in the command sets:
``existing-dataset``, ``existing-report``, ``existing-analysis``, ``existing.json``,
``existing.html``) and the pytest request, and puts there what a user might have: notes,
a ``.git/``, a report written inside a dataset, a device, a FIFO, links, a full disk.
``manifest.toml`` names a setup with ``setup = "NAME"``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


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
    if callable(fn) and not name.startswith("_") and fn.__module__ == __name__
}
