"""UTC timestamps as fixed-width ISO-8601 text.

SQLite has no datetime type; storing one fixed-width text form keeps string order equal to time
order, so date filters and sorts run on plain indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given where a UTC time is required")
    return value.astimezone(UTC).strftime(ISO_FORMAT)


def from_db(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.strptime(value, ISO_FORMAT).replace(tzinfo=UTC)


def now_db() -> str:
    return utcnow().strftime(ISO_FORMAT)
