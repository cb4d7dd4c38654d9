"""The record viewer's Redactions tab: select text and redact it under a code from the
catalogue (a typed unknown code is refused in the dialog), withhold, remove, stale marked;
hostile record text, notes and codes stay plain text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from retention_desk.archive import Archive
from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import RecordIn
from retention_desk.redaction import add_redaction, list_redactions
from retention_desk.ui.record.redactions import (
    COL_NOTE,
    COL_STATE,
    COL_WHAT,
    RecordRedactionsPane,
    exemption_text,
)
from retention_desk.ui.record.view import RecordView
from retention_desk.ui.tasks import TaskRunner

HOSTILE = '<b>bold</b> <img src="file:///etc/passwd"> \u202eevil 😀 SSN 987-65-4321 end'
SECRET = "987-65-4321"


@pytest.fixture
def record(tmp_archive: Archive) -> tuple[Archive, int]:
    with tmp_archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(
            RecordIn(
                platform="x",
                kind="post",
                record_key="h1",
                platform_id="h1",
                text=HOSTILE,
                author_name="<i>Rosa</i>",
                created_at=datetime(2024, 5, 1, tzinfo=UTC),
            )
        )
        writer.finish()
    with tmp_archive.read() as conn:
        record_id = int(conn.exec_driver_sql("SELECT id FROM records").scalar_one())
    return tmp_archive, record_id


def pane_for(qtbot, archive: Archive, record_id: int) -> RecordRedactionsPane:
    pane = RecordRedactionsPane(TaskRunner(inline=True))
    qtbot.addWidget(pane)
    pane.show_record(archive, record_id)
    assert pane.data is not None
    return pane


def select(pane: RecordRedactionsPane, part: str) -> None:
    assert pane.text.find(part)  # Qt's own selection, in UTF-16 positions


def test_selecting_and_redacting_stores_python_indices(qtbot, record) -> None:
    archive, record_id = record
    pane = pane_for(qtbot, archive, record_id)
    assert pane.text.toPlainText() == HOSTILE  # shown literally
    assert not pane.redact_button.isEnabled()
    select(pane, SECRET)
    assert pane.selected_range() == (HOSTILE.index(SECRET), HOSTILE.index(SECRET) + len(SECRET))
    dialog = pane.open_redact()
    assert dialog is not None
    unverified = [dialog.code.itemText(i) for i in range(dialog.code.count())]
    assert any("14-2-1.1" in t and "UNVERIFIED" in t for t in unverified)
    assert any(
        t.startswith("14-2-1(G) — Attorney-client") and "UNVERIFIED" not in t for t in unverified
    )
    dialog.code.setCurrentIndex(dialog.code.findData("14-2-1.1"))
    dialog.note.setText("<b>note</b>")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    (info,) = list_redactions(archive)
    assert (info.start, info.end, info.code, info.note) == (
        HOSTILE.index(SECRET),
        HOSTILE.index(SECRET) + len(SECRET),
        "14-2-1.1",
        "<b>note</b>",
    )
    assert HOSTILE[info.start : info.end] == SECRET
    assert pane.table.rowCount() == 1
    assert pane.table.item(0, COL_NOTE).text() == "<b>note</b>"
    assert pane.table.item(0, COL_WHAT).text().startswith("Text ")


def test_the_dialog_refuses_an_unknown_code(qtbot, record) -> None:
    archive, record_id = record
    pane = pane_for(qtbot, archive, record_id)
    select(pane, "evil")
    dialog = pane.open_redact()
    assert dialog is not None
    dialog.code.setEditText("14-2-1(Z)")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.exemption is None
    assert "no exemption code" in dialog.error.text() and dialog.error.isVisible()
    assert list_redactions(archive) == []
    dialog.code.setEditText("deliberative process")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and list_redactions(archive) == []
    dialog.code.setEditText("14-2-1(g)")  # typed: the code as the statute writes it
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert [r.code for r in list_redactions(archive)] == ["14-2-1(G)"]


def test_hostile_text_stays_plain(qtbot, record) -> None:
    archive, record_id = record
    pane = pane_for(qtbot, archive, record_id)
    pane.field.setCurrentIndex(pane.field.findData("author_name"))
    assert pane.text.toPlainText() == "<i>Rosa</i>"
    assert not pane.version.isEnabled()
    pane.field.setCurrentIndex(pane.field.findData("text"))
    select(pane, "<img")
    dialog = pane.open_redact()
    assert dialog is not None
    assert dialog.excerpt.textFormat() == Qt.TextFormat.PlainText
    assert "<img" in dialog.excerpt.text()
    assert dialog.detail.textFormat() == Qt.TextFormat.PlainText
    assert pane.status.textFormat() == Qt.TextFormat.PlainText
    dialog.reject()


def test_withhold_remove_and_stale(qtbot, record) -> None:
    archive, record_id = record
    pane = pane_for(qtbot, archive, record_id)
    dialog = pane.open_withhold()
    assert dialog is not None and not hasattr(dialog, "excerpt")
    dialog.code.setCurrentIndex(dialog.code.findData("14-2-1(F)"))
    dialog.accept()
    assert pane.table.item(0, COL_WHAT).text() == "Withholds the record"
    pane.table.selectRow(0)
    assert pane.remove_button.isEnabled()
    pane.remove_selected()
    assert pane.table.rowCount() == 0 and list_redactions(archive) == []
    start = HOSTILE.index(SECRET)
    add_redaction(archive, record_id, start, start + len(SECRET), "14-2-1.1")
    with archive.write() as conn:  # the text changes under the redaction
        conn.exec_driver_sql("UPDATE record_versions SET text = replace(text, '4321', '0000')")
    pane.show_record(archive, record_id)
    assert pane.table.item(0, COL_STATE).text() == "STALE: text changed"
    assert "STALE" in pane.status.text()


def test_record_view_has_the_tab_and_loads_it_when_opened(qtbot, record, tmp_path: Path) -> None:
    archive, record_id = record
    view = RecordView(TaskRunner(inline=True))
    qtbot.addWidget(view)
    view.set_archive(archive)
    view.show_record(record_id)
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert "Redactions" in titles
    assert view.redactions.data is None  # not loaded until its tab is opened
    view.tabs.setCurrentWidget(view.redactions)
    assert view.redactions.data is not None and view.redactions.record_id == record_id


def test_exemption_text_marks_unverified() -> None:
    from retention_desk.redaction import load_catalogue

    by_code = {e.code: e for e in load_catalogue().exemptions}
    assert exemption_text(by_code["29-10-4"]).endswith("UNVERIFIED")
    assert "NMSA 1978, § 14-2-1(B)" in exemption_text(by_code["14-2-1(B)"])


def test_redact_from_the_versions_tab(qtbot, tmp_archive: Archive) -> None:
    def put(text: str) -> None:
        with tmp_archive.write() as conn:
            writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
            writer.add(
                RecordIn(
                    platform="x",
                    kind="post",
                    record_key="t1",
                    title="Title 😀",
                    text=text,
                    created_at=datetime(2024, 5, 1, tzinfo=UTC),
                )
            )
            writer.finish()

    put(f"first 𝒳 {SECRET}")
    put("second, edited")
    with tmp_archive.read() as conn:
        record_id = int(conn.exec_driver_sql("SELECT id FROM records").scalar_one())
        v1 = int(conn.exec_driver_sql("SELECT id FROM record_versions WHERE seq = 1").scalar_one())
    view = RecordView(TaskRunner(inline=True))
    qtbot.addWidget(view)
    view.set_archive(tmp_archive)
    view.show_record(record_id)
    view.versions.list.setCurrentRow(0)  # v1: "Title 😀\n\nfirst 𝒳 ..."
    assert view.versions.text.find(SECRET)
    view.versions.redact_selection()
    assert view.tabs.currentWidget() is view.redactions
    dialog = view.redactions.dialog
    assert dialog is not None and dialog.isVisible() and SECRET in dialog.excerpt.text()
    dialog.code.setCurrentIndex(dialog.code.findData("14-2-1.1"))
    dialog.accept()
    (info,) = list_redactions(tmp_archive)
    value = f"first 𝒳 {SECRET}"
    assert (info.field, info.version, info.start, info.end) == (
        "text",
        v1,
        value.index(SECRET),
        value.index(SECRET) + len(SECRET),
    )
    view.tabs.setCurrentWidget(view.versions)
    view.versions.list.setCurrentRow(1)  # the current version's title
    assert view.versions.text.find("😀")
    view.versions.redact_selection()
    dialog = view.redactions.dialog
    assert dialog is not None
    dialog.code.setCurrentIndex(dialog.code.findData("14-2-1.1"))
    dialog.accept()
    titles = [r for r in list_redactions(tmp_archive) if r.field == "title"]
    assert [(r.version, r.start, r.end) for r in titles] == [("current", 6, 7)]


def test_a_versions_selection_maps_to_title_or_text_never_both() -> None:
    from retention_desk.redaction import RedactionError
    from retention_desk.search import VersionInfo
    from retention_desk.ui.record.redactions import version_body_range

    version = VersionInfo(1, "Ti😀", "body text", None, None, None, None, "")
    assert version_body_range(version, 0, 2) == ("title", 0, 2)
    assert version_body_range(version, 5, 9) == ("text", 0, 4)  # after "Ti😀\n\n"
    with pytest.raises(RedactionError, match="not across both"):
        version_body_range(version, 1, 8)
    untitled = VersionInfo(1, None, "body text", None, None, None, None, "")
    assert version_body_range(untitled, 1, 3) == ("text", 1, 3)
