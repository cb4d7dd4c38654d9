"""`retention-desk detect --jsonl`: stdin lines in, ranges out, bad lines named on stderr."""

from __future__ import annotations

import io
import json
import sys

import pytest

from retention_desk.cli import main


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: bytes, *args: str
) -> tuple[int, list[dict[str, object]], str]:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    # no archive may be opened: point at a path that does not exist
    code = main(["--archive", "/nonexistent/dir/a.rdesk", "detect", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_ranges_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"id": 1, "text": "SSN 123-45-6789"},
        {"id": "b", "text": "nothing here, call 505-555-0142"},
        {"id": "c", "text": "Officer Baca lives at 12 Main St, Taos"},
    ]
    data = "".join(json.dumps(x) + "\n" for x in lines).encode()
    code, out, err = _run(monkeypatch, capsys, data, "--jsonl")
    assert code == 0 and err == ""
    assert out == [
        {"id": 1, "redact": [[4, 15]]},
        {"id": "b", "redact": []},
        {"id": "c", "redact": [[22, 32]]},  # a suggestion is included
    ]


def test_bad_lines_named_good_lines_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        b'{"id": 1, "text": "ssn 123456789"}\n'
        b"not json\n"
        b"\n"
        b'{"text": "no id"}\n'
        b'{"id": 2, "text": 5}\n'
        b'{"id": 3, "text": "caf\xff"}\n'
        b'["a list"]\n'
        b'{"id": 4, "text": "DOB 3/14/1987"}\n'
    )
    code, out, err = _run(monkeypatch, capsys, data, "--jsonl")
    assert code == 1
    assert out == [{"id": 1, "redact": [[4, 13]]}, {"id": 4, "redact": [[4, 9]]}]
    for number in (2, 4, 5, 6, 7):
        assert f"line {number}:" in err
    assert "line 3:" not in err  # a blank line is skipped


def test_jsonl_takes_no_number_and_detect_needs_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(monkeypatch, capsys, b'{"id": 1, "text": "x"}\n', "--jsonl", "2025-001")
    assert code == 1 and out == [] and "give no request NUMBER" in err
    code, out, err = _run(monkeypatch, capsys, b"")
    assert code == 1 and out == [] and "give a request NUMBER" in err
