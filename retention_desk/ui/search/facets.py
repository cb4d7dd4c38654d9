"""The facets panel: result counts per platform, account, kind and year.

Clicking a value that a filter can express emits `filter_chosen` with the filter text (e.g.
`platform:x`); the Archive view adds it to the query and runs it again. Values with no filter
(records without an account or a date) are shown for the count but cannot be clicked.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from retention_desk.platforms import account_label, platform_label
from retention_desk.search import FacetCount, Facets
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import tooltip_text

FilterRole = Qt.ItemDataRole.UserRole + 1
GROUPS = (("platform", "Platform"), ("account", "Account"), ("kind", "Kind"), ("year", "Year"))
_PLATFORM_KEY = re.compile(r"[a-z0-9-]{1,40}")
MAX_VALUES = 50  # per group; an archive with hundreds of accounts lists the largest


def facet_label(group: str, value: FacetCount) -> str:
    """What a facet value is called on screen: platforms by their display name, accounts by
    their whole name followed by the platform ('metro_pd (Facebook)')."""
    if group == "platform" and value.value is not None:
        return platform_label(value.value)
    if group == "account" and value.value is not None:
        # the search package writes an account as `platform/name` (platform keys have no /)
        platform, slash, name = value.label.partition("/")
        if slash and _PLATFORM_KEY.fullmatch(platform):
            return account_label(platform, name)
    return value.label


class FacetsPanel(QTreeWidget):
    filter_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Narrow by", "Results"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.setMinimumWidth(120)
        # Cut in the middle: two accounts of one platform differ at their name's end as
        # often as at its start, and the platform closes the label.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setIndentation(12)  # two levels only: the room goes to the names
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)
        self.facets: Facets | None = None

    def set_facets(self, facets: Facets | None, *, active: str = "") -> None:
        """Show `facets` (None: nothing yet). Values whose filter is already in the query
        (`active`) are shown checked and do nothing when clicked."""
        self.facets = facets
        self.clear()
        if facets is None:
            return
        used = set(active.split())
        for key, title in GROUPS:
            values: tuple[FacetCount, ...] = getattr(facets, key)
            if not values:
                continue
            group = QTreeWidgetItem([title, ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.addTopLevelItem(group)
            for value in values[:MAX_VALUES]:
                item = QTreeWidgetItem([facet_label(key, value), fmt.count(value.count)])
                item.setTextAlignment(
                    1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                item.setData(0, FilterRole, value.filter)
                tip = facet_label(key, value)
                if value.filter is None:
                    item.setForeground(
                        0, self.palette().brush(self.palette().ColorRole.PlaceholderText)
                    )
                    tip += "\n(no filter can select this value)"
                elif value.filter in used:
                    tip += f"\n{value.filter} (already in the search)"
                    font = item.font(0)
                    font.setItalic(True)
                    item.setFont(0, font)
                else:
                    tip += f"\nClick to add {value.filter} to the search"
                item.setToolTip(0, tooltip_text(tip))
                group.addChild(item)
            if len(values) > MAX_VALUES:
                more = QTreeWidgetItem([f"… {len(values) - MAX_VALUES} more", ""])
                more.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.addChild(more)
            group.setExpanded(True)

    def value_items(self, group: str) -> list[QTreeWidgetItem]:
        """The value rows under a group title ('Platform', 'Account', ...); for tests."""
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top.text(0) == group:
                return [top.child(j) for j in range(top.childCount())]
        return []

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        value = item.data(0, FilterRole)
        if isinstance(value, str) and value:
            # Emitted from the event loop, not inside the click: the search it starts rebuilds
            # this tree, and the clicked item must not be deleted while Qt still handles it.
            QTimer.singleShot(0, lambda: self.filter_chosen.emit(value))
