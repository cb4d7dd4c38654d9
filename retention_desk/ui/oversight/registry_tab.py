"""The Oversight page's "Account registry" tab: the agency's accounts, the people and roles of
the selected one, the forms that change them, import/export of the registry file and the
list of official posts by someone not approved that day.

All archive work runs through the task runner; a change is announced with
`changes.notify("oversight")`, and any change announced reloads the tab. Names, handles and
imported text are shown in table items (plain text by nature) and plain labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.store import Archive
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry_authors import (
    AuthorFlag,
    author_flags,
    clear_staff_author,
    set_staff_author,
)
from retention_desk.oversight.registry_import import (
    ImportSummary,
    RegistryImportError,
    import_registry,
)
from retention_desk.oversight.registry_io import export_registry
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.oversight.registry_dialogs import (
    ROLE_WORDS,
    AccountDialog,
    ApproveDialog,
    DateDialog,
    PersonDialog,
    StaffAuthorDialog,
)
from retention_desk.ui.plain import plain_label, show_error
from retention_desk.ui.retention.common import cell, make_table, selected_data
from retention_desk.ui.tasks import Task, TaskRunner

FILE_FILTER = "Registry files (*.xlsx *.csv);;Excel workbook (*.xlsx);;CSV (*.csv)"
EVIDENCE_WORDS = {"staff_author": "staff author entered", "export": "export's author"}


@dataclass(frozen=True)
class RegistryView:
    registry: reg.Registry
    flags: tuple[AuthorFlag, ...]


def load_view(archive: Archive) -> RegistryView:
    return RegistryView(reg.registry(archive), tuple(author_flags(archive)))


class RegistryTab(QWidget):
    def __init__(self, runner: TaskRunner, changes: ArchiveChanges) -> None:
        super().__init__()
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        self.view: RegistryView | None = None
        self.dialog: QWidget | None = None
        # a bound slot (not a lambda): Qt drops the connection when the tab is destroyed
        changes.changed.connect(self._archive_changed)

        self.add_button = QPushButton("Add account…")
        self.edit_button = QPushButton("Edit account…")
        self.retire_button = QPushButton("Retire account…")
        self.person_button = QPushButton("Add person…")
        self.edit_person_button = QPushButton("Edit person…")
        self.approve_button = QPushButton("Approve user…")
        self.end_button = QPushButton("End role…")
        self.author_button = QPushButton("Staff author…")
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        bar = QHBoxLayout()
        for button, slot in (
            (self.add_button, self.open_add_account),
            (self.edit_button, self.open_edit_account),
            (self.retire_button, self.open_retire),
            (self.person_button, self.open_add_person),
            (self.edit_person_button, self.open_edit_person),
            (self.approve_button, self.open_approve),
            (self.end_button, self.open_end_role),
            (self.author_button, self.open_staff_author),
            (self.import_button, self.choose_import_file),
            (self.export_button, self.choose_export_file),
        ):
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)

        self.accounts = make_table(
            ("Account", "Department", "Status", "Opened", "Retired", "Records", "Posts", "URL"),
            stretch=7,
        )
        self.accounts.itemSelectionChanged.connect(self._show_roles)
        self.roles = make_table(
            ("Role id", "Person", "Department", "Role", "Approved on", "Approved by", "Ended on")
        )
        self.roles.itemSelectionChanged.connect(self._update_buttons)
        self.flags = make_table(("Record", "Account", "Posted on", "Author", "Evidence", "Why"))
        self.flags_label = plain_label("")
        self.status = plain_label("")
        self.status.setWordWrap(True)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.accounts)
        roles_box = QWidget()
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        roles_layout.addWidget(plain_label("People and roles of the selected account"))
        roles_layout.addWidget(self.roles)
        split.addWidget(roles_box)
        flags_box = QWidget()
        flags_layout = QVBoxLayout(flags_box)
        flags_layout.setContentsMargins(0, 0, 0, 0)
        flags_layout.addWidget(self.flags_label)
        flags_layout.addWidget(self.flags)
        split.addWidget(flags_box)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self._update_buttons()

    # ------------------------------------------------------------------------- loading
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self.view = None
        self._fill()
        self.reload()

    def _archive_changed(self, _what: str) -> None:
        self.reload()

    def reload(self) -> None:
        if self._archive is None:
            return
        task = Task(
            partial(load_view, self._archive),
            progress=False,
            cancel=False,
            title="Account registry",
        )
        archive = self._archive
        # a load that ends after another archive was opened is not shown
        task.finished.connect(lambda view: self._loaded(view) if archive is self._archive else None)
        task.failed.connect(lambda message: self.status.setText(message))
        self._runner.submit(task)

    def _loaded(self, view: RegistryView) -> None:
        keep = self.selected_account()
        self.view = view
        self._fill(keep)

    def _fill(self, keep: int | None = None) -> None:
        accounts = self.view.registry.accounts if self.view else ()
        self.accounts.setRowCount(len(accounts))
        select = 0 if accounts else -1
        for row, a in enumerate(accounts):
            values: list[Any] = [
                a.label,
                a.department or "",
                a.status,
                a.opened_on or "",
                a.retired_on or "",
                a.records,
                a.posts,
                a.url or "",
            ]
            for col, value in enumerate(values):
                self.accounts.setItem(row, col, cell(value, data=a.id if col == 0 else None))
            if a.id == keep:
                select = row
        if select >= 0:
            self.accounts.selectRow(select)
        flags = self.view.flags if self.view else ()
        self.flags.setRowCount(len(flags))
        for row, f in enumerate(flags):
            values = [
                f.record_id,
                f.account,
                f.posted_on,
                f.author,
                EVIDENCE_WORDS.get(f.evidence, f.evidence),
                f.detail,
            ]
            for col, value in enumerate(values):
                self.flags.setItem(row, col, cell(value, data=f.record_id if col == 0 else None))
        self.flags_label.setText(
            f"Official posts by someone not approved for the account that day: {len(flags)}"
            if self.view
            else "No archive open."
        )
        self._show_roles()

    def _show_roles(self) -> None:
        aid = self.selected_account()
        roles = [r for r in self.view.registry.roles if r.account_id == aid] if self.view else []
        people = {p.id: p for p in self.view.registry.people} if self.view else {}
        self.roles.setRowCount(len(roles))
        for row, r in enumerate(roles):
            person = people.get(r.person_id)
            values: list[Any] = [
                r.id,
                r.person_name,
                person.department if person else "",
                ROLE_WORDS.get(r.role, r.role),
                r.approved_on or "(not recorded)",
                r.approved_by,
                r.ended_on or "",
            ]
            for col, value in enumerate(values):
                self.roles.setItem(row, col, cell(value, data=r.id if col == 0 else None))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self._archive is not None
        account = self.selected_account() is not None
        for button in (self.add_button, self.person_button, self.import_button, self.export_button):
            button.setEnabled(has)
        self.edit_button.setEnabled(has and account)
        self.retire_button.setEnabled(has and account)
        self.approve_button.setEnabled(has and bool(self.view and self.view.registry.accounts))
        self.end_button.setEnabled(has and self.selected_role() is not None)
        self.edit_person_button.setEnabled(has and self.selected_role() is not None)

    def selected_account(self) -> int | None:
        value = selected_data(self.accounts)
        return int(value) if value is not None else None

    def selected_role(self) -> int | None:
        value = selected_data(self.roles)
        return int(value) if value is not None else None

    def _account_info(self, account_id: int | None) -> reg.AccountInfo | None:
        if self.view is None:
            return None
        return next((a for a in self.view.registry.accounts if a.id == account_id), None)

    # ------------------------------------------------------------------------- changes
    def _change(
        self, title: str, fn: Callable[..., Any], *args: Any, done: Callable[[Any], str], **kw: Any
    ) -> Task | None:
        """Run `fn(archive, *args, **kw)` on the runner; announce the change when it worked."""
        if self._archive is None:
            return None
        task = Task(
            partial(fn, self._archive, *args, **kw), progress=False, cancel=False, title=title
        )
        task.finished.connect(lambda result: self._changed(done(result)))
        task.failed.connect(lambda message: self._failed(title, message, task.error))
        return self._runner.submit(task)

    def _failed(self, title: str, message: str, error: BaseException | None) -> None:
        # an import refused whole lists every problem of the file, not only the first
        problems = error.problems if isinstance(error, RegistryImportError) else []
        show_error(self, title, message, details="\n".join(problems) or None)

    def _changed(self, text: str) -> None:
        self.status.setText(text)
        self._changes.notify("oversight")

    def add_account(self, platform: str, handle: str, fields: reg.AccountFields) -> Task | None:
        return self._change(
            "Add account",
            reg.add_account,
            platform,
            handle,
            fields,
            done=lambda a: f"Account {a.label} is in the registry.",
        )

    def update_account(self, account_id: int, fields: reg.AccountFields) -> Task | None:
        return self._change(
            "Edit account",
            reg.update_account,
            account_id,
            fields,
            done=lambda a: f"Account {a.label} updated.",
        )

    def retire(self, account_id: int, on: str) -> Task | None:
        return self._change(
            "Retire account",
            reg.retire_account,
            account_id,
            on,
            done=lambda a: f"Account {a.label} retired as of {a.retired_on}.",
        )

    def add_person(self, name: str, department: str, email: str, names: list[str]) -> Task | None:
        return self._change(
            "Add person",
            reg.add_person,
            name,
            department=department,
            email=email,
            platform_names=names,
            done=lambda p: f"{p.name} added to the registry.",
        )

    def approve(
        self, account_ids: list[int], person_id: int, role: str, on: str, by: str
    ) -> Task | None:
        return self._change(
            "Approve user",
            reg.approve_user,
            account_ids,
            person_id,
            role=role,
            on=on,
            by=by,
            done=lambda roles: f"{len(roles)} role(s) recorded from {on}.",
        )

    def end_role(self, role_id: int, on: str) -> Task | None:
        return self._change(
            "End role",
            reg.end_role,
            role_id,
            on,
            done=lambda r: f"Role {r.id} ended on {r.ended_on}.",
        )

    def update_person(self, person_id: int, dialog: PersonDialog) -> Task | None:
        return self._change(
            "Edit person",
            reg.update_person,
            person_id,
            name=dialog.name.text(),
            department=dialog.department.text(),
            email=dialog.email.text(),
            platform_names=dialog.names(),
            done=lambda p: f"{p.name} updated.",
        )

    def set_author(self, record_id: int, person_id: int | None, note: str = "") -> Task | None:
        if person_id is None:
            return self._change(
                "Staff author",
                clear_staff_author,
                record_id,
                done=lambda _: f"Record {record_id}: staff author cleared.",
            )
        return self._change(
            "Staff author",
            set_staff_author,
            record_id,
            person_id,
            note,
            done=lambda a: f"Record {a.record_id}: written by {a.person_name}.",
        )

    def import_file(self, path: Path) -> Task | None:
        return self._change("Import registry", import_registry, path, done=_import_text)

    def export_file(self, path: Path) -> Task | None:
        if self._archive is None:
            return None
        task = Task(
            partial(export_registry, self._archive, path),
            progress=False,
            cancel=False,
            title="Export registry",
        )
        task.finished.connect(lambda p: self.status.setText(f"Registry written to {p}."))
        task.failed.connect(lambda message: show_error(self, "Export registry", message))
        return self._runner.submit(task)

    # ------------------------------------------------------------------------- dialogs
    def open_add_account(self) -> AccountDialog:
        dialog = AccountDialog(self)
        dialog.accepted.connect(
            lambda: self.add_account(dialog.platform.text(), dialog.handle.text(), dialog.fields())
        )
        return self._open(dialog)

    def open_edit_account(self) -> AccountDialog | None:
        account = self._account_info(self.selected_account())
        if account is None:
            return None
        dialog = AccountDialog(self, account)
        dialog.accepted.connect(lambda: self.update_account(account.id, dialog.fields()))
        return self._open(dialog)

    def open_retire(self) -> DateDialog | None:
        account = self._account_info(self.selected_account())
        if account is None:
            return None
        dialog = DateDialog(self, "Retire account", f"Retire {account.label} as of:")
        dialog.accepted.connect(lambda: self.retire(account.id, dialog.on.text()))
        return self._open(dialog)

    def open_add_person(self) -> PersonDialog:
        dialog = PersonDialog(self)
        dialog.accepted.connect(
            lambda: self.add_person(
                dialog.name.text(), dialog.department.text(), dialog.email.text(), dialog.names()
            )
        )
        return self._open(dialog)

    def open_edit_person(self) -> PersonDialog | None:
        role_id = self.selected_role()
        if self.view is None or role_id is None:
            return None
        role = next(r for r in self.view.registry.roles if r.id == role_id)
        person = next((p for p in self.view.registry.people if p.id == role.person_id), None)
        if person is None:
            return None
        dialog = PersonDialog(self, person)
        dialog.accepted.connect(lambda: self.update_person(person.id, dialog))
        return self._open(dialog)

    def open_staff_author(self) -> StaffAuthorDialog | None:
        if self.view is None:
            return None
        flagged = selected_data(self.flags)
        dialog = StaffAuthorDialog(
            self, self.view.registry.people, int(flagged) if flagged is not None else None
        )
        dialog.accepted.connect(lambda: self._author_from(dialog))
        return self._open(dialog)

    def _author_from(self, dialog: StaffAuthorDialog) -> None:
        text = dialog.record.text().strip()
        if not text.isdigit():
            show_error(self, "Staff author", "Give the record's id (a number).")
            return
        person = dialog.person.currentData()
        self.set_author(int(text), int(person) if person is not None else None, dialog.note.text())

    def open_approve(self) -> ApproveDialog | None:
        if self.view is None:
            return None
        dialog = ApproveDialog(
            self, self.view.registry.accounts, self.view.registry.people, self.selected_account()
        )
        dialog.accepted.connect(
            lambda: self.approve(
                dialog.account_ids(),
                int(dialog.person.currentData() or 0),
                str(dialog.role.currentData()),
                dialog.on.text(),
                dialog.by.text(),
            )
        )
        return self._open(dialog)

    def open_end_role(self) -> DateDialog | None:
        role_id = self.selected_role()
        if role_id is None:
            return None
        dialog = DateDialog(self, "End role", f"Role {role_id} ended on:")
        dialog.accepted.connect(lambda: self.end_role(role_id, dialog.on.text()))
        return self._open(dialog)

    def _open(self, dialog: Any) -> Any:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import account registry", "", FILE_FILTER)
        if path:
            self.import_file(Path(path))

    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export account registry", "account-registry.xlsx", FILE_FILTER
        )
        if path:
            self.export_file(Path(path))


def _import_text(s: ImportSummary) -> str:
    return (
        f"Registry imported: accounts {s.accounts_added} added, {s.accounts_updated} updated;"
        f" people {s.people_added} added, {s.people_updated} updated; roles {s.roles_added}"
        f" added, {s.roles_updated} updated."
    )
