"""`retention-desk request ...` as an agency's script drives it: the interface the issue names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from retention_desk.cli import main
from tests.retention.helpers import add_records


def _run(archive: Path, *argv: str) -> int:
    return main(["--archive", str(archive), *argv])


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    path = tmp_path / "desk.rdesk"
    assert _run(path, "init") == 0
    assert _run(path, "settings", "set", "agency_name", "Cerro Alto Police") == 0
    assert _run(path, "settings", "set", "custodian", "Dana Vigil") == 0
    return path


def _new(desk: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    capsys.readouterr()
    code = _run(
        desk,
        "request",
        "new",
        "--received",
        "2026-11-02 09:15",
        "--via",
        "email",
        "--name",
        "Ana Requester",
        "--address",
        "1 Main St",
        "--phone",
        "505-555-0100",
        "--email",
        "ana@example.org",
        "--description",
        "All comments about the parade",
        "--json",
        *extra,
    )
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_new_prints_the_number_and_json_has_plain_keys(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _new(desk, capsys)
    assert data["number"] == "IPRA-2026-0001"
    for key in ("number", "received_at", "status", "due", "state", "exposure"):
        assert key in data
    assert data["status"] == "received"
    code = _run(
        desk, "request", "new", "--received", "2026-11-03 10:00", "--via", "oral",
        "--name", "", "--description", "bodycam policy",
    )  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == "IPRA-2026-0002"


def test_due_lists_open_requests_with_clocks(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _new(desk, capsys)
    assert _run(desk, "request", "due", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["number"] for r in rows] == ["IPRA-2026-0001"]
    row = rows[0]
    # received 2026-11-02: day 15 is 2026-11-17, long past on the session's clock
    assert row["state"] == "deemed_denied"
    assert row["exposure"] > 0
    keys = {c["key"] for c in row["clocks"]}
    assert {"response_3day", "inspection_15day"} <= keys


def test_deny_needs_responsible_with_title_and_an_exception(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _new(desk, capsys)
    assert _run(desk, "request", "deny", "IPRA-2026-0001", "--exception", "14-2-1(D)") == 1
    assert "--responsible" in capsys.readouterr().err
    code = _run(
        desk, "request", "deny", "IPRA-2026-0001", "--responsible", "Chief Ortiz",
        "--exception", "14-2-1(D)",
    )  # fmt: skip
    assert code == 1
    assert "NAME, TITLE" in capsys.readouterr().err
    code = _run(
        desk, "request", "deny", "IPRA-2026-0001", "--responsible", "R. Ortiz, Chief of Police",
        "--responsible", "D. Vigil, Records Custodian", "--exception", "NMSA 1978, 14-2-1(D)",
        "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "denied"
    assert data["events"][-1]["details"]["responsible"][1] == {
        "name": "D. Vigil",
        "title": "Records Custodian",
    }


def test_steps_letters_and_export(
    desk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _new(desk, capsys)
    assert _run(desk, "request", "ack", "IPRA-2026-0001", "--on", "2026-11-04",
                "--available", "2026-11-12") == 0  # fmt: skip
    assert _run(desk, "request", "burdensome", "IPRA-2026-0001", "--on", "2026-11-10",
                "--until", "2026-12-31") == 0  # fmt: skip
    pdf, docx = tmp_path / "ack.pdf", tmp_path / "burden.docx"
    assert _run(desk, "request", "letter", "IPRA-2026-0001", "acknowledgment", "--pdf",
                str(pdf)) == 0  # fmt: skip
    assert _run(desk, "request", "letter", "IPRA-2026-0001", "burdensome", "--docx",
                str(docx)) == 0  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF") and docx.read_bytes().startswith(b"PK")
    capsys.readouterr()
    assert _run(desk, "request", "show", "IPRA-2026-0001", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [lt["kind"] for lt in data["letters"]] == ["acknowledgment", "burdensome"]
    assert data["status"] == "burdensome"
    clocks = {c["key"]: c for c in data["clocks"]}
    assert clocks["response_3day"]["state"] == "met"
    assert clocks["burdensome_notice"]["state"] == "met"
    assert data["exposure"] == 0
    out = tmp_path / "log.xlsx"
    assert _run(desk, "request", "export-log", str(out)) == 0
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "IPRA-2026-0001"
    header = rows[0]
    assert rows[1][header.index("Business days to first response")] == 2


def test_add_records_by_query_and_id(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from retention_desk.archive.store import Archive

    with Archive.open(desk) as archive:
        ids = add_records(archive, [("a", "parade route", None), ("b", "budget", None)])
    _new(desk, capsys)
    assert _run(desk, "request", "add-records", "IPRA-2026-0001", "--query", "parade",
                "--json") == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["added"] == 1
    assert _run(desk, "request", "add-records", "IPRA-2026-0001", "--record",
                str(ids["b"]), "--json") == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["total"] == 2
    assert _run(desk, "request", "add-records", "IPRA-2026-0001") == 1
    assert _run(desk, "request", "remove-records", "IPRA-2026-0001", "--record",
                str(ids["b"]), "--reason", "not responsive") == 0  # fmt: skip
    assert _run(desk, "hold", "list", "--json") == 0


def test_hostile_requester_text_is_printed_not_obeyed(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = _run(
        desk, "request", "new", "--received", "2026-11-02 09:15", "--via", "written",
        "--name", "Eve\x1b[2J\u202e", "--description", "x\x07", "--address", "a", "--phone", "1",
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    assert _run(desk, "request", "list") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_unknown_request_is_one_line_error(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(desk, "request", "show", "IPRA-1999-0001") == 1
    err = capsys.readouterr().err
    assert "no request 'IPRA-1999-0001'" in err and len(err.strip().splitlines()) == 1


def test_update_and_progress(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _new(desk, capsys)
    assert _run(desk, "request", "update", "IPRA-2026-0001") == 1
    assert _run(desk, "request", "update", "IPRA-2026-0001", "--advance-payment", "yes",
                "--custodian", "K. Baca", "--json") == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["advance_payment"] is True and data["custodian"] == "K. Baca"
    assert _run(desk, "request", "progress", "IPRA-2026-0001", "--json") == 0
    assert json.loads(capsys.readouterr().out)["status"] == "in_progress"


def test_letter_before_its_step_says_which_step_to_record(
    desk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _new(desk, capsys)
    out = tmp_path / "denial.pdf"
    assert _run(desk, "request", "letter", "IPRA-2026-0001", "denial", "--pdf", str(out)) == 1
    err = capsys.readouterr().err
    assert "14-2-11(B)" in err and "request deny IPRA-2026-0001" in err
    assert not out.exists()
