"""Archive settings: agency and its kind, custodian, time zone, fiscal year end, Bates prefix,
operator name, and the request desk's: letterhead address, telephone and e-mail, request
number format, hold release days and the fee per page; and the social-media policies in force
(the Oversight page checks their page statements and offers their removal categories).

Validation is `settings_check.settings_problems` (each value's form, the IPRA fee cap, known
policies), the same function `settings set` uses; problems are listed in the dialog and it stays
open. Saving goes through `Archive.update_settings`, which writes the
change and its audit row in one transaction.
"""

from __future__ import annotations

import calendar
import zoneinfo
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive, ArchiveError, ArchiveSettings
from retention_desk.archive.audit import os_user
from retention_desk.archive.settings import AGENCY_KINDS
from retention_desk.ipra import fees as fees_mod
from retention_desk.ipra.rules import load_rules
from retention_desk.oversight.policies import (
    PolicyError,
    parse_setting,
    shipped_policies,
)
from retention_desk.settings_check import settings_problems
from retention_desk.ui.plain import plain_label


def _time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


_KIND_LABELS = {
    "state": "State agency",
    "county": "County",
    "municipality": "Municipality",
    "other": "Other public body",
}
AGENCY_KIND_NOTE = (
    "1.21.2 NMAC binds state agencies; for counties and municipalities its series are guidance"
    " their own schedule adopts (nm-law.md §3)"
)


class SettingsDialog(QDialog):
    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Archive settings")
        self.setMinimumWidth(520)
        self._archive = archive
        self.saved: ArchiveSettings | None = None
        self.loaded = archive.settings()

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
        self.agency_kind_combo = QComboBox()
        for kind in AGENCY_KINDS:
            self.agency_kind_combo.addItem(_KIND_LABELS.get(kind, kind), kind)
        self.agency_kind_combo.setToolTip(AGENCY_KIND_NOTE)  # constant text, no input in it
        # Month and day apart, so the day can be typed; validate() refuses a day the month
        # lacks (and February 29), with the same sentence the command line prints.
        self.fiscal_month_combo = QComboBox()
        for month in range(1, 13):
            self.fiscal_month_combo.addItem(calendar.month_name[month], month)
        self.fiscal_day_spin = QSpinBox()
        self.fiscal_day_spin.setRange(1, 31)
        fiscal_row = QWidget()
        fiscal_layout = QHBoxLayout(fiscal_row)
        fiscal_layout.setContentsMargins(0, 0, 0, 0)
        fiscal_layout.addWidget(self.fiscal_month_combo, 1)
        fiscal_layout.addWidget(self.fiscal_day_spin)
        self.operator_edit = QLineEdit()
        user = os_user()
        self.operator_edit.setPlaceholderText(f"Empty: the operating-system user ({user})")
        self.agency_kind_note = _note(AGENCY_KIND_NOTE + ".")
        fiscal_note = _note(
            "The last day of the agency's fiscal year; New Mexico's ends June 30. Retention"
            " counted from the close of a fiscal year starts the day after."
        )
        for caption, widget in (
            ("Agency name", self.agency_edit),
            ("Agency kind", self.agency_kind_combo),
            ("", self.agency_kind_note),
            ("Records custodian", self.custodian_edit),
            ("Custodian's title", self.title_edit),
            ("Time zone", self.time_zone_combo),
            ("Fiscal year ends", fiscal_row),
            ("", fiscal_note),
            ("Bates prefix", self.bates_edit),
            ("Operator name", self.operator_edit),
        ):
            form.addRow(plain_label(caption), widget)
        operator_note = _note(
            "The name the audit trail records for changes made on this computer. "
            f"Leave it empty to use the operating-system user name ({user})."
        )
        form.addRow("", operator_note)
        self._add_request_fields(form)
        self._add_policy_fields(form)
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
        self._show(self.loaded)

    def _add_request_fields(self, form: QFormLayout) -> None:
        """The request desk's settings: the letterhead and the defaults resources/ipra.toml
        gives, shown as placeholders so an empty field says what it means."""
        rules = load_rules()
        form.addRow(_heading("Request desk (IPRA)"))
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("Letterhead address, e.g. 1 Plaza St, Cerro Alto NM")
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.number_format_edit = QLineEdit()
        self.number_format_edit.setPlaceholderText(f"Empty: {rules.number_format}")
        self.hold_days_edit = QLineEdit()
        self.hold_days_edit.setPlaceholderText(f"Empty: {rules.hold_release_days}")
        self.fee_edit = QLineEdit()
        self.fee_edit.setPlaceholderText("0.00")
        for caption, widget in (
            ("Agency address", self.address_edit),
            ("Agency telephone", self.phone_edit),
            ("Agency e-mail", self.email_edit),
            ("Request number format", self.number_format_edit),
            ("Hold release days", self.hold_days_edit),
            ("Fee per page ($)", self.fee_edit),
        ):
            form.addRow(plain_label(caption), widget)
        cap = fees_mod.dollars(rules.fees.page_cap_cents)
        self.fee_note = _note(
            f"Per printed page of 11x17 inches or smaller; {rules.fees.citation} allows no more"
            f" than {cap} a page, and nothing for inspection. Media and mailing are charged at"
            " their actual cost on each request."
        )
        form.addRow("", self.fee_note)
        form.addRow(
            "",
            _note(
                "Request numbers take {year} and {seq} (e.g. IPRA-{year}-{seq:04d}). Hold"
                " release days: how long after a request closes its responsive records stay"
                " held."
            ),
        )

    def _add_policy_fields(self, form: QFormLayout) -> None:
        """The policies that bind the agency, ticked from resources/policies; none ticked
        means every shipped policy applies (the `policies` setting left empty)."""
        form.addRow(_heading("Social-media policies"))
        self.policies_list = QListWidget()
        self.policies_list.setMaximumHeight(110)
        try:
            shipped = shipped_policies()
        except PolicyError as exc:  # a policy file the agency edited badly: say so, keep on
            shipped = []
            form.addRow("", _note(f"The policy files could not be read: {exc}"))
        for policy in shipped:
            # policy text is shipped data, but shown as plain item text all the same
            item = QListWidgetItem(f"{policy.agency}: {policy.number} {policy.title}")
            item.setData(Qt.ItemDataRole.UserRole, policy.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.policies_list.addItem(item)
        form.addRow(plain_label("Policies in force"), self.policies_list)
        form.addRow(
            "",
            _note(
                "The Oversight page checks the page statements these policies require and"
                " offers their removal categories. None ticked: every policy listed applies."
            ),
        )

    def _show_policies(self, value: str) -> None:
        wanted = parse_setting(value)
        known = set()
        for row in range(self.policies_list.count()):
            item = self.policies_list.item(row)
            pid = item.data(Qt.ItemDataRole.UserRole)
            known.add(pid)
            item.setCheckState(Qt.CheckState.Checked if pid in wanted else Qt.CheckState.Unchecked)
        for pid in wanted:
            if pid not in known:
                # a stored id no file defines: shown ticked so saving names it, not dropped
                item = QListWidgetItem(f"{pid} (no policy file defines it)")
                item.setData(Qt.ItemDataRole.UserRole, pid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.policies_list.addItem(item)

    def policies_value(self) -> str:
        """The `policies` setting the ticks make: ids in the list's order, commas between."""
        ids = []
        for row in range(self.policies_list.count()):
            item = self.policies_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return ",".join(ids)

    def _show(self, settings: ArchiveSettings) -> None:
        self.agency_edit.setText(settings.agency_name)
        self.custodian_edit.setText(settings.custodian_name)
        self.title_edit.setText(settings.custodian_title)
        self.time_zone_combo.setCurrentText(settings.time_zone)
        self.bates_edit.setText(settings.bates_prefix)
        self.operator_edit.setText(settings.operator_name)
        self.address_edit.setText(settings.agency_address)
        self.phone_edit.setText(settings.agency_phone)
        self.email_edit.setText(settings.agency_email)
        self.number_format_edit.setText(settings.request_number_format)
        self.hold_days_edit.setText(settings.request_hold_release_days)
        self.fee_edit.setText(settings.fee_per_page)
        self._show_policies(settings.policies)
        index = self.agency_kind_combo.findData(settings.agency_kind)
        if index < 0:
            # A kind this version does not know (a newer app's, or a hand-edited archive):
            # shown as stored, so saving names it instead of silently replacing it.
            self.agency_kind_combo.addItem(settings.agency_kind, settings.agency_kind)
            index = self.agency_kind_combo.count() - 1
        self.agency_kind_combo.setCurrentIndex(index)
        # An unusable stored value shows (and would save) the default: what is shown is saved.
        month, day = settings.fiscal_year_end_tuple()
        self.fiscal_month_combo.setCurrentIndex(month - 1)
        self.fiscal_day_spin.setValue(day)

    def fiscal_year_end(self) -> str:
        """The MM-DD the month and day fields hold (validated on save)."""
        month = int(self.fiscal_month_combo.currentData())
        return f"{month:02d}-{self.fiscal_day_spin.value():02d}"

    def current_settings(self) -> ArchiveSettings:
        return replace(
            self.loaded,
            agency_name=self.agency_edit.text().strip(),
            custodian_name=self.custodian_edit.text().strip(),
            custodian_title=self.title_edit.text().strip(),
            time_zone=self.time_zone_combo.currentText().strip(),
            bates_prefix=self.bates_edit.text().strip(),
            operator_name=self.operator_edit.text().strip(),
            agency_kind=str(self.agency_kind_combo.currentData()),
            fiscal_year_end=self.fiscal_year_end(),
            agency_address=self.address_edit.text().strip(),
            agency_phone=self.phone_edit.text().strip(),
            agency_email=self.email_edit.text().strip(),
            request_number_format=self.number_format_edit.text().strip(),
            request_hold_release_days=self.hold_days_edit.text().strip(),
            fee_per_page=self.fee_edit.text().strip() or "0.00",
            policies=self.policies_value(),
        )

    def problems(self) -> list[str]:
        return _problems(self.current_settings())

    def accept(self) -> None:
        new = self.current_settings()
        problems = _problems(new)
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


def _problems(settings: ArchiveSettings) -> list[str]:
    return settings_problems(settings)  # `settings set` asks the same function


def _heading(text: str) -> QWidget:
    heading = plain_label(text)
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    return heading


def _note(text: str) -> QWidget:
    note = plain_label(text)
    note.setWordWrap(True)
    note.setStyleSheet("color: palette(mid);")
    return note
