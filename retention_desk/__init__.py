"""retention_desk: records retention and IPRA response for social-media archives."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("retention-desk")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

APP_NAME = "retention_desk"
