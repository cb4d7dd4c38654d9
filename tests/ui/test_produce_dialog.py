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


def test_private_messages_are_ticked_in_and_a_rolling_production_follows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from retention_desk.ipra import responsive
    from retention_desk.production import store

    archive = Archive.create(tmp_path / "p.rdesk", operator="pytest")
    corpus = build_corpus(archive)
    dialog = ProduceDialog(archive, TaskRunner(inline=True), corpus.number)
    qtbot.addWidget(dialog)
    # the private message is offered, unticked, as plain text (its markup is not obeyed)
    assert not dialog.restricted_box.isHidden()
    assert dialog.restricted_list.count() == 1
    item = dialog.restricted_list.item(0)
    assert f"Record {corpus.ids['m6']}" in item.text() and "RESTRICTEDLEAKWORD" in item.text()
    assert dialog.options()["include_restricted"] == ()
    # no release yet: nothing to roll on from
    assert not dialog.only_new_check.isEnabled()
    assert "No PDF release" in dialog.rolling_label.text()
    item.setCheckState(Qt.CheckState.Checked)
    assert dialog.options()["include_restricted"] == (corpus.ids["m6"],)
    dialog.run_preview()
    assert "private messages left out" not in dialog.summary.text()
    out = tmp_path / "out"
    out.mkdir()
    dialog.produce_into(out)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    first = dialog.result
    with archive.read() as conn:
        held = [r.record_id for r in store.production_records(conn, first.production)]
    assert corpus.ids["m6"] in held
    # a record joins the set: the dialog offers a rolling production of it alone
    responsive.add_records(archive, corpus.number, [corpus.ids["c9"]])
    dialog.load_choices()
    assert dialog.only_new_check.isEnabled()
    assert "a rolling production holds the other 1 " in dialog.rolling_label.text()
    dialog.only_new_check.setChecked(True)
    dialog.result = None
    dialog.produce_into(out)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    second = dialog.result
    assert second.records == 1
    assert int(second.bates_first[2:]) == int(first.bates_last[2:]) + 1
    # the Excel format has no release yet, so the option is off there
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    assert not dialog.only_new_check.isEnabled() and not dialog.only_new_check.isChecked()
    archive.close()
