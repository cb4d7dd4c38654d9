"""The numpy columns under the search caches, and reading ids as one array: the helpers the
page, facet and exclusion plans now stand on, checked against plain Python."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import Column, as_ids, distinct, without

IDS = st.lists(st.integers(min_value=-1, max_value=3000), max_size=400)


@given(IDS)
def test_distinct_is_the_sorted_set_without_no_record(ids: list[int]) -> None:
    got = distinct(as_ids(ids))
    assert got.dtype == np.int64
    assert got.tolist() == sorted({i for i in ids if i >= 0})


def test_distinct_and_without_of_a_few_huge_ids_do_not_mark_a_table_up_to_them() -> None:
    ids = as_ids([2**62, 5, 2**62, 2**40])
    assert distinct(ids).tolist() == [5, 2**40, 2**62]
    assert without(ids, as_ids([2**40, 7])).tolist() == [2**62, 5, 2**62]


@given(IDS, IDS)
def test_without_keeps_order_and_drops_every_listed_id(ids: list[int], drop: list[int]) -> None:
    dropped = set(drop)
    assert without(as_ids(ids), as_ids(drop)).tolist() == [i for i in ids if i not in dropped]


@given(st.lists(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=300)))
def test_a_column_grown_in_parts_holds_every_part_in_order(parts: list[list[int]]) -> None:
    column = Column([7])
    views = []
    for part in parts:
        column.extend(part)
        views.append(column.view)
    flat = [7, *[v for part in parts for v in part]]
    assert column.view.tolist() == flat and len(column) == len(flat)
    # a view taken before later appends still reads what it read then
    size = 1
    for part, view in zip(parts, views, strict=True):
        size += len(part)
        assert view.tolist() == flat[:size]
    assert Column.from_bytes(column.view.tobytes()).view.tolist() == flat


def _fetch(rows: list[object]) -> np.ndarray:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.execute("CREATE TABLE t(n INTEGER, v)")
        raw.executemany("INSERT INTO t(v) VALUES (?)", [(r,) for r in rows])
        return SqliteBackend.fetch_id_array(conn, "SELECT v FROM t ORDER BY rowid")


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=200))
def test_fetch_id_array_reads_every_integer_in_order(values: list[int]) -> None:
    got = _fetch(list(values))
    assert got.dtype == np.int64 and got.tolist() == values


@pytest.mark.parametrize("bad", [[1, None, 3], [1, 2.5], ["7x"], [None], [1, b"\x01"]])
def test_fetch_id_array_refuses_a_column_that_is_not_all_integers(bad: list[object]) -> None:
    """A NULL or a real among the ids must fail loudly: a list cut short at the first
    unreadable value would drop matches from results, facets and exclusions silently."""
    with pytest.raises(TypeError, match="not an integer"):
        _fetch(bad)
