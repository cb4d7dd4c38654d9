"""Worker-side calls for the Disposal page: the disposal API, shaped for the task runner.

No Qt here. The task runner shows `ArchiveError` messages as they are and calls anything
else an unexpected error, while the disposal API raises `DisposalError` (a ValueError) with a
sentence written for the user; `user_errors` turns one into the other, as the Retention
page's ops do for `RetentionError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from retention_desk import disposal
from retention_desk.archive import Archive, ArchiveError
from retention_desk.disposal import certificate as certificate_mod
from retention_desk.disposal import destroy as destroy_mod
from retention_desk.disposal.report import local_today
from retention_desk.ipra.requests import open_request_count

T = TypeVar("T")
Progress = Callable[[int, int, str], None]


class DisposalFailed(ArchiveError):
    """A DisposalError carried through the task runner; its text is the user's sentence."""


def user_errors(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except disposal.DisposalError as exc:
        raise DisposalFailed(str(exc)) from exc


@dataclass(frozen=True)
class PageData:
    """The list on the left and what the archive's agency kind requires."""

    agency_kind: str
    today: date  # the agency's local date (the default as-of date)
    rule: disposal.ApprovalRule | None  # None for a kind the rules file does not know
    reports: tuple[disposal.ReportInfo, ...]
    detail: ReportDetail | None  # the selected report (the newest when none was chosen)


@dataclass(frozen=True)
class ReportDetail:
    """One report as the page shows it: the saved report, what its approval still needs,
    what destruction would take now, and what it has destroyed so far."""

    report: disposal.DisposalReport
    status: disposal.ApprovalStatus
    to_destroy: int  # records without a tombstone yet (what the confirmation names)
    refusal: str  # why destruction would be refused now ('' when it would not)
    copies: tuple[str, ...]  # backups the audit trail knows were made: they hold the records
    result: destroy_mod.DestructionResult | None  # None before any destruction run
    # IPRA requests not finished: records responsive to them but not yet in their sets are
    # not held, so the confirmation says so
    open_requests: int = 0


def load_page(archive: Archive, selected: int | None = None) -> PageData:
    """The report list and the selected report's detail (the newest report when `selected`
    is None or no longer listed), in one load so they never disagree."""
    kind = archive.settings().agency_kind
    with archive.read() as conn:
        today = local_today(conn)
    try:
        rule: disposal.ApprovalRule | None = user_errors(disposal.rule_for, kind)
    except DisposalFailed:
        rule = None  # the panel says the kind has no rule; reports still list
    reports = tuple(user_errors(disposal.list_reports, archive))
    numbers = [r.number for r in reports]
    if selected not in numbers:
        selected = numbers[0] if numbers else None
    detail = load_detail(archive, selected) if selected is not None else None
    return PageData(kind, today, rule, reports, detail)


def load_detail(archive: Archive, number: int) -> ReportDetail:
    report = user_errors(disposal.load_report, archive, number)
    status = user_errors(disposal.approval_status, archive, number)
    try:
        # refuses (one sentence) what `destroy` would refuse, so nobody confirms a refusal
        to_destroy, refusal = destroy_mod.count_to_destroy(archive, number), ""
    except disposal.DisposalError as exc:
        to_destroy, refusal = 0, str(exc)
    with archive.read() as conn:
        copies = tuple(destroy_mod.known_copies(conn))
    result = user_errors(destroy_mod.destruction_result, archive, number)
    return ReportDetail(
        report,
        status,
        to_destroy,
        refusal,
        copies,
        result if result.started else None,
        open_request_count(archive),
    )


def run_report(archive: Archive, as_of: date) -> disposal.DisposalReport:
    return user_errors(disposal.run_report, archive, as_of)


@dataclass(frozen=True)
class StepRequest:
    """What the approval or consent dialog collected (`command`: approve | consent)."""

    command: str
    by: str
    title: str
    reference: str
    on: date | None
    notice_sent: date | None
    attachment: Path | None


def record_step(archive: Archive, number: int, request: StepRequest) -> disposal.ApprovalStatus:
    if request.command == "consent":
        return user_errors(
            disposal.record_consent,
            archive,
            number,
            by=request.by,
            title=request.title,
            on=request.on,
            attachment=request.attachment,
        )
    return user_errors(
        disposal.record_approval,
        archive,
        number,
        by=request.by,
        title=request.title,
        reference=request.reference,
        on=request.on,
        notice_sent=request.notice_sent,
        attachment=request.attachment,
    )


def cancel_report(archive: Archive, number: int) -> disposal.DisposalReport:
    return user_errors(disposal.cancel_report, archive, number)


def export(archive: Archive, number: int, kind: str, path: Path) -> Path:
    """Write the report as `kind` ('pdf' or 'xlsx') to `path`."""
    fn = disposal.export_pdf if kind == "pdf" else disposal.export_xlsx
    try:
        return user_errors(fn, archive, number, path)
    except OSError as exc:
        # the exporters replace the file in place; a full disk or a read-only folder
        # surfaces here rather than as a DisposalError
        raise DisposalFailed(f"The report cannot be written to {path}: {exc.strerror}.") from exc


def destroy_report(
    archive: Archive,
    number: int,
    *,
    progress: Progress,
    cancel: threading.Event,
    batch_size: int = destroy_mod.BATCH_SIZE,
) -> destroy_mod.DestructionResult:
    """Destroy the report's records; a cancel between batches returns a result with
    `cancelled` set (what was destroyed stays destroyed), not an exception."""
    return user_errors(
        destroy_mod.destroy,
        archive,
        number,
        progress=progress,
        cancel=cancel,
        batch_size=batch_size,
    )


def save_certificate(archive: Archive, number: int, path: Path) -> certificate_mod.Certificate:
    return user_errors(certificate_mod.export_certificate, archive, number, path)
