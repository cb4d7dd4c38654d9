"""The lazy audit model, tested without a view: ids up front, rows only when asked for."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from retention_desk.archive import Archive, timeutil
from retention_desk.archive import audit as audit_mod
from retention_desk.ui import formatting as fmt
from retention_desk.ui.audit.table_model import (
    COL_ACTION,
    COL_DETAILS,
    COL_ID,
    COL_OPERATOR,
    COL_TIME,
    PAGE_SIZE,
    AuditFilter,
    AuditTableModel,
    IdRole,
    distinct_actions,
)

ROWS = 3000
DENVER = fmt.zone("America/Denver")


@pytest.fixture
def busy_archive(tmp_archive: Archive) -> Archive:
    """An archive with ROWS extra audit entries, every third one a 'record.view'."""
    with tmp_archive.write() as conn:
        for i in range(ROWS):
            audit_mod.append(
                conn,
                operator="clerk",
                action="record.view" if i % 3 == 0 else "search.run",
                object_type="record",
                object_ids=[i],
                details={"n": i},
            )
    return tmp_archive


def test_model_holds_ids_and_fetches_rows_on_demand(qtbot, busy_archive: Archive) -> None:
    model = AuditTableModel()
    model.set_archive(busy_archive, DENVER)
    model.reload()
    total = ROWS + 1  # plus archive.create
    assert model.rowCount() == total
    assert model.page_fetches == 0 and model.cached_rows() == 0  # nothing read yet

    assert model.data(model.index(0, COL_ID)) == str(total)  # newest first
    assert model.page_fetches == 1 and model.cached_rows() == PAGE_SIZE
    model.data(model.index(PAGE_SIZE - 1, COL_DETAILS))
    assert model.page_fetches == 1  # same page: served from the cache

    last = model.index(total - 1, COL_ACTION)
    assert model.data(last) == "Archive created"
    assert model.page_fetches == 2
    assert model.cached_rows() < total  # still far from everything
    assert model.data(model.index(5, COL_ID), IdRole) == total - 5  # ids need no fetch
    assert model.page_fetches == 2


def test_filter_by_action(qtbot, busy_archive: Archive) -> None:
    model = AuditTableModel()
    model.set_archive(busy_archive, DENVER)
    model.reload(AuditFilter(action="record.view"))
    assert model.rowCount() == ROWS // 3
    actions = {model.data(model.index(r, COL_ACTION)) for r in range(0, model.rowCount(), 97)}
    assert actions == {"record.view"}
    assert distinct_actions(busy_archive) == ["archive.create", "record.view", "search.run"]


def test_filter_by_local_days(qtbot, tmp_archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    # 06:30 UTC on 9 March is 23:30 on the 8th in Denver; 07:30 UTC is 00:30 on the 9th.
    stamps = ["2024-03-09T06:30:00.000000Z", "2024-03-09T07:30:00.000000Z"]
    for stamp in stamps:
        monkeypatch.setattr(timeutil, "now_db", lambda stamp=stamp: stamp)
        with tmp_archive.write() as conn:
            tmp_archive.audit(conn, action="test.stamp", details={"at": stamp})
    model = AuditTableModel()
    model.set_archive(tmp_archive, DENVER)

    model.reload(AuditFilter(first_day=date(2024, 3, 9), last_day=date(2024, 3, 9)))
    assert model.rowCount() == 1
    assert model.data(model.index(0, COL_TIME)) == "2024-03-09 00:30:00 MST"
    tooltip = model.data(model.index(0, COL_TIME), Qt.ItemDataRole.ToolTipRole)
    assert "2024-03-09 07:30:00 UTC" in tooltip

    model.reload(AuditFilter(first_day=date(2024, 3, 8), last_day=date(2024, 3, 8)))
    row = model.row_at(0)
    assert row is not None and row.details["at"] == stamps[0]

    model.reload(AuditFilter(action="test.stamp", first_day=date(2024, 3, 10)))
    assert model.rowCount() == 0
    model.reload(AuditFilter(action="test.stamp", last_day=date(2024, 3, 9)))
    assert model.rowCount() == 2


def test_untrusted_operator_and_details_are_plain(qtbot, tmp_archive: Archive) -> None:
    hostile = '<img src="file:///etc/hosts"><h1>x</h1>'
    with tmp_archive.write() as conn:
        audit_mod.append(conn, operator=hostile, action="test", details={"note": hostile})
    model = AuditTableModel()
    model.set_archive(tmp_archive, DENVER)
    model.reload()
    assert model.data(model.index(0, COL_OPERATOR)) == hostile  # shown as the literal text
    # The details tooltip shows JSON, so the string appears with its quotes escaped.
    for col, shown in ((COL_OPERATOR, hostile), (COL_DETAILS, json.dumps(hostile))):
        tooltip = model.data(model.index(0, col), Qt.ItemDataRole.ToolTipRole)
        assert "<img" not in tooltip and "<h1>" not in tooltip
        rendered = QTextDocument()
        rendered.setHtml(tooltip)  # what the tooltip shows: the literal text, no image
        assert shown in rendered.toPlainText()
