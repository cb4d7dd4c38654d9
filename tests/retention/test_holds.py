"""Holds: by query (catching later imports through the import hook), explicit records,
several holds on one record, release with a reason (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_archive
from retention_desk.importers.run import run_import
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule

REDDIT = Path(__file__).parents[1] / "fixtures" / "platforms" / "reddit"


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> Archive:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    return tmp_archive


def test_hold_by_query_catches_a_later_import(archive: Archive) -> None:
    first = run_import(archive, [REDDIT / "export_CityOfExample_20240601"])
    assert first.batch_id is not None
    # a comment only the later export has, and an edit ("EDIT: and at Oak.") it brings
    hold = rt.place_hold(
        archive, "Road closure claim", "litigation", query='paving OR "and at oak"'
    )
    assert hold.records == 0
    rt.add_rule(archive, "platform:reddit", "T-SHORT")
    later = run_import(archive, [REDDIT / "export_CityOfExample_20240701"])
    assert later.batch_id is not None
    # the import run called the hook itself: its note is in the summary
    assert any("classified" in note for note in later.notes)
    (info,) = rt.list_holds(archive)
    assert info.records == 2
    with archive.read() as conn:
        new_ids = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT id FROM records WHERE batch_id = ?", (later.batch_id,)
            ).all()
        ]
    held = rt.holds_for(archive, new_ids)
    assert len(held) == 1 and all(h[0].name == "Road closure claim" for h in held.values())
    # the new records were classified too, and held ones are not eligible
    assert rt.classification_summary(archive).unclassified == 0
    for record_id in held:
        assert rt.record_retention(archive, record_id).held


def test_after_import_does_nothing_without_rules_or_holds(archive: Archive) -> None:
    summary = run_import(archive, [REDDIT / "export_CityOfExample_20240601"])
    assert summary.batch_id is not None
    assert rt.after_import(archive, summary.batch_id) == []


def test_after_import_turns_a_failure_into_a_note(archive: Archive) -> None:
    summary = run_import(archive, [REDDIT / "export_CityOfExample_20240601"])
    assert summary.batch_id is not None
    rt.add_rule(archive, "platform:reddit", "T-SHORT")
    with archive.write() as conn:  # a table gone missing: classification cannot run
        conn.exec_driver_sql("DROP TABLE record_retention")
    notes = rt.after_import(archive, summary.batch_id)
    assert len(notes) == 1 and "failed" in notes[0]


def test_record_stays_held_while_any_hold_covers_it(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget OR gamma", "T-SHORT")
    assert rt.classification_summary(archive).eligible_now == 3
    rt.place_hold(archive, "Audit 2025", "audit", record_ids=[ids["leap"]])
    rt.place_hold(archive, "IPRA 25-014", "ipra_request", query="leap OR alpha")
    summary = rt.classification_summary(archive)
    assert (summary.held, summary.eligible_now) == (2, 1)
    assert {h.name for h in rt.holds_for(archive, [ids["leap"]])[ids["leap"]]} == {
        "Audit 2025",
        "IPRA 25-014",
    }
    released = rt.release_hold(archive, "IPRA 25-014", "request fulfilled")
    assert released.released_at and released.release_reason == "request fulfilled"
    assert rt.record_retention(archive, ids["leap"]).held
    assert not rt.record_retention(archive, ids["june30"]).held
    assert rt.classification_summary(archive).eligible_now == 2
    assert [h.name for h in rt.list_holds(archive)] == ["Audit 2025"]
    assert len(rt.list_holds(archive, include_released=True)) == 2
    assert verify_archive(archive).ok


def test_hold_errors(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.place_hold(archive, "Smith", "litigation", record_ids=[ids["leap"]])
    with pytest.raises(rt.RetentionError, match="already exists"):
        rt.place_hold(archive, "Smith", "audit", record_ids=[ids["leap"]])
    with pytest.raises(rt.RetentionError, match="must be one of"):
        rt.place_hold(archive, "Jones", "because", record_ids=[ids["leap"]])
    with pytest.raises(rt.RetentionError, match="No record with id 999"):
        rt.place_hold(archive, "Jones", "audit", record_ids=[999])
    with pytest.raises(rt.RetentionError, match="query, record ids"):
        rt.place_hold(archive, "Jones", "audit")
    for why in ("", "   "):
        with pytest.raises(rt.RetentionError, match="needs a reason"):
            rt.release_hold(archive, "Smith", why)
    assert rt.list_holds(archive)[0].active
    with pytest.raises(rt.RetentionError, match="no hold 'Jones'"):
        rt.release_hold(archive, "Jones", "why")
    rt.release_hold(archive, "1", "dismissed")  # by id, as typed on a command line
    with pytest.raises(rt.RetentionError, match="already released"):
        rt.release_hold(archive, "Smith", "again")
    with archive.read() as conn:
        actions = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT action FROM audit_log WHERE action LIKE 'retention.hold%'"
            ).all()
        ]
    assert actions == ["retention.hold_place", "retention.hold_release"]


def test_classify_adds_later_records_to_query_holds(archive: Archive) -> None:
    add_records(archive, STANDARD[:1])
    hold = rt.place_hold(archive, "Budget audit", "audit", query="budget")
    assert hold.records == 1
    ids = add_records(archive, STANDARD)  # written without the import hook
    rt.classify(archive)
    assert rt.list_holds(archive)[0].records == 3
    assert set(rt.holds_for(archive, ids.values())) == {
        ids["june30"],
        ids["leap"],
        ids["nodate"],
    }


def test_import_survives_a_failing_hook(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    rt.add_rule(archive, "platform:reddit", "T-SHORT")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("retention_desk.retention.classifier.run", broken)
    summary = run_import(archive, [REDDIT / "export_CityOfExample_20240601"])
    assert summary.status == "completed"
    assert summary.totals()["added"] > 0
    assert any("failed (disk on fire)" in note for note in summary.notes)
    assert rt.classification_summary(archive).unclassified == summary.totals()["added"]
