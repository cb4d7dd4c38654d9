"""Fixtures for GUI tests: an isolated QSettings, the demo archive, and main windows.

No autouse window: each test builds only what it needs (a whole main window per test in an
autouse fixture is what made Vorta's suite hang).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from retention_desk.demo import build_demo_archive
from retention_desk.ui.app import binding_problem
from retention_desk.ui.main_window import MainWindow

BINDING_PROBLEM = binding_problem()


@pytest.fixture(autouse=True)
def _sound_qt_binding() -> None:
    # A broken binding aborts the interpreter part-way through the suite ("deallocating
    # None"), taking every later result with it; fail each GUI test with the cause instead.
    if BINDING_PROBLEM:
        pytest.fail(BINDING_PROBLEM, pytrace=False)


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    """Settings in a temporary INI file, so tests never touch the user's recent list."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive, built once per session. Tests that change it use `demo_copy`."""
    return build_demo_archive(tmp_path_factory.mktemp("demo") / "demo.rdesk")


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "demo-copy.rdesk"
    shutil.copyfile(demo_file, dest)  # closed and checkpointed: one self-contained file
    return dest


@pytest.fixture
def make_window(qtbot, qsettings: QSettings) -> Iterator[Callable[..., MainWindow]]:
    """Build a main window (real task runner unless one is given); closed at teardown."""
    windows: list[MainWindow] = []

    def make(**kwargs: object) -> MainWindow:
        kwargs.setdefault("settings", qsettings)
        kwargs.setdefault("operator", "pytest")
        window = MainWindow(**kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()  # cancels and waits for its tasks, closes its archive
