"""Fixtures for importer tests: the real samples (read-only) and a fresh archive per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retention_desk.archive import Archive

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"shared samples not found at {SAMPLES}; CI checks out shared/ beside the repo")
    return SAMPLES


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "test.rdesk", operator="pytest")
    yield arch
    arch.close()
