"""The demo archive shows retention (for the Retention page and a CLI walkthrough): records in
shipped series, some unclassified, an event series with files closed and open, a hold by
query, records eligible now; read back through the retention commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.demo import build_demo_archive
from retention_desk.demo.build import DEMO_HOLD, DEMO_RULES
from tests.cli.retention_cli_helpers import run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_archive(tmp_path_factory.mktemp("demo-retention") / "demo.rdesk")


def test_demo_archive_shows_retention(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, err = run(capsys, demo, "rule", "list", "--json")
    assert code == 0, err
    assert [(r["query"], r["series"]) for r in json.loads(out)] == [
        (query, series) for query, series, _note in DEMO_RULES
    ]
    code, out, err = run(capsys, demo, "classify", "--json")
    assert code == 0, err
    summary = json.loads(out)
    rows = {r["code"]: r for r in summary["series"]}
    assert set(rows) == {"SM-POST", "SM-PUBLIC", "COMPLAINT"}
    assert summary["unclassified"] > 0 and summary["eligible"] > 0 and summary["held"] > 0
    assert all(not r["verified"] for r in rows.values())  # every series used is UNVERIFIED
    code, out, _ = run(capsys, demo, "hold", "list", "--json")
    holds = json.loads(out)
    # the demo's IPRA requests hold their responsive records too
    assert {h["reason"] for h in holds} == {"litigation", "ipra_request"}
    (hold,) = [h for h in holds if h["reason"] == "litigation"]
    assert (hold["name"], hold["query"]) == (DEMO_HOLD[0], DEMO_HOLD[3])
    # records held by any hold: the litigation hold's, plus what the open requests hold
    # beyond it (the demo's hidden-comments request), never more than all holds together
    assert hold["records"] < summary["held"] <= sum(h["records"] for h in holds)
    code, out, _ = run(capsys, demo, "event", "list", "--json")
    (event,) = json.loads(out)
    assert event["event"] == "file_closed" and 0 < event["records"] < rows["COMPLAINT"]["records"]
