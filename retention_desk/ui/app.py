"""GUI entry point: `run_gui` is what `retention-desk gui` and `retention-desk demo` call."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from retention_desk import __version__
from retention_desk.displaycheck import display_problem

ORGANIZATION = "retention-desk"
APPLICATION = "retention-desk"
DISPLAY_NAME = "Retention Desk"


def application() -> QApplication:
    """The QApplication, created once with the names QSettings files are keyed by."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    return app


def binding_problem() -> str | None:
    """A known-broken Qt binding, described for the user; None when the binding is sound.

    PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns
    nothing (None is immortal only from Python 3.12 on), so the process aborts with
    "deallocating None" after a few thousand calls. Detected directly, not by version, so a
    fixed build passes.
    """
    import PySide6
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost >= 10:
        return (
            f"PySide6 {PySide6.__version__} on Python {sys.version_info.major}."
            f"{sys.version_info.minor} loses a reference to None on every Qt call and will "
            "crash. Install another PySide6 version (for example 6.11) or use Python 3.12+."
        )
    return None


def run_gui(path: Path | str | None, *, operator: str | None = None) -> int:
    """Open the main window on `path` (or the last/default archive) and run the event loop."""
    from retention_desk.ui.main_window import MainWindow

    # Before QApplication: without a usable display Qt aborts (core dump) instead of erroring.
    problem = display_problem() or binding_problem()
    if problem:
        print(f"retention-desk: {problem}", file=sys.stderr)
        return 1
    app = application()
    window = MainWindow(operator=operator)
    window.show()
    # Open after showing, so an error about the file appears over the window.
    window.open_initial(Path(path) if path is not None else None)
    return app.exec()
