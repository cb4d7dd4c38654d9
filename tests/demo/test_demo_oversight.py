"""The demo archive shows the Oversight page's duties (issue 15): a registry with staff and
roles, unapproved-author flags, page statements present and missing, dated follower lists
that changed, and a moderation log with reasoned and unreasoned removals; read back through
the CLI as a custodian would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from retention_desk.cli import main
from retention_desk.demo import build_demo_archive
from retention_desk.demo import content as c
from retention_desk.demo.oversight import X_KEY


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_archive(tmp_path_factory.mktemp("demo-oversight") / "demo.rdesk")


def cli(capsys: pytest.CaptureFixture[str], demo: Path, *args: str) -> Any:
    code = main(["--archive", str(demo), *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_registry_has_people_roles_and_account_details(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    registry = cli(capsys, demo, "account", "list")
    assert {p["name"] for p in registry["people"]} == {s[0] for s in c.STAFF}
    accounts = {a["account"]: a for a in registry["accounts"]}
    assert len(accounts) == 5  # the X archives attached to the demo's X account, no second one
    for account in accounts.values():
        assert account["department"] and account["url"] and account["purpose"]
        assert account["opened_on"]
    roles = [r for a in accounts.values() for r in a["roles"]]
    assert {r["role"] for r in roles} == {"administrator", "liaison", "approved_user"}
    assert all(r["approved_on"] and r["approved_by"] == c.APPROVER for r in roles)
    for main_account in ("facebook:SandiaVistaPD", "x:SandiaVistaPD"):
        kinds = {r["role"] for r in accounts[main_account]["roles"]}
        assert {"administrator", "liaison"} <= kinds
    (retired,) = [a for a in accounts.values() if a["status"] == "retired"]
    assert retired["retired_on"] == c.RETIRED_ACCOUNT[1]
    assert any(r["ended_on"] == c.RETIRED_ACCOUNT[1] for r in retired["roles"])


def test_account_flags_show_approved_later_and_no_role(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    flags = cli(capsys, demo, "account", "flags")
    reasons = {(f["reason"], f["author"], f["account"]) for f in flags}
    assert ("approved_later", "Dominic Archibeque", "x:SandiaVistaPD") in reasons
    assert ("no_role", "Priya Valdez-Okafor", "facebook:SandiaVistaPD") in reasons
    assert all(f["evidence"] == "staff_author" for f in flags)
    # posts entered for approved staff on days they were approved are not flagged
    assert {f["author"] for f in flags} == {"Dominic Archibeque", "Priya Valdez-Okafor"}


def test_statements_present_and_missing_where_pages_are_archived(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    check = cli(capsys, demo, "statements", "check")
    assert check["policies"] == ["nm-dps-opr-37", "las-cruces-cmp-1-12"]
    by_account = {f"{a['platform']}:{a['handle']}": a for a in check["accounts"]}
    facebook = {
        r["statement"]: r["status"] for r in by_account["facebook:SandiaVistaPD"]["results"]
    }
    assert set(facebook.values()) == {"present"}
    x = {r["statement"]: r["status"] for r in by_account["x:SandiaVistaPD"]["results"]}
    assert x["not-monitored-24-7"] == x["call-911"] == "present"
    assert x["public-disclosure"] == x["comments-monitored"] == "missing"
    instagram = by_account["instagram:sandiavistapd"]
    assert [e["source"] for e in instagram["evidence"]] == ["web capture"]
    assert {r["status"] for r in instagram["results"]} == {"present", "missing"}
    for name in ("facebook:SandiaVistaPD", "x:SandiaVistaPD", "instagram:sandiavistapd"):
        assert all(r["status"] != "no evidence" for r in by_account[name]["results"]), name


def test_x_follower_snapshots_compare_with_added_and_gone(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    (listed,) = cli(capsys, demo, "subscribers")
    assert listed["account"]["account_key"] == X_KEY
    overview = cli(capsys, demo, "subscribers", "x:SandiaVistaPD")
    text = json.dumps(overview)
    assert "2024-09-01" in text and "2025-02-15" in text
    snapshots = _snapshots(overview)
    followers = sorted(
        (s for s in snapshots if s["list_kind"] == "followers"), key=lambda s: s["taken_at"]
    )
    assert len(followers) >= 2
    older, newer = followers[0]["record_id"], followers[-1]["record_id"]
    compared = cli(capsys, demo, "subscribers", "--compare", str(older), str(newer))
    assert len(compared["added"]) == 6 and len(compared["gone"]) == 4


def _snapshots(value: Any) -> list[dict[str, Any]]:
    """Every snapshot object in the overview, wherever its layout nests them."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if "list_kind" in value and "record_id" in value:
            found.append(value)
        for item in value.values():
            found += _snapshots(item)
    elif isinstance(value, list):
        for item in value:
            found += _snapshots(item)
    return found


def test_moderation_log_has_reasons_and_unreasoned_removals(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    unreasoned = cli(capsys, demo, "moderation", "list", "--unreasoned")
    assert unreasoned and all(e["unreasoned"] for e in unreasoned)
    entries = cli(capsys, demo, "moderation", "list")
    reasoned = [e for e in entries if e["category"]]
    assert reasoned and all(e["reason"] for e in reasoned)
    assert any(e["acted_by"] == "author" and e["action"] == "deleted" for e in entries)
    assert any(e["action"] == "reported" and not e["removed"] for e in entries)


def test_annual_review_counts_incidents(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    review = cli(capsys, demo, "review-report", "2024")
    incidents = review["incidents"]
    assert incidents["total"] > 0
    assert incidents["by_resolution"].get("reported") == 1
    assert review["removed"]
