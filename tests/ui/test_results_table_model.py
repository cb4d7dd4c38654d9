"""The lazy results model: ids up front, rows read a page at a time, bounded cache."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.ingest import RecordIn, RecordWriter
from retention_desk.search import ResultRow, SearchEngine
from retention_desk.ui.archive.results_table_model import (
    CACHE_ROWS,
    COL_AUTHOR,
    COL_DATE,
    COL_FLAGS,
    COL_MATCH,
    COL_TEXT,
    PAGE_SIZE,
    ResultsTableModel,
    RowRole,
)

DENVER = ZoneInfo("America/Denver")
HOSTILE = '<img src="file:///etc/hosts"><b>x</b>'


def make_row(rid: int, **kw: object) -> ResultRow:
    values: dict[str, object] = {
        "id": rid,
        "platform": "x",
        "kind": "post",
        "account_id": 1,
        "account": "SandiaVistaPD",
        "author": "Sandia Vista PD",
        "author_handle": "svpd",
        "created_at": datetime(2022, 6, 1, 18, 30, tzinfo=UTC),
        "title": None,
        "text": f"post {rid}",
        "url": None,
        "thread_id": None,
        "parent_id": None,
        "conversation_key": None,
        "deleted": False,
        "hidden": False,
        "edited": False,
        "restricted": False,
        "has_media": False,
        "version_count": 1,
    }
    values.update(kw)
    return ResultRow(**values)  # type: ignore[arg-type]


class CountingFetcher:
    """Rows for any id, recording every call (what the model asked for)."""

    def __init__(self, missing: frozenset[int] = frozenset()) -> None:
        self.calls: list[list[int]] = []
        self.missing = missing

    def __call__(self, ids: Sequence[int]) -> list[ResultRow]:
        self.calls.append(list(ids))
        return [make_row(i) for i in ids if i not in self.missing]


def test_rows_are_fetched_only_for_the_pages_painted(qtbot) -> None:
    model = ResultsTableModel()
    fetcher = CountingFetcher()
    model.set_fetcher(fetcher)
    model.set_ids(range(1000, 6000))
    assert model.rowCount() == 5000
    assert fetcher.calls == []  # setting ids reads no row

    assert model.data(model.index(0, COL_TEXT)) == "post 1000"
    assert fetcher.calls == [list(range(1000, 1000 + PAGE_SIZE))]
    model.data(model.index(PAGE_SIZE - 1, COL_TEXT))  # same page: cached
    assert len(fetcher.calls) == 1

    assert model.data(model.index(4999, COL_TEXT)) == "post 5999"
    assert fetcher.calls[-1] == list(range(5900, 6000))
    assert model.page_fetches == 2 and model.fetched_ids == 2 * PAGE_SIZE
    assert model.data(model.index(17, 0), RowRole).id == 1017


def test_cache_is_bounded_and_evicted_rows_are_read_again(qtbot) -> None:
    model = ResultsTableModel()
    fetcher = CountingFetcher()
    model.set_fetcher(fetcher)
    n = CACHE_ROWS * 2
    model.set_ids(range(n))
    for row in range(n):
        assert model.data(model.index(row, COL_TEXT)) == f"post {row}"
        assert model.cached_rows() <= CACHE_ROWS
    assert model.page_fetches == n // PAGE_SIZE  # every page read exactly once
    model.data(model.index(0, COL_TEXT))  # long evicted: read again
    assert model.page_fetches == n // PAGE_SIZE + 1
    assert fetcher.calls[-1][0] == 0


def test_first_page_then_ids_extends_in_place(qtbot) -> None:
    model = ResultsTableModel()
    fetcher = CountingFetcher()
    model.set_fetcher(fetcher)
    first = [make_row(i, text=f"first {i}") for i in range(50)]
    model.show_page(first, complete=False)
    assert model.rowCount() == 50 and not model.complete
    assert model.data(model.index(3, COL_TEXT)) == "first 3"  # from the page, no fetch
    assert fetcher.calls == []

    inserted: list[tuple[int, int]] = []
    resets: list[bool] = []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.modelReset.connect(lambda: resets.append(True))
    model.set_ids(range(300))
    assert inserted == [(50, 299)] and resets == [] and model.complete
    assert model.data(model.index(3, COL_TEXT)) == "first 3"  # still the cached row
    assert model.data(model.index(120, COL_TEXT)) == "post 120"

    # ids that do not start with the shown page (the archive changed between reads): reset
    model.set_ids([7, 8, 9])
    assert resets == [True] and model.rowCount() == 3


def test_ids_gone_from_the_archive_are_not_read_again(qtbot) -> None:
    model = ResultsTableModel()
    fetcher = CountingFetcher(missing=frozenset({5}))
    model.set_fetcher(fetcher)
    model.set_ids(range(10))
    assert model.data(model.index(5, COL_TEXT)) == "(record not readable)"
    assert model.data(model.index(5, COL_DATE)) is None
    assert model.data(model.index(5, COL_TEXT)) == "(record not readable)"
    assert len(fetcher.calls) == 1


def test_cells_show_local_time_flags_matches_and_literal_text(qtbot) -> None:
    model = ResultsTableModel()
    model.set_time_zone(DENVER)
    rows = [
        make_row(
            1,
            text=f"line one\nline two {HOSTILE}",
            author=HOSTILE,
            deleted=True,
            edited=True,
            has_media=True,
            version_count=3,
            matched_versions=(1,),
        ),
        make_row(2, created_at=None, matched_versions=(1,)),
    ]
    model.show_page(rows, complete=True)
    date = model.index(0, COL_DATE)
    assert model.data(date) == "2022-06-01 12:30 MDT"  # Denver, summer time
    assert model.data(date, Qt.ItemDataRole.ToolTipRole) == (
        '<p style="white-space: pre-wrap">2022-06-01 12:30:00 MDT\n2022-06-01 18:30:00 UTC</p>'
    )
    assert model.data(model.index(0, COL_TEXT)) == f"line one line two {HOSTILE}"
    assert model.data(model.index(0, COL_AUTHOR)) == HOSTILE
    tip = model.data(model.index(0, COL_AUTHOR), Qt.ItemDataRole.ToolTipRole)
    assert html.escape(HOSTILE, quote=False) in tip and "<img" not in tip
    assert model.data(model.index(0, COL_FLAGS)) == "deleted, edited, media"
    assert model.data(model.index(0, COL_MATCH)) == "v1 of 3 (earlier text)"
    assert model.data(model.index(0, COL_TEXT), Qt.ItemDataRole.FontRole).strikeOut()
    assert model.data(model.index(1, COL_DATE)) == "(no date)"
    assert model.data(model.index(1, COL_MATCH)) == "current"


def _big_archive(archive: Archive, n: int) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for i in range(n):
            writer.add(
                RecordIn(
                    platform="x",
                    kind="post",
                    record_key=str(i),
                    text=f"notice number {i} road closure" if i % 2 else f"notice number {i}",
                    created_at=start + timedelta(hours=i),
                )
            )
        writer.finish()


def test_real_engine_table_reads_only_what_it_paints(qtbot, tmp_archive: Archive) -> None:
    _big_archive(tmp_archive, 5000)
    engine = SearchEngine(tmp_archive)
    query = engine.parse("road")
    ids = engine.search_ids(query)
    assert len(ids) == 2500
    model = ResultsTableModel()
    fetched: list[int] = []

    def fetch(batch: Sequence[int]) -> list[ResultRow]:
        fetched.extend(batch)
        return engine.fetch_rows(batch, query)

    model.set_fetcher(fetch)
    model.set_ids(ids)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(20)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints the visible rows, as the screen would
    assert model.rowCount() == 2500
    assert 1 <= model.page_fetches <= 2 and len(fetched) <= 2 * PAGE_SIZE
    newest = model.data(model.index(0, 0), RowRole)
    assert newest.id == ids[0] and newest.text == "notice number 4999 road closure"
    assert newest.matched_versions == (1,)

    view.scrollToBottom()
    view.grab()  # paints the visible rows, as the screen would
    assert model.page_fetches <= 4 and len(fetched) <= 4 * PAGE_SIZE
    assert model.data(model.index(2499, COL_TEXT)) == "notice number 1 road closure"


def test_row_removed_after_the_id_query_is_left_blank(qtbot, tmp_archive: Archive) -> None:
    _big_archive(tmp_archive, 10)
    engine = SearchEngine(tmp_archive)
    ids = engine.search_ids("")
    with tmp_archive.write() as conn:
        conn.execute(text("DELETE FROM record_versions WHERE record_id = :i"), {"i": ids[2]})
        conn.execute(text("DELETE FROM records WHERE id = :i"), {"i": ids[2]})
    model = ResultsTableModel()
    model.set_fetcher(lambda batch: engine.fetch_rows(batch))
    model.set_ids(ids)
    assert model.data(model.index(2, 0), RowRole) is None
    assert model.data(model.index(3, 0), RowRole).id == ids[3]
