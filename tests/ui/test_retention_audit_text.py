"""Every retention action's real audit row (written by retention_desk/retention, not guessed
details) reads as a correct sentence, with hold and schedule-file names looked up by id."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from retention_desk import retention as rt
from retention_desk.archive import Archive
from retention_desk.archive.audit import AuditRow, iter_rows, to_row
from retention_desk.importers.run import run_import
from retention_desk.ui.audit.text import action_label, describe, lookup_names
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule

REDDIT = Path(__file__).parents[1] / "fixtures" / "platforms" / "reddit"
NAME = "<b>Smith</b>\u202e"


def retention_rows(archive: Archive) -> list[tuple[AuditRow, str]]:
    with archive.read() as conn:
        rows = [to_row(tuple(raw)) for raw in iter_rows(conn)]
        names = lookup_names(conn, rows)
    return [(r, describe(r, names)) for r in rows if r.action.startswith("retention.")]


def test_every_retention_action_reads_correctly(tmp_archive: Archive, tmp_path: Path) -> None:
    arch = tmp_archive
    rt.ensure_schedules(arch)
    agency = schedule_text(
        (
            ("T-CAL", "P1Y", "calendar_year_end", "destroy"),
            ("T-EVENT", "P1Y", "event:file_closed", "destroy"),
            ("NONRECORD", "P30D", "created", "destroy"),
        ),
        rules='\n[[rule]]\nquery = "gamma"\nseries = "T-EVENT"\n',
    )
    imported = rt.import_schedule(arch, write_schedule(tmp_path, agency, "agency.toml"))
    ids = add_records(arch, STANDARD)
    added = rt.add_rule(arch, "budget", "T-CAL")
    rt.classify(arch)
    rt.set_event_date(arch, "file_closed", date(2025, 3, 1), query="gamma")
    hold = rt.place_hold(arch, NAME, "ipra_request", query="alpha", record_ids=[ids["leap"]])
    rt.add_rule(arch, "leap", "T-CAL")  # a second hold on june30 for the release count
    other = rt.place_hold(arch, "Audit 2026", "audit", record_ids=[ids["june30"]])
    rt.release_hold(arch, hold.id, "request closed")
    removal = rt.remove_rule(arch, added.rule_id)
    batch = run_import(arch, [REDDIT / "export_CityOfExample_20240601"]).batch_id

    sentences = retention_rows(arch)
    by_action: dict[str, list[str]] = {}
    for row, sentence in sentences:
        assert action_label(row.action) != row.action
        assert "None" not in sentence and "\n" not in sentence
        by_action.setdefault(row.action, []).append(sentence)

    shipped, agency_row = by_action["retention.schedule_import"]
    assert shipped.startswith("Stored the retention schedules shipped with the app: 2 files,")
    assert agency_row == (
        "Loaded a retention schedule from agency.toml: 3 series (overriding NONRECORD), 1 rule;"
        f" no record changed series or eligible date (SHA-256 {imported.sha256[:12]}…)"
    )
    first_add, second_add = by_action["retention.rule_add"]
    assert first_add == (
        f"Added retention rule {added.rule_id} for series T-CAL; it matched 3 records;"
        " 3 records changed series or eligible date"
    )
    assert "it matched 1 record; no record changed series or eligible date" in second_add
    (removed,) = by_action["retention.rule_remove"]
    # it decided june30, leap and nodate; leap keeps T-CAL under the "leap" rule
    assert (removal.matched, removal.moved) == (3, 2)
    assert removed == (
        f"Removed retention rule {added.rule_id} (series T-CAL); it decided 3 records;"
        " 2 records changed series or eligible date"
    )
    manual, after_import = by_action["retention.classify"]
    # records written straight to the archive wait for a classify: the agency file's rule
    # files nye under T-EVENT only now
    assert manual == (
        "Classified 4 records: 1 record changed series or eligible date,"
        " 0 unclassified in the archive"
    )
    assert after_import.startswith("Classified ") and f"after import batch {batch}" in after_import
    (event,) = by_action["retention.event_set"]
    assert event == (
        "Dated the event “file closed” 2025-03-01 for 1 record;"
        " 1 record changed series or eligible date"
    )
    placed, placed_other = by_action["retention.hold_place"]
    assert placed == (
        f"Placed hold {hold.id} “\u2068{NAME}\u2069” (IPRA request) on 2 records"
        " (1 listed by id, and by query)"
    )
    assert placed_other == (
        f"Placed hold {other.id} “\u2068Audit 2026\u2069” (audit) on 1 record listed by id"
    )
    (released,) = by_action["retention.hold_release"]
    assert released == (
        f"Released hold {hold.id} “\u2068{NAME}\u2069” from 2 records;"
        " 1 record still held by other holds"
    )


def test_no_name_or_reason_text_reaches_the_audit_row(tmp_archive: Archive) -> None:
    ids = add_records(tmp_archive, STANDARD)
    hold = rt.place_hold(tmp_archive, NAME, "litigation", matter="M-99", record_ids=[ids["leap"]])
    rt.release_hold(tmp_archive, hold.id, "secret reason")
    with tmp_archive.read() as conn:
        raw = [str(r) for r in iter_rows(conn)]
    assert not any("Smith" in r or "M-99" in r or "secret reason" in r for r in raw)
