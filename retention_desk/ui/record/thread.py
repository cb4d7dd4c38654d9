"""The record's thread as a tree: the post, every comment and reply in reading order.

Deleted and hidden items are never left out: they carry a text badge ("[deleted]",
"[hidden]") and are greyed (deleted ones struck through), because a custodian must produce
them too. The record being viewed is bold and selected. Every cell is plain item text.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from retention_desk.search import ThreadNode
from retention_desk.ui import formatting as fmt
from retention_desk.ui.archive.results_table_model import one_line
from retention_desk.ui.plain import tooltip_text

NodeRole = Qt.ItemDataRole.UserRole + 1
COL_TEXT, COL_AUTHOR, COL_CREATED, COL_MARKS = range(4)
FOCUS_BACKGROUND = QColor(255, 246, 196)


def marks(node: ThreadNode) -> str:
    """The node's badges, e.g. '[deleted] [edited]'."""
    return " ".join(
        f"[{word}]"
        for word, on in (
            ("deleted", node.deleted),
            ("hidden", node.hidden),
            ("edited", node.edited),
        )
        if on
    )


class ThreadTree(QTreeWidget):
    """`node_selected(node)` when the current item changes; `open_requested(id)` on a
    double-click or Enter on another record of the thread (view that record instead)."""

    node_selected = Signal(object)
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels(["Thread", "Author", "Created", "Marks"])
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIndentation(16)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        # The text keeps a readable width even in a narrow viewer (the tree scrolls sideways
        # instead); marks, last, take what is left.
        header = self.header()
        header.resizeSection(COL_TEXT, 240)
        header.resizeSection(COL_AUTHOR, 110)
        header.setSectionResizeMode(COL_CREATED, header.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.currentItemChanged.connect(self._current_changed)
        self.itemActivated.connect(self._activated)
        self.focus_item: QTreeWidgetItem | None = None
        self.items_by_id: dict[int, QTreeWidgetItem] = {}

    def set_thread(self, nodes: Sequence[ThreadNode], tz: ZoneInfo) -> None:
        """Show `nodes` (reading order, each with its depth) and select the focus record."""
        self.blockSignals(True)
        try:
            self.clear()
            self.items_by_id = {}
            self.focus_item = None
            # nodes come in depth-first order: an item's parent is the last item one level up
            stack: list[QTreeWidgetItem] = []
            for node in nodes:
                item = self._item(node, tz)
                depth = min(node.depth, len(stack))
                del stack[depth:]
                if stack:
                    stack[-1].addChild(item)
                else:
                    self.addTopLevelItem(item)
                stack.append(item)
                self.items_by_id[node.id] = item
                if node.is_focus:
                    self.focus_item = item
            self.expandAll()
        finally:
            self.blockSignals(False)
        if self.focus_item is not None:
            self.setCurrentItem(self.focus_item)
            self.scrollToItem(self.focus_item, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _item(self, node: ThreadNode, tz: ZoneInfo) -> QTreeWidgetItem:
        created = fmt.local_time(node.created_at, tz) if node.created_at else "(no date)"
        badge = marks(node)
        label = one_line(node.text, 200) or f"({node.kind} without text)"
        item = QTreeWidgetItem([label, one_line(node.author, 60), created, badge])
        item.setData(COL_TEXT, NodeRole, node)
        tip = f"#{node.id} {node.kind}" + (f" {badge}" if badge else "") + f"\n{node.text[:1500]}"
        item.setToolTip(COL_TEXT, tooltip_text(tip))
        if node.created_at:
            item.setToolTip(COL_CREATED, tooltip_text(fmt.utc_time(node.created_at)))
        if node.deleted or node.hidden:
            grey = self.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            for col in range(self.columnCount()):
                item.setForeground(col, grey)
                font = item.font(col)
                font.setStrikeOut(node.deleted and col == COL_TEXT)
                font.setItalic(node.hidden)
                item.setFont(col, font)
        if node.is_focus:
            for col in range(self.columnCount()):
                font = item.font(col)
                font.setBold(True)
                item.setFont(col, font)
                item.setBackground(col, QBrush(FOCUS_BACKGROUND))
        return item

    def node(self, item: QTreeWidgetItem | None) -> ThreadNode | None:
        value = item.data(COL_TEXT, NodeRole) if item is not None else None
        return value if isinstance(value, ThreadNode) else None

    def all_items(self) -> list[QTreeWidgetItem]:
        """Every item in reading order (depth first); for tests and the record count."""
        out: list[QTreeWidgetItem] = []
        # iterative: a hostile reply chain can be thousands deep
        stack = [self.topLevelItem(i) for i in reversed(range(self.topLevelItemCount()))]
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(item.child(i) for i in reversed(range(item.childCount())))
        return out

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        node = self.node(current)
        if node is not None:
            self.node_selected.emit(node)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        node = self.node(item)
        if node is not None and not node.is_focus:
            self.open_requested.emit(node.id)
