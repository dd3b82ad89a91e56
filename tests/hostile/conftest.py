"""Make the corpus helpers (make_corpus, generated, harness) importable from the tests here."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
