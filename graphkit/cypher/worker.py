"""A persistent fork server for isolated engine queries: a crash in the engine is a QueryError, not a dead process.

:class:`ForkServer` starts one worker process (``python -c`` running :func:`serve`) that
imports graphkit and the embedded engine once and opens no database. For each query it
forks a child (cheap: everything is imported) that runs the query and sends its reply
back through a pipe of its own; the worker waits for the child and forwards the reply,
or says how the child died (a signal, an exit status). A child that crashes takes only
itself down: the worker and the caller live on, and the next query forks a new child.

Messages are length-prefixed pickles between the caller and its own worker (nothing
from outside is unpickled). The worker's session is its own: stopping it on a timeout
stops the child too.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from typing import IO, Any

__all__ = ["ForkServer", "serve", "server"]

_HEADER = struct.Struct("!Q")


class _Reply:
    """The child's side of the reply pipe: :meth:`send` writes one message (``conn.send`` of a Pipe)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, obj: Any) -> None:
        _write_fd(self.fd, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _send(out: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _recv(inp: IO[bytes]) -> Any:
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (n,) = _HEADER.unpack(head)
    data = inp.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)


def _child(target: Any, args: tuple, env: dict[str, str], cwd: str, keep: tuple[str, ...], fd: int) -> None:
    for key in [k for k in os.environ if k.startswith(keep)]:
        del os.environ[key]
    os.environ.update(env)
    with contextlib.suppress(OSError):
        os.chdir(cwd)
    target(_Reply(fd), args)


def serve() -> None:
    """The worker's loop (run as ``python -c``): one request in, one forked child, one reply out."""
    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing but replies reaches the caller's pipe: stray output goes to stderr
    sys.stdout = sys.stderr
    first = _recv(inp)
    sys.path[:] = first["sys_path"]
    for name in first["preload"]:
        with contextlib.suppress(ImportError):  # an optional part: the child imports it if needed
            __import__(name)
    _send(out, ("ready", os.getpid()))
    while True:
        try:
            target, args, env, cwd, keep = _recv(inp)
        except EOFError:
            return
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, reply, and leave without running the worker's clean-up
            code = 0
            try:
                os.close(r)
                _child(target, args, env, cwd, keep, w)
            except BaseException:  # noqa: BLE001 - the parent reports a missing reply
                code = 70
            finally:
                os._exit(code)
        os.close(w)
        data = _read_all(r)
        os.close(r)
        _, status = os.waitpid(pid, 0)
        if len(data) >= _HEADER.size and len(data) == _HEADER.size + _HEADER.unpack(data[: _HEADER.size])[0]:
            out.write(data)
            out.flush()
        else:
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            status_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            _send(out, ("died", (sig, status_code)))


class ForkServer:
    """The caller's handle on one worker process; :meth:`run` sends a request and waits for its reply."""

    #: Environment variable prefixes a child takes over from the caller at each request.
    KEEP_ENV = ("GRAPHKIT_", "XDG_CACHE_HOME", "HOME", "TZ")

    #: Modules the worker imports once, so that a child starts with everything a query needs.
    PRELOAD = (
        "graphkit",
        "graphkit.cypher.run",
        "graphkit.cypher.embedded",
        "graphkit.cypher.front",
        "graphkit.loaders",
        "graphkit.graph",
        "ladybug",
        "pyarrow",
        "networkx",
        "resource",
    )

    def __init__(self, preload: tuple[str, ...] = PRELOAD) -> None:
        self.preload = preload
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from graphkit.cypher.worker import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        assert proc.stdin is not None and proc.stdout is not None
        _send(proc.stdin, {"sys_path": list(sys.path), "preload": list(self.preload)})
        kind, _ = _recv(proc.stdout)
        if kind != "ready":
            raise RuntimeError("the query worker did not start")
        return proc

    def stop(self) -> None:
        """Stop the worker and any child it runs (its whole session)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, 9)
        proc.wait(5)
        for f in (proc.stdin, proc.stdout):
            if f is not None:
                f.close()

    def run(self, target: Any, args: tuple, timeout: float) -> tuple[str, Any]:
        """``target(conn, args)`` in a fresh child: ``(kind, payload)`` as the child sent it,
        ``("died", (signal, exit status))`` when it sent nothing, ``("timeout", seconds)``."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.stop()
                self.proc = self._start()
            proc = self.proc
            assert proc.stdin is not None and proc.stdout is not None
            env = {k: v for k, v in os.environ.items() if k.startswith(self.KEEP_ENV)}
            try:
                _send(proc.stdin, (target, args, env, os.getcwd(), self.KEEP_ENV))
                deadline = time.monotonic() + timeout
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        self.stop()
                        return "timeout", timeout
                    ready, _, _ = select.select([proc.stdout], [], [], left)
                    if ready:
                        return _recv(proc.stdout)
            except (EOFError, OSError, pickle.PickleError):
                self.stop()  # the worker itself is gone: the next query starts a new one
                return "died", (None, None)


_SERVER: ForkServer | None = None
_SERVER_LOCK = threading.Lock()


def server() -> ForkServer:
    """The process's one :class:`ForkServer` (its worker starts at the first isolated query)."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None:
            import atexit

            _SERVER = ForkServer()
            atexit.register(_SERVER.stop)
        return _SERVER
