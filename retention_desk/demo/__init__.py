"""A synthetic demo archive: a fictional New Mexico police department's social-media records.

Deterministic (one seed gives the same records, texts and images every time) and entirely
made up; it never reads real exports. `retention-desk demo` opens the app on it.
"""

from __future__ import annotations

from retention_desk.demo.build import DEMO_SETTINGS, build_demo_archive, ensure_demo_archive
from retention_desk.demo.generate import DEMO_SEED

__all__ = ["DEMO_SEED", "DEMO_SETTINGS", "build_demo_archive", "ensure_demo_archive"]
