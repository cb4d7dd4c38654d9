"""Search bar, history, completion, syntax help, facets panel and saved searches."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.search import FacetCount, Facets, filter_help, list_saved
from retention_desk.ui.search.bar import SearchBar
from retention_desk.ui.search.facets import FacetsPanel
from retention_desk.ui.search.help import SyntaxHelpDialog
from retention_desk.ui.search.history import MAX_HISTORY, SearchHistory
from retention_desk.ui.search.saved import SavedSearchesPanel
from retention_desk.ui.tasks import TaskRunner

HOSTILE = '<img src="file:///etc/hosts"><b>x</b>'


def test_history_is_persisted_newest_first_without_duplicates(tmp_path: Path) -> None:
    path = str(tmp_path / "history.ini")
    history = SearchHistory(QSettings(path, QSettings.Format.IniFormat))
    for i in range(MAX_HISTORY + 5):
        history.add(f"query {i}")
    history.add("query 3")  # again: moves to the front
    history.add("   ")  # blank: ignored
    again = SearchHistory(QSettings(path, QSettings.Format.IniFormat)).entries()
    assert len(again) == MAX_HISTORY
    assert again[0] == "query 3" and again[1] == f"query {MAX_HISTORY + 4}"
    assert again.count("query 3") == 1
    assert "query 0" not in again  # the oldest fell off


def test_bar_submits_remembers_and_clears_with_escape(qtbot, qsettings: QSettings) -> None:
    bar = SearchBar(qsettings)
    qtbot.addWidget(bar)
    bar.show()
    submitted: list[tuple[str, str]] = []
    bar.submitted.connect(lambda q, s: submitted.append((q, s)))
    qtbot.keyClicks(bar.field, "police -parade")
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert submitted == [("police -parade", "date")]
    bar.sort_combo.setCurrentIndex(bar.sort_combo.findData("relevance"))
    assert submitted[-1] == ("police -parade", "relevance")

    bar.remember("police -parade")
    assert SearchHistory(qsettings).entries() == ["police -parade"]
    bar.set_text("")  # one word or none: whole past queries are offered, newest first
    assert bar.completer.suggestions()[0] == "police -parade"
    bar.set_text("police -parade")

    cleared: list[bool] = []
    bar.cleared.connect(lambda: cleared.append(True))
    bar.set_error("kind: must be one of post, comment")
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert bar.text() == "" and cleared == [True] and bar.error() == ""


def test_completion_of_filter_names_replaces_only_the_last_word(
    qtbot, qsettings: QSettings
) -> None:
    SearchHistory(qsettings).add("platform:x budget")
    bar = SearchBar(qsettings)
    qtbot.addWidget(bar)
    completer = bar.completer
    names = {f"{info.name}:" for info in filter_help()}
    # one word: past queries and filter names
    completer.update_for("pla")
    assert "platform:x budget" in completer.suggestions()
    assert names <= set(completer.suggestions())
    # after a space: filter names only, completing the last word
    bar.set_text("budget pla")
    assert set(completer.suggestions()) == names
    assert completer.splitPath("budget pla") == ["pla"]
    completer.setCompletionPrefix("pla")
    # accepting the suggestion writes the whole line with only the last word completed
    assert completer.currentCompletion() == "budget platform:"


def test_error_line_is_plain_text(qtbot, qsettings: QSettings) -> None:
    bar = SearchBar(qsettings)
    qtbot.addWidget(bar)
    bar.show()
    bar.set_error(f"Unknown filter '{HOSTILE}'")
    assert bar.error_label.isVisible()
    assert bar.error_label.text() == f"Unknown filter '{HOSTILE}'"
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in bar.findChildren(QLabel))


def test_syntax_help_lists_every_filter_and_inserts_examples(qtbot, qsettings: QSettings) -> None:
    bar = SearchBar(qsettings)
    qtbot.addWidget(bar)
    bar.set_text("budget")
    dialog = bar.show_help()
    assert isinstance(dialog, SyntaxHelpDialog) and dialog.isVisible()
    infos = filter_help()
    table = dialog.table
    assert table.rowCount() == len(infos)
    shown = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert shown == {f"{i.name}:": i.example for i in infos}
    assert '"open house"' in dialog.syntax.toPlainText()
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "is:")
    dialog.table.cellDoubleClicked.emit(row, 0)
    assert bar.text() == "budget is:deleted"


def _facets() -> Facets:
    return Facets(
        total=7,
        platform=(FacetCount("x", "x", 5, "platform:x"), FacetCount("web", "web", 2, None)),
        account=(FacetCount("3", HOSTILE, 4, 'account:"x/a b"'),),
        kind=(FacetCount("post", "post", 7, "kind:post"),),
        year=(FacetCount("2021", "2021", 6, "on:2021"), FacetCount(None, "(no date)", 1, None)),
    )


def test_facets_panel_emits_the_filter_of_a_clicked_value(qtbot) -> None:
    panel = FacetsPanel()
    qtbot.addWidget(panel)
    panel.set_facets(_facets(), active="kind:post")
    chosen: list[str] = []
    panel.filter_chosen.connect(chosen.append)
    platforms = panel.value_items("Platform")
    # platforms by their display names (retention_desk.platforms), the same on every page
    assert [(i.text(0), i.text(1)) for i in platforms] == [("X", "5"), ("Web", "2")]
    panel.itemClicked.emit(platforms[0], 0)
    panel.itemClicked.emit(platforms[1], 0)  # no filter can express it: nothing happens
    accounts = panel.value_items("Account")
    assert accounts[0].text(0) == HOSTILE  # item text: plain
    panel.itemClicked.emit(accounts[0], 0)
    qtbot.waitUntil(lambda: len(chosen) == 2)
    qtbot.wait(10)
    assert chosen == ["platform:x", 'account:"x/a b"']
    assert [i.text(0) for i in panel.value_items("Year")] == ["2021", "(no date)"]
    assert panel.value_items("Kind")[0].font(0).italic()  # already in the query


def _accept_name(qtbot, panel: SavedSearchesPanel, name: str) -> None:
    dialog = panel.ask_save()
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue(name)
    dialog.accept()


def test_saved_searches_save_run_replace_and_delete(
    qtbot, qsettings: QSettings, tmp_archive: Archive
) -> None:
    current = ("platform:x -is:deleted", "oldest")
    panel = SavedSearchesPanel(TaskRunner(inline=True), lambda: current)
    qtbot.addWidget(panel)
    panel.set_archive(tmp_archive)
    assert panel.names() == []
    changed: list[bool] = []
    panel.changed.connect(lambda: changed.append(True))

    _accept_name(qtbot, panel, "  Deleted   X posts ")
    assert panel.names() == ["Deleted X posts"] and changed == [True]
    saved = list_saved(tmp_archive)
    assert [(s.name, s.query, s.sort) for s in saved] == [
        ("Deleted X posts", "platform:x -is:deleted", "oldest")
    ]

    runs: list[tuple[str, str]] = []
    panel.run_requested.connect(lambda q, s: runs.append((q, s)))
    panel.list.setCurrentRow(0)
    panel.run_button.click()
    assert runs == [("platform:x -is:deleted", "oldest")]

    # the same name again asks before replacing
    current = ("kind:comment", "date")
    _accept_name(qtbot, panel, "Deleted X posts")
    box = panel.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.Yes).click()
    assert [(s.query, s.sort) for s in list_saved(tmp_archive)] == [("kind:comment", "date")]

    # a query that cannot run is refused with the reason, nothing saved
    current = ("nosuchfilter:1", "date")
    _accept_name(qtbot, panel, "Broken")
    assert panel.names() == ["Deleted X posts"]
    assert "nosuchfilter" in panel.status.text()

    panel.list.setCurrentRow(0)
    panel.delete_button.click()
    panel.confirm_box.button(QMessageBox.StandardButton.No).click()
    assert panel.names() == ["Deleted X posts"]  # "No" keeps it
    panel.delete_button.click()
    panel.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert panel.names() == [] and list_saved(tmp_archive) == []

    with tmp_archive.read() as conn:
        actions = conn.execute(
            text("SELECT action FROM audit_log WHERE action LIKE 'search.%' ORDER BY id")
        ).scalars()
        assert list(actions) == ["search.save", "search.save", "search.delete"]
