"""`retention-desk calendar list|add|remove|confirm` in-process on a temporary archive: every
line with its source and verified flag, unconfirmed years said so, typed names shown and never
obeyed, one-line errors with exit 1, audit rows with dates and years only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "calendar.rdesk"
    Archive.create(target, operator="pytest").close()
    return target


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), "--operator", "Clerk CLI", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(code: int, err: str) -> str:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("retention-desk: error: ")
    return lines[0]


def audit_rows(path: Path) -> list[tuple[str, str, str]]:
    with Archive.open(path) as archive, archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, object_ids, details FROM audit_log WHERE action LIKE 'ipra.%'"
            " ORDER BY id"
        ).all()
    return [(str(a), str(i), str(d)) for a, i, d in rows]


def test_list_text_shows_source_and_verified_and_unconfirmed(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(capsys, path, "calendar", "list", "2026")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Calendar 2026: UNCONFIRMED")
    assert "calendar confirm 2026" in lines[0]
    assert "2026-12-25 Fri  closed  Christmas Day" in lines
    assert "2026-11-27 Fri  open    Day after Thanksgiving (state offices' Presidents' Day)" in (
        lines
    )
    entries = [i for i, line in enumerate(lines) if line[:4] == "2026"]
    assert len(entries) == 13  # ten statutory, three suggestions
    for i in entries:
        detail = lines[i + 1]
        assert "source: " in detail
        assert "UNVERIFIED" in detail or "verified" in detail
    statutory = [lines[i + 1] for i in entries if "statutory holiday;" in lines[i + 1]]
    assert len(statutory) == 10
    assert all("NMSA 1978, § 12-5-2, UNVERIFIED" in d for d in statutory)
    assert sum("suggestion, not applied" in lines[i + 1] for i in entries) == 3
    assert "9 weekday(s) closed besides Saturdays and Sundays." in out  # July 4 is a Saturday
    assert "Suggestions are not applied" in out


def test_list_json(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(capsys, path, "calendar", "list", "2027", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["year"], data["confirmed"], data["confirmed_at"], data["confirmed_by"]) == (
        2027,
        False,
        None,
        None,
    )
    july = next(d for d in data["days"] if d["date"] == "2027-07-05")
    assert july == {
        "date": "2027-07-05",
        "name": "Independence Day (observed; 2027-07-04 is a Sunday)",
        "source": july["source"],
        "citation": "NMSA 1978, § 12-5-2; NMSA 1978, § 12-5-3",
        "verified": False,
        "applied": True,
        "kind": "statutory",
    }
    assert {d["kind"] for d in data["days"]} == {"statutory", "suggested"}
    assert all(set(d) == set(july) for d in data["days"])


def test_add_remove_confirm_round_trip(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(capsys, path, "calendar", "add", "2026-11-27", "Day after Thanksgiving")
    assert code == 0, err
    assert out.startswith("Closed 2026-11-27 (Day after Thanksgiving, agency closure)")
    assert "unconfirmed" in out
    code, out, _ = run(capsys, path, "calendar", "list", "2026", "--json")
    days = json.loads(out)["days"]
    on_day = [d for d in days if d["date"] == "2026-11-27"]
    assert [(d["kind"], d["applied"], d["verified"]) for d in on_day] == [("agency", True, False)]
    assert "Clerk CLI" in on_day[0]["source"]

    code, out, err = run(capsys, path, "calendar", "confirm", "2026")
    assert code == 0, err
    assert out.startswith("Calendar 2026: confirmed ") and "by Clerk CLI" in out
    assert "10 weekday(s) closed" in out
    code, out, _ = run(capsys, path, "calendar", "list", "2026")
    assert out.splitlines()[0].startswith("Calendar 2026: confirmed ")

    code, out, err = run(capsys, path, "calendar", "remove", "2026-10-12")
    assert code == 0, err
    assert "is no longer observed" in out and "earlier" in out
    code, out, _ = run(capsys, path, "calendar", "list", "2026")
    assert out.splitlines()[0].startswith(
        "Calendar 2026: UNCONFIRMED (changed since it was confirmed)"
    )
    assert "2026-10-12 Mon  open    Indigenous Peoples' Day" in out
    assert "statutory holiday the agency does not observe" in out

    code, out, err = run(capsys, path, "calendar", "remove", "2026-11-27", "--json")
    assert code == 0, err
    assert json.loads(out)["kind"] == "agency" and not json.loads(out)["applied"]

    rows = audit_rows(path)
    assert [a for a, _i, _d in rows] == [
        "ipra.calendar_add",
        "ipra.calendar_confirm",
        "ipra.calendar_remove",
        "ipra.calendar_remove",
    ]
    trail = "\n".join(f"{i} {d}" for _a, i, d in rows)
    for name in ("Thanksgiving", "Indigenous", "Clerk"):
        assert name not in trail


def test_hostile_name_is_shown_not_obeyed(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    hostile = "\x1b[2J<b>Staff\x07 day</b>\u202e"
    code, out, err = run(capsys, path, "calendar", "add", "2026-06-19", hostile)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out
    code, out, _ = run(capsys, path, "calendar", "list", "2026")
    assert "\x1b" not in out and "\x07" not in out
    assert "<b>Staff" in out  # plain text: markup shown as typed


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "2026-11-28", "Staff day"), "2026-11-28 is a Saturday"),
        (("add", "2026-11-26", "Again"), "already closed"),
        (("add", "2026-13-01", "Bad"), "is not a date written YYYY-MM-DD"),
        (("add", "2026-11-27", "   "), "needs a name"),
        (("remove", "2026-11-20"), "not a closed day"),
        (("list", "12026"), "outside the years"),
        (("confirm", "1800"), "outside the years"),
        (("remove", "1850-01-01"), "outside the years"),
        (("list", "twenty"), "invalid int value"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], path: Path, args: tuple[str, ...], words: str
) -> None:
    code, out, err = run(capsys, path, "calendar", *args)
    assert words in one_error(code, err)
    assert out == ""
    assert audit_rows(path) == []
