"""Where things live: default archive location and bundled resources (source, wheel, frozen)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

ENV_ARCHIVE = "RETENTION_DESK_ARCHIVE"


def data_dir() -> Path:
    return user_data_path("retention-desk", appauthor=False)


def default_archive_path() -> Path:
    """`RETENTION_DESK_ARCHIVE` if set, else archive.rdesk in the user data folder."""
    env = os.environ.get(ENV_ARCHIVE)
    if env:
        return Path(env).expanduser()
    return data_dir() / "archive.rdesk"


def demo_archive_path() -> Path:
    return data_dir() / "demo.rdesk"


def resource_path(*parts: str) -> Path:
    """A file under resources/ or schedules/, in a source tree, a wheel or a frozen build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root).joinpath(*parts)
    package_root = Path(__file__).resolve().parent
    bundled = package_root / "_data"
    if bundled.exists():
        return bundled.joinpath(*parts)
    return package_root.parent.joinpath(*parts)
