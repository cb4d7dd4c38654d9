"""The review queue's table model: a request's candidates, filtered by type and status.

All candidates are held as small frozen dataclasses (100k of them are a few tens of MB) and
`data()` only formats fields, so the view paints any of them at once; contexts are read for
the current row alone (`queue_dialog`). A filter is a snapshot: a row decided while it is
shown stays in view (the reviewer may step back to it) until the filter is chosen again.
"""

from __future__ import annotations

from array import array
from collections.abc import Container, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from retention_desk.detection import KINDS
from retention_desk.review.model import (
    ACCEPTED,
    REJECTED,
    UNDECIDED,
    CandidateInfo,
    KindProgress,
    ReviewProgress,
)

AnyIndex = QModelIndex | QPersistentModelIndex
CandidateRole = Qt.ItemDataRole.UserRole + 1
HEADERS = ("Id", "Record", "Field / version", "Type", "Code", "Status", "Decided by")
COL_ID, COL_RECORD, COL_FIELD, COL_TYPE, COL_CODE, COL_STATUS, COL_BY = range(len(HEADERS))

# status filter keys: what the reviewer still has to decide, everything, or one decision
TO_DECIDE = "undecided"
ALL = "all"
STATUS_FILTERS = (
    (TO_DECIDE, "Undecided"),
    (ALL, "All"),
    (ACCEPTED, "Accepted"),
    (REJECTED, "Rejected"),
)


KIND_NAMES = {
    "ssn": "SSN",
    "financial_account": "account number",
    "taxpayer_id": "taxpayer id",
    "drivers_licence": "driver's licence",
}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def field_text(cand: CandidateInfo) -> str:
    field = cand.field.replace("_", " ")
    return f"{field} v{cand.version_seq}" if cand.version_seq is not None else field


def type_text(cand: CandidateInfo) -> str:
    return kind_name(cand.kind) + (" (suggestion)" if cand.suggestion else "")


def status_text(cand: CandidateInfo) -> str:
    if cand.status == UNDECIDED:
        return "inside a redaction" if cand.covered else "undecided"
    return cand.status + (" (span adjusted)" if cand.adjusted else "")


def matches(cand: CandidateInfo, kind: str | None, status: str) -> bool:
    if kind is not None and cand.kind != kind:
        return False
    if status == ALL:
        return True
    if status == TO_DECIDE:
        return not cand.decided
    return cand.status == status


class CandidateTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[CandidateInfo] = []
        self._where: dict[int, int] = {}  # candidate id -> index in _all
        self._shown = array("q")  # indices into _all, in reading order
        self.kind: str | None = None
        self.status = TO_DECIDE
        # per type: [total, accepted, rejected, covered], kept as rows change so the counts
        # after a decision cost nothing however long the queue (store.progress_in reads
        # every undecided candidate again: over a second at 100k)
        self._counts: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ data
    def set_candidates(self, candidates: Sequence[CandidateInfo]) -> None:
        self.beginResetModel()
        self._all = list(candidates)
        self._where = {c.id: i for i, c in enumerate(self._all)}
        self._counts = {}
        for cand in self._all:
            self._count(cand, 1)
        self._refilter()
        self.endResetModel()

    def set_filter(self, kind: str | None, status: str) -> None:
        self.beginResetModel()
        self.kind, self.status = kind, status
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        self._shown = array(
            "q", (i for i, c in enumerate(self._all) if matches(c, self.kind, self.status))
        )

    def update(self, candidates: Iterable[CandidateInfo]) -> None:
        """Replace candidates re-read after a decision; shown rows repaint, none move."""
        changed: set[int] = set()
        for cand in candidates:
            at = self._where.get(cand.id)
            if at is not None:
                self._count(self._all[at], -1)
                self._count(cand, 1)
                self._all[at] = cand
                changed.add(at)
        if not changed:
            return
        for row, at in enumerate(self._shown):
            if at in changed:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def _count(self, cand: CandidateInfo, sign: int) -> None:
        row = self._counts.setdefault(cand.kind, [0, 0, 0, 0])
        row[0] += sign
        if cand.status == ACCEPTED:
            row[1] += sign
        elif cand.status == REJECTED:
            row[2] += sign
        elif cand.covered:
            row[3] += sign

    def progress(self, number: str) -> ReviewProgress:
        """The counts `store.review_progress` gives, from the rows held (same definitions)."""
        counts = {k: v for k, v in self._counts.items() if v[0]}
        order = [k for k in KINDS if k in counts] + sorted(k for k in counts if k not in KINDS)
        return ReviewProgress(number, tuple(KindProgress(k, *counts[k]) for k in order))

    def candidate(self, row: int) -> CandidateInfo | None:
        if 0 <= row < len(self._shown):
            return self._all[self._shown[row]]
        return None

    def by_id(self, candidate_id: int) -> CandidateInfo | None:
        at = self._where.get(candidate_id)
        return self._all[at] if at is not None else None

    def row_of(self, candidate_id: int) -> int:
        at = self._where.get(candidate_id)
        if at is None:
            return -1
        try:
            return self._shown.index(at)
        except ValueError:
            return -1

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(c.kind for c in self._all))

    def total(self) -> int:
        return len(self._all)

    def same_record(self, cand: CandidateInfo) -> list[int]:
        """Ids of the other candidates on `cand`'s record (an accepted span may cover them).
        Reading order keeps a record's candidates together, so this walks out from it."""
        at = self._where.get(cand.id)
        if at is None:
            return []
        out = []
        for step in (-1, 1):
            i = at + step
            while 0 <= i < len(self._all) and self._all[i].record_id == cand.record_id:
                out.append(self._all[i].id)
                i += step
        return out

    def next_undecided(self, after: int, skip: Container[int] = ()) -> int:
        """The first shown row after `after` (then from the top) still to decide, other than
        the candidates in `skip` (being decided now); -1 when none is left."""
        n = len(self._shown)
        for offset in range(1, n + 1):
            row = (after + offset) % n if after >= 0 else offset - 1
            cand = self._all[self._shown[row]]
            if not cand.decided and cand.id not in skip:
                return row
        return -1

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cand = self.candidate(index.row()) if index.isValid() else None
        if cand is None:
            return None
        if role == CandidateRole:
            return cand
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (COL_ID, COL_RECORD):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == COL_ID:
            return str(cand.id)
        if col == COL_RECORD:
            return str(cand.record_id)
        if col == COL_FIELD:
            return field_text(cand)
        if col == COL_TYPE:
            return type_text(cand)
        if col == COL_CODE:
            return cand.code
        if col == COL_STATUS:
            return status_text(cand)
        return cand.decided_by or ""
