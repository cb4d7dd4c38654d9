"""Qt selections (UTF-16 positions, CR LF as one break) become Python indices explicitly."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from retention_desk.ui.record.utf16 import index_to_qt, qt_selection, qt_to_index, qt_units

TEXT = "Hi 👩🏽‍🚒 and 𝒳 café\r\nSSN 987-65-4321 🇳🇲 end 😀"


def test_astral_characters_count_two_in_qt_and_one_in_python() -> None:
    assert qt_units("a😀b") == [0, 1, 3, 4]
    assert qt_to_index("a😀b", 3) == 2
    assert index_to_qt("a😀b", 2) == 3
    with pytest.raises(ValueError, match="splits a character"):
        qt_to_index("a😀b", 2)
    with pytest.raises(ValueError, match="outside"):
        qt_to_index("a😀b", 5)


def test_crlf_is_one_position() -> None:
    assert qt_units("a\r\nb") == [0, 1, 1, 2, 3]
    assert qt_to_index("a\r\nb", 2) == 3  # after the break: before "b"
    assert qt_to_index("a\r\nb", 1) == 1  # before the break: before "\r"


@pytest.mark.parametrize("part", ["987-65-4321", "𝒳", "👩🏽‍🚒", "🇳🇲", "😀"])
def test_a_qt_selection_converts_to_the_python_range(qtbot, part: str) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.setPlainText(TEXT)
    assert edit.find(part)  # Qt finds it and selects it in its own (UTF-16) positions
    cursor = edit.textCursor()
    start, end = qt_selection(TEXT, cursor.selectionStart(), cursor.selectionEnd())
    assert TEXT[start:end] == part
    assert TEXT.index(part) == start
    # and back: the Python range selects the same characters in Qt
    assert index_to_qt(TEXT, start) == cursor.selectionStart()
    assert index_to_qt(TEXT, end) == cursor.selectionEnd()


def test_reversed_selection_is_ordered() -> None:
    value = "x😀y"
    assert qt_selection(value, 4, 1) == (1, 3)


def test_a_selection_across_a_crlf_break(qtbot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.setPlainText(TEXT)
    assert edit.find("café")
    start_at = edit.textCursor().selectionStart()
    assert edit.find("SSN")
    cursor = edit.textCursor()
    cursor.setPosition(start_at)
    cursor.setPosition(edit.textCursor().selectionEnd(), QTextCursor.MoveMode.KeepAnchor)
    start, end = qt_selection(TEXT, cursor.selectionStart(), cursor.selectionEnd())
    assert TEXT[start:end] == "café\r\nSSN"
