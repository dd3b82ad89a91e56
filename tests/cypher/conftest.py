"""Fixtures for the Cypher tests: the same Bolt test server as tests/stores (see its conftest).

``bolt_uri`` is ``$GRAPHKIT_TEST_BOLT_URI`` when set (CI sets it), else a server started
for the session with ``scripts/bolt-test-server/start.sh``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_stores_conftest", Path(__file__).resolve().parents[1] / "stores" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_stores = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_stores)

bolt_uri = _stores.bolt_uri
