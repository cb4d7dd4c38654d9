"""Issue 9: usage errors are one line with exit code 1 (README), negative --limit/--offset are
refused, and the query's filter refusals reach the command line with their choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from tests.search.conftest import rec, write


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        write(archive, [rec("zh", "关于政治的讨论"), rec("fire", "parade 🔥"), rec("q", "What?!")])
    return path


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("retention-desk: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("search", "--limit", "-1", "x"), "--limit: must be 0 or more"),
        (("search", "--offset", "-5", "x"), "--offset: must be 0 or more"),
        (("search", "--limit", "ten", "x"), "not a whole number"),
        (("search", "--sort", "newest", "x"), "invalid choice"),
        (("--bogus",), "unrecognized arguments"),
        (("nosuchcommand",), "invalid choice"),
    ],
)
def test_usage_errors_exit_1_with_one_line(
    capsys: pytest.CaptureFixture[str], archive_path: Path, args: tuple[str, ...], says: str
) -> None:
    code, out, err = run(capsys, archive_path, *args)
    assert code == 1 and out == ""
    assert says in _one_error_line(err)


def test_usage_error_shows_typed_escapes_as_text(
    capsys: pytest.CaptureFixture[str], archive_path: Path
) -> None:
    code, _out, err = run(capsys, archive_path, "search", "--limit", "\x1b[31m")
    assert code == 1 and "\x1b" not in err and "\\x1b" in _one_error_line(err)


def test_zero_limit_and_offset_are_accepted(
    capsys: pytest.CaptureFixture[str], archive_path: Path
) -> None:
    code, out, _err = run(capsys, archive_path, "search", "--limit", "0", "--offset", "0", "政治")
    assert code == 0 and "of 1 records" in out


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("platform:myspace", "platform: must be one of x, facebook"),
        ('author:""', "author: needs a handle"),
    ],
)
def test_filter_refusals_name_the_choices(
    capsys: pytest.CaptureFixture[str], archive_path: Path, query: str, says: str
) -> None:
    code, out, err = run(capsys, archive_path, "search", query)
    assert code == 1 and out == ""
    assert says in _one_error_line(err)


def test_substring_queries_on_the_command_line(
    capsys: pytest.CaptureFixture[str], archive_path: Path
) -> None:
    for query, text in (("政治", "关于政治"), ("🔥", "parade"), ("?!", "What?!")):
        code, out, _err = run(capsys, archive_path, "search", query)
        assert code == 0 and text in out and "of 1 records" in out
