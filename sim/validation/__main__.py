"""``python -m sim.validation --out DIR``: run every check and write the report."""

from __future__ import annotations

import sys

from sim.validation.report import main

if __name__ == "__main__":
    sys.exit(main())
