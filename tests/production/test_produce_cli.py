"""`retention-desk produce ...` as a script drives it: the JSON the issue names, listing,
re-making and exporting, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.cli import main
from tests.production.corpus import hostile_plan
from tests.production.store_helpers import Fakes, install, new_request


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, Fakes]:
    path = tmp_path / "desk.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        number = new_request(archive)
    assert main(["--archive", str(path), "settings", "set", "bates_prefix", "CTY"]) == 0
    return path, number, install(monkeypatch, hostile_plan())


def _json(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> object:
    capsys.readouterr()
    assert main(["--archive", str(path), *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_produce_prints_files_bates_and_counts_as_json(
    desk: tuple[Path, str, Fakes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, number, _fakes = desk
    out = tmp_path / "out"
    made = _json(capsys, path, "produce", number, "--format", "pdf", "--out", str(out))
    assert isinstance(made, dict)
    assert made["bates"]["first"] == "CTY0000001"
    assert made["records"] == len(hostile_plan().records)
    assert made["redactions"] == hostile_plan().redaction_count
    assert [Path(f).parent for f in made["files"]] == [out] * 3
    assert all(Path(f).is_file() for f in made["files"])
    xlsx = _json(capsys, path, "produce", number, "--format", "xlsx", "--out", str(out))
    assert isinstance(xlsx, dict) and xlsx["bates"] is None  # reuses the PDF's numbers
    review = _json(
        capsys, path, "produce", number, "--format", "pdf", "--review-copy", "--out", str(out)
    )
    assert isinstance(review, dict) and review["bates"] is None
    assert "REVIEW-COPY-NOT-FOR-RELEASE" in review["files"][0]
    listed = _json(capsys, path, "produce", "--list", number)
    assert isinstance(listed, list)
    assert [(p["kind"], p["format"]) for p in listed] == [
        ("release", "pdf"),
        ("release", "xlsx"),
        ("review", "pdf"),
    ]
    assert listed[0]["bates"] == made["bates"] and listed[0]["can_reproduce"]
    again = _json(
        capsys,
        path,
        "produce",
        "--reproduce",
        str(made["production"]),
        "--out",
        str(tmp_path / "again"),
    )
    assert isinstance(again, dict)
    for one, two in zip(made["files"], again["files"], strict=True):
        assert Path(one).read_bytes() == Path(two).read_bytes()
    exported = _json(
        capsys, path, "produce", "--export", str(xlsx["production"]), "--out", str(tmp_path / "x")
    )
    assert isinstance(exported, dict)
    assert [Path(f).name for f in exported["files"]] == [Path(f).name for f in xlsx["files"]]


def test_plain_output_and_list(
    desk: tuple[Path, str, Fakes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, number, _fakes = desk
    assert main(["--archive", str(path), "produce", "--list", number]) == 0
    assert "has no productions" in capsys.readouterr().out
    argv = ["--archive", str(path), "produce", number, "--format", "xlsx", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Production 1 of {number}: ")
    assert "Bates CTY0000001-" in out[0] and len(out) == 4
    assert main(["--archive", str(path), "produce", "--list", number]) == 0
    assert "CTY0000001-" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["produce", "IPRA-2026-0001", "--out", "X"], "needs --format"),
        (["produce", "IPRA-2026-0001", "--format", "pdf"], "needs --out"),
        (["produce", "--format", "pdf", "--out", "X"], "needs a request NUMBER"),
        (["produce", "--list", "--export", "1", "--out", "X"], "choose one of"),
        (["produce", "IPRA-1999-0042", "--format", "pdf", "--out", "X"], "no request"),
        (["produce", "--reproduce", "77", "--out", "X"], "no production 77"),
        (["produce", "IPRA-2026-0001", "--format", "docx", "--out", "X"], "invalid choice"),
    ],
)
def test_errors_are_one_line_with_exit_1(
    desk: tuple[Path, str, Fakes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    path, _number, _fakes = desk
    capsys.readouterr()
    argv = [str(tmp_path / a) if a == "X" else a for a in argv]
    assert main(["--archive", str(path), *argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_a_stale_redaction_refusal_is_one_line(
    desk: tuple[Path, str, Fakes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retention_desk.production.store import ProduceError

    path, number, fakes = desk
    fakes.raise_in_plan = ProduceError(f"Request {number} has 2 stale redactions; review them.")
    capsys.readouterr()
    argv = ["--archive", str(path), "produce", number, "--format", "pdf", "--out", str(tmp_path)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "2 stale redactions" in err and err.count("\n") == 1


def test_only_new_makes_a_rolling_production(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retention_desk.ipra import responsive
    from tests.production import helpers as h

    path = tmp_path / "roll.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        corpus = h.build_corpus(archive)
    out = str(tmp_path / "out")
    first = _json(capsys, path, "produce", corpus.number, "--format", "pdf", "--out", out)
    with Archive.open(path, operator="pytest") as archive:
        responsive.add_records(archive, corpus.number, [corpus.ids["c9"]])
    argv = ["produce", corpus.number, "--format", "pdf", "--only-new", "--out", out]
    second = _json(capsys, path, *argv)
    assert isinstance(first, dict) and isinstance(second, dict)
    assert second["records"] == 1
    assert int(second["bates"]["first"][-7:]) == int(first["bates"]["last"][-7:]) + 1
    capsys.readouterr()
    assert main(["--archive", str(path), *argv]) != 0
    assert "no records that its earlier PDF releases" in capsys.readouterr().err
