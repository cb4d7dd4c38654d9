"""`retention-desk disposal report [--as-of DATE] [--pdf FILE] [--xlsx FILE] [--json] | list |
show REPORT | approve REPORT --by NAME [...] | consent REPORT --by NAME --title TITLE [...] |
status REPORT`: disposal reports and their approval (retention_desk/disposal).

Destruction and its certificate (`destroy`, `certificate`) belong to another module: when
`retention_desk/cli/disposal_destroy.py` exists, its `register(actions)` adds them to the same
`disposal` subcommand parser, so the two halves never edit one file.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retention_desk.archive.store import Archive
from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import parse_day, text
from retention_desk.disposal import (
    ApprovalStatus,
    DisposalError,
    DisposalReport,
    approval_status,
    export_pdf,
    export_xlsx,
    list_reports,
    load_report,
    record_approval,
    record_consent,
    run_report,
)
from retention_desk.disposal.approval import KIND_WORDS, STEP_WORDS
from retention_desk.disposal.report import local_today

DESTROY_MODULE = "retention_desk.cli.disposal_destroy"
OPTIONS = {
    "by": "--by",
    "title": "--title",
    "reference": "--reference",
    "date": "--date",
    "notice_sent": "--notice-sent",
    "attachment": "--attach",
    "as_of": "--as-of",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "disposal", help="disposal reports and their approval: report, list, show, approve…"
    )
    actions = p.add_subparsers(dest="disposal_action", metavar="ACTION", required=True)
    rep = actions.add_parser(
        "report",
        help="save a report of every record eligible for destruction (audited)",
        description="Records held by a hold in force are listed apart; unclassified records"
        " are counted and excluded.",
    )
    rep.add_argument("--as-of", metavar="DATE", help="eligible on this date (default today)")
    rep.add_argument("--pdf", metavar="FILE", help="also write the report as PDF")
    rep.add_argument("--xlsx", metavar="FILE", help="also write the report as XLSX")
    rep.add_argument("--json", action="store_true", help="machine-readable output")
    rep.set_defaults(func=run_report_cmd)
    ls = actions.add_parser("list", help="saved disposal reports, newest first")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    show = actions.add_parser("show", help="one saved report with its approval status")
    show.add_argument("report", metavar="REPORT", help="report number")
    show.add_argument("--pdf", metavar="FILE", help="also write the report as PDF")
    show.add_argument("--xlsx", metavar="FILE", help="also write the report as XLSX")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)
    app = actions.add_parser(
        "approve",
        help="record the approval the agency kind requires (audited)",
        description="State agency: the records administrator's approval (--reference, --date,"
        " --attach the signed form). County: the notice mailed to the administrator"
        " (--notice-sent, --attach the mail receipt). Municipality or other: the approving"
        " official (--date).",
    )
    app.add_argument("report", metavar="REPORT", help="report number")
    app.add_argument("--by", metavar="NAME", required=True, help="who approved or sent notice")
    app.add_argument("--title", metavar="TITLE", default="", help="their title")
    app.add_argument("--reference", metavar="REF", default="", help="approval reference")
    app.add_argument("--date", metavar="DATE", help="date of the approval (default today)")
    app.add_argument("--notice-sent", metavar="DATE", help="date the notice was mailed (county)")
    app.add_argument("--attach", metavar="FILE", help="signed form or mail receipt")
    app.add_argument("--json", action="store_true", help="machine-readable output")
    app.set_defaults(func=run_approve)
    con = actions.add_parser(
        "consent", help="record the custodian's consent (state agencies; audited)"
    )
    con.add_argument("report", metavar="REPORT", help="report number")
    con.add_argument("--by", metavar="NAME", required=True, help="who consented")
    con.add_argument("--title", metavar="TITLE", required=True, help="their title")
    con.add_argument("--date", metavar="DATE", help="date of the consent (default today)")
    con.add_argument("--attach", metavar="FILE", help="the signed consent")
    con.add_argument("--json", action="store_true", help="machine-readable output")
    con.set_defaults(func=run_consent)
    st = actions.add_parser("status", help="what a report still needs before destruction")
    st.add_argument("report", metavar="REPORT", help="report number")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.set_defaults(func=run_status)
    # part B's destroy/certificate subcommands, when that module is installed
    if importlib.util.find_spec(DESTROY_MODULE) is not None:
        importlib.import_module(DESTROY_MODULE).register(actions)


@contextmanager
def disposal_errors() -> Iterator[None]:
    """DisposalError as the one-line CLI error, naming the option to give."""
    try:
        yield
    except DisposalError as exc:
        message = text(exc)
        option = OPTIONS.get(exc.item or "")
        if option and exc.missing:
            message = f"{message.rstrip('.')}; give it with {option}."
        raise CliError(message) from None


def report_number(value: str) -> int:
    typed = value.strip().lstrip("#")
    if not typed.isdigit():
        raise CliError(f"report '{text(value)}' is not a report number.")
    return int(typed)


def report_dict(report: DisposalReport) -> dict[str, Any]:
    return {
        "report": report.number,
        "as_of": report.as_of.isoformat(),
        "status": report.status,
        "created_at": report.created_at,
        "created_by": report.created_by,
        "agency_kind": report.agency_kind,
        "agency_name": report.agency_name,
        "records": report.records,
        "held": report.held,
        "unclassified": report.unclassified,
        "pending_event": report.pending_event,
        "permanent": report.permanent,
        "no_date": report.no_date,
        "not_yet_due": report.not_yet_due,
        "series": list(report.series),
        "groups": list(report.groups),
        "holds": list(report.holds),
        "held_records": list(report.held_records),
    }


def status_dict(status: ApprovalStatus) -> dict[str, Any]:
    return {
        "report": status.report,
        "agency_kind": status.agency_kind,
        "complete": status.complete,
        "missing": status.missing,
        "earliest_destruction": status.earliest_destruction,
        "citation": status.rule.citation,
        "verified": status.rule.verified,
        "steps": status.steps,
    }


def _exports(archive: Archive, number: int, args: argparse.Namespace) -> dict[str, str]:
    written: dict[str, str] = {}
    if args.pdf:
        written["pdf"] = str(export_pdf(archive, number, Path(args.pdf).expanduser()))
    if args.xlsx:
        written["xlsx"] = str(export_xlsx(archive, number, Path(args.xlsx).expanduser()))
    return written


def _print_report(report: DisposalReport) -> None:
    print(
        f"Disposal report {report.number} ({report.status}), eligible as of"
        f" {report.as_of.isoformat()}: {report.records} record(s) in"
        f" {sum(1 for s in report.series if s.records)} series."
    )
    for s in report.series:
        if s.records:
            flag = "" if s.verified else " (UNVERIFIED)"
            print(
                f"  {text(s.code)}{flag}: {s.records} record(s), created"
                f" {s.first_created or '?'} to {s.last_created or '?'}; {text(s.retention)}"
                f" ({text(s.citation) or 'no citation'})"
            )
    if report.held:
        names = ", ".join(f"'{text(h.name)}' ({h.records})" for h in report.holds)
        print(f"Held, not in the report: {report.held} record(s), by {names}.")
    print(
        f"Excluded: {report.unclassified} unclassified, {report.pending_event} waiting for an"
        f" event date, {report.permanent} permanent, {report.not_yet_due} not yet due."
    )


def _print_status(status: ApprovalStatus) -> None:
    flag = "" if status.rule.verified else " (UNVERIFIED)"
    print(
        f"Approval for {KIND_WORDS.get(status.agency_kind, status.agency_kind)}:"
        f" {text(status.rule.citation)}{flag}."
    )
    for rule in status.rule.steps:
        flag = "" if rule.verified else " (UNVERIFIED)"
        print(f"  needs: {STEP_WORDS[rule.step]} from {text(rule.who)}{flag}")
    for step in status.steps:
        when = step.decided_on or step.notice_sent
        print(
            f"  recorded: {STEP_WORDS.get(step.step, step.step)} by {text(step.by_name)}"
            + (f", {text(step.title)}" if step.title else "")
            + (f", ref. {text(step.reference)}" if step.reference else "")
            + (f", {when.isoformat()}" if when else "")
            + (f", attached {text(step.attachment_name)}" if step.attachment_name else "")
        )
    if status.complete:
        print("Complete: destruction is allowed.")
    else:
        for line in status.missing:
            print(f"  missing: {text(line)}")
    if status.earliest_destruction is not None:
        print(f"Earliest destruction: {status.earliest_destruction.isoformat()}.")


def run_report_cmd(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, disposal_errors():
        if args.as_of:
            as_of = parse_day(args.as_of, "--as-of")
        else:
            with archive.read() as conn:
                as_of = local_today(conn)
        report = run_report(archive, as_of)
        written = _exports(archive, report.number, args)
    if args.json:
        print_json({**report_dict(report), **written})
        return 0
    _print_report(report)
    for kind, path in written.items():
        print(f"Wrote {kind.upper()}: {text(path)}")
    print(f"Next: retention-desk disposal approve {report.number} --by NAME …")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        reports = list_reports(archive)
    if args.json:
        print_json(
            [
                {"report": r.number, **{k: v for k, v in vars(r).items() if k != "number"}}
                for r in reports
            ]
        )
        return 0
    if not reports:
        print("No disposal reports yet: run 'retention-desk disposal report'.")
        return 0
    for r in reports:
        print(
            f"{r.number:>4}  as of {r.as_of.isoformat()}  {r.status:<10}  {r.records} record(s),"
            f" {r.held} held  ({r.agency_kind}; run {r.created_at[:10]} by {text(r.created_by)})"
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    number = report_number(args.report)
    with open_archive(args) as archive, disposal_errors():
        report = load_report(archive, number)
        status = approval_status(archive, number)
        written = _exports(archive, number, args)
    if args.json:
        print_json({**report_dict(report), "approval": status_dict(status), **written})
        return 0
    _print_report(report)
    _print_status(status)
    for kind, path in written.items():
        print(f"Wrote {kind.upper()}: {text(path)}")
    return 0


def _attachment(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


def run_approve(args: argparse.Namespace) -> int:
    number = report_number(args.report)
    on = parse_day(args.date, "--date") if args.date else None
    sent = parse_day(args.notice_sent, "--notice-sent") if args.notice_sent else None
    with open_archive(args) as archive, disposal_errors():
        status = record_approval(
            archive,
            number,
            by=args.by,
            title=args.title,
            reference=args.reference,
            on=on,
            notice_sent=sent,
            attachment=_attachment(args.attach),
        )
    return _after_step(args, status)


def run_consent(args: argparse.Namespace) -> int:
    number = report_number(args.report)
    on = parse_day(args.date, "--date") if args.date else None
    with open_archive(args) as archive, disposal_errors():
        status = record_consent(
            archive,
            number,
            by=args.by,
            title=args.title,
            on=on,
            attachment=_attachment(args.attach),
        )
    return _after_step(args, status)


def _after_step(args: argparse.Namespace, status: ApprovalStatus) -> int:
    if args.json:
        print_json(status_dict(status))
        return 0
    print(f"Recorded for report {status.report} (in the audit trail).")
    _print_status(status)
    return 0


def run_status(args: argparse.Namespace) -> int:
    number = report_number(args.report)
    with open_archive(args) as archive, disposal_errors():
        status = approval_status(archive, number)
    if args.json:
        print_json(status_dict(status))
        return 0
    _print_status(status)
    return 0
