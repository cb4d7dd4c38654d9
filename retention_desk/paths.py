"""Where things live: the user data folder, the default archive and the demo archive, and the
files the app ships (resources/, schedules/, the self-test sample) in a source tree or a
frozen (PyInstaller) build."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

ENV_ARCHIVE = "RETENTION_DESK_ARCHIVE"
# Where the app keeps its own files (demo archive, audit anchors). Tests and portable installs
# point it elsewhere so they never touch the user's real anchors.
ENV_DATA_DIR = "RETENTION_DESK_DATA_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


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


# ----------------------------------------------------------------------- shipped files
def is_frozen() -> bool:
    """True in a PyInstaller build (the bootloader sets `sys.frozen` and `sys._MEIPASS`)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def app_root() -> Path:
    """The folder holding `resources/` and `schedules/`: the project root in a source tree
    (the package's parent), the bundle's data folder (`sys._MEIPASS`, `_internal/` in a
    one-folder build) when frozen. installer/retention_desk.spec copies both folders there,
    beside the `retention_desk/` package folder, so the source layout holds in both cases and
    modules that locate files from their own `__file__` find them too."""
    if is_frozen():
        return Path(sys._MEIPASS).resolve()  # type: ignore[attr-defined]
    return _PACKAGE_DIR.parent


def resources_dir() -> Path:
    """resources/: fonts, letter templates, the IPRA rules, exemptions, disposal approval."""
    return app_root() / "resources"


def schedules_dir() -> Path:
    """schedules/: the retention schedules shipped with the app (TOML)."""
    return app_root() / "schedules"


def package_data_dir(name: str) -> Path:
    """A data folder inside the package (package-data, so also in a wheel and a bundle)."""
    return _PACKAGE_DIR / name
