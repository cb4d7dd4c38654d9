"""A change to a setting the stored dates are counted in (time zone, fiscal-year end, agency
kind) reclassifies every record, from the core, the CLI and the GUI's Settings dialog."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.cli import main
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> Archive:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    return tmp_archive


def test_fiscal_year_end_change_moves_stored_dates(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "leap", "T-FY")
    assert rt.record_retention(archive, ids["leap"]).trigger_date == "2024-06-30"
    before = archive.settings()
    after = archive.update_settings(replace(before, fiscal_year_end="09-30"))
    summary = rt.settings_changed(archive, before, after)
    assert summary is not None and summary.moved == 1
    # FY ending Sept 30: Feb 29 2024 falls in the year ending 2024-09-30
    assert rt.record_retention(archive, ids["leap"]).trigger_date == "2024-09-30"


def test_time_zone_change_moves_a_new_years_eve_post(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "gamma", "T-CAL")
    assert rt.record_retention(archive, ids["nye"]).trigger_date == "2024-12-31"
    before = archive.settings()
    after = archive.update_settings(replace(before, time_zone="America/New_York"))
    assert rt.settings_changed(archive, before, after) is not None
    # 23:30 in Albuquerque is 01:30 on January 1 in New York
    assert rt.record_retention(archive, ids["nye"]).trigger_date == "2025-12-31"


def test_unrelated_setting_or_unused_retention_does_nothing(
    archive: Archive, tmp_archive: Archive
) -> None:
    before = archive.settings()
    after = replace(before, bates_prefix="CITY")
    assert rt.settings_changed(archive, before, after) is None
    # retention never used: a time zone change classifies nothing
    assert rt.settings_changed(archive, before, replace(before, time_zone="UTC")) is None


def test_cli_settings_set_reclassifies(
    archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "leap", "T-FY")
    path = str(archive.path)
    archive.close()
    assert main(["--archive", path, "settings", "set", "fiscal_year_end", "09-30"]) == 0
    out = capsys.readouterr().out
    assert "records reclassified, 1 changed series or eligible date" in out
    with Archive.open(path) as reopened:
        assert rt.record_retention(reopened, ids["leap"]).trigger_date == "2024-09-30"
