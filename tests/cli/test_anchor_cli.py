"""`retention-desk anchor export` and `verify --anchor FILE` (issue 8)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main


def test_export_then_verify_against_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.rdesk"
    Archive.create(path, operator="pytest").close()
    anchor_file = tmp_path / "head.json"
    assert main(["--archive", str(path), "anchor", "export", str(anchor_file)]) == 0
    saved = json.loads(anchor_file.read_text())
    assert saved["rows"] == 1 and len(saved["head"]) == 64
    assert main(["--archive", str(path), "anchor", "export", str(anchor_file)]) == 1, "no overwrite"
    assert main(["--archive", str(path), "verify", "--anchor", str(anchor_file)]) == 0
    out = capsys.readouterr().out
    assert "2 anchor(s) checked" in out  # the kept one and the file
    assert f"Audit head: row {saved['rows']}, hash {saved['head']}" in out  # the head checked

    # the trail rewritten from row 1: the exported anchor catches it on any computer
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log")
    conn.commit()
    conn.close()
    assert (
        main(["--archive", str(path), "verify", "--no-record", "--anchor", str(anchor_file)]) == 1
    )
    out = capsys.readouterr().out
    assert "the anchor file given records row 1" in out and "cut off" in out


def test_unreadable_anchor_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.rdesk"
    Archive.create(path).close()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["--archive", str(path), "verify", "--anchor", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.json is not JSON" in err
