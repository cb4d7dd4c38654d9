"""Every importer the app knows, in the order detection asks them.

Each module named here defines `IMPORTER`, an object following importers.base.Importer.
"""

from __future__ import annotations

import importlib
from functools import cache

from retention_desk.importers.base import Importer

IMPORTER_MODULES: tuple[str, ...] = (
    "retention_desk.importers.csv.generic",
    "retention_desk.importers.x.archive",
    "retention_desk.importers.x.grailbird",
    "retention_desk.importers.meta.facebook",
    "retention_desk.importers.meta.instagram",
    "retention_desk.importers.web.warc",
    "retention_desk.importers.web.wacz",
    "retention_desk.importers.youtube.youtube",
    "retention_desk.importers.reddit.reddit",
    "retention_desk.importers.flickr",
    "retention_desk.importers.wordpress.wordpress",
    "retention_desk.importers.mediawiki",
)


@cache
def all_importers() -> tuple[Importer, ...]:
    return tuple(importlib.import_module(m).IMPORTER for m in IMPORTER_MODULES)


def format_names() -> list[str]:
    return [imp.name for imp in all_importers()]


def get_importer(name: str) -> Importer:
    for imp in all_importers():
        if imp.name == name:
            return imp
    raise KeyError(name)
