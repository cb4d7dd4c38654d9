"""The production dialog: a preview of the first pages, then a release production with its
Bates range and files, nothing redacted in the preview's pages either."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from retention_desk.archive.store import Archive
from retention_desk.production.preview import preview
from retention_desk.ui.requests.produce_dialog import ProduceDialog
from retention_desk.ui.tasks import TaskRunner
from tests.production.helpers import build_corpus


def test_preview_then_produce(qtbot: QtBot, tmp_path: Path) -> None:
    archive = Archive.create(tmp_path / "p.rdesk", operator="pytest")
    corpus = build_corpus(archive)
    dialog = ProduceDialog(archive, TaskRunner(inline=True), corpus.number)
    qtbot.addWidget(dialog)
    dialog.run_preview()
    assert dialog.pages_layout.count() >= 1
    assert "records" in dialog.summary.text() and "The first page will be" in dialog.summary.text()
    out = tmp_path / "out"
    out.mkdir()
    dialog.produce_into(out)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    result = dialog.result
    assert result.bates_first and result.bates_last
    assert all(Path(f).is_file() for f in result.files)
    assert dialog.open_button.isEnabled()
    # the next preview starts after the numbers the production used
    again = preview(archive, corpus.number)
    assert again.bates_first is not None and again.bates_first > result.bates_last
    archive.close()


def test_a_refused_preview_shows_the_sentence(qtbot: QtBot, tmp_path: Path) -> None:
    archive = Archive.create(tmp_path / "p.rdesk", operator="pytest")
    dialog = ProduceDialog(archive, TaskRunner(inline=True), "IPRA-2099-0001")
    qtbot.addWidget(dialog)
    dialog.run_preview()
    assert "no request" in dialog.summary.text()
    archive.close()
