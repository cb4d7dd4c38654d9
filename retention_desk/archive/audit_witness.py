"""What verify's checks of audit-witnessed tables share (holds, the IPRA request log,
redactions): a result that lists at most MAX_LISTED failures, audit details read leniently,
and whether a table exists in this archive's schema."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

MAX_LISTED = 50


@dataclass
class WitnessResult:
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        if len(self.failures) < MAX_LISTED:
            self.failures.append(message)


def details(raw: Any) -> dict[str, Any]:
    """An audit row's details as a dict; {} for anything else (a row is never trusted)."""
    try:
        value = json.loads(str(raw))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def table_exists(conn: Connection, name: str) -> bool:
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).first()
        is not None
    )
