"""The Archive page: search the whole archive and read each result in its context.

Search bar on top; facets and saved searches on the left; the results table (lazy, see
`results_table_model`) in the middle; the record viewer on the right.

A query runs in three steps on the view's own search worker, so the window never waits:
1. the first page (`SearchEngine.page`, 50 rows): shown as soon as it arrives;
2. every matching id (`search_ids`): the table grows to the full result in place;
3. the facets (counts per platform/account/kind/year and the total).
Each query is the `Latest` request; a newer query cancels the older one's tasks (queued ones
never start, a running statement is interrupted, see `search_worker`) and any result that
still arrives for an older query is dropped. Rows beyond the first page are read by the
model on the GUI thread, a page of 100 at a time, from their ids (an indexed read of a few
milliseconds even on a million-record archive).

Searches and record loading use two private single-worker runners, not the shared one, so a
long import queued there does not stop anyone reading the archive (SQLite readers do not
block on a writer), and opening a record never waits for a facet count.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.search import Facets, SearchEngine
from retention_desk.ui import formatting as fmt
from retention_desk.ui.archive.results_table_model import (
    COL_ACCOUNT,
    COL_AUTHOR,
    COL_DATE,
    COL_FLAGS,
    COL_KIND,
    COL_MATCH,
    COL_PLATFORM,
    COL_TEXT,
    HEADERS,
    ResultsTableModel,
    RowRole,
)
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label
from retention_desk.ui.record.view import RecordView
from retention_desk.ui.refresh import RefreshWhenShown
from retention_desk.ui.search.bar import SearchBar
from retention_desk.ui.search.facets import FacetsPanel
from retention_desk.ui.search.saved import SavedSearchesPanel
from retention_desk.ui.search.worker import FirstPage, IdList, SearchWorker
from retention_desk.ui.tasks import Latest, Task, TaskRunner

SELECT_DELAY_MS = 60  # holding Down should not start a record load per row passed
SAVED_CHANGE = "saved_searches"
SPLITTER_KEY = "archive_view/splitter-v2"  # v2: a wider facets pane
TEXT_MIN_WIDTH = 260
LEFT_WIDTH = 280
# v2: the flags column moved next to the text; a layout saved before would misplace it
HEADER_KEY = "archive_view/columns-v2"


class ArchiveView(QWidget):
    """Signals for whoever waits on a search (tests, the latency script): `first_page_shown`
    when the first rows are in the table (or the query failed), `ids_loaded` when every id
    is known, `facets_loaded` when the counts are in."""

    first_page_shown = Signal()
    ids_loaded = Signal()
    facets_loaded = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        changes: ArchiveChanges,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        search_runner: TaskRunner | None = None,
        detail_runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._changes = changes
        self._search_runner = search_runner or TaskRunner(self, inline=runner.inline)
        self._detail_runner = detail_runner or TaskRunner(self, inline=runner.inline)
        # the search caches load on a thread of their own: searches never queue behind it
        self._warm_runner = TaskRunner(self, inline=runner.inline)
        self._archive: Archive | None = None
        self._fetch_engine: SearchEngine | None = None  # GUI thread: rows as they are painted
        self._worker: SearchWorker | None = None  # search runner thread: queries
        self._latest = Latest()
        # the current search's callback guard, reused for its follow-up tasks (ids, facets)
        self._request = self._latest.next()
        self._tasks: list[Task] = []
        self._refresher = RefreshWhenShown(self, self.refresh)
        self._total: int | None = None
        self._current: tuple[str, str] = ("", "date")  # the last query that ran
        self._select_timer = QTimer(self)
        self._select_timer.setSingleShot(True)
        self._select_timer.setInterval(SELECT_DELAY_MS)
        self._select_timer.timeout.connect(self._open_current)
        self.model = ResultsTableModel(self)
        self._settings = settings if settings is not None else QSettings()
        self._build(self._settings)
        self._restore_layout()
        changes.changed.connect(self._on_changed)

    # ------------------------------------------------------------------ layout
    def _build(self, settings: QSettings) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.bar = SearchBar(settings)
        self.bar.submitted.connect(self.run_search)
        self.bar.cleared.connect(lambda: self.run_search("", self.bar.sort()))
        self.bar.field.installEventFilter(self)
        layout.addWidget(self.bar)
        self.count_label = plain_label()
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_label, 1)
        self.add_to_request_button = QPushButton("Add to request…")
        self.add_to_request_button.setToolTip(
            "Add the selected records to an open public-records request's responsive set"
        )
        self.add_to_request_button.clicked.connect(self.open_add_to_request)
        count_row.addWidget(self.add_to_request_button)
        layout.addLayout(count_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.facets = FacetsPanel()
        self.facets.filter_chosen.connect(self.add_filter)
        left.addWidget(self.facets)
        self.saved = SavedSearchesPanel(self._runner, lambda: self._current)
        self.saved.run_requested.connect(self._run_saved)
        self.saved.changed.connect(lambda: self._changes.notify(SAVED_CHANGE))
        left.addWidget(self.saved)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        splitter.addWidget(left)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows at once, for "Add to request…"; the viewer shows the current one
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        # Fixed row heights: the view never measures rows, so it never asks for all of them.
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        widths = {
            # the zone's abbreviation is part of every time shown
            COL_DATE: metrics.horizontalAdvance("0000-00-00 00:00 MDT") + 14,
            COL_TEXT: TEXT_MIN_WIDTH,
            COL_FLAGS: metrics.horizontalAdvance("deleted, edited") + 14,
            COL_AUTHOR: 100,
            COL_ACCOUNT: 110,
            COL_PLATFORM: metrics.horizontalAdvance("Instagram") + 14,
            COL_KIND: 62,
            COL_MATCH: 70,
        }
        for col, width in widths.items():
            header.resizeSection(col, width)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        # The text column takes the room left, but never less than TEXT_MIN_WIDTH: in a
        # narrow window the table scrolls sideways rather than squeezing the text away.
        self.table.viewport().installEventFilter(self)
        header.sectionResized.connect(self._fit_text_column)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        splitter.addWidget(self.table)

        self.viewer = RecordView(self._detail_runner)
        self.viewer.record_changed.connect(self._viewer_moved)
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        # the left pane is wide enough for an account's whole name and its platform
        splitter.setSizes([LEFT_WIDTH, 620, 410])
        layout.addWidget(splitter, 1)
        self.splitter = splitter

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.bar.focus_search)
        self.find_shortcut = find

    def _column_menu(self, pos: QPoint) -> QMenu:
        """Right-click on the header: show or hide columns (the text column always shows)."""
        menu = QMenu(self)
        for col, title in enumerate(HEADERS):
            if col == COL_TEXT:
                continue
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(partial(self._show_column, col))
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
        return menu

    def _show_column(self, col: int, shown: bool) -> None:
        self.table.setColumnHidden(col, not shown)
        self._fit_text_column()
        self.save_layout()

    def _restore_layout(self) -> None:
        """The pane sizes and columns the user left, if any (QSettings)."""
        for key, target in (
            (SPLITTER_KEY, self.splitter),
            (HEADER_KEY, self.table.horizontalHeader()),
        ):
            state = self._settings.value(key)
            if isinstance(state, QByteArray):
                target.restoreState(state)

    def save_layout(self) -> None:
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        self._settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_layout()
        super().hideEvent(event)

    # ------------------------------------------------------------------ archive
    def set_archive(self, archive: Archive | None) -> None:
        self._cancel_tasks()
        self._latest.invalidate()
        if self._archive is not None:
            # Work still running against the old archive must stop before it is closed,
            # and the engines' kept connections must go with it.
            self._search_runner.cancel_all()
            self._detail_runner.cancel_all()
            self._warm_runner.cancel_all()
            self._search_runner.wait()
            self._detail_runner.wait()
            self._warm_runner.wait()
        for engine in (self._worker, self._fetch_engine):
            if engine is not None:
                engine.close()
        if archive is not self._archive:
            # another archive's query (File › New or Open) must not run against this one
            self._current = ("", "date")
            self.bar.set_text("")
            self.bar.set_sort("date")
        self._archive = archive
        self._worker = SearchWorker(archive) if archive is not None else None
        # rows only: no date keys (those belong to the worker's engine, which sorts)
        self._fetch_engine = SearchEngine(archive, date_cache=False) if archive else None
        if self._worker is not None:
            # at once, beside the first search: the engine answers on SQL until the caches
            # are in (read from the file beside the archive in well under a second when
            # it is there), so no search waits for them
            self._warm_runner.submit(Task(self._worker.warm_up, progress=False, title="Warm up"))
        self.model.clear()
        self.facets.set_facets(None)
        self.viewer.set_archive(archive)
        self.saved.set_archive(archive)
        self.bar.set_error(None)
        self.count_label.setText("")
        self._total = None
        if archive is not None:
            self.run_search(*self._current)

    def _on_changed(self, what: str) -> None:
        if self._archive is None:
            return
        if what == SAVED_CHANGE:
            return  # our own save/delete: the panel already shows the new list
        if what == "settings" and self._worker is not None:
            # the agency time zone may have changed; on the runner, so it precedes the rerun
            # (and outside the query's tasks, so a new query does not cancel it)
            engine = self._worker.engine
            self._search_runner.submit(
                Task(engine.reload_settings, progress=False, cancel=False, title="Settings")
            )
        self._refresher.request()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresher.shown()

    def refresh(self) -> None:
        """Run the last query again (the archive changed: an import, new settings)."""
        self._refresher.stale = False
        self.saved.reload()
        self.run_search(*self._current)

    # ------------------------------------------------------------------- search
    def run_search(self, text: str | None = None, sort: str | None = None) -> Task | None:
        """Run `text` (default: the field) in `sort` order (default: the combo)."""
        if self._worker is None:
            return None
        text = self.bar.text() if text is None else text
        sort = self.bar.sort() if sort is None else sort
        self._cancel_tasks()
        self._request = current = self._latest.next()
        self.count_label.setText("Searching…")
        task = Task(
            partial(self._worker.first_page, text, sort),
            progress=False,
            cancel=True,
            title="Search",
        )
        task.finished.connect(current(self._first_page))
        task.failed.connect(current(self._failed))
        return self._submit(task)

    def _submit(self, task: Task) -> Task:
        self._tasks.append(task)
        task.ended.connect(lambda: self._tasks.remove(task) if task in self._tasks else None)
        return self._search_runner.submit(task)

    def _cancel_tasks(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    def _failed(self, message: str) -> None:
        self.count_label.setText(f"The search could not be completed: {message}")
        self.first_page_shown.emit()

    def _first_page(self, result: object) -> None:
        if not isinstance(result, FirstPage):
            return
        current = self._request
        if result.error is not None or result.query is None or result.page is None:
            # The results of the last query that ran stay up; the error says why this one
            # did not, under the field, where it is being corrected.
            self.bar.set_error(result.error or "The query could not be read.")
            self.count_label.setText("Not searched: correct the query above.")
            self.first_page_shown.emit()
            return
        self.bar.set_error(None)
        self.bar.remember(result.text)
        if (result.text, result.sort) != (self.bar.text(), self.bar.sort()):
            # a saved search or a refresh: the field shows what the table shows
            if not self.bar.field.hasFocus():
                self.bar.set_text(result.text)
            self.bar.set_sort(result.sort)
        self._current = (result.text, result.sort)
        query, page = result.query, result.page
        previous = self.viewer.record_id
        self.model.set_time_zone(fmt.zone(result.time_zone))
        engine = self._fetch_engine
        self.model.set_fetcher(partial(engine.fetch_rows, query=query) if engine else None)
        self.model.show_page(page.rows, complete=not page.has_more)
        self.table.setColumnHidden(COL_MATCH, not query.has_text)  # empty without words
        self._fit_text_column()
        self.facets.set_facets(None)
        self._total = None if page.has_more else len(page.rows)
        self._show_count()
        self._select_after_search(previous)
        self.first_page_shown.emit()
        worker = self._worker
        if worker is None:
            return
        if page.has_more:
            ids = Task(partial(worker.all_ids, query, result.sort), progress=False, title="Ids")
            ids.finished.connect(current(self._ids))
            ids.failed.connect(current(self._failed))
            self._submit(ids)
        facets = Task(partial(worker.facets, query), progress=False, title="Facets")
        facets.finished.connect(current(self._facets))
        facets.failed.connect(current(self._failed))
        self._submit(facets)

    def _ids(self, found: IdList) -> None:
        self.model.set_ids(found.ids)
        self._total = len(found.ids)
        self._show_count()
        self.ids_loaded.emit()

    def _facets(self, facets: Facets) -> None:
        self.facets.set_facets(facets, active=self._current[0])
        self._total = facets.total
        self._show_count()
        self.facets_loaded.emit()

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        if self._total is None:
            self.count_label.setText(f"First {fmt.count(shown)} results; counting the rest…")
        elif self._total == 0:
            self.count_label.setText("No records match.")
        else:
            noun = "record" if self._total == 1 else "records"
            self.count_label.setText(f"{fmt.count(self._total)} {noun}")

    def add_filter(self, filter_text: str) -> None:
        """Add a facet's filter to the query (unless it is there) and search again."""
        current = self._current[0].split()
        if filter_text not in current:
            current.append(filter_text)
        text = " ".join(current)
        self.bar.set_text(text)
        self.run_search(text, self._current[1])

    def _run_saved(self, query: str, sort: str) -> None:
        self.bar.set_text(query)
        self.bar.set_sort(sort)
        self.run_search(query, sort)

    # ---------------------------------------------------------------- selection
    def _select_after_search(self, previous: int | None) -> None:
        row = 0
        if previous is not None:
            found = self.model.row_of(previous)
            row = found if found >= 0 else 0
        if self.model.rowCount() == 0:
            self.viewer.clear("No record selected")
            return
        index = self.model.index(row, COL_DATE)
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._select_timer.start()

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        row = self.model.data(index, RowRole)
        record_id = self.model.id_at(index.row())
        if record_id is None:
            return
        matched = tuple(row.matched_versions) if row is not None else ()
        self.viewer.show_record(record_id, matched)

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    def open_add_to_request(self) -> QDialog | None:
        """The selected records (else the current one) join an open request's set."""
        from retention_desk.ui.requests.add_to_request import AddToRequestDialog, added_text

        ids = self.selected_ids() or ([self.selected_id()] if self.selected_id() else [])
        if self._archive is None or not ids:
            return None
        dialog = AddToRequestDialog(self._archive, self._runner, self._changes, ids, self)
        dialog.accepted.connect(
            lambda: (
                self.count_label.setText(added_text(dialog.change))
                if dialog.change is not None
                else None
            )
        )
        self.add_to_request_dialog = dialog
        dialog.open()
        return dialog

    def _viewer_moved(self, record_id: int) -> None:
        """The viewer opened another record of the thread: select it if it is a result."""
        row = self.model.row_of(record_id)
        if row >= 0:
            self.table.selectionModel().blockSignals(True)
            try:
                self.table.selectRow(row)
            finally:
                self.table.selectionModel().blockSignals(False)
            self.table.viewport().update()
        else:
            self.table.clearSelection()

    def _fit_text_column(self, section: int = -1, *_sizes: int) -> None:
        if section == COL_TEXT:
            return  # the user (or we) sized the text column itself
        header = self.table.horizontalHeader()
        others = sum(
            header.sectionSize(c)
            for c in range(self.model.columnCount())
            if c != COL_TEXT and not header.isSectionHidden(c)
        )
        width = max(TEXT_MIN_WIDTH, self.table.viewport().width() - others)
        if header.sectionSize(COL_TEXT) != width:
            header.resizeSection(COL_TEXT, width)

    # --------------------------------------------------------------------- keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_text_column()
            return False
        # Down in the search field goes to the results, as in a mail client.
        if (
            watched is self.bar.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            popup = self.bar.completer.popup()
            if popup is None or not popup.isVisible():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)
