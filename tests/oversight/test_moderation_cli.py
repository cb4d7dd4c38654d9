"""`retention-desk moderation list|reason|categories`: JSON, filters, exports, one-line
errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.cli import main
from tests.oversight.moderation_corpus import build


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "cli.rdesk"
    archive, ids = build(path)
    archive.close()
    return path, ids


def _run(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--archive", str(path), "--operator", "pytest", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reason_then_list(
    desk: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = desk
    code, out, _ = _run(capsys, path, "moderation", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 6 and all(r["unreasoned"] for r in rows)
    code, out, _ = _run(
        capsys,
        path,
        "moderation",
        "reason",
        str(ids["c1"]),
        "--category",
        "lc-profane",
        "--note",
        "swearing",
        "--by",
        "J. Clerk",
        "--at",
        "2025-03-03 10:00",
        "--json",
    )
    assert code == 0
    done = json.loads(out)
    assert (done["action"], done["category"], done["acted_by"]) == (
        "hidden",
        "lc-profane",
        "J. Clerk",
    )
    code, out, _ = _run(capsys, path, "moderation", "list", "--unreasoned", "--json")
    assert ids["c1"] not in {r["record"] for r in json.loads(out)}
    code, out, _ = _run(capsys, path, "moderation", "list", "--category", "lc-profane", "--json")
    assert [r["reason"] for r in json.loads(out)] == ["swearing"]
    code, out, _ = _run(
        capsys, path, "moderation", "list", "--account", "sandiapd", "--year", "2025", "--json"
    )
    assert [r["record"] for r in json.loads(out)] == [ids["tr1"]]
    code, out, _ = _run(capsys, path, "moderation", "list")
    assert "without a recorded reason" in out and "swearing" in out


def test_exports_and_categories(
    desk: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, _ = desk
    code, out, _ = _run(
        capsys,
        path,
        "moderation",
        "list",
        "--xlsx",
        str(tmp_path / "a.xlsx"),
        "--csv",
        str(tmp_path / "a.csv"),
    )
    assert code == 0 and (tmp_path / "a.xlsx").stat().st_size > 0
    assert len((tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()) == 7
    code, out, _ = _run(capsys, path, "moderation", "categories", "--json")
    cats = json.loads(out)
    assert {"lc-off-topic", "lc-profane", "dhs-abusive"} <= {c["code"] for c in cats}
    profane = next(c for c in cats if c["code"] == "lc-profane")
    assert (profane["citation"], profane["policy"]) == ("CMP 1.12 II.1.i.ii", "las-cruces-cmp-1-12")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("reason", "{c1}", "--category", "rude", "--note", "n"), "not one of dhs-abusive"),
        (("reason", "{c1}", "--category", "lc-profane", "--note", ""), "needs the reason"),
        (("reason", "999999", "--category", "lc-profane", "--note", "n"), "no record 999999"),
        (("list", "--category", "rude"), "not one of"),
        (("list", "--account", "nobody\x1b[31m"), "No account"),
        (("list", "--xlsx", "/nonexistent-dir/x.xlsx"), "does not exist"),
    ],
)
def test_errors_are_one_line(
    desk: tuple[Path, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    path, ids = desk
    code, _, err = _run(capsys, path, "moderation", *(a.format(**ids) for a in argv))
    assert code == 1
    assert message in err and err.count("\n") == 1 and "\x1b" not in err
