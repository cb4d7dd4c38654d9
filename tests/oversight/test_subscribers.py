"""Snapshots per account, one snapshot's members, two compared (added, gone); the CLI; hostile
member names stay plain text; a snapshot is produced in full."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from retention_desk.ipra import requests, responsive
from retention_desk.oversight import subscribers as subs
from retention_desk.production.plan import build_plan
from tests.oversight.subscribers_helpers import (
    FACEBOOK,
    X_APRIL,
    X_MARCH,
    entries,
    import_export,
    one,
)

HOSTILE = [
    '<b>Bold</b> & <font color="red" size="40">Red</font>',
    '=HYPERLINK("http://evil.example/x","click")',
    "+1-2 @SUM(A1)",
    "\u202eRTL \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "Two\nLines",
    "Esc \x1b[31mred\x1b[0m",
]


@pytest.fixture
def two_exports(tmp_archive: Archive) -> Archive:
    import_export(tmp_archive, X_MARCH)
    import_export(tmp_archive, X_APRIL)
    return tmp_archive


def test_resolve_account_by_id_or_platform_handle(two_exports: Archive) -> None:
    with two_exports.read() as conn:
        by_handle = subs.resolve_account(conn, "x:@MILAHU104")
        assert subs.resolve_account(conn, str(by_handle.id)) == by_handle
        assert subs.resolve_account(conn, "x:1964312974236991488") == by_handle
        for bad in ("x:nobody", "milahu104", "999"):
            with pytest.raises(subs.SubscriberError):
                subs.resolve_account(conn, bad)


def test_snapshots_listed_oldest_first_and_latest_compared(two_exports: Archive) -> None:
    with two_exports.read() as conn:
        account = subs.resolve_account(conn, "x:milahu104")
        overview = subs.account_overview(conn, account)
        followers = subs.list_snapshots(conn, account.id, "followers")
    assert [(s.list_kind, s.taken_at[:10]) for s in overview.snapshots if s.taken_at] == [
        ("followers", "2026-03-06"),
        ("following", "2026-03-06"),
        ("followers", "2026-04-01"),
    ]
    assert [s.entry_count for s in followers] == [6, 6]
    # following.js is byte-identical in April: one snapshot, nothing to compare
    (change,) = overview.latest_changes
    assert change.older.record_id == followers[0].record_id
    assert [e.member_key for e in change.added] == ["1302549514524356608"]
    assert [e.member_key for e in change.gone] == ["185624693"]
    assert change.kept == 5


def test_compare_orders_by_date_and_refuses_different_lists(two_exports: Archive) -> None:
    with two_exports.read() as conn:
        account = subs.resolve_account(conn, "x:milahu104")
        march, april = subs.list_snapshots(conn, account.id, "followers")
        (following,) = subs.list_snapshots(conn, account.id, "following")
        backwards = subs.compare_snapshots(conn, april.record_id, march.record_id)
        assert backwards.older == march and backwards.newer == april
        with pytest.raises(subs.SubscriberError):
            subs.compare_snapshots(conn, march.record_id, following.record_id)
        with pytest.raises(subs.SubscriberError):
            subs.show_snapshot(conn, 10_000)
        detail = subs.show_snapshot(conn, march.record_id)
    assert [e.position for e in detail.entries] == [1, 2, 3, 4, 5, 6]
    assert detail.snapshot.taken_at_source.endswith("manifest.js")


def _cli_json(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> object:
    capsys.readouterr()
    assert main(["--archive", str(path), "subscribers", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_overview_snapshot_and_compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        import_export(archive, X_MARCH)
        import_export(archive, X_APRIL)
    overview = _cli_json(capsys, path, "x:milahu104")
    assert isinstance(overview, dict)
    assert [s["entry_count"] for s in overview["snapshots"]] == [6, 5, 6]
    (change,) = overview["latest_changes"]
    assert [e["member_key"] for e in change["added"]] == ["1302549514524356608"]
    march, april = overview["snapshots"][0]["record_id"], overview["snapshots"][2]["record_id"]
    shown = _cli_json(capsys, path, "--snapshot", str(march))
    assert isinstance(shown, dict) and len(shown["entries"]) == 6
    compared = _cli_json(capsys, path, "--compare", str(march), str(april))
    assert isinstance(compared, dict) and [e["member_key"] for e in compared["gone"]] == [
        "185624693"
    ]
    accounts = _cli_json(capsys, path)
    assert isinstance(accounts, list) and accounts[0]["snapshots"] == 3
    capsys.readouterr()
    assert main(["--archive", str(path), "subscribers", "x:milahu104"]) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 gone, 5 in both" in out and "+ account 1302549514524356608" in out
    assert main(["--archive", str(path), "subscribers", "x:nobody"]) == 1
    err = capsys.readouterr().err
    assert "no account" in err and len(err.strip().splitlines()) == 1


def _hostile_export(tmp_path: Path) -> Path:
    folder = tmp_path / "facebook-hostile-2026-06-01" / "connections" / "followers"
    folder.mkdir(parents=True)
    data = {"followers_v3": [{"name": n} for n in HOSTILE]}
    (folder / "people_who_followed_you.json").write_text(json.dumps(data), encoding="utf-8")
    return folder.parents[1]


def test_hostile_member_names_stay_plain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        import_export(archive, _hostile_export(tmp_path), account="cityofexample")
        record = one(archive, "facebook", "followers")
        names = [e["name"] for e in entries(archive, record["record_id"])]
    assert names == HOSTILE  # stored as the export wrote them
    lines = record["text"].splitlines()
    assert len(lines) == 2 + len(HOSTILE)  # one line per member: the line break is a space
    assert "Two Lines" in lines and HOSTILE[0] in lines and HOSTILE[1] in lines
    capsys.readouterr()
    assert (
        main(["--archive", str(path), "subscribers", "--snapshot", str(record["record_id"])]) == 0
    )
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Esc \\x1bred" in out and "\\u202eRTL" in out
    assert HOSTILE[1] in out  # printed as text; no spreadsheet ever sees it as a formula here


def test_a_snapshot_is_produced_in_full(tmp_archive: Archive) -> None:
    import_export(tmp_archive, FACEBOOK)
    record = one(tmp_archive, "facebook", "following")
    number = requests.new_request(
        tmp_archive,
        received_at=datetime(2026, 6, 2, 16, tzinfo=UTC),
        via="email",
        name="Ana Requester",
        email="ana@example.org",
        description="The city's follower lists",
    ).number
    responsive.add_records(tmp_archive, number, [record["record_id"]])
    plan = build_plan(tmp_archive, number, key=b"k" * 32)
    (produced,) = plan.records
    assert produced.kind == "subscriber_list"
    assert produced.versions[-1].text.plain() == record["text"]
    assert produced.versions[-1].text.plain().count("\n") == 2 + 3
