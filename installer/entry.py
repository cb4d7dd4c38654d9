"""Entry script of the frozen build: the same `main` as the `retention-desk` console script."""

from __future__ import annotations

import multiprocessing
import sys

from retention_desk.cli import main

if __name__ == "__main__":
    # harmless where nothing spawns processes; required if a library ever does when frozen
    multiprocessing.freeze_support()
    sys.exit(main())
