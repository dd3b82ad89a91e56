#!/usr/bin/env bash
# Runs the whole test suite with a Bolt server on 127.0.0.1 (unless GRAPHKIT_TEST_BOLT_URI
# already names one), and stops the server afterwards whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
case $PY in /*) ;; */*) PY="$PWD/$PY" ;; esac  # start.sh changes directory
BOLT_DIR=${BOLT_DIR:-.cache/bolt-server}
started=""
if [ -z "${GRAPHKIT_TEST_BOLT_URI:-}" ]; then
  GRAPHKIT_TEST_BOLT_URI=$(PYTHON="$PY" bash scripts/bolt-test-server/start.sh "$BOLT_DIR" 17687 16379)
  export GRAPHKIT_TEST_BOLT_URI
  started=1
  trap 'bash scripts/bolt-test-server/stop.sh "$BOLT_DIR"' EXIT
fi
echo "Bolt test server: $GRAPHKIT_TEST_BOLT_URI" >&2
"$PY" -m pytest "$@"
