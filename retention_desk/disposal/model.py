"""What a disposal report is, as plain data: the report, its series lines, groups, holds and
held records. Read by the report runner, the store, the exports, the CLI and destruction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STATUSES = ("draft", "approved", "destroying", "destroyed", "cancelled")


@dataclass(frozen=True)
class SeriesLine:
    """One series of a report, as the schedule described it when the report was run."""

    code: str
    title: str
    citation: str
    retention: str  # in words, e.g. "destroy 1 year after the record was created"
    verified: bool
    verified_note: str
    disposition: str
    approval_required: bool
    in_schedule: bool
    records: int
    first_created: str | None  # local dates, YYYY-MM-DD
    last_created: str | None


@dataclass(frozen=True)
class ReportGroup:
    """Eligible records of one series, account and year (local year of creation; '' when
    the record has no creation date)."""

    series_code: str
    platform: str
    account: str
    account_id: int | None
    year: str
    records: int
    first_created: str | None
    last_created: str | None


@dataclass(frozen=True)
class HoldCount:
    hold_id: int
    name: str
    records: int


@dataclass(frozen=True)
class HeldRecord:
    """A record that would be eligible but a hold in force kept out of the report."""

    record_id: int
    series_code: str
    eligible_on: str
    hold_ids: tuple[int, ...]
    hold_names: tuple[str, ...]


@dataclass(frozen=True)
class DisposalReport:
    number: int
    as_of: date
    created_at: str
    created_by: str
    status: str  # draft | approved | destroying | destroyed | cancelled
    status_at: str
    agency_kind: str  # at run time; decides the approval path
    agency_name: str
    time_zone: str
    records: int  # eligible and in the report
    held: int  # would be eligible, held
    unclassified: int  # counted, never eligible
    pending_event: int
    permanent: int
    no_date: int
    not_yet_due: int  # dated, eligible after the as-of date
    unsealed: int  # eligible records with no seal leaf (archives from before seals)
    series: tuple[SeriesLine, ...]
    groups: tuple[ReportGroup, ...]
    holds: tuple[HoldCount, ...]
    held_records: tuple[HeldRecord, ...]

    @property
    def approval_needed(self) -> bool:
        """False when every record is of a series that needs no approval (non-records,
        1.13.30.14 NMAC)."""
        return any(s.approval_required and s.records for s in self.series)
