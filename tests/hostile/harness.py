"""Run the graphkit CLI on one input and measure it: exit code, output, wall time, peak memory.

``run_cli(argv, subprocess=True)`` runs ``python -m graphkit`` as a child process and
reads the child's own peak resident memory from ``os.wait4`` (so children of other tests
never count), with a hard address-space limit as a safety net for the shared machine.
``run_cli(argv, subprocess=False)`` runs :func:`graphkit.cli.main` in this process, for
the many small inputs where the memory check cannot matter; an exception that escapes
``main`` is what a user would see as a traceback, so it is returned as one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import resource
import stat
import subprocess as sp
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

MEMORY_BUDGET = 2 << 30  # bytes of resident memory a command may use
TIME_BUDGET = 30.0  # seconds of wall time a command may take
_HARD_LIMIT_AS = 6 << 30  # address space: stops a runaway child before it hurts the machine
_KILL_AFTER = 90.0


@dataclass
class Result:
    argv: list[str]
    rc: int
    stdout: str
    stderr: str
    wall: float
    peak_rss: int | None  # bytes; None when run in-process

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        rss = "in-process" if self.peak_rss is None else f"{self.peak_rss / 2**20:.0f} MiB"
        return (
            f"graphkit {' '.join(self.argv)}\n  exit {self.rc}, {self.wall:.1f} s, {rss}\n"
            f"  stdout: {self.stdout[-1500:]!r}\n  stderr: {self.stderr[-3000:]!r}"
        )


def run_cli(argv: list[str], *, subprocess: bool, cwd: Path | None = None) -> Result:
    return _run_child(argv, cwd) if subprocess else _run_here(argv, cwd)


def _run_here(argv: list[str], cwd: Path | None) -> Result:
    from graphkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    start = time.perf_counter()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(list(argv))
            except SystemExit as exc:  # argparse errors
                rc = exc.code if isinstance(exc.code, int) else 2
            except BaseException:  # what the user would see as a traceback
                err.write(traceback.format_exc())
                rc = 99
    finally:
        os.chdir(old)
    return Result(list(argv), int(rc), out.getvalue(), err.getvalue(), time.perf_counter() - start, None)


def _limit_child() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (_HARD_LIMIT_AS, _HARD_LIMIT_AS))


def _run_child(argv: list[str], cwd: Path | None) -> Result:
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONHASHSEED="0")
    start = time.perf_counter()
    p = sp.Popen(
        [sys.executable, "-m", "graphkit", *argv],
        stdout=sp.PIPE,
        stderr=sp.PIPE,
        cwd=cwd,
        env=env,
        preexec_fn=_limit_child,
    )
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(_KILL_AFTER, p.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        killer.cancel()
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    return Result(
        list(argv),
        p.returncode,
        chunks["out"].decode("utf-8", "replace"),
        chunks["err"].decode("utf-8", "replace"),
        wall,
        usage.ru_maxrss * 1024,
    )


def tree_hash(path: Path) -> str:
    """One hash over every file and folder name, type and content under ``path`` (or of the file)."""
    h = hashlib.sha256()
    path = Path(path)
    if not path.exists():
        return "missing"
    items = sorted(path.rglob("*")) if path.is_dir() and not path.is_symlink() else [path]
    for p in items:
        rel = p.relative_to(path).as_posix() if p != path else p.name
        if p.is_symlink():
            h.update(f"L {rel} {os.readlink(p)}\n".encode())
        elif not p.is_dir() and not p.is_file():  # a device, FIFO or socket: never opened
            st = p.stat()
            h.update(f"S {rel} {stat.S_IFMT(st.st_mode)} {st.st_rdev}\n".encode())
        elif p.is_dir():
            h.update(f"D {rel}\n".encode())
        elif not p.is_file():  # a FIFO or device: never opened (that could block)
            h.update(f"S {rel} {stat.S_IFMT(p.stat().st_mode)}\n".encode())
        else:
            h.update(f"F {rel} {p.stat().st_size}\n".encode())
            with open(p, "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
    return h.hexdigest()
