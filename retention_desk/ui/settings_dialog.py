"""Archive settings: agency, custodian, time zone, Bates prefix, operator name.

Validation is the archive layer's (`ArchiveSettings.validate`); problems are listed in the
dialog and it stays open. Saving goes through `Archive.update_settings`, which writes the
change and its audit row in one transaction.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive, ArchiveError, ArchiveSettings
from retention_desk.archive.audit import os_user
from retention_desk.ui.plain import plain_label


def _time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class SettingsDialog(QDialog):
    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Archive settings")
        self.setMinimumWidth(520)
        self._archive = archive
        self.saved: ArchiveSettings | None = None
        self._loaded = archive.settings()

        layout = QVBoxLayout(self)
        intro = plain_label(
            "These settings are stored in the archive and travel with it. "
            "Every change is recorded in the audit trail."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.agency_edit = QLineEdit()
        self.custodian_edit = QLineEdit()
        self.title_edit = QLineEdit()
        self.time_zone_combo = QComboBox()
        self.time_zone_combo.setEditable(True)
        self.time_zone_combo.addItems(_time_zones())
        self.time_zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.time_zone_combo.model(), self.time_zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.time_zone_combo.setCompleter(completer)
        self.bates_edit = QLineEdit()
        self.bates_edit.setPlaceholderText("e.g. SVPD")
        self.operator_edit = QLineEdit()
        user = os_user()
        self.operator_edit.setPlaceholderText(f"Empty: the operating-system user ({user})")
        for caption, widget in (
            ("Agency name", self.agency_edit),
            ("Records custodian", self.custodian_edit),
            ("Custodian's title", self.title_edit),
            ("Time zone", self.time_zone_combo),
            ("Bates prefix", self.bates_edit),
            ("Operator name", self.operator_edit),
        ):
            form.addRow(plain_label(caption), widget)
        operator_note = plain_label(
            "The name the audit trail records for changes made on this computer. "
            f"Leave it empty to use the operating-system user name ({user})."
        )
        operator_note.setWordWrap(True)
        operator_note.setStyleSheet("color: palette(mid);")
        form.addRow("", operator_note)
        layout.addLayout(form)

        self.problems_label = plain_label()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b3261e;")
        self.problems_label.hide()
        layout.addWidget(self.problems_label)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show(self._loaded)

    def _show(self, settings: ArchiveSettings) -> None:
        self.agency_edit.setText(settings.agency_name)
        self.custodian_edit.setText(settings.custodian_name)
        self.title_edit.setText(settings.custodian_title)
        self.time_zone_combo.setCurrentText(settings.time_zone)
        self.bates_edit.setText(settings.bates_prefix)
        self.operator_edit.setText(settings.operator_name)

    def current_settings(self) -> ArchiveSettings:
        return replace(
            self._loaded,
            agency_name=self.agency_edit.text().strip(),
            custodian_name=self.custodian_edit.text().strip(),
            custodian_title=self.title_edit.text().strip(),
            time_zone=self.time_zone_combo.currentText().strip(),
            bates_prefix=self.bates_edit.text().strip(),
            operator_name=self.operator_edit.text().strip(),
        )

    def problems(self) -> list[str]:
        return self.current_settings().validate()

    def accept(self) -> None:
        new = self.current_settings()
        problems = new.validate()
        if not problems:
            try:
                self.saved = self._archive.update_settings(new)
            except ArchiveError as exc:  # busy, or a rule the archive layer added
                problems = [str(exc)]
        if problems:
            self.problems_label.setText("\n".join(problems))
            self.problems_label.show()
            return
        super().accept()
