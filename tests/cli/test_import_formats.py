"""`retention-desk import --list-formats`: the formats --format accepts, from the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.cli import main
from retention_desk.importers.registry import all_importers, format_names


def test_list_formats_needs_no_path_and_no_archive(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = tmp_path / "never.rdesk"
    assert main(["--archive", str(archive), "import", "--list-formats"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == format_names()
    for line, importer in zip(lines, all_importers(), strict=True):
        assert line.endswith(importer.label)  # what it imports, for people
    assert not archive.exists()


def test_list_formats_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--list-formats", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [f["name"] for f in listed] == format_names()
    assert all(f["label"] and f["platform"] for f in listed)


def test_import_without_path_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "--list-formats" in err
