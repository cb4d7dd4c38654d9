"""Disposal and destruction audit rows (issue 11) read as sentences: rows written by real
reports, approvals and destructions on small archives, and rows of an unexpected shape that
still read as sentences instead of crashing."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from retention_desk import retention as rt
from retention_desk.archive import Archive
from retention_desk.archive.audit import AuditRow, to_row
from retention_desk.disposal import (
    cancel_report,
    load_rules,
    record_approval,
    record_consent,
    run_report,
)
from retention_desk.disposal import rewrite as rewrite_mod
from retention_desk.disposal.certificate import make_certificate
from retention_desk.disposal.destroy import destroy
from retention_desk.importers.run import run_import
from retention_desk.ui.audit.table_model import COL_ACTION, COL_DETAILS, AuditTableModel
from retention_desk.ui.audit.text import AuditNames, action_label, describe, lookup_names
from retention_desk.ui.audit.text_disposal import DISPOSAL_LABELS, DISPOSAL_SENTENCES
from retention_desk.ui.formatting import zone
from tests.disposal.destroy_helpers import OLD, add, approved_report, prepare
from tests.today import agency_today

FLICKR = Path(__file__).parents[1] / "fixtures" / "platforms" / "flickr"
FLICKR = FLICKR / "72157700000000000_abcdef12_part1"
PACKAGE = Path(__file__).parents[2] / "retention_desk"


def sentences(archive: Archive) -> list[str]:
    """The disposal rows' sentences, oldest first, with names looked up as the page does."""
    with archive.read() as conn:
        rows = [
            to_row(tuple(raw))
            for raw in conn.execute(
                text(
                    "SELECT id, at, operator, action, object_type, object_ids, details,"
                    " prev_hash, hash FROM audit_log WHERE action LIKE 'disposal.%' ORDER BY id"
                )
            )
        ]
        names = lookup_names(conn, rows)
    return [describe(r, names) for r in rows]


def row(action: str, details: Any, ids: list[Any] | None = None, kind: str = "") -> AuditRow:
    return AuditRow(
        1, "2026-12-05T00:00:00Z", "pytest", action, kind or None, ids or [], details, "h"
    )


def _three_old_records(archive: Archive, tmp_path: Path, kind: str) -> None:
    archive.update_settings(replace(archive.settings(), agency_kind=kind))
    prepare(archive, tmp_path)
    add(archive, [(f"k{i}", f"post {i}", OLD) for i in range(3)])
    rt.add_rule(archive, "platform:x", "T-SHORT")
    rt.classify(archive)


def test_a_local_approval_and_a_stopped_then_finished_destruction(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    _three_old_records(tmp_archive, tmp_path, "municipality")
    number = run_report(tmp_archive, agency_today()).number
    record_approval(tmp_archive, number, by="Pat Official", on=agency_today())
    cancel = threading.Event()

    def progress(done: int, _total: int, _msg: str) -> None:
        if done >= 1:
            cancel.set()

    destroy(tmp_archive, number, batch_size=1, progress=progress, cancel=cancel)
    destroy(tmp_archive, number, batch_size=2)
    make_certificate(tmp_archive, number)
    shown = sentences(tmp_archive)
    assert shown[:-1] == [
        "Ran disposal report 1: 3 eligible records in 1 series"
        " (1 group by platform, account and year)",
        "Recorded the approving official's approval of disposal report 1;"
        " 1 of 1 required step recorded",
        "Started destroying disposal report 1: 3 records",
        "Destroyed 1 record of disposal report 1",
        "Stopped destroying disposal report 1: 1 record destroyed in this run;"
        " the rest are destroyed by the next run",
        "Purged the search indexes and free pages after destroying disposal report 1",
        "Resumed destroying disposal report 1: 2 of 3 records to go",
        "Destroyed 2 records of disposal report 1",
        "Finished destroying disposal report 1: 2 records destroyed in this run",
        "Purged the search indexes and free pages after destroying disposal report 1",
    ]
    assert re.fullmatch(
        r"Stored the certificate of destruction for disposal report 1"
        r" \(SHA-256 [0-9a-f]{12}…, [\d,]+ bytes\)",
        shown[-1],
    ), shown[-1]
    # names, titles and references typed into the approval never reach the audit page
    assert not any("Pat" in s for s in shown)


def test_state_approval_and_consent_then_a_cancelled_report(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    _three_old_records(tmp_archive, tmp_path, "state")
    number = run_report(tmp_archive, agency_today()).number
    form = tmp_path / "signed.pdf"
    form.write_bytes(b"%PDF-1.4 signed")
    record_approval(
        tmp_archive, number, by="Pat", reference="R-1", on=agency_today(), attachment=form
    )
    record_consent(tmp_archive, number, by="Sam", title="Custodian", on=agency_today())
    cancel_report(tmp_archive, number)
    assert sentences(tmp_archive)[1:] == [
        "Recorded the records administrator's approval of disposal report 1"
        " (with the signed form); 1 of 2 required steps recorded",
        "Recorded the custodian's consent to disposal report 1; 2 of 2 required steps recorded",
        "Cancelled disposal report 1 (it was approved)",
    ]


def test_county_notice_with_its_mail_receipt(tmp_archive: Archive, tmp_path: Path) -> None:
    _three_old_records(tmp_archive, tmp_path, "county")
    number = run_report(tmp_archive, agency_today()).number
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")
    record_approval(
        tmp_archive,
        number,
        by="Pat",
        notice_sent=agency_today() - timedelta(days=70),
        attachment=receipt,
    )
    assert sentences(tmp_archive)[1] == (
        "Recorded the notice to the records administrator about disposal report 1"
        " (with the mail receipt); 1 of 1 required step recorded"
    )


def test_an_empty_report_cancelled_as_a_draft(tmp_archive: Archive, tmp_path: Path) -> None:
    prepare(tmp_archive, tmp_path)
    number = run_report(tmp_archive, agency_today()).number
    cancel_report(tmp_archive, number)
    assert sentences(tmp_archive) == [
        "Ran disposal report 1: no record was eligible",
        "Cancelled disposal report 1 (it was a draft)",
    ]


def test_records_skipped_by_a_later_hold_are_counted_by_reason(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    ids = add(tmp_archive, [("a", "first", OLD), ("b", "second held later", OLD)])
    number = approved_report(tmp_archive)
    rt.place_hold(tmp_archive, "Smith v City", "litigation", record_ids=[ids["b"]])
    destroy(tmp_archive, number)
    shown = sentences(tmp_archive)
    assert "Destroyed 1 record of disposal report 1; skipped 1 (1 held)" in shown
    assert not any("Smith" in s for s in shown)


def test_originals_rewritten_and_deleted_name_their_file(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    run_import(tmp_archive, [FLICKR])
    for query in ("platform:flickr kind:comment", "platform:flickr kind:post"):
        rt.add_rule(tmp_archive, query, "T-SHORT")
        rt.classify(tmp_archive)
        number = run_report(tmp_archive, agency_today()).number
        record_approval(tmp_archive, number, by="Pat", on=agency_today())
        destroy(tmp_archive, number)
    shown = sentences(tmp_archive)
    assert "Destroyed 3 records of disposal report 1; originals: 2 rewritten" in shown
    assert "Destroyed 3 records of disposal report 2; originals: 3 deleted" in shown
    rewritten = [s for s in shown if s.startswith("Rewrote")]
    assert len(rewritten) == 2
    for s in rewritten:
        assert re.fullmatch(
            r"Rewrote original \d+ “\u2068photo_\d+\.json\u2069” without \d+ items? of destroyed"
            r" records \(disposal report 1\): SHA-256 [0-9a-f]{12}… → [0-9a-f]{12}…",
            s,
        ), s
    deleted = [s for s in shown if s.startswith("Deleted")]
    assert len(deleted) == 3
    for s in deleted:
        assert re.fullmatch(
            r"Deleted original \d+ “\u2068photo_\d+\.json\u2069”: it held only destroyed"
            r" records \(disposal report 2\); SHA-256 was [0-9a-f]{12}…",
            s,
        ), s


@pytest.mark.parametrize(
    ("action", "details", "sentence"),
    [
        (
            "disposal.report",
            {"report": 7, "records": 1234, "held": 12, "series": 3, "groups": 9,
             "unclassified": 300},
            "Ran disposal report 7: 1,234 eligible records in 3 series (9 groups by platform,"
            " account and year), 12 held, 300 unclassified",
        ),
        (
            "disposal.destroy_batch",
            {"report": 7, "destroyed": 500, "skipped": {"held": 2, "changed": 1},
             "originals": {"rewritten": 3, "removed": 1, "retained": 0}},
            "Destroyed 500 records of disposal report 7; skipped 3 (1 changed, 2 held);"
            " originals: 1 deleted, 3 rewritten",
        ),
        # re-application is written when an older copy is opened (reapply.py): keys as it
        # passes them
        (
            "disposal.reapply",
            {"reports": [3, 7], "records": 40, "unconfirmed": 2},
            "Found records destroyed under disposal reports 3, 7 in this copy; destroying"
            " 40 records again; 2 records could not be confirmed and were kept",
        ),
        (
            "disposal.reapply_finish",
            {"reports": [7], "destroyed": 39, "skipped": 1},
            "Destroyed again the records of disposal report 7: 39 records; 1 record not"
            " destroyed again",
        ),
    ],
)  # fmt: skip
def test_rows_read_as_sentences(action: str, details: Any, sentence: str) -> None:
    assert describe(row(action, details)) == sentence


def test_the_report_number_comes_from_the_row_when_details_lack_it() -> None:
    assert describe(row("disposal.destroy_purge", {}, [4], "disposal_report")) == (
        "Purged the search indexes and free pages after destroying disposal report 4"
    )
    assert describe(row("disposal.reapply_finish", {}, [4, 5], "disposal_report")) == (
        "Destroyed again the records of disposal reports 4, 5"
    )


def test_an_imported_file_name_cannot_reorder_or_break_the_sentence() -> None:
    names = AuditNames(source_files={12: "evil\u202e\nnosj.txt"})
    shown = describe(
        row(
            "disposal.original_rewritten",
            {"report": 7, "old_sha256": "a" * 64, "new_sha256": "b" * 64, "items": 1},
            [12],
            "source_file",
        ),
        names,
    )
    assert "\n" not in shown
    assert "“\u2068evil\u202e nosj.txt\u2069”" in shown
    assert shown.endswith("(disposal report 7): SHA-256 aaaaaaaaaaaa… → bbbbbbbbbbbb…")


@pytest.mark.parametrize("action", sorted(DISPOSAL_SENTENCES))
@pytest.mark.parametrize(
    "details",
    [
        {},
        {k: None for k in ("report", "reports", "records", "held", "step", "destroyed")},
        {"report": "seven", "records": "lots", "skipped": [1, 2], "originals": "x",
         "steps_recorded": True, "from": 3, "reports": "7", "sha256": 5, "items": -1},
        {"report": {"x": 1}, "destroyed": {"a": 1}, "skipped": {"held": "many"},
         "remaining": 9, "records": 3, "unconfirmed": [1], "attachment": "yes"},
        ["not", "a", "dict"],
    ],
)  # fmt: skip
def test_missing_or_odd_details_never_crash(action: str, details: Any) -> None:
    shown = describe(row(action, details, [1, "x"], "disposal_report"))
    assert shown and "\n" not in shown
    assert "None" not in shown
    assert action_label(action) != action


def _audited_actions() -> set[str]:
    """Every disposal action the sources write: whole literals (a prefix such as
    "disposal.original_" ends in "_"), the approval steps of the rules file
    (f"disposal.{step}") and the originals' outcomes that are audited."""
    found: set[str] = set()
    for path in [*PACKAGE.glob("disposal/*.py"), *PACKAGE.glob("cli/*.py")]:
        found.update(re.findall(r"\"(disposal\.[a-z_]*[a-z])\"", path.read_text(encoding="utf-8")))
    steps = {s.step for rule in load_rules().values() for s in rule.steps}
    found.update(f"disposal.{s}" for s in steps)
    # a retained original is not audited on its own (destroy._batch skips it)
    found.update(f"disposal.original_{a}" for a in (rewrite_mod.REWRITTEN, rewrite_mod.REMOVED))
    return found


def test_every_disposal_action_written_has_a_label_and_a_sentence() -> None:
    actions = _audited_actions()
    assert "disposal.destroy_batch" in actions and "disposal.local" in actions
    assert actions <= set(DISPOSAL_SENTENCES), actions - set(DISPOSAL_SENTENCES)
    assert actions <= set(DISPOSAL_LABELS), actions - set(DISPOSAL_LABELS)


def test_audit_page_shows_the_label_and_the_sentence(qtbot, tmp_archive: Archive) -> None:
    with tmp_archive.write() as conn:
        tmp_archive.audit(
            conn,
            action="disposal.destroy_finish",
            object_type="disposal_report",
            object_ids=[7],
            details={"report": 7, "destroyed_now": 1200},
        )
    model = AuditTableModel()
    model.set_archive(tmp_archive, zone("America/Denver"))
    model.reload()
    assert model.data(model.index(0, COL_ACTION)) == "Destruction finished"
    assert model.data(model.index(0, COL_DETAILS)) == (
        "Finished destroying disposal report 7: 1,200 records destroyed in this run"
    )
