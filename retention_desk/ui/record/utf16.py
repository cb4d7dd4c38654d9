"""Qt positions to Python string indices and back.

Qt counts a document in UTF-16 code units (an astral character such as 😀 or 𝒳 is two) and
a plain-text document holds a line break as one position even where the value had "\r\n".
Redactions are stored as Python indices (code points) into the value as `show --json` prints
it, so every selection is converted here, explicitly, against the value shown.
"""

from __future__ import annotations

from bisect import bisect_left


def qt_units(value: str) -> list[int]:
    """Position in Qt's document before each code point of `value`, and after the last:
    `qt_units(v)[i]` is where Python index `i` sits in the QPlainTextEdit showing `v`."""
    out = [0]
    position = 0
    for i, ch in enumerate(value):
        if not (ch == "\r" and value[i + 1 : i + 2] == "\n"):  # CR LF is one block break
            position += 2 if ord(ch) > 0xFFFF else 1
        out.append(position)
    return out


def qt_to_index(value: str, position: int) -> int:
    """The Python index of Qt document position `position` in the document showing `value`;
    ValueError for a position outside it or between the two halves of a surrogate pair."""
    units = qt_units(value)
    if position < 0 or position > units[-1]:
        raise ValueError(f"position {position} is outside the text")
    index = bisect_left(units, position)  # the first index at that position (before a CR)
    if units[index] != position:
        raise ValueError(f"position {position} splits a character in two")
    return index


def index_to_qt(value: str, index: int) -> int:
    """The Qt document position of Python index `index` into `value`."""
    return qt_units(value)[max(0, min(index, len(value)))]


def qt_selection(value: str, start: int, end: int) -> tuple[int, int]:
    """A Qt selection (start, end positions in either order) as a Python range."""
    low, high = sorted((start, end))
    return qt_to_index(value, low), qt_to_index(value, high)
