"""Retention audit rows (issue 10) read as sentences, and rows missing their details, or with
details of an unexpected shape, still read as sentences instead of crashing."""

from __future__ import annotations

from typing import Any

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.audit import AuditRow
from retention_desk.ui.audit.table_model import COL_ACTION, COL_DETAILS, AuditTableModel
from retention_desk.ui.audit.text import action_label, describe
from retention_desk.ui.formatting import zone

RETENTION_ACTIONS = (
    "retention.schedule_import",
    "retention.rule_add",
    "retention.rule_remove",
    "retention.classify",
    "retention.event_set",
    "retention.hold_place",
    "retention.hold_release",
)


def row(action: str, details: Any, ids: list[Any] | None = None) -> AuditRow:
    return AuditRow(1, "2026-12-04T00:00:00Z", "pytest", action, None, ids or [], details, "h")


@pytest.mark.parametrize(
    ("action", "details", "sentence"),
    [
        (
            "retention.schedule_import",
            {"series": 12, "rules": 3, "sha256": "ab" * 32},
            "Loaded a retention schedule: 12 series, 3 rules (SHA-256 abababababab…)",
        ),
        ("retention.schedule_import", {"series": 1, "rules": 1}, "Loaded a retention schedule:"
         " 1 series, 1 rule"),
        (
            "retention.rule_add",
            {"rule": 4, "series": "PRR", "moved": 120},
            "Added retention rule 4 for series PRR; 120 records changed series or eligible date",
        ),
        (
            "retention.rule_add",
            {"rule": 5, "series": "COMP", "moved": 0},
            "Added retention rule 5 for series COMP; no record changed series or eligible date",
        ),
        (
            "retention.rule_remove",
            {"rule": 4, "series": "PRR", "moved": 1},
            "Removed retention rule 4 (series PRR); 1 record changed series or eligible date",
        ),
        (
            "retention.classify",
            {"records": 1200, "moved": 30, "unclassified": 5},
            "Classified 1,200 records: 30 records changed series or eligible date,"
            " 5 unclassified in the archive",
        ),
        (
            "retention.event_set",
            {"event": "fulfilled_or_denied", "records": 12},
            "Dated the event “fulfilled or denied” for 12 records",
        ),
        (
            "retention.hold_place",
            {"hold": 3, "reason": "litigation", "records": 40},
            "Placed hold 3 (litigation) on 40 records",
        ),
        (
            "retention.hold_place",
            {"hold": 7, "reason": "ipra", "records": 1},
            "Placed hold 7 (IPRA request) on 1 record",
        ),
        (
            "retention.hold_release",
            {"hold": 3, "records": 40},
            "Released hold 3 from 40 records",
        ),
    ],
)  # fmt: skip
def test_retention_rows_read_as_sentences(action: str, details: Any, sentence: str) -> None:
    assert describe(row(action, details)) == sentence
    assert action_label(action) != action


@pytest.mark.parametrize("action", RETENTION_ACTIONS)
@pytest.mark.parametrize(
    "details",
    [
        {},
        {"records": None, "hold": None, "rule": None, "series": None, "moved": None},
        {"records": "lots", "moved": [1, 2], "hold": {"x": 1}, "series": 5, "sha256": 7},
        {"records": True, "event": "", "reason": 3, "unclassified": "n/a"},
        ["not", "a", "dict"],
    ],
)
def test_missing_or_odd_details_never_crash(action: str, details: Any) -> None:
    sentence = describe(row(action, details))
    assert sentence and "\n" not in sentence
    assert not sentence.startswith(action), sentence  # a sentence, not the raw fallback
    assert "None" not in sentence


def test_ids_come_from_the_row_when_details_lack_them() -> None:
    assert describe(row("retention.hold_release", {"records": 2}, [9])) == (
        "Released hold 9 from 2 records"
    )
    assert describe(row("retention.rule_remove", {}, [4])) == "Removed retention rule 4"


def test_audit_view_shows_the_labels_and_sentences(qtbot, tmp_archive: Archive) -> None:
    with tmp_archive.write() as conn:
        tmp_archive.audit(
            conn,
            action="retention.hold_place",
            object_type="hold",
            object_ids=[3],
            details={"hold": 3, "reason": "audit", "records": 2},
        )
    model = AuditTableModel()
    model.set_archive(tmp_archive, zone("America/Denver"))
    model.reload()
    assert model.data(model.index(0, COL_ACTION)) == "Hold placed"
    assert model.data(model.index(0, COL_DETAILS)) == "Placed hold 3 (audit) on 2 records"
