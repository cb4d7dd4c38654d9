"""The Oversight page's "Subscriber lists" tab (CMP 1.12 II.1.e): accounts that have list
snapshots, the snapshots of the chosen account (list, date, entries), the members of the chosen
snapshot and, with two snapshots chosen, who was added and who is gone between them.

Member names come from exports: they go into QTableWidgetItems / QListWidgetItems (plain text,
never rich text, never tooltips) on one line. Archive work runs through the TaskRunner; the
tab only reads, so it never notifies.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.store import Archive
from retention_desk.oversight import subscribers as subs
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label
from retention_desk.ui.tasks import Latest, Task, TaskRunner

SNAPSHOT_COLUMNS = ("Record", "List", "As of", "Entries", "Dated by")
MEMBER_COLUMNS = ("#", "Name", "Handle", "Since", "Link")
COMPARE_COLUMNS = ("Change", "Name", "Handle", "Since", "Link")
LIST_WORDS = {
    "followers": "Followers",
    "following": "Following",
    "subscriptions": "Subscriptions",
    "subreddits": "Subreddits",
}


def _one_line(value: object, limit: int = 300) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _date(value: str | None) -> str:
    return value[:10] if value else "undated"


def _entry_name(e: subs.Entry) -> str:
    return e.name or (e.handle and f"@{e.handle}") or f"account {e.member_key}"


def _table(columns: tuple[str, ...], stretch: str, *, multi: bool = False) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.horizontalHeader().setSectionResizeMode(
        columns.index(stretch), QHeaderView.ResizeMode.Stretch
    )
    table.verticalHeader().setVisible(False)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(_one_line(value)))


def _snapshots(archive: Archive, account_id: int) -> list[subs.Snapshot]:
    with archive.read() as conn:
        return subs.list_snapshots(conn, account_id)


def _accounts(archive: Archive) -> list[tuple[subs.AccountRef, int]]:
    with archive.read() as conn:
        return subs.accounts_with_lists(conn)


def _detail(archive: Archive, record_id: int) -> subs.SnapshotDetail:
    with archive.read() as conn:
        return subs.show_snapshot(conn, record_id)


def _compare(archive: Archive, a: int, b: int) -> subs.Comparison:
    with archive.read() as conn:
        return subs.compare_snapshots(conn, a, b)


class SubscribersTab(QWidget):
    def __init__(self, runner: TaskRunner, changes: ArchiveChanges) -> None:
        super().__init__()
        self._runner = runner
        self._archive: Archive | None = None
        self._latest = Latest()
        self._latest_detail = Latest()
        self.accounts: list[tuple[subs.AccountRef, int]] = []
        self.snapshots: list[subs.Snapshot] = []
        self.detail: subs.SnapshotDetail | None = None
        self.comparison: subs.Comparison | None = None

        self.account_list = QListWidget()
        self.account_list.currentRowChanged.connect(self._on_account)
        self.snapshot_table = _table(SNAPSHOT_COLUMNS, "Dated by", multi=True)
        self.snapshot_table.itemSelectionChanged.connect(self._on_snapshots_selected)
        self.member_table = _table(MEMBER_COLUMNS, "Name")
        self.compare_table = _table(COMPARE_COLUMNS, "Name")
        self.compare_button = QPushButton("Compare the two selected")
        self.compare_button.setToolTip(
            "Who is in the newer snapshot and not the older (added), and the other way (gone)"
        )
        self.compare_button.clicked.connect(self.compare_selected)
        self.status = plain_label("No archive open.")
        self.compare_status = plain_label("")

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(plain_label("Snapshots (select two to compare)"))
        middle_layout.addWidget(self.snapshot_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.compare_button)
        row.addWidget(self.compare_status, 1)
        middle_layout.addLayout(row)
        middle_layout.addWidget(self.compare_table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(plain_label("Members of the selected snapshot"))
        right_layout.addWidget(self.member_table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.account_list)
        splitter.addWidget(middle)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        changes.changed.connect(self._on_changed)
        self._update_buttons()

    # ------------------------------------------------------------------------ loading
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._latest.invalidate()
        self._latest_detail.invalidate()
        self.accounts, self.snapshots = [], []
        self.detail = self.comparison = None
        self.account_list.clear()
        for table in (self.snapshot_table, self.member_table, self.compare_table):
            table.setRowCount(0)
        self.compare_status.setText("")
        self.status.setText("No archive open." if archive is None else "Loading…")
        self._update_buttons()
        if archive is not None:
            self.reload()

    def _on_changed(self, what: str) -> None:
        if self._archive is not None and what != "search":
            self.reload()

    def _submit(self, fn: functools.partial[object], on_done: object, latest: Latest) -> Task:
        task = Task(fn, progress=False, cancel=False)
        current = latest.next()
        task.finished.connect(current(on_done))  # type: ignore[arg-type]
        task.failed.connect(current(lambda msg: self.status.setText(_one_line(msg, 600))))
        return self._runner.submit(task)

    def reload(self) -> Task | None:
        """Reload the accounts (and the chosen account's snapshots)."""
        if self._archive is None:
            return None
        return self._submit(
            functools.partial(_accounts, self._archive), self._show_accounts, self._latest
        )

    def _show_accounts(self, accounts: list[tuple[subs.AccountRef, int]]) -> None:
        chosen = self.current_account()
        self.accounts = accounts
        self.account_list.blockSignals(True)
        self.account_list.clear()
        for account, n in accounts:
            item = QListWidgetItem(_one_line(f"{account.label}  ({n})", 120))
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            self.account_list.addItem(item)
        ids = [a.id for a, _ in accounts]
        row = ids.index(chosen.id) if chosen is not None and chosen.id in ids else 0
        self.account_list.setCurrentRow(row if accounts else -1)
        self.account_list.blockSignals(False)
        if not accounts:
            self.status.setText(
                "No subscriber lists yet: import an export with follower, following or"
                " subscription lists."
            )
            self.snapshots = []
            self.snapshot_table.setRowCount(0)
            return
        self.status.setText(f"{len(accounts)} account(s) with subscriber-list snapshots.")
        self._on_account(row)

    def current_account(self) -> subs.AccountRef | None:
        row = self.account_list.currentRow()
        return self.accounts[row][0] if 0 <= row < len(self.accounts) else None

    def _on_account(self, row: int) -> None:
        if self._archive is None or not 0 <= row < len(self.accounts):
            return
        account = self.accounts[row][0]
        self._submit(
            functools.partial(_snapshots, self._archive, account.id),
            self._show_snapshots,
            self._latest_detail,
        )

    def _show_snapshots(self, snapshots: list[subs.Snapshot]) -> None:
        self.snapshots = snapshots
        self.detail = self.comparison = None
        self.member_table.setRowCount(0)
        self.compare_table.setRowCount(0)
        self.compare_status.setText("")
        self.snapshot_table.blockSignals(True)
        _fill(
            self.snapshot_table,
            [
                (
                    str(s.record_id),
                    LIST_WORDS.get(s.list_kind, s.list_kind),
                    _date(s.taken_at),
                    str(s.entry_count),
                    s.taken_at_source,
                )
                for s in snapshots
            ],
        )
        self.snapshot_table.clearSelection()
        self.snapshot_table.blockSignals(False)
        self._update_buttons()

    # ----------------------------------------------------------------------- selection
    def selected_snapshots(self) -> list[subs.Snapshot]:
        rows = sorted({i.row() for i in self.snapshot_table.selectedItems()})
        return [self.snapshots[r] for r in rows if 0 <= r < len(self.snapshots)]

    def _on_snapshots_selected(self) -> None:
        self._update_buttons()
        chosen = self.selected_snapshots()
        if len(chosen) == 1 and self._archive is not None:
            self._submit(
                functools.partial(_detail, self._archive, chosen[0].record_id),
                self._show_detail,
                self._latest_detail,
            )

    def _show_detail(self, detail: subs.SnapshotDetail) -> None:
        self.detail = detail
        _fill(
            self.member_table,
            [
                (str(e.position), _entry_name(e), e.handle, (e.since or "")[:10], e.url)
                for e in detail.entries
            ],
        )

    def compare_selected(self) -> Task | None:
        chosen = self.selected_snapshots()
        if len(chosen) != 2 or self._archive is None:
            return None
        a, b = chosen[0].record_id, chosen[1].record_id
        return self._submit(
            functools.partial(_compare, self._archive, a, b),
            self._show_comparison,
            self._latest_detail,
        )

    def _show_comparison(self, c: subs.Comparison) -> None:
        self.comparison = c
        rows = [("added", _entry_name(e), e.handle, (e.since or "")[:10], e.url) for e in c.added]
        rows += [("gone", _entry_name(e), e.handle, (e.since or "")[:10], e.url) for e in c.gone]
        _fill(self.compare_table, rows)
        self.compare_status.setText(
            f"{_date(c.older.taken_at)} to {_date(c.newer.taken_at)}: {len(c.added)} added,"
            f" {len(c.gone)} gone, {c.kept} in both"
        )

    def _update_buttons(self) -> None:
        chosen = self.selected_snapshots()
        same_list = len(chosen) == 2 and chosen[0].list_kind == chosen[1].list_kind
        self.compare_button.setEnabled(self._archive is not None and same_list)
