"""Fixtures for importer tests: a fresh archive per test (the real samples: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retention_desk.archive import Archive


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "test.rdesk", operator="pytest")
    yield arch
    arch.close()
