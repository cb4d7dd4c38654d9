"""`detect NUMBER`, `review` and `person` as scripts drive them: JSON keys, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.cli import main
from retention_desk.ipra import responsive
from tests.production import helpers as h


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "desk.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        corpus = h.build_corpus(archive)
        h.write(archive, [h._rec("q1", "SSN 123-45-6789, DOB: March 14, 1987 - Jane Roe", at=50)])
        responsive.add_records(archive, corpus.number, [h.ids_by_key(archive)["q1"]])
    return path, corpus.number


def _json(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert main(["--archive", str(path), *argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, dict)
    return out


def test_detect_review_person_round_trip(
    desk: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, number = desk
    person = _json(capsys, path, "person", "add", number, "Jane Roe", "--code", "14-2-1.2(A)(2)")
    assert person["name"] == "Jane Roe" and person["code"] == "14-2-1.2(A)(2)"
    found = _json(capsys, path, "detect", number)
    by_type = found["candidates"]["by_type"]
    assert {"ssn", "birth_date", "person"} <= set(by_type)
    assert found["new"] == found["found"]
    listed = _json(capsys, path, "review", number, "--status", "undecided")
    ids = {c["type"]: c["id"] for c in listed["candidates"] if not c["covered"]}
    dob = next(c for c in listed["candidates"] if c["type"] == "birth_date")
    assert dob["visible"] == "1987"
    accepted = _json(capsys, path, "review", number, "--accept-type", "ssn")
    assert accepted["changed"] == [ids["ssn"]]
    rejected = _json(capsys, path, "review", number, "--reject", str(ids["person"]))
    assert rejected["changed"] == [ids["person"]]
    assert rejected["progress"]["by_type"]["person"]["rejected"] == 1
    # a release with the birth date undecided is refused; the override is explicit
    capsys.readouterr()
    out = str(tmp_path / "out")
    assert main(["--archive", str(path), "produce", number, "--format", "xlsx", "--out", out]) == 1
    assert "undecided redaction candidate (1 birth date)" in capsys.readouterr().err
    made = _json(
        capsys, path, "produce", number, "--format", "xlsx", "--allow-undecided", "--out", out
    )
    assert made["records"] > 0
    report = tmp_path / "report.xlsx"
    assert _json(capsys, path, "review", number, "--report", str(report))["report"]
    assert report.is_file()


def test_one_line_errors(desk: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, number = desk
    for argv, words in (
        (["review", number, "--accept", "999"], "no candidate 999"),
        (["review", number, "--accept-type", "phone"], "must be one of"),
        (["person", "add", number, "X", "--code", "nope"], "nope"),
        (["review", "IPRA-2099-0001"], "IPRA-2099-0001"),
        (["detect"], "request NUMBER"),
    ):
        capsys.readouterr()
        assert main(["--archive", str(path), *argv]) != 0
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, (argv, err)
