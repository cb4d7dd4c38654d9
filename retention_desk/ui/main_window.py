"""The main window: File menu, navigation between pages, status bar; one open archive at a time.

The window owns the archive, the task runner and the change broadcast; pages get the last two
through a PageContext (see ui/pages.py) and the archive through `set_archive`, never the
window itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from retention_desk.archive import ARCHIVE_SUFFIX, Archive, ArchiveError, timeutil
from retention_desk.archive.settings import ArchiveSettings
from retention_desk.disposal import reapply
from retention_desk.paths import default_archive_path, demo_archive_path
from retention_desk.ui.archive import ops as archive_ops
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.pages import PAGES, PageContext, page_spec
from retention_desk.ui.plain import message_box, plain_label, show_error, tooltip_text
from retention_desk.ui.recent import RecentArchives
from retention_desk.ui.settings_dialog import SettingsDialog
from retention_desk.ui.task_dialogs import TaskProgressDialog
from retention_desk.ui.tasks import Task, TaskRunner
from retention_desk.ui.welcome_view import WelcomeView

APP_TITLE = "Retention Desk"
FILE_FILTER = f"Retention Desk archives (*{ARCHIVE_SUFFIX});;All files (*)"
KeyRole = Qt.ItemDataRole.UserRole + 1


class MainWindow(QMainWindow):
    def __init__(
        self,
        *,
        settings: QSettings | None = None,
        operator: str | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self._settings = settings if settings is not None else QSettings()
        self.recent = RecentArchives(self._settings)
        self._operator = operator
        self.runner = runner if runner is not None else TaskRunner(self)
        self.changes = ArchiveChanges(self)
        self.context = PageContext(self.runner, self.changes, self._settings)
        self.archive: Archive | None = None
        self.pages: dict[str, QWidget] = {}
        self.reclassify_task: Task | None = None
        self.changes.changed.connect(self._on_changed)
        self._build()
        self._build_menus()
        self._show_archive_state()
        geometry = self._settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1180, 760)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.mode = QStackedWidget()
        self.welcome = WelcomeView()
        self.welcome.new_requested.connect(self.ask_new_archive)
        self.welcome.open_requested.connect(self.ask_open_archive)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_requested.connect(self.open_archive)
        self.mode.addWidget(self.welcome)

        self.workspace = QWidget()
        row = QHBoxLayout(self.workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setFixedWidth(180)
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet(
            "QListWidget#navigation { border: none; border-right: 1px solid palette(mid);"
            " padding-top: 8px; outline: 0; }"
            "QListWidget#navigation::item { padding: 8px 14px; }"
        )
        for spec in PAGES:
            item = QListWidgetItem(spec.title)
            item.setData(KeyRole, spec.key)
            if not spec.available:
                # Not in this version: visible so users know it is planned, but inert.
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip(spec.unavailable)
            self.nav.addItem(item)
        self.nav.currentItemChanged.connect(self._nav_changed)
        row.addWidget(self.nav)
        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        self.mode.addWidget(self.workspace)
        self.setCentralWidget(self.mode)

        self.path_status = plain_label()
        self.operator_status = plain_label()
        self.statusBar().addPermanentWidget(self.path_status, 1)
        self.statusBar().addPermanentWidget(self.operator_status)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.new_action = self._action(
            menu, "&New archive…", self.ask_new_archive, QKeySequence.StandardKey.New
        )
        self.open_action = self._action(
            menu, "&Open archive…", self.ask_open_archive, QKeySequence.StandardKey.Open
        )
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        self.backup_action = self._action(menu, "&Back up archive…", self.ask_backup)
        self.verify_action = self._action(menu, "&Verify archive", self.start_verify)
        menu.addSeparator()
        self.settings_action = self._action(
            menu, "&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences
        )
        menu.addSeparator()
        self.quit_action = self._action(menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self._archive_actions = [self.backup_action, self.verify_action, self.settings_action]

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        if not paths:
            empty = self.recent_menu.addAction("No recent archives")
            empty.setEnabled(False)
            return
        for path in paths:
            # '&' marks a mnemonic in menu text; doubled it shows literally.
            action = self.recent_menu.addAction(str(path).replace("&", "&&"))
            action.triggered.connect(partial(self.open_archive, path))

    # -------------------------------------------------------------- navigation
    def page(self, key: str) -> QWidget | None:
        """The page widget for `key`, created on first use; None if not in this version."""
        if key in self.pages:
            return self.pages[key]
        spec = page_spec(key)
        if spec.factory is None:
            return None
        widget = spec.factory(self.context)
        self.pages[key] = widget
        self.stack.addWidget(widget)
        widget.set_archive(self.archive)  # type: ignore[attr-defined]
        return widget

    def show_page(self, key: str) -> QWidget | None:
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(KeyRole) == key and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.nav.setCurrentItem(item)
                return self.pages.get(key)
        return None

    def current_page_key(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(KeyRole) if item is not None else None

    def _nav_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        widget = self.page(item.data(KeyRole))
        if widget is not None:
            self.stack.setCurrentWidget(widget)

    # ----------------------------------------------------------- archive state
    def open_initial(self, path: Path | None) -> None:
        """Startup: the given archive, else the last one opened, else the default if present."""
        if path is not None:
            self.open_archive(Path(path))
            return
        for candidate in [*self.recent.paths()[:1], default_archive_path()]:
            if candidate.is_file() and self.open_archive(candidate):
                return

    def open_archive(self, path: Path) -> bool:
        reapply.register()  # an older copy has recorded destructions re-applied as it opens
        try:
            archive = Archive.open(path, operator=self._operator)
        except (ArchiveError, OSError) as exc:
            show_error(self, "Cannot open the archive", str(exc))
            return False
        self._install(archive)
        if archive.open_notes:
            message_box(self, "Destroyed records", "\n\n".join(archive.open_notes))
        return True

    def create_archive(self, path: Path) -> bool:
        path = Path(path)
        if path.suffix.lower() != ARCHIVE_SUFFIX:
            path = path.with_name(path.name + ARCHIVE_SUFFIX)
        try:
            archive = Archive.create(path, operator=self._operator)
        except (ArchiveError, OSError) as exc:
            show_error(self, "Cannot create the archive", str(exc))
            return False
        self._install(archive)
        return True

    def close_archive(self) -> None:
        if self.archive is None:
            return
        # Work queued against this archive must stop before its engine is disposed.
        self.runner.cancel_all()
        self.runner.wait()
        archive, self.archive = self.archive, None
        for widget in self.pages.values():
            widget.set_archive(None)  # type: ignore[attr-defined]
        archive.close()
        self._show_archive_state()

    def _install(self, archive: Archive) -> None:
        self.close_archive()
        self.archive = archive
        self.recent.add(archive.path)
        for widget in self.pages.values():
            widget.set_archive(archive)  # type: ignore[attr-defined]
        self._show_archive_state()
        if self.current_page_key() is None:
            self.show_page("overview")

    def _show_archive_state(self) -> None:
        archive = self.archive
        for action in self._archive_actions:
            action.setEnabled(archive is not None)
        if archive is None:
            self.welcome.set_recent(self.recent.paths())
            self.mode.setCurrentWidget(self.welcome)
            self.setWindowTitle(APP_TITLE)
            self.path_status.setText("No archive open")
            self.operator_status.setText("")
            return
        self.mode.setCurrentWidget(self.workspace)
        self.setWindowTitle(f"{archive.path.name} — {APP_TITLE}")
        self.path_status.setText(str(archive.path))
        self.path_status.setToolTip(tooltip_text(str(archive.path)))
        self._show_operator()

    def _show_operator(self) -> None:
        if self.archive is None:
            return
        try:
            name = self.archive.operator()
        except ArchiveError as exc:
            name = f"unknown ({exc})"
        self.operator_status.setText(f"Operator: {name}")

    def _on_changed(self, what: str) -> None:
        if what == "settings":
            self._show_operator()

    # ---------------------------------------------------------------- actions
    def ask_new_archive(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New archive",
            str(default_archive_path().parent / f"archive{ARCHIVE_SUFFIX}"),
            FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,  # Archive.create refuses instead
        )
        if path and self.create_archive(Path(path)):
            self.open_settings()

    def ask_open_archive(self) -> None:
        start = (
            str(self.archive.path.parent) if self.archive else str(default_archive_path().parent)
        )
        path, _ = QFileDialog.getOpenFileName(self, "Open archive", start, FILE_FILTER)
        if path:
            self.open_archive(Path(path))

    def open_demo(self) -> Task:
        """Build the synthetic demo archive if needed (on the runner), then open it."""
        from retention_desk.demo import ensure_demo_archive

        task = Task(
            partial(ensure_demo_archive, demo_archive_path()),
            progress=False,
            cancel=False,
            title="Demo archive",
        )
        dialog = TaskProgressDialog(task, "Preparing the demo archive", self)
        dialog.message.setText("Building a synthetic archive of a fictional police department…")
        task.finished.connect(lambda path: self.open_archive(Path(path)))
        task.failed.connect(lambda message: show_error(self, "Demo archive", message))
        dialog.open()
        return self.runner.submit(task)

    def ask_backup(self) -> None:
        if self.archive is None:
            return
        stamp = timeutil.utcnow().strftime("%Y%m%d-%H%M")
        suggested = archive_ops.default_backup_path(self.archive, stamp)
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Back up archive",
            str(suggested),
            FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,  # backups never overwrite
        )
        if path:
            self.start_backup(Path(path))

    def start_backup(self, dest: Path) -> Task | None:
        if self.archive is None:
            return None
        return archive_ops.start_backup(
            parent=self,
            runner=self.runner,
            archive=self.archive,
            changes=self.changes,
            dest=dest,
        )

    def start_verify(self) -> Task | None:
        if self.archive is None:
            return None
        return archive_ops.start_verify(
            parent=self, runner=self.runner, archive=self.archive, changes=self.changes
        )

    def open_settings(self) -> SettingsDialog | None:
        if self.archive is None:
            return None
        try:
            dialog = SettingsDialog(self.archive, self)
        except ArchiveError as exc:
            show_error(self, "Settings", str(exc))
            return None
        before = dialog.loaded
        dialog.accepted.connect(lambda: self._settings_saved(before, dialog.saved))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _settings_saved(self, before: ArchiveSettings, after: ArchiveSettings | None) -> None:
        self.changes.notify("settings")
        if self.archive is None or after is None:
            return
        from retention_desk import retention

        if retention.settings_affect_retention(before, after):
            # stored retention dates are counted in these settings: count them again
            self.reclassify_task = self._reclassify(before, after)

    def _reclassify(self, before: ArchiveSettings, after: ArchiveSettings) -> Task:
        from retention_desk.ui.retention import ops as retention_ops

        task = Task(
            partial(retention_ops.reclassify_after_settings, self.archive, before, after),
            title="Retention dates",
        )
        dialog = TaskProgressDialog(task, "Counting retention dates again", self)
        dialog.message.setText(
            "Retention dates are counted in the agency's time zone and fiscal year, and series"
            " bind by agency kind: every record is classified again."
        )
        task.finished.connect(lambda _summary: self.changes.notify("retention"))
        task.failed.connect(lambda message: show_error(self, "Retention dates", message))
        dialog.open()
        return self.runner.submit(task)

    # ----------------------------------------------------------------- closing
    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("window/geometry", self.saveGeometry())
        self.close_archive()
        super().closeEvent(event)
