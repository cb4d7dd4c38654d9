"""Hostile-inputs D2: imported or typed text is shown literally, never as rich text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from retention_desk.archive import Archive, ArchiveSettings
from retention_desk.archive.batches import add_source_file, finish_batch, start_batch
from retention_desk.archive.ingest import AccountIn, RecordIn, RecordWriter, upsert_account
from retention_desk.ui.archive.summary_view import ArchiveSummaryView
from retention_desk.ui.audit.view import AuditView
from retention_desk.ui.main_window import MainWindow

HOSTILE = '<img src="file:///etc/hosts"><h1>x</h1>'


def hostile_archive(path: Path) -> Path:
    with Archive.create(path, operator=HOSTILE) as archive:
        archive.update_settings(
            ArchiveSettings(agency_name=HOSTILE, custodian_name=HOSTILE, operator_name=HOSTILE)
        )
        with archive.write() as conn:
            batch = start_batch(conn, operator=HOSTILE, options={})
            source = add_source_file(
                conn,
                batch_id=batch,
                name=HOSTILE,
                size=0,
                sha256="0" * 64,
                blob_sha256=None,
                status="imported",
            )
            account = upsert_account(conn, AccountIn("x", "1", "1", HOSTILE, HOSTILE))
            writer = RecordWriter(conn, batch_id=batch, source_file_id=source, account_id=account)
            writer.add(RecordIn(platform=HOSTILE, kind="post", record_key="1", text=HOSTILE))
            counts = writer.finish()
            finish_batch(conn, batch, status="completed", counts={"added": counts.added}, errors=[])
            archive.audit(conn, action=HOSTILE, details={"note": HOSTILE})
    return path


def labels_showing(widget, text: str) -> list[QLabel]:
    return [label for label in widget.findChildren(QLabel) if text in label.text()]


def test_summary_and_audit_show_markup_literally(qtbot, make_window, tmp_path: Path) -> None:
    path = hostile_archive(tmp_path / "hostile.rdesk")
    window: MainWindow = make_window(operator=None)  # the archive's setting names it
    window.show()
    assert window.open_archive(path)
    summary = window.pages["overview"]
    assert isinstance(summary, ArchiveSummaryView)
    qtbot.waitUntil(lambda: summary.info is not None)

    # the agency header, custodian and last-import operator all carry the payload
    shown = labels_showing(summary, HOSTILE)
    assert summary.agency_label in shown and len(shown) >= 3
    assert summary.agency_label.text() == HOSTILE
    # every label on the page, data or caption, is plain text
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText for label in summary.findChildren(QLabel)
    )
    cells = {
        summary.account_table.item(r, c).text()
        for r in range(summary.account_table.rowCount())
        for c in range(summary.account_table.columnCount())
    }
    assert HOSTILE in cells
    assert summary.platform_table.item(0, 0).text() == HOSTILE

    audit = window.show_page("audit")
    assert isinstance(audit, AuditView)
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0)
    assert audit.action_combo.findText(HOSTILE) >= 0  # combo items are plain text
    audit.table.selectRow(0)  # newest: the hostile action
    details = audit.details.toPlainText()
    assert f"Operator   {HOSTILE}" in details and f"Action     {HOSTILE}" in details
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText for label in audit.findChildren(QLabel)
    )
    # the status bar's path and operator labels too
    assert window.operator_status.textFormat() == Qt.TextFormat.PlainText
    assert window.operator_status.text() == f"Operator: {HOSTILE}"
    assert window.path_status.textFormat() == Qt.TextFormat.PlainText
