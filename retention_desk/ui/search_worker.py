"""Worker-side search work for the Archive view: cancellable engines and the three steps of a
query (first page, every id, facets), each returning a frozen result the GUI can take.

Cancelling: a newer query must not wait for an older one still counting a million matches.
The engine opens a fresh SQLite connection for every call (the archive uses NullPool) and asks
its backend to prepare it, so `CancellableBackend` installs a progress handler on that one
connection which aborts the running statement once the task's cancel event is set; the
interrupted statement surfaces as `Cancelled`. Nothing here touches widgets.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from retention_desk.archive import Archive, Cancelled
from retention_desk.search import (
    CompiledQuery,
    Facets,
    QueryError,
    SearchEngine,
    SearchPage,
)
from retention_desk.search.backend import SqliteBackend

FIRST_PAGE = 50
# SQLite calls the handler every this many virtual-machine steps: often enough to stop within
# a few milliseconds, rarely enough to cost nothing measurable.
PROGRESS_STEPS = 5_000

T = TypeVar("T")


class CancellableBackend(SqliteBackend):
    """The SQLite backend, plus a progress handler that aborts statements once `cancel` is set."""

    def __init__(self, cancel: threading.Event) -> None:
        super().__init__()
        self.cancel = cancel

    def prepare_read(self, conn: Connection) -> None:
        super().prepare_read(conn)
        raw = conn.connection.driver_connection
        if isinstance(raw, sqlite3.Connection):
            event = self.cancel
            raw.set_progress_handler(lambda: 1 if event.is_set() else 0, PROGRESS_STEPS)


def cancellable_engine(archive: Archive, cancel: threading.Event) -> SearchEngine:
    """A SearchEngine whose statements stop when `cancel` is set."""
    return SearchEngine(archive, backend=CancellableBackend(cancel))


@contextmanager
def _interruptible(cancel: threading.Event) -> Iterator[None]:
    """Turn SQLite's "interrupted" (our progress handler said stop) into Cancelled."""
    if cancel.is_set():
        raise Cancelled()
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        if cancel.is_set() or "interrupted" in str(exc).lower():
            raise Cancelled() from exc
        raise
    if cancel.is_set():
        raise Cancelled()


def run_cancellable(cancel: threading.Event, fn: Callable[[], T]) -> T:
    """Call `fn`, raising Cancelled if the event was set before, during or after it."""
    with _interruptible(cancel):
        return fn()


@dataclass(frozen=True)
class FirstPage:
    """The first screen of a query, or why the query cannot run (`error`, for the user)."""

    text: str
    sort: str
    query: CompiledQuery | None
    page: SearchPage | None
    time_zone: str
    error: str | None = None


@dataclass(frozen=True)
class IdList:
    ids: array[int]


def first_page(
    archive: Archive, text: str, sort: str, *, limit: int = FIRST_PAGE, cancel: threading.Event
) -> FirstPage:
    """Parse `text` and read its first page (the fast part of a search)."""
    engine = cancellable_engine(archive, cancel)

    def work() -> FirstPage:
        tz = engine.tz.key
        try:
            query = engine.parse(text)
        except QueryError as exc:
            return FirstPage(text, sort, None, None, tz, error=str(exc))
        page = engine.page(query, sort=sort, limit=limit)
        return FirstPage(text, sort, query, page, tz)

    return run_cancellable(cancel, work)


def all_ids(
    archive: Archive, query: CompiledQuery, sort: str, *, cancel: threading.Event
) -> IdList:
    """Every matching id in order, packed (8 bytes an id: a million-row result is 8 MB)."""
    engine = cancellable_engine(archive, cancel)
    return IdList(run_cancellable(cancel, lambda: array("q", engine.search_ids(query, sort=sort))))


def facet_counts(archive: Archive, query: CompiledQuery, *, cancel: threading.Event) -> Facets:
    """Counts per platform, account, kind and year over all matches (and the total)."""
    engine = cancellable_engine(archive, cancel)
    return run_cancellable(cancel, lambda: engine.facets(query))
