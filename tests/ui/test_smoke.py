"""`run_gui` end to end on the demo archive, with the event loop replaced by a check."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from retention_desk.ui import app as app_mod
from retention_desk.ui.archive.summary_view import ArchiveSummaryView
from retention_desk.ui.main_window import MainWindow


def test_run_gui_opens_the_demo(
    qtbot, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keep the window's QSettings (recent list, geometry) out of the user's profile.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    seen: dict[str, object] = {}

    def fake_exec(self: QApplication) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next(w for w in windows if w.isVisible())
        summary = window.pages["overview"]
        assert isinstance(summary, ArchiveSummaryView)
        qtbot.waitUntil(lambda: summary.info is not None)
        seen["title"] = window.windowTitle()
        seen["records"] = summary.values["records"].text()
        seen["operator"] = window.operator_status.text()
        seen["image"] = window.grab()
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app_mod.run_gui(demo_file, operator="smoke test") == 0
    assert QApplication.applicationName() == app_mod.APPLICATION
    assert str(seen["title"]).startswith(demo_file.name)
    assert int(str(seen["records"]).replace(",", "")) > 1500
    assert seen["operator"] == "Operator: smoke test"
    assert not seen["image"].isNull()  # type: ignore[attr-defined]


def test_run_gui_refuses_a_broken_binding(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(app_mod, "binding_problem", lambda: "PySide6 9.9 will crash.")
    assert app_mod.run_gui(None) == 1
    assert "PySide6 9.9 will crash." in capsys.readouterr().err
