"""``python -m graphkit``."""

import sys

from graphkit.cli import main

__all__ = []

sys.exit(main())
