""" "Add to request…" on the Archive page: the selected records join an open request's
responsive set (and its hold); with no open request the dialog says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtWidgets import QDialog

from retention_desk.archive import Archive
from retention_desk.ipra import requests, responsive
from retention_desk.retention import holds_for
from retention_desk.ui.archive.view import ArchiveView
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.requests.add_to_request import AddToRequestDialog
from retention_desk.ui.tasks import TaskRunner
from tests.retention.helpers import add_records


def make_view(qtbot, archive: Archive, settings: QSettings) -> tuple[ArchiveView, list[str]]:
    changes = ArchiveChanges()
    seen: list[str] = []
    changes.changed.connect(seen.append)
    view = ArchiveView(TaskRunner(inline=True), changes, settings=settings)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.set_archive(archive)
    return view, seen


def records(archive: Archive) -> dict[str, int]:
    return add_records(
        archive,
        [
            ("a", "parade route complaint", datetime(2026, 2, 1, tzinfo=UTC)),
            ("b", "parade photos", datetime(2026, 2, 2, tzinfo=UTC)),
            ("c", "unrelated budget post", datetime(2026, 2, 3, tzinfo=UTC)),
        ],
    )


def test_selected_records_are_added_to_the_chosen_request(
    qtbot, tmp_archive: Archive, qsettings: QSettings
) -> None:
    ids = records(tmp_archive)
    closed = requests.new_request(
        tmp_archive,
        received_at=datetime.now(UTC) - timedelta(minutes=5),
        via="email",
        name="Closed One",
        description="old",
    )
    requests.withdraw(tmp_archive, closed.number)
    detail = requests.new_request(
        tmp_archive,
        received_at=datetime.now(UTC) - timedelta(minutes=1),
        via="email",
        name="<b>Ana</b>",
        description="Parade posts",
    )
    view, seen = make_view(qtbot, tmp_archive, qsettings)
    assert view.model.rowCount() == 3
    selection = view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.clearSelection()
    for record in ("a", "b"):
        index = view.model.index(view.model.row_of(ids[record]), 0)
        selection.select(index, flags.Select | flags.Rows)
    assert sorted(view.selected_ids()) == sorted([ids["a"], ids["b"]])
    dialog = view.open_add_to_request()
    assert isinstance(dialog, AddToRequestDialog)
    # only open requests are offered; the requester's name is shown as typed
    assert dialog.request_combo.count() == 1
    shown = dialog.request_combo.itemText(0)
    assert shown.startswith(f"{detail.number} · \u2068<b>Ana</b>\u2069")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert sorted(responsive.responsive_ids(tmp_archive, detail.number)) == sorted(
        [ids["a"], ids["b"]]
    )
    assert set(holds_for(tmp_archive, list(ids.values()))) == {ids["a"], ids["b"]}
    assert "requests" in seen
    assert view.count_label.text().startswith(f"{detail.number}: 2 records added")


def test_without_an_open_request_the_dialog_says_so(
    qtbot, tmp_archive: Archive, qsettings: QSettings
) -> None:
    records(tmp_archive)
    view, _ = make_view(qtbot, tmp_archive, qsettings)
    dialog = view.open_add_to_request()
    assert dialog is not None
    assert "no open request" in dialog.error.text()  # type: ignore[attr-defined]
    assert not dialog.ok_button.isEnabled()  # type: ignore[attr-defined]
