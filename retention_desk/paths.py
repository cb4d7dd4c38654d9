"""Where things live: the user data folder, the default archive and the demo archive."""

from __future__ import annotations

import os
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
