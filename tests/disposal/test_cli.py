"""`retention-desk disposal …`: JSON keys, one-line errors naming the missing option, and the
approval steps through the command line (issue 11)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.cli import main
from tests.disposal.helpers import build


@pytest.fixture
def archive_path(tmp_archive: Archive, tmp_path: Path) -> str:
    build(tmp_archive, tmp_path, agency_kind="state")
    tmp_archive.close()
    return str(tmp_archive.path)


def run(capsys: pytest.CaptureFixture[str], path: str, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", path, "--operator", "Cli Tester", "disposal", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("retention-desk: error: ")
    return lines[0]


def test_report_json_keys_and_exports(
    capsys: pytest.CaptureFixture[str], archive_path: str, tmp_path: Path
) -> None:
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    code, out, err = run(
        capsys,
        archive_path,
        "report",
        "--as-of",
        "2026-01-01",
        "--pdf",
        str(pdf),
        "--xlsx",
        str(xlsx),
        "--json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["report"] == 1 and data["records"] == 5
    assert (data["held"], data["unclassified"]) == (0, 2)
    assert {s["code"]: s["records"] for s in data["series"]} == {"T-CREATED": 4, "T-SHORT": 1}
    assert {"citation", "retention", "verified", "first_created"} <= set(data["series"][0])
    assert data["pdf"] == str(pdf) and pdf.read_bytes().startswith(b"%PDF")
    assert data["xlsx"] == str(xlsx) and xlsx.stat().st_size > 0
    code, out, _ = run(capsys, archive_path, "list", "--json")
    assert code == 0
    (listed,) = json.loads(out)
    assert (listed["report"], listed["status"], listed["records"]) == (1, "draft", 5)


def test_state_approval_and_consent_through_the_cli(
    capsys: pytest.CaptureFixture[str], archive_path: str, tmp_path: Path
) -> None:
    run(capsys, archive_path, "report", "--as-of", "2026-01-01")
    code, out, _ = run(capsys, archive_path, "status", "1", "--json")
    assert code == 0 and json.loads(out)["complete"] is False
    code, _out, err = run(capsys, archive_path, "approve", "1", "--by", "Ann Admin")
    line = one_line_error(err)
    assert code == 1 and "reference" in line and line.endswith("give it with --reference.")
    form = tmp_path / "form.pdf"
    form.write_bytes(b"%PDF signed")
    code, _out, err = run(
        capsys, archive_path, "approve", "1", "--by", "Ann Admin", "--reference", "SRCA-1"
    )
    assert code == 1 and one_line_error(err).endswith("give it with --attach.")
    code, out, err = run(
        capsys,
        archive_path,
        "approve",
        "1",
        "--by",
        "Ann Admin",
        "--reference",
        "SRCA-1",
        "--date",
        "2026-02-02",
        "--attach",
        str(form),
    )
    assert (code, err) == (0, "")
    assert "missing: The custodian's consent" in out
    code, _out, err = run(
        capsys, archive_path, "consent", "1", "--by", "ann admin", "--title", "Custodian"
    )
    assert code == 1 and "someone other than" in one_line_error(err)
    code, out, err = run(
        capsys, archive_path, "consent", "1", "--by", "Carl", "--title", "Custodian", "--json"
    )
    assert (code, err) == (0, "")
    status = json.loads(out)
    assert status["complete"] is True and status["missing"] == []
    assert [s["step"] for s in status["steps"]] == ["approval", "consent"]
    code, out, _ = run(capsys, archive_path, "show", "1", "--json")
    shown = json.loads(out)
    assert shown["status"] == "approved" and shown["approval"]["complete"] is True


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], archive_path: str) -> None:
    for args, expected in (
        (("report", "--as-of", "01/02/2026"), "is not a date"),
        (("show", "7"), "There is no disposal report 7."),
        (("status", "seven"), "is not a report number"),
        (("consent", "1", "--by", "X"), "--title"),
        (("approve", "1", "--by", "X", "--date", "2999-01-01"), "after today"),
    ):
        if args[0] == "approve":
            run(capsys, archive_path, "report", "--as-of", "2026-01-01")
        code, _out, err = run(capsys, archive_path, *args)
        assert code == 1, args
        assert expected in one_line_error(err), (args, err)


def test_county_notice_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_archive: Archive, tmp_path: Path
) -> None:
    build(tmp_archive, tmp_path, agency_kind="county")
    tmp_archive.update_settings(replace(tmp_archive.settings(), agency_kind="county"))
    tmp_archive.close()
    path = str(tmp_archive.path)
    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(b"\xff\xd8 certified mail receipt")
    run(capsys, path, "report", "--as-of", "2026-01-01")
    code, _out, err = run(capsys, path, "approve", "1", "--by", "Dee", "--attach", str(receipt))
    assert code == 1 and one_line_error(err).endswith("give it with --notice-sent.")
    code, out, err = run(
        capsys,
        path,
        "approve",
        "1",
        "--by",
        "Dee",
        "--notice-sent",
        "2026-01-15",
        "--attach",
        str(receipt),
        "--json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["earliest_destruction"] == "2026-03-16"
