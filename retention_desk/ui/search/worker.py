"""Worker-side search work for the Archive view: one cancellable engine for the view's search
runner, and the three steps of a query (first page, every id, facets), each returning a
frozen result the GUI can take. Nothing here touches widgets.

Cancelling: a newer query must not wait for an older one still counting a million matches.
The engine keeps one SQLite connection and asks its backend to prepare it once; the
`CancellableBackend` installs a progress handler on it that aborts the running statement
when the cancel event of the task now running is set. The interrupted statement surfaces as
`Cancelled` (the engine drops that connection and opens a fresh one on the next call).
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
from retention_desk.search import CompiledQuery, Facets, QueryError, SearchEngine, SearchPage
from retention_desk.search.backend import SqliteBackend

FIRST_PAGE = 50
# SQLite calls the handler every this many virtual-machine steps: often enough to stop within
# a few milliseconds, rarely enough to cost nothing measurable.
PROGRESS_STEPS = 5_000

T = TypeVar("T")


class CancellableBackend(SqliteBackend):
    """The SQLite backend, plus a progress handler that aborts a statement once the event in
    `current` (set per task by `SearchWorker`) is set."""

    def __init__(self) -> None:
        super().__init__()
        self.current: threading.Event | None = None

    def prepare_read(self, conn: Connection) -> None:
        super().prepare_read(conn)
        raw = conn.connection.driver_connection
        if isinstance(raw, sqlite3.Connection):
            raw.set_progress_handler(self._should_stop, PROGRESS_STEPS)

    def _should_stop(self) -> int:
        event = self.current
        return 1 if event is not None and event.is_set() else 0


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


class SearchWorker:
    """The engine the view's search runner uses (one thread at a time, as the engine needs).

    Each method takes the task's cancel event (Task passes `cancel=`) and raises Cancelled
    when it was set before, during or right after the work.
    """

    def __init__(self, archive: Archive) -> None:
        self.backend = CancellableBackend()
        self.engine = SearchEngine(archive, backend=self.backend)

    def close(self) -> None:
        """Release the kept connection (call with the runner idle, before the archive closes)."""
        self.engine.close()

    @contextmanager
    def _cancellable(self, cancel: threading.Event) -> Iterator[None]:
        if cancel.is_set():
            raise Cancelled()
        self.backend.current = cancel
        try:
            yield
        except (OperationalError, sqlite3.OperationalError) as exc:
            # "interrupted" is our handler's doing; anything else is a real failure
            if cancel.is_set() or "interrupted" in str(exc).lower():
                raise Cancelled() from exc
            raise
        finally:
            self.backend.current = None
        if cancel.is_set():
            raise Cancelled()

    def run(self, cancel: threading.Event, fn: Callable[[], T]) -> T:
        with self._cancellable(cancel):
            return fn()

    def warm_up(self, *, cancel: threading.Event) -> bool:
        """Load the engine's in-memory date keys and facet groups (from the cache file beside
        the archive, or seconds per million records from the tables) on a runner of its own,
        beside the first search: the engine serves searches on its SQL plans meanwhile. Not
        through `run`: the cancel event of the search runner's task belongs to the searches,
        this one to the warm-up."""
        return self.engine.warm_up(cancel)

    def first_page(
        self, text: str, sort: str, *, limit: int = FIRST_PAGE, cancel: threading.Event
    ) -> FirstPage:
        """Parse `text` and read its first page (the fast part of a search)."""

        def work() -> FirstPage:
            tz = self.engine.tz.key
            try:
                query = self.engine.parse(text)
            except QueryError as exc:
                return FirstPage(text, sort, None, None, tz, error=str(exc))
            page = self.engine.page(query, sort=sort, limit=limit)
            return FirstPage(text, sort, query, page, tz)

        return self.run(cancel, work)

    def all_ids(self, query: CompiledQuery, sort: str, *, cancel: threading.Event) -> IdList:
        """Every matching id in order, packed (8 bytes an id: a million-row result is 8 MB)."""
        return self.run(
            cancel, lambda: IdList(array("q", self.engine.search_ids(query, sort=sort)))
        )

    def facets(self, query: CompiledQuery, *, cancel: threading.Event) -> Facets:
        """Counts per platform, account, kind and year over all matches (and the total)."""
        return self.run(cancel, lambda: self.engine.facets(query))
