"""`search --csv` and `--json` export every match (only --limit bounds them; there used to be
a silent cap at 10,000 rows), as one valid JSON list, in memory that does not grow with the
number of rows."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import timedelta
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn
from retention_desk.cli import main
from retention_desk.cli.cmd_search import COLUMNS
from retention_desk.search import SearchEngine
from tests.search.conftest import rec, utc, write

RECORDS = 20_000
# Text JSON must keep intact: splitting the encoded text at these would corrupt the value.
ODD_TEXT = 'report with\u2028line and\x85next, "quoted", \\ and =1+1'


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("export") / "big.rdesk"
    with pytest.MonkeyPatch.context() as mp:
        # module scope runs before the per-test data folder: keep this archive's anchors out
        # of the user's own
        mp.setenv("RETENTION_DESK_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))
        archive = Archive.create(path, operator="pytest")
        start = utc(2020, 1, 1)
        records = (
            rec(
                f"r{i}",
                f"road report number {i}" if i % 4 else f"weather number {i}",
                created_at=start + timedelta(minutes=i),
            )
            for i in range(RECORDS - 1)
        )
        write(archive, records, account=AccountIn("x", "1", handle="CityPD"))
        write(archive, [rec("odd", ODD_TEXT, created_at=utc(2019, 1, 1))], source="odd.json")
        archive.close()
    yield path


def expected_ids(path: Path, query: str, sort: str = "date") -> list[int]:
    with Archive.open(path) as archive, SearchEngine(archive) as engine:
        return engine.search_ids(query, sort=sort)


def run_cli(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> str:
    assert main(["--archive", str(path), "search", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("sort", ["date", "oldest", "relevance"])
def test_csv_exports_every_match(
    capsys: pytest.CaptureFixture[str], big_archive: Path, sort: str
) -> None:
    out = run_cli(capsys, big_archive, "report", "--csv", "--sort", sort)
    table = list(csv.reader(io.StringIO(out, newline="")))
    assert tuple(table[0]) == COLUMNS
    ids = [int(row[0]) for row in table[1:]]
    expected = expected_ids(big_archive, "report", sort)
    assert len(expected) > 10_000
    assert ids == expected


def test_json_exports_every_record_as_one_list(
    capsys: pytest.CaptureFixture[str], big_archive: Path
) -> None:
    out = run_cli(capsys, big_archive, "", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == expected_ids(big_archive, "")
    assert len(rows) == RECORDS
    assert rows[-1]["text"] == ODD_TEXT  # the oldest record, intact
    # written row by row, yet the same text json.dump(indent=2) gives for the whole list
    assert out == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    assert run_cli(capsys, big_archive, "nosuchword", "--json") == "[]\n"


def test_limit_and_offset_bound_an_export(
    capsys: pytest.CaptureFixture[str], big_archive: Path
) -> None:
    out = run_cli(capsys, big_archive, "", "--csv", "--limit", "12345", "--offset", "100")
    ids = [int(row[0]) for row in list(csv.reader(io.StringIO(out, newline="")))[1:]]
    assert ids == expected_ids(big_archive, "")[100 : 100 + 12345]


class _CountingSink(io.TextIOBase):
    """stdout that keeps nothing, so the measured memory is the export's own."""

    def __init__(self) -> None:
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


def _export_peak(path: Path, *args: str) -> tuple[int, int]:
    """(peak traced bytes, lines written) for one export through the CLI."""
    sink = _CountingSink()
    tracemalloc.start()
    try:
        with redirect_stdout(sink):
            code = main(["--archive", str(path), "search", *args])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0
    return peak, sink.lines


@pytest.mark.parametrize("fmt", ["--csv", "--json"])
def test_export_memory_does_not_grow_with_rows(big_archive: Path, fmt: str) -> None:
    _export_peak(big_archive, "report", fmt, "--limit", "10")  # imports and caches, once
    # both under the 10,000 rows the old export stopped at, which held every row in memory
    small, small_lines = _export_peak(big_archive, "report", fmt, "--limit", "2500")
    large, large_lines = _export_peak(big_archive, "report", fmt, "--limit", "10000")
    assert large_lines > 3 * small_lines  # it did write nearly four times the rows ...
    assert large < 1.3 * small  # ... in about the same memory
