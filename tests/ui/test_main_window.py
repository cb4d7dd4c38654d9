"""The main window: opening archives, the summary page, navigation, recent list, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from retention_desk.archive import Archive
from retention_desk.archive.info import archive_info
from retention_desk.ui.archive.summary_view import ArchiveSummaryView
from retention_desk.ui.archive.view import ArchiveView
from retention_desk.ui.audit.view import AuditView
from retention_desk.ui.main_window import KeyRole, MainWindow
from retention_desk.ui.pages import PAGES
from retention_desk.ui.recent import MAX_RECENT


def open_and_load(qtbot, window: MainWindow, path: Path) -> ArchiveSummaryView:
    assert window.open_archive(path)
    summary = window.pages["overview"]
    assert isinstance(summary, ArchiveSummaryView)
    qtbot.waitUntil(lambda: summary.info is not None)
    return summary


def message_boxes(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_open_shows_summary_numbers(qtbot, make_window, demo_file: Path) -> None:
    window = make_window()
    window.show()
    summary = open_and_load(qtbot, window, demo_file)
    with Archive.open(demo_file) as archive:
        expected = archive_info(archive)
    assert summary.values["records"].text() == f"{expected.records:,}"
    assert summary.values["audit_rows"].text() == f"{expected.audit_rows:,}"
    assert summary.agency_label.text() == "Sandia Vista Police Department"
    platforms = {
        summary.platform_table.item(r, 0).text(): summary.platform_table.item(r, 1).text()
        for r in range(summary.platform_table.rowCount())
    }
    assert platforms == {
        {"x": "X", "youtube": "YouTube"}.get(p, p.capitalize()): f"{n:,}"
        for p, n in expected.by_platform.items()
    }
    # five official accounts and the web capture of the Instagram page
    assert summary.account_table.rowCount() == len(expected.by_account) == 6
    assert summary.values["import_status"].text() == "completed"
    assert summary.values["verify_result"].text().startswith("Never verified")
    # title and status bar name the file and the operator
    assert demo_file.name in window.windowTitle()
    assert window.path_status.text() == str(demo_file)
    assert window.operator_status.text() == "Operator: pytest"


def test_navigation_and_unavailable_pages(qtbot, make_window, demo_file: Path) -> None:
    window = make_window()
    open_and_load(qtbot, window, demo_file)
    assert window.current_page_key() == "overview"
    # the Archive entry is the search view; the summary is the first entry, "Overview"
    assert [spec.key for spec in PAGES[:2]] == ["overview", "archive"]
    archive_page = window.show_page("archive")
    assert isinstance(archive_page, ArchiveView)
    qtbot.waitUntil(lambda: archive_page.model.rowCount() > 0)
    audit = window.show_page("audit")
    assert isinstance(audit, AuditView)
    assert window.stack.currentWidget() is audit
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0)

    unavailable = {spec.key for spec in PAGES if not spec.available}
    # every page of this version is built (productions live on the Requests page)
    assert unavailable == set() and "oversight" in {spec.key for spec in PAGES}
    assert "retention" not in unavailable
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        key = item.data(KeyRole)
        enabled = bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
        assert enabled == (key not in unavailable)
        if key in unavailable:
            assert "not in this version" in item.toolTip()
            assert window.show_page(key) is None
            assert window.current_page_key() == "audit"  # did not move
            assert key not in window.pages  # no placeholder widget was built


def test_welcome_state_without_archive(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETENTION_DESK_ARCHIVE", str(tmp_path / "none.rdesk"))
    window = make_window()
    window.open_initial(None)
    assert window.archive is None
    assert window.mode.currentWidget() is window.welcome
    assert not window.verify_action.isEnabled()
    assert not window.backup_action.isEnabled()
    assert not window.settings_action.isEnabled()
    assert window.new_action.isEnabled() and window.open_action.isEnabled()


def test_open_initial_prefers_last_opened(qtbot, make_window, demo_copy: Path) -> None:
    first = make_window()
    assert first.open_archive(demo_copy)
    first.close()
    again = make_window()  # same QSettings: the recent list remembers the file
    again.open_initial(None)
    assert again.archive is not None and again.archive.path == demo_copy.resolve()


def test_create_archive_adds_suffix_and_opens(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    assert window.create_archive(tmp_path / "new archive")
    assert window.archive is not None
    assert window.archive.path.name == "new archive.rdesk"
    assert window.mode.currentWidget() is window.workspace
    assert window.verify_action.isEnabled()


def test_refusal_is_shown_as_plain_text(qtbot, make_window, tmp_path: Path) -> None:
    bogus = tmp_path / "<img src=x><b>not an archive.rdesk"
    bogus.write_text("hello")
    window = make_window()
    assert not window.open_archive(bogus)
    assert window.archive is None
    boxes = message_boxes(window)
    assert len(boxes) == 1
    assert boxes[0].textFormat() == Qt.TextFormat.PlainText
    assert "<img src=x><b>not an archive.rdesk" in boxes[0].text()
    assert "not a retention_desk archive" in boxes[0].text()


def test_recent_list_prunes_missing_and_keeps_eight(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    paths = []
    for i in range(MAX_RECENT + 2):
        path = tmp_path / f"a{i}.rdesk"
        Archive.create(path).close()
        paths.append(path)
        window.recent.add(path)
    listed = window.recent.paths()
    assert listed == [p.resolve() for p in reversed(paths)][:MAX_RECENT]
    listed[0].unlink()
    assert listed[0] not in window.recent.paths()
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts == [str(p) for p in listed[1:]]


def test_open_replaces_archive_and_updates_pages(
    qtbot, make_window, demo_file: Path, tmp_path: Path
) -> None:
    window = make_window()
    summary = open_and_load(qtbot, window, demo_file)
    empty = tmp_path / "empty.rdesk"
    Archive.create(empty).close()
    assert window.open_archive(empty)
    qtbot.waitUntil(lambda: summary.info is not None and summary.info.records == 0)
    assert summary.values["import_time"].text() == "Nothing imported yet"
    assert "Agency name not set" in summary.agency_label.text()
