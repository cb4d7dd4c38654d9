"""Who wrote a record, when, where it lives on the platform, and the platform's metadata.

The link is plain text with a "Copy link" button; "Open in browser" hands it to the system
browser only when the user clicks and only for http(s) links - never a clickable rich-text
link, never `file:` or `javascript:`. Sensitive fields (e-mail, IPs, GPS) are not in
`RecordDetail` and so never shown here.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.platforms import account_label, platform_label
from retention_desk.search import RecordDetail
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label

FIELDS = (
    ("record", "Record"),
    ("key", "Key"),
    ("platform_id", "Platform id"),
    ("account", "Account"),
    ("author", "Author"),
    ("created", "Created"),
    ("edited", "Edited"),
    ("deleted", "Deleted"),
    ("hidden", "Hidden"),
    ("archived", "Archived"),
    ("thread", "Thread"),
    ("flags", "Other"),
    ("url", "Link"),
)
# Long unbreakable values (keys, ids, links) go in read-only line edits, which scroll inside
# themselves instead of widening the whole pane.
LINE_FIELDS = frozenset({"key", "platform_id", "url"})


def web_link(url: str | None) -> QUrl | None:
    """`url` as a QUrl when it is an absolute http(s) link, else None (never opened)."""
    if not url:
        return None
    qurl = QUrl(url.strip(), QUrl.ParsingMode.StrictMode)
    if not qurl.isValid() or qurl.scheme().lower() not in ("http", "https") or not qurl.host():
        return None
    return qurl


def _when(value: datetime | None, tz: ZoneInfo, raw: str | None = None) -> str:
    if value is None:
        return raw or ""
    shown = f"{fmt.local_time(value, tz, seconds=True)}  ({fmt.utc_time(value)})"
    if raw and raw.strip() and raw.strip() not in shown:
        shown += f"\nas written: {raw}"
    return shown


def field_values(detail: RecordDetail, tz: ZoneInfo) -> dict[str, str]:
    """The form's values for `detail`, as plain strings."""
    rec, author, account = detail.record, detail.author, detail.account
    if account is not None:
        name = account.handle or account.display_name or account.account_key
        shown_account = account_label(account.platform, name)
        if account.display_name and account.display_name != name:
            shown_account += f" — {account.display_name}"
        if account.is_official:
            shown_account += " - agency account"
    else:
        shown_account = ""
    who = author.name or ""
    if author.handle:
        who = f"{who} @{author.handle}".strip()
    if author.platform_id:
        who += f"  [user id {author.platform_id}]"
    thread = ""
    if rec.parent_id is not None:
        thread = f"reply to #{rec.parent_id}"
    if rec.thread_id is not None and rec.thread_id != rec.id:
        thread = (thread + f", thread #{rec.thread_id}").lstrip(", ")
    if rec.conversation_key:
        thread = (thread + f", conversation {rec.conversation_key}").lstrip(", ")
    flags = [
        text
        for text, on in (
            ("repost", rec.is_repost),
            ("restricted (private message)", rec.restricted),
            (f"language {rec.lang}", bool(rec.lang)),
        )
        if on
    ]
    return {
        "record": f"#{rec.id}  {platform_label(rec.platform)} {rec.kind}",
        "key": rec.record_key,
        "platform_id": rec.platform_id or "",
        "account": shown_account,
        "author": who,
        "created": _when(rec.created_at, tz, rec.created_at_raw) or "(no date)",
        "edited": _when(rec.edited_at, tz),
        "deleted": _when(rec.deleted_at, tz, rec.deleted_at_raw),
        "hidden": _when(rec.hidden_at, tz),
        "archived": _when(rec.archived_at, tz),
        "thread": thread,
        "flags": ", ".join(flags),
        "url": rec.url or "",
    }


class RecordMetaPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.values: dict[str, QLabel | QLineEdit] = {}
        self._captions: dict[str, QLabel] = {}
        for key, caption in FIELDS:
            label: QLabel | QLineEdit
            if key in LINE_FIELDS:
                label = QLineEdit()
                label.setReadOnly(True)
                label.setFrame(False)
                label.setStyleSheet("QLineEdit { background: transparent; }")
            else:
                label = plain_label(selectable=True)
                label.setWordWrap(True)
            caption_label = plain_label(caption)
            form.addRow(caption_label, label)
            self.values[key] = label
            self._captions[key] = caption_label
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy link")
        self.copy_button.clicked.connect(self.copy_link)
        self.open_button = QPushButton("Open in browser")
        self.open_button.setToolTip("Open the record's page on the platform (http/https only)")
        self.open_button.clicked.connect(self.open_link)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(plain_label("Platform data"))
        self.extra = QPlainTextEdit()
        self.extra.setReadOnly(True)
        self.extra.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.extra.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.extra.setMinimumHeight(self.extra.fontMetrics().lineSpacing() * 8)
        layout.addWidget(self.extra, 1)
        self._url = ""
        self._update_buttons()

    def set_detail(self, detail: RecordDetail, tz: ZoneInfo) -> None:
        for key, value in field_values(detail, tz).items():
            self.values[key].setText(value)
            if isinstance(self.values[key], QLineEdit):
                self.values[key].setCursorPosition(0)
            shown = bool(value) or key in ("record", "created", "author", "url")
            self.values[key].setVisible(shown)
            self._captions[key].setVisible(shown)
        self._url = detail.record.url or ""
        if detail.extra:
            self.extra.setPlainText(
                json.dumps(detail.extra, ensure_ascii=False, sort_keys=True, indent=2, default=str)
            )
        else:
            self.extra.setPlainText("(none)")
        self._update_buttons()

    def clear(self) -> None:
        for label in self.values.values():
            label.clear()
        self.extra.clear()
        self._url = ""
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.copy_button.setEnabled(bool(self._url))
        self.open_button.setEnabled(web_link(self._url) is not None)

    def copy_link(self) -> None:
        if self._url:
            QGuiApplication.clipboard().setText(self._url)

    def open_link(self) -> bool:
        link = web_link(self._url)
        if link is None:
            return False
        return QDesktopServices.openUrl(link)
