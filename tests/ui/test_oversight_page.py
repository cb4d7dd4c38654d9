"""The Oversight page: its four tabs are made when first shown, all follow the archive, and a
statement's evidence record opens in a viewer."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from retention_desk.archive.store import Archive
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.oversight.moderation_tab import ModerationTab
from retention_desk.ui.oversight.page import OversightView
from retention_desk.ui.oversight.registry_tab import RegistryTab
from retention_desk.ui.oversight.statements_tab import StatementsTab
from retention_desk.ui.oversight.subscribers_tab import SubscribersTab
from retention_desk.ui.tasks import TaskRunner
from tests.production import helpers as h


def test_tabs_are_made_lazily_and_follow_the_archive(qtbot: QtBot, tmp_path: Path) -> None:
    archive = Archive.create(tmp_path / "o.rdesk", operator="pytest")
    h.write(archive, [h._rec("p1", "hello", at=1)])
    view = OversightView(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.set_archive(archive)
    assert list(view.made) == [0] and isinstance(view.made[0], RegistryTab)
    kinds = [RegistryTab, SubscribersTab, StatementsTab, ModerationTab]
    for index, kind in enumerate(kinds):
        view.tabs.setCurrentIndex(index)
        assert isinstance(view.made[index], kind)
    assert view.tabs.count() == 4
    dialog = view.open_record(h.ids_by_key(archive)["p1"])
    assert dialog is not None and "Record" in dialog.windowTitle()
    dialog.close()
    view.set_archive(None)
    assert view.open_record(1) is None
    archive.close()
