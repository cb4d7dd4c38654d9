"""The Archive page: what the open archive holds, where it came from, and whether it verified.

The figures come from `archive.info.archive_info`, run on the task runner (counting a large
archive takes a moment); the view only lays them out. It reloads after any archive change,
or when next shown if it was hidden at the time.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.archive.info import ArchiveInfo, archive_info
from retention_desk.platforms import platform_label
from retention_desk.ui import formatting as fmt
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label
from retention_desk.ui.refresh import PageLoader
from retention_desk.ui.tasks import TaskRunner

KIND_NAMES = {
    "post": "Posts",
    "comment": "Comments",
    "reply": "Replies",
    "message": "Direct messages",
    "page": "Pages and profiles",
    "capture": "Web captures",
    "subscriber_list": "Subscriber lists",
}
# Order and wording of import counts; other keys follow as they come.
COUNT_NAMES = {
    "added": "added",
    "new_versions": "new versions",
    "unchanged": "unchanged",
    "flagged_deleted": "marked deleted",
    "flagged_hidden": "marked hidden",
    "media_stored": "media stored",
    "media_missing": "media missing",
}
FIELDS = {
    "records": "Records",
    "versions": "Record versions",
    "source_files": "Source files",
    "stored": "Stored files",
    "audit_rows": "Audit trail entries",
    "size": "Archive file size",
    "schema": "Schema version",
    "import_time": "Finished",
    "import_operator": "Operator",
    "import_status": "Status",
    "import_counts": "Counts",
    "verify_result": "Result",
    "verify_time": "Checked",
    "verify_detail": "Checked files",
    "custodian": "Custodian",
    "time_zone": "Time zone",
    "bates_prefix": "Bates prefix",
}


def platform_name(platform: str) -> str:
    return platform_label(platform)


def describe_counts(counts: dict[str, Any]) -> str:
    parts = []
    for key in [*COUNT_NAMES, *(k for k in counts if k not in COUNT_NAMES)]:
        if key not in counts:
            continue
        value = counts[key]
        if isinstance(value, list | tuple | dict):
            value = len(value)
        if isinstance(value, int) and value == 0 and key != "added":
            continue
        name = COUNT_NAMES.get(key, key.replace("_", " "))
        parts.append(f"{name} {fmt.count(value) if isinstance(value, int) else value}")
    return " · ".join(parts) or "none"


class ArchiveSummaryView(QWidget):
    loaded = Signal(object)  # the ArchiveInfo just shown

    def __init__(
        self, runner: TaskRunner, changes: ArchiveChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive: Archive | None = None
        self._loader = PageLoader(
            self, runner, self.reload, changes, lambda: self._archive is not None
        )
        self.info: ArchiveInfo | None = None
        self.values: dict[str, QLabel] = {}
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 14)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        self.agency_label = plain_label(selectable=True)
        font = QFont(self.agency_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.agency_label.setFont(font)
        self.path_label = plain_label(selectable=True)
        titles.addWidget(self.agency_label)
        titles.addWidget(self.path_label)
        header.addLayout(titles, 1)
        self.status_label = plain_label()
        header.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignTop)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Count the archive's contents again")
        self.refresh_button.clicked.connect(self.reload)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        left = QVBoxLayout()
        left.addWidget(
            self._form(
                "Contents",
                ["records", "versions", "source_files", "stored", "audit_rows", "size", "schema"],
            )
        )
        left.addWidget(
            self._form(
                "Last import", ["import_time", "import_operator", "import_status", "import_counts"]
            )
        )
        left.addWidget(
            self._form("Last verification", ["verify_result", "verify_time", "verify_detail"])
        )
        left.addWidget(self._form("Agency settings", ["custodian", "time_zone", "bates_prefix"]))
        left.addStretch(1)
        right = QVBoxLayout()
        self.platform_table = self._table("Records by platform", ["Platform", "Records"], right)
        self.kind_table = self._table("Records by kind", ["Kind", "Records"], right)
        self.account_table = self._table(
            "Records by account", ["Platform", "Account", "Records"], right
        )
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns)
        layout.addStretch(1)

    def _form(self, title: str, keys: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in keys:
            value = plain_label(selectable=True)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(plain_label(FIELDS[key]), value)
        return box

    def _table(self, title: str, headers: list[str], into: QVBoxLayout) -> QTableWidget:
        box = QGroupBox(title)
        box_layout = QVBoxLayout(box)
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setShowGrid(False)
        header = table.horizontalHeader()
        for col in range(len(headers) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.ResizeToContents)
        box_layout.addWidget(table)
        into.addWidget(box)
        return table

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self.info = None
        self._loader.invalidate()
        if archive is None:
            self._clear()
        else:
            self.reload()

    def reload(self) -> None:
        """Count the archive again on the task runner; the result is shown when it arrives."""
        if self._archive is None:
            return
        self.status_label.setText("Loading…")
        self.refresh_button.setEnabled(False)
        self._loader.load(
            partial(archive_info, self._archive), "Archive summary", self._loaded, self._failed
        )

    def _failed(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self.status_label.setText(f"Could not read the archive: {message}")

    def _loaded(self, info: ArchiveInfo) -> None:
        self.refresh_button.setEnabled(True)
        self.status_label.setText("")
        self.info = info
        self._show(info)
        self.loaded.emit(info)

    def _clear(self) -> None:
        self.agency_label.setText("No archive is open")
        self.path_label.setText("")
        self.status_label.setText("")
        for label in self.values.values():
            label.setText("")
        for table in (self.platform_table, self.kind_table, self.account_table):
            table.setRowCount(0)

    def _show(self, info: ArchiveInfo) -> None:
        settings = info.settings
        tz = fmt.zone(settings.get("time_zone"))
        agency = settings.get("agency_name") or ""
        self.agency_label.setText(agency or "Agency name not set (File › Settings…)")
        self.path_label.setText(info.path)
        v = self.values
        v["records"].setText(fmt.count(info.records))
        v["versions"].setText(fmt.count(info.versions))
        v["source_files"].setText(fmt.count(info.source_files))
        v["stored"].setText(f"{fmt.count(info.blobs)} ({fmt.size(info.blob_bytes)})")
        v["audit_rows"].setText(fmt.count(info.audit_rows))
        v["size"].setText(fmt.size(info.size_bytes))
        schema = info.schema_version or "none"
        if info.schema_version != info.app_schema:
            schema += f" (this version of the app expects {info.app_schema})"
        v["schema"].setText(schema)

        last = info.last_import
        if last is None:
            for key in ("import_operator", "import_status", "import_counts"):
                v[key].setText("—")
            v["import_time"].setText("Nothing imported yet")
        else:
            v["import_time"].setText(fmt.local_time(last.get("finished_at"), tz) or "not finished")
            v["import_operator"].setText(str(last.get("operator") or ""))
            v["import_status"].setText(str(last.get("status") or ""))
            v["import_counts"].setText(describe_counts(last.get("counts") or {}))

        verify = info.last_verify
        result = v["verify_result"]
        if not verify:
            result.setText("Never verified (File › Verify archive)")
            result.setStyleSheet("")
            v["verify_time"].setText("—")
            v["verify_detail"].setText("—")
        else:
            ok = bool(verify.get("ok"))
            failures = verify.get("failures") or []
            incomplete = verify.get("outcome") == "incomplete"
            result.setText(
                "Passed"
                if ok
                else (
                    "No problem found; some checks did not run (busy)"
                    if incomplete
                    else f"FAILED: {len(failures)} problem(s)"
                )
            )
            result.setStyleSheet(
                "color: #1b7f3b; font-weight: bold;"
                if ok
                else ("font-weight: bold;" if incomplete else "color: #b3261e; font-weight: bold;")
            )
            v["verify_time"].setText(fmt.local_time(verify.get("finished_at"), tz))
            v["verify_detail"].setText(
                f"{fmt.count(int(verify.get('blobs_checked') or 0))} stored files, "
                f"{fmt.size(int(verify.get('bytes_checked') or 0))}; "
                f"{fmt.count(int(verify.get('audit_rows') or 0))} audit entries"
            )

        custodian = settings.get("custodian_name") or "not set"
        if settings.get("custodian_title"):
            custodian += f", {settings['custodian_title']}"
        v["custodian"].setText(custodian)
        v["time_zone"].setText(settings.get("time_zone") or "")
        v["bates_prefix"].setText(settings.get("bates_prefix") or "")

        _fill(
            self.platform_table,
            [(platform_name(p), n) for p, n in info.by_platform.items()],
        )
        _fill(self.kind_table, [(KIND_NAMES.get(k, k), n) for k, n in info.by_kind.items()])
        _fill(
            self.account_table,
            [(platform_name(a.platform), a.account, a.records) for a in info.by_account],
        )


def _fill(table: QTableWidget, rows: list[tuple[Any, ...]]) -> None:
    """Fill a small read-only table; numbers right-aligned. Item text is never rich text."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int):
                item = QTableWidgetItem(fmt.count(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                item = QTableWidgetItem(str(value))
            table.setItem(r, c, item)
    # Show short tables whole instead of leaving empty space or a needless scrollbar.
    visible = min(len(rows), 12)
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(visible)) if rows else 24
    table.setFixedHeight(height)
