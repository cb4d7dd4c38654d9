"""The record viewer: one record read in its context.

Top to bottom: a header (what the record is and its flags), the thread (post, comments and
replies in order, deleted and hidden ones kept and marked; for messages the conversation),
the text of the selected item of the thread, and tabs for the record's metadata, versions
with diffs, media previews, provenance with fixity, - for web captures - the capture's
metadata, digests and WACZ signature, and its retention (series, eligible date, holds, the
rules that matched; loaded by its own task whenever its tab is opened, so it is never older
than the last look). Double-clicking another item of the thread views it.

Loading runs on the task runner (`record_load.load_record`); a newer request cancels an older
one, and a result for anything but the latest request is dropped. All text is plain text.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.platforms import platform_label
from retention_desk.search import ThreadNode
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label
from retention_desk.ui.record.load import RecordGone, RecordViewData, load_record
from retention_desk.ui.record.media import MediaPane
from retention_desk.ui.record.meta import RecordMetaPane
from retention_desk.ui.record.provenance import CapturePane, ProvenancePane, is_capture
from retention_desk.ui.record.redactions import RecordRedactionsPane, attach_versions_action
from retention_desk.ui.record.retention import RecordRetentionPane
from retention_desk.ui.record.thread import ThreadTree, marks
from retention_desk.ui.record.versions import VersionsPane
from retention_desk.ui.tasks import Latest, Task, TaskRunner

PLACEHOLDER = "Select a result to read it here, with its thread, versions and provenance."


def record_flags(data: RecordViewData) -> list[str]:
    rec = data.detail.record
    return [
        word
        for word, on in (
            ("DELETED on the platform", rec.deleted_at is not None),
            ("HIDDEN on the platform", rec.hidden_at is not None),
            (f"edited: {rec.version_count} versions", rec.version_count > 1),
            ("restricted", rec.restricted),
            ("repost", rec.is_repost),
        )
        if on
    ]


class RecordView(QWidget):
    """`loaded(data)` after a record is shown; `record_changed(id)` when the viewer moves to
    another record of the thread by itself."""

    loaded = Signal(object)
    record_changed = Signal(int)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._archive: Archive | None = None
        self._latest = Latest()
        self._task: Task | None = None
        self.data: RecordViewData | None = None
        self.record_id: int | None = None
        self._build()
        self.clear()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = plain_label(selectable=True)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        layout.addWidget(self.header)
        self.byline = plain_label(selectable=True)
        self.byline.setWordWrap(True)
        layout.addWidget(self.byline)

        self.thread_note = plain_label()
        self.thread_note.setWordWrap(True)
        self.thread_note.setVisible(False)
        layout.addWidget(self.thread_note)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.thread = ThreadTree()
        self.thread.node_selected.connect(self._node_selected)
        self.thread.open_requested.connect(self._open_from_thread)
        splitter.addWidget(self.thread)

        text_box = QWidget()
        text_layout = QVBoxLayout(text_box)
        text_layout.setContentsMargins(0, 0, 0, 0)
        self.text_caption = plain_label()
        self.text_caption.setWordWrap(True)
        text_layout.addWidget(self.text_caption)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText(PLACEHOLDER)
        text_layout.addWidget(self.text, 1)
        splitter.addWidget(text_box)

        self.tabs = QTabWidget()
        self.meta = RecordMetaPane()
        self.versions = VersionsPane()
        self.media = MediaPane()
        self.provenance = ProvenancePane()
        self.capture = CapturePane()
        self.retention = RecordRetentionPane(self._runner)
        self.redactions = RecordRedactionsPane(self._runner)
        meta_scroll = QScrollArea()  # wrapped values must not be squeezed when space is short
        meta_scroll.setWidget(self.meta)
        meta_scroll.setWidgetResizable(True)
        meta_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(meta_scroll, "Record")
        self.tabs.addTab(self.versions, "Versions")
        self.tabs.addTab(self.media, "Media")
        self.tabs.addTab(self.provenance, "Provenance")
        self.tabs.addTab(self.capture, "Capture")
        self.tabs.addTab(self.retention, "Retention")
        self.tabs.addTab(self.redactions, "Redactions")
        attach_versions_action(
            self.versions,
            self.redactions,
            lambda: (self._archive, self.record_id),
            lambda: self.tabs.setCurrentWidget(self.redactions),
        )
        self.tabs.currentChanged.connect(self._load_retention)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 4)
        splitter.setSizes([220, 150, 330])
        layout.addWidget(splitter, 1)
        self.splitter = splitter

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._cancel()
        self.clear()

    def clear(self, message: str = "") -> None:
        """Show nothing (no selection, a failed query, an archive closed)."""
        self._cancel()
        self.data = None
        self.record_id = None
        self.header.setText(message or "No record selected")
        self.byline.clear()
        self.thread_note.setVisible(False)
        self.thread.clear()
        self.text_caption.clear()
        self.text.clear()
        self.meta.clear()
        self.versions.clear()
        self.media.clear()
        self.provenance.clear()
        self.capture.clear()
        self.retention.clear()
        self.redactions.clear()
        self._tab_titles(None)

    def show_record(self, record_id: int, matched_versions: tuple[int, ...] = ()) -> Task | None:
        """Load `record_id` on the runner; the viewer updates when it arrives."""
        if self._archive is None:
            return None
        if (
            self.record_id == record_id
            and self.data is not None
            and self._task is None
            and tuple(matched_versions) == self.data.matched_versions
        ):
            return None  # already shown
        self._cancel()
        current = self._latest.next()
        self.record_id = record_id
        self.header.setText(f"Loading record #{record_id}…")
        task = Task(
            partial(load_record, self._archive, record_id, tuple(matched_versions)),
            progress=False,
            cancel=True,
            title="Record",
        )
        task.finished.connect(current(self._loaded))
        task.failed.connect(current(self._failed))
        task.ended.connect(current(self._ended))
        self._task = task
        submitted = self._runner.submit(task)
        self.retention.clear()
        self.redactions.clear()
        self._load_retention()
        return submitted

    def _load_retention(self) -> None:
        # only while its tab is open: every rule is tried against the record, which browsing
        # result after result should not pay for
        if self.tabs.currentWidget() is self.retention and self.record_id is not None:
            self.retention.show_record(self._archive, self.record_id)
        if self.tabs.currentWidget() is self.redactions and self.record_id is not None:
            self.redactions.show_record(self._archive, self.record_id)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._latest.invalidate()

    def _ended(self) -> None:
        self._task = None

    def _failed(self, message: str) -> None:
        self.clear(f"Could not read record #{self.record_id}: {message}")

    def _loaded(self, result: RecordViewData | RecordGone) -> None:
        if isinstance(result, RecordGone):
            self.clear(result.message)
            return
        self.data = result
        self.record_id = result.detail.record.id
        detail, tz = result.detail, fmt.zone(result.time_zone)
        rec = detail.record
        flags = record_flags(result)
        self.header.setText(
            f"#{rec.id} · {platform_label(rec.platform)} {rec.kind}"
            + (f" · {', '.join(flags)}" if flags else "")
        )
        author = detail.author.name or detail.author.handle or "(unknown author)"
        when = fmt.local_time(rec.created_at, tz) if rec.created_at else "no date"
        self.byline.setText(f"{author} · {when}")
        self.thread.set_thread(detail.thread, tz)
        self.thread_note.setText(
            f"This thread is longer than the {len(detail.thread):,} records shown here; search"
            " (e.g. by author or date) to reach the rest."
            if detail.thread_truncated
            else ""
        )
        self.thread_note.setVisible(detail.thread_truncated)
        if self.thread.focus_item is None:
            self._show_focus_text()
        self.meta.set_detail(detail, tz)
        self.versions.set_versions(detail.versions, tz, result.matched_versions)
        self.media.set_media(result.media)
        self.provenance.set_detail(detail, tz)
        if is_capture(detail):
            self.capture.set_capture(detail, result.sources, tz)
        else:
            self.capture.clear()
        self._tab_titles(result)
        self.loaded.emit(result)

    def _tab_titles(self, data: RecordViewData | None) -> None:
        detail = data.detail if data is not None else None
        versions = len(detail.versions) if detail else 0
        media = len(detail.media) if detail else 0
        self.tabs.setTabText(1, f"Versions ({versions})" if versions > 1 else "Versions")
        self.tabs.setTabText(2, f"Media ({media})" if media else "Media")
        self.tabs.setTabVisible(4, detail is not None and is_capture(detail))

    # ------------------------------------------------------------------ thread
    def _show_focus_text(self) -> None:
        if self.data is None:
            return
        rec = self.data.detail.record
        body = f"{rec.title}\n\n{rec.text}" if rec.title else rec.text
        self.text_caption.setText(f"Text of #{rec.id} (current version)")
        self.text.setPlainText(body)

    def _node_selected(self, node: ThreadNode) -> None:
        if self.data is None:
            return
        if node.is_focus:
            self._show_focus_text()
            return
        badge = marks(node)
        when = fmt.local_time(node.created_at, fmt.zone(self.data.time_zone))
        who = node.author or "(unknown author)"
        self.text_caption.setText(
            f"#{node.id} {node.kind} by {who}, {when or 'no date'} {badge}".rstrip()
            + " — double-click it in the thread to open it"
        )
        self.text.setPlainText(node.text)

    def _open_from_thread(self, record_id: int) -> None:
        if self.show_record(record_id) is not None:
            self.record_changed.emit(record_id)

    # ----------------------------------------------------------------- tests
    def thread_nodes(self) -> list[ThreadNode]:
        return [n for n in (self.thread.node(i) for i in self.thread.all_items()) if n]
