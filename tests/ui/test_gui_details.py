"""Issue 9: details a custodian notices at once in the main window (demo archive)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTableWidget

from retention_desk.archive import Archive
from retention_desk.platforms import platform_label
from retention_desk.ui.archive.results_table_model import COL_DATE, COL_FLAGS, COL_PLATFORM
from retention_desk.ui.archive.summary_view import ArchiveSummaryView
from retention_desk.ui.archive.view import ArchiveView
from retention_desk.ui.main_window import MainWindow


def archive_page(qtbot, window: MainWindow, path: Path) -> ArchiveView:
    assert window.open_archive(path)
    window.show_page("archive")
    view = window.pages["archive"]
    assert isinstance(view, ArchiveView)
    qtbot.waitUntil(lambda: view.facets.facets is not None, timeout=20_000)
    return view


def test_flags_column_is_in_view_at_1600_px(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    view = archive_page(qtbot, window, demo_copy)
    assert window.width() == 1600
    header = view.table.horizontalHeader()
    assert not header.isSectionHidden(COL_FLAGS)
    right = header.sectionViewportPosition(COL_FLAGS) + header.sectionSize(COL_FLAGS)
    assert header.sectionViewportPosition(COL_FLAGS) >= 0
    assert right <= view.table.viewport().width()
    assert view.table.horizontalScrollBar().value() == 0  # seen without scrolling


def test_account_facets_keep_whole_names_apart(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    view = archive_page(qtbot, window, demo_copy)
    items = view.facets.value_items("Account")
    facebook = [i for i in items if i.text(0).endswith("(Facebook)")]
    assert {i.text(0) for i in facebook} == {"SandiaVistaPD (Facebook)", "SVPDCommunity (Facebook)"}
    # what the panel paints in its cells at 1600 px: every account's whole name, uncut
    tree = view.facets
    metrics = tree.fontMetrics()
    for item in items:
        cell = tree.visualRect(tree.indexFromItem(item, 0)).width()
        painted = metrics.elidedText(item.text(0), tree.textElideMode(), cell - 8)
        assert painted == item.text(0), (painted, cell)


def test_platform_names_are_spelled_alike_on_every_page(
    qtbot, make_window, demo_copy: Path
) -> None:
    window = make_window()
    view = archive_page(qtbot, window, demo_copy)
    facet_names = {i.text(0) for i in view.facets.value_items("Platform")}
    table_names = {
        view.model.data(view.model.index(r, COL_PLATFORM)) for r in range(view.model.rowCount())
    }
    summary = window.pages["overview"]
    assert isinstance(summary, ArchiveSummaryView)
    qtbot.waitUntil(lambda: summary.info is not None)
    table: QTableWidget = summary.platform_table
    summary_names = {table.item(r, 0).text() for r in range(table.rowCount())}
    expected = {platform_label(p) for p in ("x", "facebook", "instagram")}
    assert expected <= facet_names and expected <= summary_names
    assert table_names <= facet_names and "x" not in table_names | facet_names | summary_names


def test_dates_carry_the_zone_abbreviation(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    view = archive_page(qtbot, window, demo_copy)
    shown = view.model.data(view.model.index(0, COL_DATE))
    assert shown.endswith((" MST", " MDT")), shown


def test_new_or_opened_archive_starts_without_the_old_query(
    qtbot, make_window, demo_copy: Path, tmp_path: Path
) -> None:
    window = make_window()
    view = archive_page(qtbot, window, demo_copy)
    view.bar.set_text("platform:x")
    view.bar.submit()
    qtbot.waitUntil(lambda: view._current[0] == "platform:x")
    other = tmp_path / "other.rdesk"
    Archive.create(other).close()
    assert window.open_archive(other)
    qtbot.waitUntil(lambda: view.count_label.text() == "No records match.")
    assert view.bar.text() == ""
    assert window.create_archive(tmp_path / "third")
    assert view.bar.text() == "" and view._current == ("", "date")
