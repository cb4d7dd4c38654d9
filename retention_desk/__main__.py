"""`python -m retention_desk`: same entry point as the `retention-desk` command."""

from __future__ import annotations

import sys

from retention_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
