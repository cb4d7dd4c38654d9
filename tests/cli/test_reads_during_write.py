"""Read-only commands while another connection is writing (an import holds the write lock for
each file it imports): they must neither need that lock nor wait for it.

A search during a large import once took 15-18 s against 2.4 s idle: closing the archive ran
`PRAGMA wal_checkpoint(TRUNCATE)`, which waits the whole 10 s busy timeout for the writer and
then gives up without an error, and the one-shot CLI search built the in-memory date cache
(every version's date: about 1 s per 200,000 versions idle, 3 s beside an import).
Waiting shows no error, so the test records what the reader asks SQLite to do instead of
timing it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from retention_desk.archive import Archive, db
from retention_desk.archive.ingest import AccountIn
from retention_desk.cli import main
from retention_desk.search.datecache import DateCache
from tests.search.conftest import rec, utc, write

# Statements that take the write lock, or (checkpoints other than PASSIVE) wait for the writer
# and every reader through the busy handler.
WAITS_FOR_WRITER = re.compile(
    r"^\s*(BEGIN\s+(IMMEDIATE|EXCLUSIVE)|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER"
    r"|PRAGMA\s+(main\.)?wal_checkpoint\s*\(\s*(FULL|RESTART|TRUNCATE))",
    re.IGNORECASE,
)


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "busy.rdesk"
    archive = Archive.create(path, operator="pytest")
    records = [rec(f"r{i}", f"road report {i}", created_at=utc(2023, 1, 1 + i)) for i in range(20)]
    write(archive, records, account=AccountIn("x", "1", handle="CityPD"))
    archive.close()
    return path


@pytest.fixture
def held_write_lock(archive_path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection inside BEGIN IMMEDIATE with an uncommitted change, as an import
    is for the whole of each file it imports."""
    writer = sqlite3.connect(archive_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("CREATE TABLE import_in_progress (x INTEGER)")
    yield writer
    writer.execute("ROLLBACK")
    writer.close()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the CLI's archive connections run, with a 1 ms busy timeout so that a
    read which needs the lock fails at once instead of after 10 s."""
    seen: list[str] = []
    make_engine = db.make_engine

    def traced(path: Path, *, busy_timeout_s: float = db.BUSY_TIMEOUT_S) -> Engine:
        engine = make_engine(path, busy_timeout_s=0.001)

        @event.listens_for(engine, "connect")
        def _trace(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.set_trace_callback(seen.append)

        return engine

    monkeypatch.setattr(db, "make_engine", traced)
    return seen


@pytest.mark.parametrize(
    "command",
    [["info"], ["info", "--json"], ["search", "road"], ["search", "road", "--csv"]],
    ids=" ".join,
)
def test_read_commands_neither_take_nor_wait_for_the_write_lock(
    capsys: pytest.CaptureFixture[str],
    archive_path: Path,
    held_write_lock: sqlite3.Connection,
    statements: list[str],
    command: list[str],
) -> None:
    assert main(["--archive", str(archive_path), *command]) == 0
    out = capsys.readouterr().out
    assert "road" in out or "Records:" in out or '"records"' in out
    assert statements  # the trace saw the commands' connections
    assert [s for s in statements if WAITS_FOR_WRITER.match(s)] == []


def test_cli_search_reads_no_date_cache(
    capsys: pytest.CaptureFixture[str], archive_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refresh(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a one-shot search read every version's date")

    monkeypatch.setattr(DateCache, "refresh", refresh)
    for args in (["road"], ["road", "--facets"], ["road -report"], ["road", "--json"]):
        assert main(["--archive", str(archive_path), "search", *args]) == 0
    assert "road report" in capsys.readouterr().out
