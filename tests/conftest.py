"""Shared test setup: headless Qt, and a fresh archive per test.

QT_QPA_PLATFORM is set at import time, before pytest-qt creates the QApplication, so GUI
tests run without a display (CI, SSH).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from retention_desk.archive import Archive

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own app data folder, so audit anchors and the demo archive never
    touch (or depend on) the user's real ones."""
    monkeypatch.setenv("RETENTION_DESK_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))


@pytest.fixture
def tmp_archive(tmp_path: Path) -> Iterator[Archive]:
    """A freshly created, empty archive in the test's temporary folder (closed afterwards)."""
    archive = Archive.create(tmp_path / "archive.rdesk", operator="pytest")
    yield archive
    archive.close()
