"""Disposal: reports of what may be destroyed, and their approval. Headless.

Part A (this package's report, store, approval and export modules) finds what is eligible and
records the approval the agency's law requires; part B (`destroy*`, `certificate*`,
`registry*` modules) destroys an approved report's records and certifies it. The CLI
(`retention-desk disposal ...`) and the GUI call exactly these functions.

Public API (plain dataclasses; stable, part B and the GUI build on it):

- `run_report(archive, as_of: date, created_by=None) -> DisposalReport`: every record eligible
  on `as_of` (classified `dated`, `eligible_on <= as_of`, no hold in force), saved as a draft
  with a new number. Grouped by series, account and local year with counts and first/last
  local creation dates; each series with its citation, retention in words and verified flag
  as the schedule said then; records that would be eligible but are held listed apart with
  the holds' names; unclassified, pending-event, permanent and not-yet-due counted, excluded.
- `load_report(archive, number) -> DisposalReport`, `list_reports(archive) -> [ReportInfo]`,
  `cancel_report(archive, number)`.
- `record_approval(archive, number, *, by, title="", reference="", on=None, notice_sent=None,
  attachment=None) -> ApprovalStatus` and `record_consent(archive, number, *, by, title,
  on=None, attachment=None) -> ApprovalStatus`: one step each, audited.
- `approval_status(archive, number, today=None) -> ApprovalStatus` (`complete`, `missing`:
  one sentence per missing item, `earliest_destruction`). Part B refuses destruction unless
  `complete`; inside its own transaction it calls `status_in(conn, number)`.
- `export_pdf(archive, number, path)`, `export_xlsx(archive, number, path)`.
- Errors: `DisposalError(ValueError)`, one sentence for the user; `.item` names the missing
  input (`by`, `title`, `reference`, `date`, `notice_sent`, `attachment`, `as_of`, `report`).

Tables (migration 0009), for part B:
- `disposal_reports(id = number, as_of, created_at, created_by, status, status_at,
  agency_kind, records, held, unclassified, pending_event, permanent, summary_json)`; status
  draft -> approved (all steps recorded) -> destroying -> destroyed, or cancelled; part B moves
  it with `store.set_status(conn, number, status)` in its own write transaction and audits.
- `disposal_report_records(report_id, record_id, series_code, eligible_on, leaf)`: the snapshot;
  `leaf` is the record's latest salted seal leaf from `seal_log` when the report ran (NULL only
  for a record never sealed). No foreign key to `records`: it outlives destruction.
  `store.report_record_ids(conn, number)` lists the ids.
- `disposal_report_held(report_id, record_id, series_code, eligible_on, hold_ids)`.
- `disposal_approvals(...)`: `attachment_sha256` names a blob in the archive's blob store
  (so `verify` re-hashes it). Any purge of unreferenced blobs must keep these.

Audit rows (`disposal.report`, `disposal.approval|consent|notice|local`, `disposal.cancel`)
carry the report number, row ids and counts only: names, titles, references and hold names
live in the disposal tables.
"""

from retention_desk.disposal.approval import (
    ApprovalRule,
    ApprovalStatus,
    ApprovalStep,
    StepRule,
    approval_status,
    load_rules,
    record_approval,
    record_consent,
    rule_for,
    status_in,
)
from retention_desk.disposal.errors import DisposalError
from retention_desk.disposal.export_pdf import export_pdf
from retention_desk.disposal.export_xlsx import export_xlsx
from retention_desk.disposal.model import (
    DisposalReport,
    HeldRecord,
    HoldCount,
    ReportGroup,
    SeriesLine,
)
from retention_desk.disposal.report import run_report
from retention_desk.disposal.store import (
    ReportInfo,
    cancel_report,
    list_reports,
    load_report,
)

__all__ = [
    "ApprovalRule",
    "ApprovalStatus",
    "ApprovalStep",
    "DisposalError",
    "DisposalReport",
    "HeldRecord",
    "HoldCount",
    "ReportGroup",
    "ReportInfo",
    "SeriesLine",
    "StepRule",
    "approval_status",
    "cancel_report",
    "export_pdf",
    "export_xlsx",
    "list_reports",
    "load_report",
    "load_rules",
    "record_approval",
    "record_consent",
    "rule_for",
    "run_report",
    "status_in",
]
