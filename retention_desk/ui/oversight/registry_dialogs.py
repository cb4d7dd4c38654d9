"""The registry tab's small forms: an account, a person, an approval, a date.

They are opened (not exec'd) and only collect values; the tab runs the change through its
task runner and shows the headless layer's refusal if there is one. Every field is a plain
line edit or list: what a user typed or an import brought is shown as text, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.models_oversight import ROLES
from retention_desk.oversight.registry import AccountFields, AccountInfo, PersonInfo
from retention_desk.ui.plain import plain_label

ROLE_WORDS = {
    "approved_user": "Approved user",
    "administrator": "Administrator",
    "liaison": "Liaison",
}
DATE_HINT = "YYYY-MM-DD"


def _form(dialog: QDialog, title: str, note: str = "") -> QFormLayout:
    dialog.setWindowTitle(title)
    outer = QVBoxLayout(dialog)
    if note:
        label = plain_label(note)
        label.setWordWrap(True)
        outer.addWidget(label)
    form = QFormLayout()
    outer.addLayout(form)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    outer.addWidget(buttons)
    return form


def _line(text: str | None = "", hint: str = "") -> QLineEdit:
    edit = QLineEdit(text or "")
    edit.setPlaceholderText(hint)
    return edit


class AccountDialog(QDialog):
    """Add an account (platform and handle) or edit one's registry details."""

    def __init__(self, parent: QWidget | None, account: AccountInfo | None = None) -> None:
        super().__init__(parent)
        self.account = account
        form = _form(
            self,
            "Edit account" if account else "Add account",
            "" if account else "An account already imported is updated in place.",
        )
        self.platform = _line(account.platform if account else "", "x, facebook, instagram…")
        self.handle = _line(account.handle if account else "", "the account's handle")
        if account:
            self.platform.setReadOnly(True)
            self.handle.setReadOnly(True)
        self.display_name = _line(account.display_name if account else "")
        self.url = _line(account.url if account else "", "https://…")
        self.department = _line(account.department if account else "")
        self.purpose = QPlainTextEdit(account.purpose or "" if account else "")
        self.purpose.setTabChangesFocus(True)
        self.purpose.setFixedHeight(70)
        self.opened = _line(account.opened_on if account else "", DATE_HINT)
        form.addRow("Platform", self.platform)
        form.addRow("Handle", self.handle)
        form.addRow("Display name", self.display_name)
        form.addRow("URL", self.url)
        form.addRow("Department", self.department)
        form.addRow("Purpose", self.purpose)
        form.addRow("Opened on", self.opened)

    def fields(self) -> AccountFields:
        # an edit sends every field (an emptied one is cleared); an add only what was typed
        def value(text: str) -> str | None:
            return text.strip() if self.account or text.strip() else None

        return AccountFields(
            url=value(self.url.text()),
            department=value(self.department.text()),
            purpose=value(self.purpose.toPlainText()),
            display_name=value(self.display_name.text()),
            opened_on=value(self.opened.text()),
        )


class PersonDialog(QDialog):
    def __init__(self, parent: QWidget | None, person: PersonInfo | None = None) -> None:
        super().__init__(parent)
        form = _form(
            self,
            "Edit person" if person else "Add person",
            "Platform names are the bylines and handles an export may credit this person"
            " by, separated by ';'.",
        )
        self.name = _line(person.name if person else "")
        self.department = _line(person.department if person else "")
        self.email = _line(person.email if person else "")
        self.platform_names = _line(
            "; ".join(person.platform_names) if person else "", "@handle; Byline"
        )
        form.addRow("Name", self.name)
        form.addRow("Department", self.department)
        form.addRow("E-mail", self.email)
        form.addRow("Platform names", self.platform_names)

    def names(self) -> list[str]:
        return [n.strip() for n in self.platform_names.text().split(";") if n.strip()]


class ApproveDialog(QDialog):
    """A role for one person on one or more accounts ("sites", CMP 1.12 II.1.b)."""

    def __init__(
        self,
        parent: QWidget | None,
        accounts: Sequence[AccountInfo],
        people: Sequence[PersonInfo],
        selected: int | None = None,
    ) -> None:
        super().__init__(parent)
        form = _form(self, "Approve user", "Tick every account the approval covers.")
        self.accounts = QListWidget()
        for account in accounts:
            item = QListWidgetItem(account.label)
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = account.id == selected
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.accounts.addItem(item)
        self.person = QComboBox()
        for person in people:
            self.person.addItem(f"{person.name} ({person.id})", person.id)
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(ROLE_WORDS[role], role)
        self.role.setCurrentIndex(ROLES.index("approved_user"))
        self.on = _line(date.today().isoformat(), DATE_HINT)
        self.by = _line("", "who approved")
        form.addRow("Accounts", self.accounts)
        form.addRow("Person", self.person)
        form.addRow("Role", self.role)
        form.addRow("Approved on", self.on)
        form.addRow("Approved by", self.by)

    def account_ids(self) -> list[int]:
        out = []
        for i in range(self.accounts.count()):
            item = self.accounts.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out


class DateDialog(QDialog):
    """One date, for retiring an account or ending a role."""

    def __init__(self, parent: QWidget | None, title: str, what: str) -> None:
        super().__init__(parent)
        form = _form(self, title, what)
        self.on = _line(date.today().isoformat(), DATE_HINT)
        form.addRow("On", self.on)


class StaffAuthorDialog(QDialog):
    """Enter who on the staff wrote an official post (the export credits the page), or clear
    an entry by leaving the person at "(none)"."""

    def __init__(
        self, parent: QWidget | None, people: Sequence[PersonInfo], record_id: int | None = None
    ) -> None:
        super().__init__(parent)
        form = _form(
            self,
            "Staff author",
            "The member of staff who wrote the post; the unapproved-author check uses it"
            " instead of the export's byline.",
        )
        self.record = _line(str(record_id) if record_id else "", "record id")
        self.person = QComboBox()
        self.person.addItem("(none: clear the entry)", None)
        for person in people:
            self.person.addItem(f"{person.name} ({person.id})", person.id)
        self.note = _line("", "optional")
        form.addRow("Record", self.record)
        form.addRow("Written by", self.person)
        form.addRow("Note", self.note)
