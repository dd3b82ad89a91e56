"""atomic_path: outputs appear whole or not at all; leftovers of killed writers go away."""

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graphkit.errors import OutputError
from graphkit.files import atomic_path


def test_a_folder_is_replaced_whole(tmp_path):
    out = tmp_path / "report"
    with atomic_path(out, folder=True) as t:
        (t / "a.txt").write_text("old")
    with atomic_path(out, folder=True, owned=lambda rel: rel == "a.txt") as t:
        (t / "b.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_a_failure_inside_leaves_the_previous_output(tmp_path):
    out = tmp_path / "data.json"
    out.write_text("previous")
    with pytest.raises(RuntimeError), atomic_path(out) as t:
        t.write_text("half")
        raise RuntimeError("interrupted")
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_nothing_is_removed_by_its_name_only_what_this_writer_made(tmp_path):
    """A folder named like graphkit's temporary folders (a user's, or a killed writer's
    whose process is gone) is never removed: graphkit cannot tell whose it is (issue 31)."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)  # that process has exited
    users = tmp_path / f".report.tmp-{dead_pid}-my backup"
    users.mkdir()
    (users / "notes.txt").write_text("precious")
    odd = tmp_path / ".report.tmp-4000000-drafts"  # a pid no process can have
    odd.mkdir()
    with atomic_path(tmp_path / "report", folder=True) as t:
        (t / "a.txt").write_text("x")
    assert (users / "notes.txt").read_text() == "precious"
    assert odd.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([users.name, odd.name, "report"])


# ---- what an output path may replace -----------------------------------------------------


def test_a_folder_holding_anything_not_owned_is_refused_before_and_at_the_swap(tmp_path):
    out = tmp_path / "dataset"
    out.mkdir()
    (out / "actors.csv").write_text("mine")
    (out / "notes.txt").write_text("precious")
    owned = {"actors.csv"}.__contains__
    with (
        pytest.raises(OutputError, match=r"it holds files graphkit did not write \(notes.txt\)"),
        atomic_path(out, folder=True, owned=owned, what="dataset"),
    ):
        pass
    (out / "notes.txt").unlink()
    # a file that appears while graphkit writes is seen just before the swap
    with (
        pytest.raises(OutputError, match="late.txt"),
        atomic_path(out, folder=True, owned=owned, what="dataset") as t,
    ):
        (t / "actors.csv").write_text("new")
        (out / "late.txt").write_text("written meanwhile")
    assert sorted(p.name for p in out.iterdir()) == ["actors.csv", "late.txt"]
    assert (out / "actors.csv").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["dataset"]


def test_without_owned_only_an_empty_folder_is_replaced(tmp_path):
    out = tmp_path / "x"
    out.mkdir()
    with atomic_path(out, folder=True) as t:
        (t / "a").write_text("1")
    with pytest.raises(OutputError, match="not a graphkit output folder"), atomic_path(out, folder=True):
        pass
    assert (out / "a").read_text() == "1"


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_character_device_is_never_replaced(tmp_path):
    dev = tmp_path / "null.html"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    with pytest.raises(OutputError, match="is a character device, not a regular file"), atomic_path(dev) as t:
        t.write_text("x")
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.html"]


def test_a_fifo_and_a_folder_are_refused_as_file_outputs(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (tmp_path / "dir.json").mkdir()
    for p, what in ((fifo, "a FIFO"), (tmp_path / "dir.json", "a folder")):
        with pytest.raises(OutputError, match=what), atomic_path(p) as t:
            t.write_text("x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and (tmp_path / "dir.json").is_dir()


def test_a_link_to_a_file_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real" / "out.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with atomic_path(link) as t:
        t.write_text("new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["out.json"]  # no temporary left


def test_a_link_to_a_device_is_refused(tmp_path):
    link = tmp_path / "out.html"
    link.symlink_to("/dev/null")
    with pytest.raises(OutputError, match="character device"), atomic_path(link) as t:
        t.write_text("x")
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_output_that_is_a_link_is_refused_and_its_target_kept(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "report"
    link.symlink_to(target, target_is_directory=True)
    with (
        pytest.raises(OutputError, match="is a symbolic link"),
        atomic_path(link, folder=True, owned=lambda rel: True) as t,
    ):
        (t / "a").write_text("x")
    assert link.is_symlink() and target.is_dir() and not any(target.iterdir())


# ---- a full disk ---------------------------------------------------------------------------


def test_no_space_left_becomes_one_output_error_and_nothing_is_left(tmp_path, monkeypatch):
    """ENOSPC injected at the move into place (the last write step) and inside the block."""
    out = tmp_path / "data.json"
    out.write_text("previous")

    def full(*_args, **_kw):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with (
        pytest.raises(OutputError, match=r"data.json: cannot write \(no space left on device\)"),
        atomic_path(out) as t,
    ):
        t.write_text("half")
        full()
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="no space left on device"), atomic_path(out) as t:
        t.write_text("whole")
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def _can_mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0:
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)], capture_output=True)
    return r.returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    """A real 256 KiB file system (tmpfs), where the machine lets root mount one."""
    where = tmp_path / "disk"
    where.mkdir()
    if not _can_mount_tmpfs(where):
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    yield where
    subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "{sample}", "-o", "{disk}/report", "-q"],
        ["report", "{sample}", "-o", "{disk}/new/folders/report", "-q"],
        ["convert", "{sample}", "{disk}/big.json"],
        ["convert", "{sample}", "{disk}/dataset"],
        ["viz", "{sample}", "-o", "{disk}/page.html", "-q"],
    ],
    ids=["report", "report-new-folders", "convert-json", "convert-dataset", "viz"],
)
def test_a_full_disk_gives_one_line_and_exit_2(small_disk, argv, tmp_path):
    import graphkit as gk

    st = os.statvfs(small_disk)
    free = st.f_bavail * st.f_frsize
    (small_disk / "filler").write_bytes(b"\0" * (free - 4096))  # one page left: too little for any output
    before = sorted(p.name for p in small_disk.iterdir())
    args = [a.format(sample=gk.SAMPLE, disk=small_disk) for a in argv]
    r = subprocess.run(
        [sys.executable, "-m", "graphkit", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, GRAPHKIT_CACHE_DIR=str(tmp_path / "cache")),
    )
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left on device" in lines[0].lower(), r.stderr
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == before  # nothing half-written left
