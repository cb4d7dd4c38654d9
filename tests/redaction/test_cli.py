"""`retention-desk redact ...` and `retention-desk exemption ...` as a script drives them:
`--range` counts what `show --json` prints, errors are one line with exit 1."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.cli import main
from retention_desk.redaction.store import DIGEST_TAG
from tests.redaction.conftest import ASTRAL, SECRET, post, write


def _run(archive: Path, *argv: str) -> int:
    return main(["--archive", str(archive), *argv])


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "desk.rdesk"
    archive = Archive.create(path, operator="pytest")
    try:
        ids = write(
            archive,
            [post("p1", f"My SSN is {SECRET}, call me", author_name="Rosa"), post("p2", ASTRAL)],
        )
    finally:
        archive.close()
    return path, ids


def _json(capsys: pytest.CaptureFixture[str], archive: Path, *argv: str) -> object:
    capsys.readouterr()
    assert _run(archive, *argv, "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_range_counts_characters_as_show_json_prints_them(
    desk: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = desk
    shown = _json(capsys, path, "show", str(ids["p2"]))
    assert isinstance(shown, dict)
    body = shown["record"]["text"]
    secret = "987-65-4321"
    start = body.index(secret)  # Python indices: emoji and 𝒳 before it count as code points
    utf16_start = len(body[:start].encode("utf-16-le")) // 2
    assert utf16_start > start  # the two counts differ for this text
    added = _json(
        capsys,
        path,
        "redact",
        "add",
        str(ids["p2"]),
        "--range",
        f"{start}:{start + len(secret)}",
        "--code",
        "14-2-1.1",
        "--note",
        "caller's number",
    )
    assert isinstance(added, dict)
    assert (added["start"], added["end"], added["version"]) == (
        start,
        start + len(secret),
        "current",
    )
    archive = Archive.open(path)
    try:
        with archive.read() as conn:
            stored = conn.exec_driver_sql("SELECT digest FROM redactions").scalar_one()
            salt = conn.exec_driver_sql(
                "SELECT salt FROM seal_salts WHERE kind = 1 AND object_id = ?", (ids["p2"],)
            ).scalar_one()
    finally:
        archive.close()
    expected = hmac.new(salt, DIGEST_TAG + b"text\x00" + secret.encode(), hashlib.sha256)
    assert stored == expected.hexdigest()
    assert _json(capsys, path, "redact", "stale") == []


def test_withhold_list_remove_and_review(
    desk: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = desk
    start = f"My SSN is {SECRET}, call me".index(SECRET)
    span = f"{start}:{start + len(SECRET)}"
    assert _run(path, "redact", "add", str(ids["p1"]), "--range", span, "--code", "14-2-1.1") == 0
    assert "Added redaction 1" in capsys.readouterr().out
    held = _json(capsys, path, "redact", "withhold", str(ids["p2"]), "--code", "14-2-1(G)")
    assert isinstance(held, dict) and held["kind"] == "withhold" and held["code"] == "14-2-1(G)"
    listed = _json(capsys, path, "redact", "list", "--record", str(ids["p1"]))
    assert isinstance(listed, list) and [r["id"] for r in listed] == [1]
    assert _run(path, "redact", "list") == 0
    out = capsys.readouterr().out
    assert "record 1 text" in out and "withholds record 2" in out
    reviewed = _json(capsys, path, "redact", "review", "1", "--range", span)
    assert isinstance(reviewed, dict) and reviewed["reviewed_by"]
    assert _run(path, "redact", "remove", "2") == 0
    assert [r["id"] for r in _json(capsys, path, "redact", "list")] == [1]  # type: ignore[union-attr]
    assert _run(path, "redact", "stale") == 0
    assert "No stale redactions" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--range", "5", "--code", "14-2-1.1"), "must be START:END"),
        (("--range", "0:999", "--code", "14-2-1.1"), "is outside the text of record"),
        (("--range", "0:2", "--code", "14-2-1(Z)"), "no exemption code"),
        (("--range", "0:2", "--code", "14-2-1.1", "--field", "body"), "field 'body'"),
    ],
)
def test_errors_are_one_line_with_exit_1(
    desk: tuple[Path, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    path, ids = desk
    capsys.readouterr()
    assert _run(path, "redact", "add", str(ids["p1"]), *argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_exemption_list_and_add(
    desk: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ids = desk
    listed = _json(capsys, path, "exemption", "list")
    assert isinstance(listed, dict)
    codes = [e["code"] for e in listed["exemptions"]]
    assert codes[0] == "14-2-1(A)" and "29-10-4" in codes
    assert {i["kind"]: i["visible"] for i in listed["identifiers"]}["ssn"] == "none"
    capsys.readouterr()
    assert _run(path, "exemption", "list") == 0
    out = capsys.readouterr().out
    assert "14-2-1(J)" in out and "UNVERIFIED" in out
    assert _run(path, "exemption", "add", "32A-2-32", "--citation", " ", "--label", "x") == 1
    assert "needs a citation" in capsys.readouterr().err
    added = _json(
        capsys,
        path,
        "exemption",
        "add",
        "32A-2-32",
        "--citation",
        "NMSA 1978, § 32A-2-32",
        "--label",
        "Children's Code records",
    )
    assert isinstance(added, dict) and added["source"] == "agency" and not added["verified"]
    listed = _json(capsys, path, "exemption", "list")
    assert isinstance(listed, dict) and listed["exemptions"][-1]["code"] == "32A-2-32"
