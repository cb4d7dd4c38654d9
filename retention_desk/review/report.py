"""The review report for counsel (XLSX): progress by type, then every candidate with its
decision, who and when, and its context with the part a redaction covers (or would cover)
replaced by `[type]` and every redaction already made on that text by `[redacted CODE]`, so
the report itself never carries an identifier it is about nor what the custodian redacted by
hand. What may stay visible (last four digits, a birth year) is shown as such.

Every value is written as a string cell through `disposal.export_xlsx.safe_text` (formula
starts neutralised, control characters dropped): the context is imported text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.disposal.export_xlsx import _put
from retention_desk.ipra.requests import request_row
from retention_desk.review.errors import ReviewError
from retention_desk.review.model import CandidateInfo
from retention_desk.review.store import (
    CONTEXT_CHARS,
    candidates_in,
    context_of,
    progress_in,
    redaction_spans_in,
    value_of,
)

HEADER = (
    "Candidate",
    "Record",
    "Version",
    "Field",
    "Type",
    "Found by",
    "Code",
    "Decision",
    "Decided by",
    "Decided at (UTC)",
    "Stays visible",
    "Context (redacted part as [type])",
)
WIDTHS = (11, 10, 9, 13, 17, 16, 16, 12, 18, 20, 14, 90)


def masked(
    cand: CandidateInfo,
    value: str,
    others: list[CandidateInfo],
    chars: int = CONTEXT_CHARS,
    redactions: Sequence[tuple[int, int, str]] = (),
) -> str:
    """The window of `value` around `cand` with every candidate's redact ranges on this
    value (its own and its neighbours': a comment holding an SSN and a card shows neither)
    replaced by `[type]`, and every redaction already made on it (a name the custodian
    redacted by hand) by `[redacted CODE]`."""
    spans = sorted(
        [
            (start, end, o.kind.replace("_", " "))
            for o in others
            for start, end in o.redact
            if 0 <= start < end <= len(value)
        ]
        + [
            (start, end, f"redacted {code}")
            for start, end, code in redactions
            if 0 <= start < end <= len(value)
        ]
    )
    first = min([cand.start, *(a for a, _ in cand.redact)])
    last = max([cand.end, *(b for _, b in cand.redact)])
    lo, hi = max(0, first - chars), min(len(value), last + chars)
    out: list[str] = []
    at = lo
    for start, end, kind in spans:
        if end <= at or start >= hi:
            continue
        if start > at:
            out.append(value[at:start])
        out.append(f"[{kind}]")
        at = max(at, end)
    if at < hi:
        out.append(value[at:hi])
    return "…" + "".join(out) + "…"


def write_report(archive: Archive, number: str, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    if path.suffix.lower() != ".xlsx":
        raise ReviewError(
            f"The review report is an Excel workbook: name it .xlsx, not {path.name}."
        )
    with archive.read() as conn:
        row = request_row(conn, number)
        rid, request = int(row[0]), str(row[1])
        progress = progress_in(conn, rid, request)
        cands = candidates_in(conn, rid)
        made = redaction_spans_in(conn, rid, cands)
        same: dict[tuple[int, int | None, str], list[CandidateInfo]] = defaultdict(list)
        for cand in cands:
            same[(cand.record_id, cand.version_id, cand.field)].append(cand)
        items = []
        for cand in cands:
            value = value_of(conn, cand)
            if value is None or cand.end > len(value):
                items.append((cand, None, ""))
                continue
            others = same[(cand.record_id, cand.version_id, cand.field)]
            shown = masked(cand, value, others, redactions=made.get(cand.id, ()))
            items.append((cand, context_of(cand, value), shown))
    wb = Workbook()
    wb.properties.creator = "retention-desk"
    wb.properties.lastModifiedBy = None
    wb.properties.title = f"Redaction review report, request {request}"
    summary = wb.active
    assert summary is not None
    summary.title = "Progress"
    _put(summary, 1, 1, f"Redaction review of request {request}", bold=True)
    _put(summary, 2, 1, f"Written {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}")
    for col, name in enumerate(
        (
            "Type",
            "Candidates",
            "Decided",
            "Accepted",
            "Rejected",
            "Inside an earlier redaction",
            "Undecided",
        ),
        1,
    ):
        _put(summary, 4, col, name, bold=True)
    line = 5
    for k in progress.kinds:
        values = (
            k.kind.replace("_", " "),
            k.total,
            k.decided,
            k.accepted,
            k.rejected,
            k.covered,
            k.undecided,
        )
        for col, value in enumerate(values, 1):
            _put(summary, line, col, value)
        line += 1
    for col, value in enumerate(("all", progress.total, progress.decided), 1):
        _put(summary, line, col, value, bold=True)
    _put(summary, line, 7, progress.undecided, bold=True)
    summary.column_dimensions["A"].width = 22
    sheet = wb.create_sheet("Candidates")
    for col, name in enumerate(HEADER, 1):
        _put(sheet, 1, col, name, bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[col - 1]
    for n, (cand, ctx, shown) in enumerate(items, 2):
        decision = "inside a redaction" if cand.covered else cand.status
        values: tuple[object, ...] = (
            cand.id,
            cand.record_id,
            f"v{cand.version_seq}" if cand.version_seq is not None else "record",
            cand.field.replace("_", " "),
            cand.kind.replace("_", " ") + (" (suggestion)" if cand.suggestion else ""),
            cand.rule,
            cand.code,
            decision + (" (span adjusted)" if cand.adjusted else ""),
            cand.decided_by or "",
            (cand.decided_at or "")[:19].replace("T", " "),
            ctx.visible if ctx is not None else "",
            shown if ctx is not None else "(the record or version is gone)",
        )
        for col, value in enumerate(values, 1):
            _put(sheet, n, col, value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{max(1, len(items) + 1)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
