"""Shared setup for the retention CLI tests: an archive holding the small Reddit export, the
CLI run in-process, one-line errors and the audit rows a command wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from retention_desk.importers.run import run_import

REDDIT = Path(__file__).parents[1] / "fixtures" / "platforms" / "reddit"
FIRST = REDDIT / "export_CityOfExample_20240601"
LATER = REDDIT / "export_CityOfExample_20240701"

# An agency file: a series of its own (short, so records from 2024 are eligible now), one that
# replaces a shipped series, and a rule.
AGENCY_TOML = """
[[series]]
code = "CITY-SHORT"
title = "Transitory notices"
citation = "City records policy 4.2"
retention = "P30D"
trigger = "created"
disposition = "destroy"
applies_to = ["municipality"]
verified = true
source = "https://city.example/records-policy"

[[series]]
code = "SM-PUBLIC"
title = "Public comments (adopted by the city)"
citation = "City records policy 4.3"
retention = "P2Y"
trigger = "calendar_year_end"
disposition = "destroy"
applies_to = ["municipality"]
verified = true

[[rule]]
query = "kind:message"
series = "CITY-SHORT"
note = "notices sent as messages"
"""


def build_template(path: Path) -> Path:
    """An archive with the first Reddit export imported (15 records, none classified)."""
    with Archive.create(path, operator="pytest") as archive:
        summary = run_import(archive, [FIRST])
        assert summary.batch_id is not None
    return path


def copy_archive(template: Path, dest: Path) -> Path:
    shutil.copyfile(template, dest)
    return dest


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), "--operator", "Clerk CLI", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(code: int, err: str) -> str:
    """The single error line of a failed command (exit 1, nothing else on stderr)."""
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("retention-desk: error: ")
    return lines[0]


def audit(path: Path, prefix: str = "retention.") -> list[tuple[str, str, dict[str, object]]]:
    """(action, operator, details) of the audit rows whose action starts with `prefix`."""
    with Archive.open(path) as archive, archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, operator, details FROM audit_log WHERE action LIKE ? ORDER BY id",
            (prefix + "%",),
        ).all()
    return [(a, op, json.loads(d)) for a, op, d in rows]


def audit_text(path: Path) -> str:
    """Every audit row's object ids and details, as stored: what must never hold a name."""
    with Archive.open(path) as archive, archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT object_ids, details FROM audit_log").all()
    return "\n".join(f"{ids} {details}" for ids, details in rows)


def count_rows(path: Path, table: str) -> int:
    with Archive.open(path) as archive, archive.read() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
