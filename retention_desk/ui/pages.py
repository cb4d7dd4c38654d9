"""The main window's pages: one registry, so a new page is one entry here and one module.

How to add a page
-----------------
1. Write a QWidget subclass in its own module (``ui/<area>/view.py``) whose constructor takes
   the services it needs (not the main window), and which implements::

       def set_archive(self, archive: Archive | None) -> None: ...

   ``set_archive`` is called when the page is first created and whenever the window opens
   or closes an archive (``None``). Do archive work through ``context.runner`` (see
   ``ui/tasks.py``); refresh when ``context.changes.changed`` fires, and after changing the
   archive yourself call ``context.changes.notify("<what>")`` so other pages refresh.
   Import ``ArchiveChanges`` from ``ui/changes.py``, never from this module: this module
   imports the pages (inside their factories), so a page importing it would be a cycle.
2. Add a factory and a ``PageSpec`` to ``PAGES`` below (import your module inside the
   factory, so the window starts without loading every page). Pages are created lazily, the
   first time they are shown.
3. A feature that is not in this version stays ``factory=None``: the navigation shows the
   entry disabled with ``unavailable`` as its tooltip. No placeholder screens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from retention_desk.archive import Archive


@dataclass(frozen=True)
class PageContext:
    """The services a page may use. Pages get these, never the main window."""

    runner: TaskRunner
    changes: ArchiveChanges
    # The window's settings (tests give an isolated file); pages keep preferences here.
    settings: QSettings | None = None


class ArchivePage(Protocol):
    def set_archive(self, archive: Archive | None) -> None: ...


PageFactory = Callable[[PageContext], QWidget]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    factory: PageFactory | None
    # Tooltip for a disabled entry: what is missing and what to use meanwhile.
    unavailable: str = ""

    @property
    def available(self) -> bool:
        return self.factory is not None


def _overview_page(context: PageContext) -> QWidget:
    from retention_desk.ui.archive.summary_view import ArchiveSummaryView

    return ArchiveSummaryView(context.runner, context.changes)


def _archive_page(context: PageContext) -> QWidget:
    from retention_desk.ui.archive.view import ArchiveView

    return ArchiveView(context.runner, context.changes, settings=context.settings)


def _import_page(context: PageContext) -> QWidget:
    from retention_desk.ui.imports.view import ImportView

    return ImportView(context.runner, context.changes)


def _requests_page(context: PageContext) -> QWidget:
    from retention_desk.ui.requests.view import RequestsView

    return RequestsView(context.runner, context.changes)


def _retention_page(context: PageContext) -> QWidget:
    from retention_desk.ui.retention.view import RetentionView

    return RetentionView(context.runner, context.changes)


def _disposal_page(context: PageContext) -> QWidget:
    from retention_desk.ui.disposal.view import DisposalView

    return DisposalView(context.runner, context.changes)


def _oversight_page(context: PageContext) -> QWidget:
    from retention_desk.ui.oversight.page import OversightView

    return OversightView(context.runner, context.changes)


def _audit_page(context: PageContext) -> QWidget:
    from retention_desk.ui.audit.view import AuditView

    return AuditView(context.runner, context.changes)


PAGES: list[PageSpec] = [
    PageSpec("overview", "Overview", _overview_page),
    PageSpec("archive", "Archive", _archive_page),
    PageSpec("import", "Import", _import_page),
    PageSpec("requests", "Requests", _requests_page),
    PageSpec("retention", "Retention", _retention_page),
    PageSpec("disposal", "Disposal", _disposal_page),
    PageSpec("oversight", "Oversight", _oversight_page),
    PageSpec("audit", "Audit log", _audit_page),
]


def page_spec(key: str) -> PageSpec:
    for spec in PAGES:
        if spec.key == key:
            return spec
    raise KeyError(key)
