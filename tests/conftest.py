"""Shared test setup: headless Qt, a fresh archive per test, and where the real samples are.

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

# The real exports are not in this repository: CI checks out shared/ beside it. Every test that
# reads them asks for the `samples` fixture below, which is the only place that finds them.
SAMPLES_ENV = "RETENTION_DESK_SAMPLES"
REQUIRE_SAMPLES_ENV = "RETENTION_DESK_REQUIRE_SAMPLES"
DEFAULT_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


def samples_dir() -> Path:
    """$RETENTION_DESK_SAMPLES, else <repo>/../shared/samples."""
    value = os.environ.get(SAMPLES_ENV)
    return Path(value).expanduser() if value else DEFAULT_SAMPLES


def samples_required() -> bool:
    """Set by .ci/run, so CI can never pass by skipping every test of the real samples."""
    return os.environ.get(REQUIRE_SAMPLES_ENV, "") not in ("", "0")


@pytest.fixture(autouse=True)
def _own_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own app data folder, so audit anchors and the demo archive never
    touch (or depend on) the user's real ones."""
    monkeypatch.setenv("RETENTION_DESK_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))


@pytest.fixture(scope="session")
def samples() -> Path:
    """The real exports (read-only). Missing: the test is skipped, or fails when required."""
    path = samples_dir()
    # An empty folder counts as missing: a checkout without its files must not pass quietly.
    if path.is_dir() and any(path.iterdir()):
        return path
    reason = f"real samples not found at {path}; set {SAMPLES_ENV} to the folder that has them"
    if samples_required():
        pytest.fail(f"{reason} ({REQUIRE_SAMPLES_ENV} is set, so they are required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def tmp_archive(tmp_path: Path) -> Iterator[Archive]:
    """A freshly created, empty archive in the test's temporary folder (closed afterwards)."""
    archive = Archive.create(tmp_path / "archive.rdesk", operator="pytest")
    yield archive
    archive.close()
