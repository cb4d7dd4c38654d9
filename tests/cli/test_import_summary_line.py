"""The import's closing line counts every kind of problem the batch had (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from retention_desk.cli.cmd_import import closing_line
from retention_desk.importers.summary import FileResult, ImportSummary


def test_unrecognised_input_is_counted_not_zero_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.rdesk"
    Archive.create(path).close()
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"nothing to see")
    assert main(["--archive", str(path), "import", str(junk)]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "completed with errors" in last and "1 input(s) not imported" in last
    assert "0 file(s) failed" not in last


def test_each_kind_of_problem_is_named() -> None:
    summary = ImportSummary(batch_id=3, status="completed_with_errors")
    summary.files = [
        FileResult("in.zip", "a.js", "x-archive", "failed", error="bad"),
        FileResult("in.zip", "b.js", None, "refused", error="bomb"),
    ]
    assert closing_line(summary).endswith("; 1 file(s) failed, 1 refused")
    clean = ImportSummary(batch_id=4, status="completed")
    assert closing_line(clean).endswith("; no problems")
