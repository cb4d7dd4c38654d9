"""`retention-desk review-report YEAR --pdf --xlsx [--account] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.cli import main
from tests.oversight.moderation_corpus import build


@pytest.fixture
def path(tmp_path: Path) -> Path:
    archive, _ = build(tmp_path / "cli.rdesk")
    archive.close()
    return tmp_path / "cli.rdesk"


def test_report_files_and_json(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    argv = ["--archive", str(path), "review-report", "2025", "--pdf", str(pdf), "--xlsx", str(xlsx)]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
    assert data["year"] == 2025 and data["totals"]["post"] == 5
    assert data["removed"]["by_category"] == {"unreasoned": 5}  # c1, c2, c3, r1, tr1 (c5 is 2026)
    assert main(["--archive", str(path), "review-report", "2025", "--account", "sandiapd"]) == 0
    out = capsys.readouterr().out
    assert "x/@sandiapd" in out and "Records created" in out


def test_errors(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--archive", str(path), "review-report", "2025", "--account", "nobody"]) == 1
    assert "No account" in capsys.readouterr().err
    assert main(["--archive", str(path), "review-report", "3"]) == 1
    assert "between" in capsys.readouterr().err
    assert main(["--archive", str(path), "review-report", "2025", "--pdf", "/no/such/r.pdf"]) == 1
    assert "does not exist" in capsys.readouterr().err
