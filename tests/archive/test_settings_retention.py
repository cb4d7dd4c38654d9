"""Agency kind and fiscal year end: validated, stored under the keys the retention engine
reads, defaulted for archives that never stored them, audited and sealed like the rest."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, ArchiveError, ArchiveSettings
from retention_desk.archive.settings import AGENCY_KINDS, parse_fiscal_year_end
from retention_desk.archive.verify import verify_archive


def test_defaults_are_a_new_mexico_municipality_with_a_june_30_fiscal_year(
    archive: Archive,
) -> None:
    settings = archive.settings()
    assert settings.agency_kind == "municipality"
    assert settings.fiscal_year_end == "06-30"
    assert settings.fiscal_year_end_tuple() == (6, 30)
    assert settings.validate() == []


@pytest.mark.parametrize("kind", AGENCY_KINDS)
def test_each_agency_kind_is_accepted(kind: str) -> None:
    assert ArchiveSettings(agency_kind=kind).validate() == []


@pytest.mark.parametrize("kind", ["city", "State", "", "municipality "])
def test_unknown_agency_kind_is_refused_with_the_choices(kind: str) -> None:
    problems = ArchiveSettings(agency_kind=kind).validate()
    assert len(problems) == 1
    assert problems[0].startswith("Agency kind")
    assert "state, county, municipality, other" in problems[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("06-30", (6, 30)), ("12-31", (12, 31)), ("09-30", (9, 30)), ("02-28", (2, 28))],
)
def test_real_days_are_accepted(value: str, expected: tuple[int, int]) -> None:
    settings = ArchiveSettings(fiscal_year_end=value)
    assert settings.validate() == []
    assert settings.fiscal_year_end_tuple() == expected


@pytest.mark.parametrize(
    "value",
    ["02-29", "02-30", "06-31", "04-31", "13-01", "00-10", "06-00", "6-30", "06/30", "0630",
     "06-30\n", "٠٦-٣٠", "", "June 30"],
)  # fmt: skip
def test_days_not_every_year_has_or_other_forms_are_refused(value: str) -> None:
    assert parse_fiscal_year_end(value) is None
    problems = ArchiveSettings(fiscal_year_end=value).validate()
    assert any(p.startswith("Fiscal year end") and "MM-DD" in p for p in problems), problems


def test_stored_under_the_keys_the_retention_engine_reads(archive: Archive) -> None:
    archive.update_settings(
        replace(archive.settings(), agency_kind="state", fiscal_year_end="09-30")
    )
    with archive.read() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT key, value FROM settings"
                    " WHERE key IN ('setting.agency_kind', 'setting.fiscal_year_end')"
                )
            ).all()
        )
    assert {k: json.loads(v) for k, v in rows.items()} == {
        "setting.agency_kind": "state",
        "setting.fiscal_year_end": "09-30",
    }
    reopened = Archive.open(archive.path)
    try:
        assert reopened.settings().fiscal_year_end_tuple() == (9, 30)
        assert reopened.settings().agency_kind == "state"
    finally:
        reopened.close()


def test_invalid_values_are_refused_and_nothing_is_written(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="February 29 is refused"):
        archive.update_settings(replace(archive.settings(), fiscal_year_end="02-29"))
    with pytest.raises(ArchiveError, match="Agency kind 'tribal'"):
        archive.update_settings(replace(archive.settings(), agency_kind="tribal"))
    assert archive.count("SELECT count(*) FROM audit_log WHERE action = 'settings.update'") == 0
    assert archive.settings().fiscal_year_end == "06-30"


def test_change_is_audited_with_the_field_names(archive: Archive) -> None:
    archive.update_settings(replace(archive.settings(), agency_kind="county"))
    with archive.read() as conn:
        ids, details = conn.execute(
            text("SELECT object_ids, details FROM audit_log WHERE action = 'settings.update'")
        ).one()
    assert json.loads(ids) == ["agency_kind"]
    assert json.loads(details)["changes"] == {"agency_kind": ["municipality", "county"]}


def test_archive_that_stored_settings_before_these_keys_existed_gets_the_defaults(
    archive: Archive,
) -> None:
    # An archive written by an older app has every other setting row but not these two.
    archive.update_settings(replace(archive.settings(), agency_name="Village of Cerro Alto"))
    raw = sqlite3.connect(archive.path)
    raw.execute(
        "DELETE FROM settings WHERE key IN ('setting.agency_kind', 'setting.fiscal_year_end')"
    )
    raw.commit()
    raw.close()
    loaded = archive.settings()
    assert loaded.agency_name == "Village of Cerro Alto"
    assert (loaded.agency_kind, loaded.fiscal_year_end) == ("municipality", "06-30")
    assert loaded.fiscal_year_end_tuple() == (6, 30)


def test_verify_passes_after_the_new_settings_change(archive: Archive) -> None:
    archive.update_settings(
        replace(archive.settings(), agency_kind="state", fiscal_year_end="12-31")
    )
    archive.update_settings(replace(archive.settings(), fiscal_year_end="09-30"))
    report = verify_archive(archive, record=False)
    assert report.ok, report.failures


def test_fiscal_year_end_changed_behind_the_apps_back_is_caught(archive: Archive) -> None:
    archive.update_settings(replace(archive.settings(), fiscal_year_end="12-31"))
    raw = sqlite3.connect(archive.path)
    raw.execute("UPDATE settings SET value = '\"06-30\"' WHERE key = 'setting.fiscal_year_end'")
    raw.commit()
    raw.close()
    report = verify_archive(archive, record=False)
    assert not report.ok
    assert any(f.startswith("The archive settings differ") for f in report.failures)


@pytest.mark.parametrize("control", ["\x7f", "\x9b", "\x85"])
def test_c0_del_and_c1_controls_are_refused(control: str) -> None:
    # DEL and the C1 range (an 8-bit CSI starts a terminal escape) were let through before
    problems = ArchiveSettings(agency_name=f"Cerro{control}Alto").validate()
    assert problems == ["Agency name contains control characters."]
