"""`retention-desk statements check|list`: JSON per account and statement, the reports
written, unknown accounts and policies refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.archive.settings import ArchiveSettings
from retention_desk.cli import main
from tests.oversight.statements_helpers import build


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def path(tmp_path: Path) -> Path:
    corpus = build(tmp_path)
    corpus.archive.close()
    return tmp_path / "s.rdesk"


def test_check_json(capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path) -> None:
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    code, out, _ = run(
        capsys, path, "statements", "check", "--json", "--pdf", str(pdf), "--xlsx", str(xlsx)
    )
    assert code == 0
    data = json.loads(out)
    assert data["policies"] == ["nm-dps-opr-37"]
    assert data["written"] == [str(pdf), str(xlsx)] and pdf.is_file() and xlsx.is_file()
    accounts = {a["handle"]: a for a in data["accounts"]}
    assert set(accounts) == {"goodpd", "barepd", "nocontent", "webpd", "espd", "evilpd"}
    good = {r["statement"]: r for r in accounts["goodpd"]["results"]}
    assert good["call-911"]["status"] == "present" and good["call-911"]["found"] == "call 911"
    assert good["call-911"]["citation"] == "OPR:37 E.2" and good["call-911"]["record"]
    assert good["visitor-opinions"]["status"] == "missing"
    assert {r["status"] for r in accounts["nocontent"]["results"]} == {"no evidence"}
    assert accounts["nocontent"]["evidence"] == []
    web = accounts["webpd"]
    assert {e["source"] for e in web["evidence"]} == {"web capture"}
    total = sum(len(a["results"]) for a in data["accounts"])
    assert sum(data["counts"].values()) == total == 30


def test_check_one_account_as_text(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, _ = run(capsys, path, "statements", "check", "--account", "@goodpd")
    assert code == 0
    assert out.startswith("1 account(s) against 1 policy: 4 present, 1 missing, 0 without")
    assert "x @goodpd" in out and "OPR:37 E.5.g.iii" in out
    code, _, err = run(capsys, path, "statements", "check", "--account", "nobody")
    assert code == 1 and "No account of the agency is 'nobody'" in err


def test_list_json_and_an_unknown_policy(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, _ = run(capsys, path, "statements", "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [p["policy"] for p in data] == ["nm-dps-opr-37"]
    first = data[0]["statements"][0]
    assert first["citation"] == "OPR:37 E.2" and first["phrases"]
    from retention_desk.archive.store import Archive

    with Archive.open(path) as archive:
        archive.update_settings(ArchiveSettings(policies="nm-dps-opr-99"))
    code, _, err = run(capsys, path, "statements", "list")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "'nm-dps-opr-99'" in err and "las-cruces-cmp-1-12" in err
