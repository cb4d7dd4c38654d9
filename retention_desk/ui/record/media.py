"""Media of a record: thumbnails of stored images (decoded from the archive's own bytes by
the loader), and every other attachment listed with its state - a video stored without a
preview, a file the export named but did not contain (missing). Nothing is fetched from a
URL: `original_uri` is shown as text only."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label, tooltip_text
from retention_desk.ui.record.load import THUMB_SIZE, MediaPreview

PreviewRole = Qt.ItemDataRole.UserRole + 1


def media_name(preview: MediaPreview) -> str:
    info = preview.info
    return info.filename or info.original_uri.rsplit("/", 1)[-1] or info.original_uri


def media_description(preview: MediaPreview) -> str:
    """Everything known about one attachment, as plain text lines."""
    info = preview.info
    lines = [
        f"File       {info.filename or '(no name)'}",
        f"Original   {info.original_uri}",
        f"Type       {info.mime_type or '?'} {f'({info.media_type})' if info.media_type else ''}",
        f"Size       {fmt.size(info.size) if info.size is not None else '?'}",
        f"SHA-256    {info.sha256 or '(not stored)'}",
        f"State      {'MISSING from the export' if info.missing else 'stored in the archive'}",
    ]
    if preview.note:
        lines.append(f"Note       {preview.note}")
    return "\n".join(lines)


class MediaPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.list.setGridSize(QSize(THUMB_SIZE + 40, THUMB_SIZE + 36))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._show_current)
        splitter.addWidget(self.list)
        self.preview = QLabel()  # shows a pixmap only, never text
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        splitter.addWidget(scroll)
        self.info = QPlainTextEdit()
        self.info.setReadOnly(True)
        self.info.setMaximumHeight(self.info.fontMetrics().lineSpacing() * 9)
        splitter.addWidget(self.info)
        layout.addWidget(splitter, 1)

    def set_media(self, media: Sequence[MediaPreview]) -> None:
        self.list.clear()
        self.preview.clear()
        self.info.clear()
        missing = sum(1 for m in media if m.info.missing)
        if not media:
            self.summary.setText("No media attached.")
        else:
            note = f", {missing} missing from the export" if missing else ""
            self.summary.setText(f"{len(media)} attachment{'s' if len(media) != 1 else ''}{note}.")
        for preview in media:
            label = media_name(preview)
            if preview.info.missing:
                label = f"[missing] {label}"
            item = QListWidgetItem(label)
            item.setData(PreviewRole, preview)
            item.setToolTip(tooltip_text(media_description(preview)))
            if preview.thumbnail is not None:
                item.setIcon(QIcon(QPixmap.fromImage(preview.thumbnail)))
            else:
                item.setIcon(self.style().standardIcon(self.style().StandardPixmap.SP_FileIcon))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def clear(self) -> None:
        self.set_media(())
        self.summary.clear()

    def _show_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        preview = item.data(PreviewRole) if item is not None else None
        if not isinstance(preview, MediaPreview):
            self.preview.clear()
            self.info.clear()
            return
        self.info.setPlainText(media_description(preview))
        if preview.preview is not None:
            self.preview.setPixmap(QPixmap.fromImage(preview.preview))
        else:
            self.preview.clear()
