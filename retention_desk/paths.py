"""Where things live: the user data folder, the default archive and the demo archive."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

ENV_ARCHIVE = "RETENTION_DESK_ARCHIVE"
# Where the app keeps its own files (demo archive, audit anchors). Tests and portable installs
# point it elsewhere so they never touch the user's real anchors.
ENV_DATA_DIR = "RETENTION_DESK_DATA_DIR"


def data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    return user_data_path("retention-desk", appauthor=False)


def default_archive_path() -> Path:
    """`RETENTION_DESK_ARCHIVE` if set, else archive.rdesk in the user data folder."""
    env = os.environ.get(ENV_ARCHIVE)
    if env:
        return Path(env).expanduser()
    return data_dir() / "archive.rdesk"


def demo_archive_path() -> Path:
    return data_dir() / "demo.rdesk"
