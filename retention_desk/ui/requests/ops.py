"""Worker-side calls for the Requests page: the request desk's API, shaped for the task runner.

No Qt here. The desk raises `IpraError` (a ValueError) with a sentence written for the user;
the task runner shows only `ArchiveError` text as it is, so `user_errors` carries one as the
other, as the Disposal and Retention pages' ops do for their errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from retention_desk.archive import Archive, ArchiveError
from retention_desk.ipra import calendar as calendar_mod
from retention_desk.ipra import correspondence, fees, requests, responsive
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.model import RequestDetail, RequestSummary

T = TypeVar("T")


class RequestFailed(ArchiveError):
    """An IpraError carried through the task runner; its text is the user's sentence."""


def user_errors(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except IpraError as exc:
        raise RequestFailed(str(exc)) from exc


@dataclass(frozen=True)
class Dashboard:
    due_soon: int  # due today or within the rules' "soon" window
    overdue: int
    deemed_denied: int
    exposure_cents: int  # the running damages exposure of every request, summed

    @property
    def exposure(self) -> str:
        return fees.dollars(self.exposure_cents)


def dashboard(summaries: Sequence[RequestSummary]) -> Dashboard:
    states = [s.clocks.state for s in summaries]
    return Dashboard(
        due_soon=sum(1 for s in states if s in ("due_today", "due_soon")),
        overdue=states.count("overdue"),
        deemed_denied=states.count("deemed_denied"),
        exposure_cents=sum(max(s.clocks.exposure_cents, 0) for s in summaries),
    )


@dataclass(frozen=True)
class PageData:
    today: date  # the agency's date
    time_zone: str
    summaries: tuple[RequestSummary, ...]
    dashboard: Dashboard  # of every request, whatever the filter shows
    calendar_year: int
    calendar_confirmed: bool


def load_page(archive: Archive, open_only: bool) -> PageData:
    """The log (all requests, or open ones) and the dashboard over every request, read in one
    go so the strip and the table never disagree."""
    with archive.read() as conn:
        today = requests.today_local(conn)
    every = tuple(user_errors(requests.list_requests, archive, today=today))
    shown = tuple(s for s in every if s.status not in requests.FINISHED) if open_only else every
    year = user_errors(calendar_mod.calendar_year, archive, today.year)
    return PageData(
        today=today,
        time_zone=archive.settings().time_zone,
        summaries=shown,
        dashboard=dashboard(every),
        calendar_year=today.year,
        calendar_confirmed=year.confirmed,
    )


@dataclass(frozen=True)
class DetailData:
    """One request as the panel shows it."""

    detail: RequestDetail
    fees: fees.FeeStatus
    counts: responsive.SetCounts
    member_ids: tuple[int, ...]
    time_zone: str
    today: date


def load_detail(archive: Archive, number: str) -> DetailData:
    detail = user_errors(requests.get_request, archive, number)
    with archive.read() as conn:
        today = requests.today_local(conn)
    return DetailData(
        detail=detail,
        fees=user_errors(fees.fee_status, archive, number),
        counts=user_errors(responsive.responsive_counts, archive, number),
        member_ids=tuple(user_errors(responsive.responsive_ids, archive, number)),
        time_zone=archive.settings().time_zone,
        today=today,
    )


def release_due_holds(archive: Archive) -> int:
    return user_errors(requests.release_due_holds, archive)


def open_requests(archive: Archive) -> list[RequestSummary]:
    """Requests a record can still be added to (the Archive view's "Add to request…")."""
    return user_errors(requests.list_requests, archive, open_only=True)


def write_file(path: Path, data: bytes, what: str) -> Path:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise RequestFailed(f"The {what} cannot be written to {path}: {exc.strerror}.") from exc
    return path


@dataclass(frozen=True)
class SavedLetter:
    info: Any  # model.LetterInfo
    path: Path


def save_letter(
    archive: Archive,
    number: str,
    kind: str,
    *,
    file_format: str,
    sent_on: date | None,
    method: str | None,
    path: Path,
) -> SavedLetter:
    """Write the letter (stored with the request and audited) and save its file at `path`."""
    written = user_errors(
        correspondence.write_letter,
        archive,
        number,
        kind,
        file_format=file_format,
        sent_on=sent_on,
        method=method,
    )
    try:
        path.write_bytes(written.data)
    except OSError as exc:
        # the letter is already stored (and audited): say so, or the user writes it twice
        raise RequestFailed(
            f"The {kind} letter was stored with {number} but cannot be written to {path}:"
            f" {exc.strerror}; save a copy from the Letters list."
        ) from exc
    return SavedLetter(written.info, path)


def resave_letter(archive: Archive, letter_id: int, path: Path) -> Path:
    data = user_errors(correspondence.letter_bytes, archive, letter_id)
    return write_file(path, data, "letter")
