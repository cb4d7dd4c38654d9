"""What the PDF and XLSX exports both say, as plain strings: one wording for both, so a clerk
and a records administrator read the same report whichever file they open."""

from __future__ import annotations

from retention_desk.disposal.approval import (
    FIELD_WORDS,
    KIND_WORDS,
    STEP_WORDS,
    ApprovalStatus,
)
from retention_desk.disposal.model import DisposalReport
from retention_desk.safetext import printable

UNVERIFIED = "UNVERIFIED"


def plain(value: object, limit: int = 5000) -> str:
    """Imported or typed text on one visible line: controls and escapes shown, not obeyed."""
    return printable(" ".join(str(value).split()), limit=limit)


def verified_word(flag: bool) -> str:
    return "verified" if flag else UNVERIFIED


def title(report: DisposalReport) -> str:
    return f"Disposal report {report.number}"


def heading_lines(report: DisposalReport) -> list[tuple[str, str]]:
    return [
        ("Agency", plain(report.agency_name) or "(agency name not set in Settings)"),
        ("Kind of agency", KIND_WORDS.get(report.agency_kind, plain(report.agency_kind))),
        ("Report number", str(report.number)),
        ("Eligible as of", report.as_of.isoformat()),
        ("Run", f"{report.created_at[:19].replace('T', ' ')} UTC by {plain(report.created_by)}"),
        ("Status", report.status),
        ("Dates are local to", plain(report.time_zone)),
    ]


def intro(report: DisposalReport) -> str:
    return (
        f"This report lists the records whose retention period under the agency's retention"
        f" schedule had run by {report.as_of.isoformat()} and that no legal hold keeps. Nothing"
        f" listed here has been destroyed by this report: destruction needs the approval shown"
        f" at the end. A series marked {UNVERIFIED} rests on a rule or citation nobody has"
        f" checked against its source; the records administrator should confirm it first."
    )


def count_lines(report: DisposalReport) -> list[tuple[str, str]]:
    return [
        ("Eligible records in this report", str(report.records)),
        ("Would be eligible but held (listed below, not in this report)", str(report.held)),
        ("Unclassified (no series; never eligible, excluded)", str(report.unclassified)),
        ("Waiting for an event date (excluded)", str(report.pending_event)),
        ("Permanent (excluded)", str(report.permanent)),
        ("Classified without a creation date (excluded)", str(report.no_date)),
        ("Not yet due on the as-of date (excluded)", str(report.not_yet_due)),
    ]


SERIES_HEADER = (
    "Series",
    "Title",
    "Citation",
    "Retention",
    "Checked",
    "Records",
    "First created",
    "Last created",
)
GROUP_HEADER = ("Series", "Platform", "Account", "Year", "Records", "First created", "Last created")
HELD_HEADER = ("Record id", "Series", "Eligible on", "Held by")
HOLD_HEADER = ("Hold", "Records held")
STEP_HEADER = ("Step", "By", "Title", "Reference", "Date", "Notice mailed", "Attachment")


def series_rows(report: DisposalReport) -> list[tuple[str, ...]]:
    return [
        (
            plain(s.code),
            plain(s.title),
            plain(s.citation) or "(none)",
            plain(s.retention) or "(unknown)",
            verified_word(s.verified)
            + (f": {plain(s.verified_note)}" if s.verified_note and not s.verified else ""),
            str(s.records),
            s.first_created or "",
            s.last_created or "",
        )
        for s in report.series
    ]


def group_rows(report: DisposalReport) -> list[tuple[str, ...]]:
    return [
        (
            plain(g.series_code),
            plain(g.platform),
            plain(g.account) or "(no account)",
            g.year or "(no date)",
            str(g.records),
            g.first_created or "",
            g.last_created or "",
        )
        for g in report.groups
    ]


def hold_rows(report: DisposalReport) -> list[tuple[str, ...]]:
    return [(plain(h.name), str(h.records)) for h in report.holds]


def held_rows(report: DisposalReport) -> list[tuple[str, ...]]:
    return [
        (str(h.record_id), plain(h.series_code), h.eligible_on, "; ".join(map(plain, h.hold_names)))
        for h in report.held_records
    ]


def unclassified_sentence(report: DisposalReport) -> str:
    return (
        f"{report.unclassified} record(s) have no series in the schedule (unclassified). They"
        " are never eligible and are not in this report; classify them to include them later."
    )


def approval_lines(status: ApprovalStatus) -> list[str]:
    rule = status.rule
    lines = [
        f"Rule for {KIND_WORDS.get(rule.kind, plain(rule.kind))}: {plain(rule.citation)}"
        f" ({verified_word(rule.verified)}). {plain(rule.rule)}",
    ]
    for step in rule.steps:
        needs = ", ".join(FIELD_WORDS[f] for f in step.requires)
        lines.append(
            f"Required: {STEP_WORDS[step.step]} from {plain(step.who)} ({plain(step.citation)},"
            f" {verified_word(step.verified)}); needs {needs}."
            + (f" {plain(step.note)}" if step.note else "")
        )
    if rule.wait_days:
        lines.append(
            f"Destruction waits {rule.wait_days} days after the notice date"
            + ("" if rule.wait_from_verified else f" (counting from mailing: {UNVERIFIED})")
            + "."
        )
    if status.complete:
        lines.append("Approval status: complete; destruction is allowed.")
    else:
        lines.append("Approval status: not complete.")
        lines.extend(f"Missing: {plain(m)}" for m in status.missing)
    if status.earliest_destruction is not None:
        lines.append(f"Earliest destruction: {status.earliest_destruction.isoformat()}.")
    return lines


def step_rows(status: ApprovalStatus) -> list[tuple[str, ...]]:
    return [
        (
            STEP_WORDS.get(s.step, s.step),
            plain(s.by_name),
            plain(s.title),
            plain(s.reference),
            s.decided_on.isoformat() if s.decided_on else "",
            s.notice_sent.isoformat() if s.notice_sent else "",
            plain(s.attachment_name or "")
            + (f" (SHA-256 {s.attachment_sha256})" if s.attachment_sha256 else ""),
        )
        for s in status.steps
    ]
