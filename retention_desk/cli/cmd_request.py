"""`retention-desk request ...`: the IPRA request desk from the command line.

`new` logs a request and prints its number; `list`, `show` and `due` read the log with each
clock's due date and state; `ack`, `burdensome`, `deny`, `forward`, `fulfil`, `withdraw` and
`close` record the steps that stop the clocks; `add-records`, `remove-records` and `rerun` keep
the responsive set (held while the request is open); `letter` writes a letter as PDF or DOCX
and keeps it with the request; `fee`, `pay` and `time` keep fees, payments and staff time;
`export-log` writes the request log as XLSX. The same functions drive the Requests page.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.request_text import (
    add_step_options,
    day_or_none,
    desk_errors,
    detail_json,
    detail_lines,
    list_line,
    parse_when,
    summary_json,
)
from retention_desk.cli.retention_text import add_record_option, record_ids, text
from retention_desk.ipra import correspondence, fees, requests, responsive
from retention_desk.ipra.letters.context import LETTER_KINDS
from retention_desk.ipra.model import VIA, RequestDetail
from retention_desk.safetext import printable

_VIA_HELP = "|".join(VIA)


def register(sub: Any) -> None:
    p = sub.add_parser("request", help="IPRA requests: log, clocks, responsive records, letters")
    actions = p.add_subparsers(dest="request_action", metavar="ACTION", required=True)

    new = actions.add_parser(
        "new",
        help="log a request received by the custodian's office (prints its number)",
        description="The three-business-day period starts when the custodian's office"
        " receives the request (14-2-8(D)). A written request lacking the requester's name,"
        " address or telephone is logged and flagged (14-2-8(C)); oral requests carry no"
        " statutory clock (14-2-8(A)).",
    )
    new.add_argument("--received", metavar="DATETIME", required=True, help="YYYY-MM-DD HH:MM")
    new.add_argument("--via", metavar="HOW", required=True, help=_VIA_HELP)
    new.add_argument("--name", metavar="NAME", required=True, help="the requester ('' if none)")
    new.add_argument("--organisation", "--organization", metavar="O", default="")
    new.add_argument("--address", metavar="A", default="")
    new.add_argument("--phone", metavar="P", default="")
    new.add_argument("--email", metavar="E", default="")
    new.add_argument("--description", metavar="TEXT", required=True, help="as the request says")
    new.add_argument(
        "--electronic-copies", action="store_true", help="electronic copies asked for (14-2-9(B))"
    )
    new.add_argument("--custodian", metavar="NAME", default="", help="assigned custodian")
    new.add_argument("--notes", metavar="TEXT", default="")
    new.add_argument("--json", action="store_true", help="machine-readable output")
    new.set_defaults(func=run_new)

    ls = actions.add_parser("list", help="the request log with each request's clock state")
    ls.add_argument("--open", action="store_true", help="only requests not finished")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)

    show = actions.add_parser("show", help="one request: particulars, clocks, timeline, letters")
    show.add_argument("number", metavar="NUMBER")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)

    due = actions.add_parser("due", help="open requests with each clock's due date and state")
    due.add_argument("--json", action="store_true", help="machine-readable output")
    due.set_defaults(func=run_due)

    ack = actions.add_parser(
        "ack", help="record the three-day letter (14-2-8(D)): when records will be available"
    )
    add_step_options(ack)
    ack.add_argument("--available", metavar="DATE", help="the day the records will be available")
    ack.set_defaults(func=run_ack)

    burden = actions.add_parser(
        "burdensome", help="record the notice that the request is excessively burdensome (14-2-10)"
    )
    add_step_options(burden)
    burden.add_argument(
        "--until", metavar="DATE", required=True, help="end of the additional time needed"
    )
    burden.add_argument("--reason", metavar="TEXT", default="")
    burden.set_defaults(func=run_burdensome)

    deny = actions.add_parser(
        "deny",
        help="record a written denial (14-2-11(B): names and titles of each person responsible)",
    )
    add_step_options(deny)
    deny.add_argument(
        "--responsible",
        metavar="NAME, TITLE",
        action="append",
        default=[],
        required=True,
        help="a person responsible for the denial and their title or position (repeat)",
    )
    deny.add_argument(
        "--exception",
        metavar="CITATION",
        action="append",
        default=[],
        required=True,
        help="the exception relied on, e.g. 'NMSA 1978, 14-2-1(D)' (repeat)",
    )
    deny.add_argument("--records", metavar="TEXT", default="", help="the records denied")
    deny.add_argument("--partial", action="store_true", help="part of the request is denied")
    deny.set_defaults(func=run_deny)

    fwd = actions.add_parser(
        "forward", help="forward a request sent to the wrong office, with the 14-2-8(E) notice"
    )
    add_step_options(fwd)
    fwd.add_argument("--to-name", metavar="NAME", required=True, help="receiving custodian")
    fwd.add_argument("--to-address", metavar="ADDRESS", required=True)
    fwd.add_argument("--reason", metavar="TEXT", required=True)
    fwd.add_argument("--location", metavar="TEXT", default="", help="where the records are")
    fwd.set_defaults(func=run_forward)

    ful = actions.add_parser("fulfil", aliases=["fulfill"], help="records made available")
    add_step_options(ful)
    ful.add_argument("--partial", action="store_true", help="part of the records")
    ful.add_argument("--note", metavar="TEXT", default="")
    ful.set_defaults(func=run_fulfil)

    wd = actions.add_parser("withdraw", help="the requester withdrew the request")
    add_step_options(wd, method=False)
    wd.add_argument("--note", metavar="TEXT", default="")
    wd.set_defaults(func=run_withdraw)

    cl = actions.add_parser(
        "close", help="close the request (its hold is released after the agency's period)"
    )
    add_step_options(cl, method=False)
    cl.add_argument("--note", metavar="TEXT", default="")
    cl.set_defaults(func=run_close)

    prog = actions.add_parser("progress", help="mark the request in progress")
    add_step_options(prog, method=False)
    prog.set_defaults(func=run_progress)

    upd = actions.add_parser(
        "update",
        help="change the requester's particulars, description, custodian, notes, medium or"
        " the electronic-copies / advance-payment flags (audited by field name)",
    )
    upd.add_argument("number", metavar="NUMBER")
    upd.add_argument("--name", dest="requester_name", metavar="NAME")
    upd.add_argument("--organisation", "--organization", dest="requester_organisation")
    upd.add_argument("--address", dest="requester_address")
    upd.add_argument("--phone", dest="requester_phone")
    upd.add_argument("--email", dest="requester_email")
    upd.add_argument("--description", metavar="TEXT")
    upd.add_argument("--custodian", metavar="NAME")
    upd.add_argument("--notes", metavar="TEXT")
    upd.add_argument("--medium", choices=("paper", "electronic"))
    upd.add_argument("--electronic-copies", choices=("yes", "no"))
    upd.add_argument(
        "--advance-payment", choices=("yes", "no"), help="payment required before copies"
    )
    upd.add_argument("--json", action="store_true", help="machine-readable output")
    upd.set_defaults(func=run_update)

    add = actions.add_parser(
        "add-records", help="add records to the responsive set by search or by id (held)"
    )
    add.add_argument("number", metavar="NUMBER")
    add.add_argument("--query", metavar="Q", help="search-language query (saved, re-runnable)")
    add_record_option(add, "record ids to add (several may follow)")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=run_add_records)

    rm = actions.add_parser("remove-records", help="take records out of the set, with a reason")
    rm.add_argument("number", metavar="NUMBER")
    add_record_option(rm, "record ids to remove")
    rm.add_argument("--reason", metavar="TEXT", required=True)
    rm.add_argument("--json", action="store_true", help="machine-readable output")
    rm.set_defaults(func=run_remove_records)

    rerun = actions.add_parser("rerun", help="run the saved searches again (later imports)")
    rerun.add_argument("number", metavar="NUMBER")
    rerun.add_argument("--json", action="store_true", help="machine-readable output")
    rerun.set_defaults(func=run_rerun)

    letter = actions.add_parser(
        "letter", help="write a letter as PDF or DOCX and keep it with the request"
    )
    letter.add_argument("number", metavar="NUMBER")
    letter.add_argument("kind", metavar="KIND", choices=LETTER_KINDS, help="|".join(LETTER_KINDS))
    out = letter.add_mutually_exclusive_group(required=True)
    out.add_argument("--pdf", metavar="FILE", type=Path)
    out.add_argument("--docx", metavar="FILE", type=Path)
    letter.add_argument("--sent", metavar="DATE", help="the day it is sent (default today)")
    letter.add_argument("--method", metavar="M", help="email, web, mail, hand or fax")
    letter.add_argument("--json", action="store_true", help="machine-readable output")
    letter.set_defaults(func=run_letter)

    fee = actions.add_parser("fee", help="add a fee line (14-2-9(C)) and print the estimate")
    fee.add_argument("number", metavar="NUMBER")
    fee.add_argument("kind", metavar="KIND", choices=tuple(fees.FEE_KINDS))
    fee.add_argument("--pages", type=int, default=1, help="pages (kind pages) or quantity")
    fee.add_argument("--amount", metavar="DOLLARS", help="actual cost (media, mailing, other)")
    fee.add_argument("--description", metavar="TEXT", default="")
    fee.add_argument("--json", action="store_true", help="machine-readable output")
    fee.set_defaults(func=run_fee)

    pay = actions.add_parser("pay", help="record a payment; prints the receipt number")
    pay.add_argument("number", metavar="NUMBER")
    pay.add_argument("amount", metavar="DOLLARS")
    pay.add_argument("--method", default="cash", choices=fees.PAYMENT_METHODS)
    pay.add_argument("--on", metavar="DATE")
    pay.add_argument("--json", action="store_true", help="machine-readable output")
    pay.set_defaults(func=run_pay)

    tm = actions.add_parser("time", help="log staff time on a request (never billed)")
    tm.add_argument("number", metavar="NUMBER")
    tm.add_argument("minutes", metavar="MINUTES", type=int)
    tm.add_argument("activity", metavar="ACTIVITY")
    tm.add_argument("--on", metavar="DATE")
    tm.set_defaults(func=run_time)

    fdue = actions.add_parser(
        "files-due",
        help="request files whose retention (series PRR, 1.21.2.519 NMAC) has run",
    )
    fdue.add_argument("--json", action="store_true", help="machine-readable output")
    fdue.set_defaults(func=run_files_due)
    fdel = actions.add_parser(
        "destroy-file",
        help="destroy an eligible request file (letters, particulars, notes; audited)",
    )
    fdel.add_argument("number", metavar="NUMBER")
    fdel.add_argument("--reference", metavar="TEXT", required=True, help="the approval")
    fdel.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    fdel.set_defaults(func=run_destroy_file)

    log = actions.add_parser("export-log", help="the request log as XLSX (annual reports)")
    log.add_argument("out", metavar="FILE", type=Path)
    log.add_argument("--year", type=int, help="only requests received in this year")
    log.set_defaults(func=run_export_log)


def _print_detail(detail: RequestDetail, as_json: bool, headline: str | None = None) -> int:
    if as_json:
        print_json(detail_json(detail))
        return 0
    if headline:
        print(headline)
    for line in detail_lines(detail):
        print(line)
    return 0


def run_new(args: argparse.Namespace) -> int:
    when = parse_when(args.received)
    with open_archive(args) as archive, desk_errors():
        detail = requests.new_request(
            archive,
            received_at=when,
            via=args.via,
            name=args.name,
            organisation=args.organisation,
            address=args.address,
            phone=args.phone,
            email=args.email,
            description=args.description,
            electronic_copies=args.electronic_copies,
            custodian=args.custodian,
            notes=args.notes,
        )
    if args.json:
        print_json(detail_json(detail))
        return 0
    print(detail.number)
    for flag in detail.summary.flags:
        print(f"! {text(flag)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        requests.release_due_holds(archive)
        rows = requests.list_requests(archive, open_only=args.open)
    if args.json:
        print_json([summary_json(r) for r in rows])
        return 0
    if not rows:
        print("No requests.")
    for row in rows:
        print(list_line(row))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.get_request(archive, args.number)
    return _print_detail(detail, args.json)


def run_due(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        requests.release_due_holds(archive)
        rows = [r for r in requests.list_requests(archive, open_only=True)]
    order = {"deemed_denied": 0, "overdue": 1, "due_today": 2, "due_soon": 3, "on_time": 4}
    rows.sort(key=lambda r: (order.get(r.state, 9), r.due or r.received_on, r.number))
    if args.json:
        print_json([summary_json(r) for r in rows])
        return 0
    if not rows:
        print("No open requests.")
    total = sum(r.clocks.exposure_cents for r in rows)
    for row in rows:
        print(list_line(row))
        for clock in row.clocks.clocks:
            if clock.state in ("on_time", "due_today", "due_soon", "overdue"):
                print(f"    {clock.label}: due {clock.due} ({clock.state}) {clock.citation}")
    if total:
        print(f"Running damages exposure (14-2-11(C), up to): {fees.dollars(total)}")
    return 0


def _day(args: argparse.Namespace) -> Any:
    return day_or_none(getattr(args, "on", None), "date")


def run_ack(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.acknowledge(
            archive,
            args.number,
            available_on=day_or_none(args.available, "available date"),
            on=_day(args),
            method=args.method,
        )
    return _print_detail(detail, args.json, f"{detail.number}: acknowledgment recorded.")


def run_burdensome(args: argparse.Namespace) -> int:
    until = day_or_none(args.until, "until date")
    assert until is not None
    with open_archive(args) as archive, desk_errors():
        detail = requests.mark_burdensome(
            archive, args.number, until=until, on=_day(args), method=args.method, reason=args.reason
        )
    return _print_detail(detail, args.json, f"{detail.number}: burdensome notice recorded.")


def _people(values: list[str]) -> list[tuple[str, str]]:
    people = []
    for value in values:
        name, sep, title = value.partition(",")
        if not sep or not name.strip() or not title.strip():
            raise CliError(
                f"--responsible {printable(value)!r} must be 'NAME, TITLE' (14-2-11(B) asks for"
                " the name and title or position of each person responsible)."
            )
        people.append((name.strip(), title.strip()))
    return people


def run_deny(args: argparse.Namespace) -> int:
    people = _people(args.responsible)
    with open_archive(args) as archive, desk_errors():
        detail = requests.deny(
            archive,
            args.number,
            responsible=people,
            exceptions=args.exception,
            records_description=args.records,
            partial=args.partial,
            on=_day(args),
            method=args.method,
        )
    return _print_detail(detail, args.json, f"{detail.number}: denial recorded.")


def run_forward(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.forward(
            archive,
            args.number,
            to_name=args.to_name,
            to_address=args.to_address,
            reason=args.reason,
            location=args.location,
            on=_day(args),
            method=args.method,
        )
    return _print_detail(detail, args.json, f"{detail.number}: forwarded.")


def run_fulfil(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.fulfil(
            archive,
            args.number,
            partial=args.partial,
            on=_day(args),
            method=args.method,
            note=args.note,
        )
    return _print_detail(detail, args.json, f"{detail.number}: records made available.")


def run_withdraw(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.withdraw(archive, args.number, on=_day(args), note=args.note)
    return _print_detail(detail, args.json, f"{detail.number}: withdrawn.")


def run_close(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.close(archive, args.number, on=_day(args), note=args.note)
    return _print_detail(
        detail,
        args.json,
        f"{detail.number}: closed; its hold is released on {detail.hold_release_on}.",
    )


def run_progress(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.start_work(archive, args.number, on=_day(args))
    return _print_detail(detail, args.json, f"{detail.number}: in progress.")


_UPDATE_TEXT = (
    "requester_name",
    "requester_organisation",
    "requester_address",
    "requester_phone",
    "requester_email",
    "description",
    "custodian",
    "notes",
    "medium",
)


def run_update(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {
        key: getattr(args, key) for key in _UPDATE_TEXT if getattr(args, key) is not None
    }
    for flag in ("electronic_copies", "advance_payment"):
        if getattr(args, flag) is not None:
            changes[flag] = getattr(args, flag) == "yes"
    if not changes:
        raise CliError("nothing to change; give at least one option (see --help)")
    with open_archive(args) as archive, desk_errors():
        detail = requests.update_request(archive, args.number, **changes)
    return _print_detail(detail, args.json, f"{detail.number}: updated {', '.join(changes)}.")


def _change_json(change: responsive.SetChange) -> dict[str, Any]:
    return {
        "number": change.number,
        "added": change.added,
        "already": change.already,
        "removed": change.removed,
        "missing": list(change.missing),
        "total": change.total,
    }


def _print_change(change: responsive.SetChange, as_json: bool) -> int:
    if as_json:
        print_json(_change_json(change))
        return 0
    parts = []
    if change.added or not change.removed:
        parts.append(f"{change.added:,} added")
    if change.already:
        parts.append(f"{change.already:,} already in the set")
    if change.removed:
        parts.append(f"{change.removed:,} removed")
    if change.missing:
        parts.append("no record " + ", ".join(str(m) for m in change.missing[:10]))
    print(f"{change.number}: " + "; ".join(parts) + f". Responsive set: {change.total:,}.")
    return 0


def run_add_records(args: argparse.Namespace) -> int:
    ids = record_ids(args.record)
    if bool(args.query) == bool(ids):
        raise CliError("give --query Q or --record ID... (one of them)")
    with open_archive(args) as archive, desk_errors():
        if args.query:
            change = responsive.add_by_query(archive, args.number, args.query)
        else:
            change = responsive.add_records(archive, args.number, ids)
    return _print_change(change, args.json)


def run_remove_records(args: argparse.Namespace) -> int:
    ids = record_ids(args.record)
    with open_archive(args) as archive, desk_errors():
        change = responsive.remove_records(archive, args.number, ids, args.reason)
    return _print_change(change, args.json)


def run_rerun(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        change = responsive.rerun_queries(archive, args.number)
    return _print_change(change, args.json)


def run_letter(args: argparse.Namespace) -> int:
    target: Path = args.pdf or args.docx
    fmt = "pdf" if args.pdf else "docx"
    if target.exists() and target.is_dir():
        raise CliError(f"{printable(target)} is a folder; give a file name.")
    with open_archive(args) as archive, desk_errors():
        written = correspondence.write_letter(
            archive,
            args.number,
            args.kind,
            file_format=fmt,
            sent_on=day_or_none(args.sent, "sent date"),
            method=args.method,
        )
    tmp = target.with_name(target.name + ".part")
    try:
        tmp.write_bytes(written.data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CliError(
            f"cannot write {printable(target)}: {exc.strerror or exc} (the letter is kept with"
            f" the request as letter {written.info.id})."
        ) from None
    if args.json:
        print_json(
            {
                "number": args.number,
                "letter": written.info.id,
                "kind": args.kind,
                "file": str(target),
                "sha256": written.info.sha256,
                "sent_on": written.info.sent_on.isoformat(),
                "method": written.info.method,
            }
        )
    else:
        print(
            f"Wrote {printable(target)} ({args.kind}); kept with the request as letter"
            f" {written.info.id}."
        )
    return 0


def _cents(value: str, what: str) -> int:
    from retention_desk.archive.settings import money_cents

    cents = money_cents(value)
    if cents is None:
        raise CliError(f"{what} {printable(value)!r} is not an amount such as 3.50.")
    return cents


def _fee_json(status: fees.FeeStatus) -> dict[str, Any]:
    return {
        "number": status.number,
        "lines": [
            {
                "id": f.id,
                "kind": f.kind,
                "quantity": f.quantity,
                "unit": f.unit_cents / 100,
                "amount": f.amount_cents / 100,
                "description": f.description,
            }
            for f in status.lines
        ],
        "total": status.total_cents / 100,
        "paid": status.paid_cents / 100,
        "balance": status.balance_cents / 100,
    }


def run_fee(args: argparse.Namespace) -> int:
    amount = _cents(args.amount, "amount") if args.amount else None
    with open_archive(args) as archive, desk_errors():
        status = fees.add_fee(
            archive,
            args.number,
            args.kind,
            quantity=args.pages,
            amount_cents=amount,
            description=args.description,
        )
    if args.json:
        print_json(_fee_json(status))
        return 0
    for line in status.lines:
        print(
            f"  #{line.id} {fees.FEE_KINDS[line.kind]:<40} x{line.quantity:<6}"
            f" {fees.dollars(line.amount_cents):>10}  {text(line.description)}"
        )
    print(
        f"Total {fees.dollars(status.total_cents)}, paid {fees.dollars(status.paid_cents)},"
        f" balance {fees.dollars(status.balance_cents)}."
    )
    return 0


def run_pay(args: argparse.Namespace) -> int:
    cents = _cents(args.amount, "amount")
    with open_archive(args) as archive, desk_errors():
        payment = fees.record_payment(
            archive,
            args.number,
            cents,
            method=args.method,
            received_on=day_or_none(args.on, "date"),
        )
    if args.json:
        print_json(
            {
                "number": args.number,
                "receipt": payment.receipt_number,
                "amount": payment.amount_cents / 100,
                "received_on": payment.received_on.isoformat(),
            }
        )
    else:
        print(f"Receipt {payment.receipt_number}: {fees.dollars(payment.amount_cents)} received.")
    return 0


def run_time(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, desk_errors():
        detail = requests.log_time(
            archive,
            args.number,
            minutes=args.minutes,
            activity=args.activity,
            on=day_or_none(args.on, "date"),
        )
    print(f"{detail.number}: {detail.minutes} minutes logged in all.")
    return 0


def run_export_log(args: argparse.Namespace) -> int:
    from retention_desk.ipra.log_export import export_log

    with open_archive(args) as archive, desk_errors():
        count = export_log(archive, args.out, year=args.year)
    print(f"Wrote {printable(args.out)}: {count:,} requests.")
    return 0


def run_files_due(args: argparse.Namespace) -> int:
    from retention_desk.ipra.request_file import due_files

    with open_archive(args) as archive, desk_errors():
        due = due_files(archive)
    if args.json:
        print_json(
            [
                {
                    "number": d.number,
                    "ended_on": d.ended_on.isoformat(),
                    "eligible_on": d.eligible_on.isoformat(),
                    "citation": d.citation,
                    "verified": d.verified,
                }
                for d in due
            ]
        )
        return 0
    if not due:
        print("No request file is due for destruction.")
    for d in due:
        unverified = "" if d.verified else " (UNVERIFIED)"
        print(
            f"{d.number:<16} ended {d.ended_on}  eligible since {d.eligible_on}"
            f"  {d.citation}{unverified}"
        )
    return 0


def run_destroy_file(args: argparse.Namespace) -> int:
    import sys

    from retention_desk.ipra.request_file import destroy_file

    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("destroying a request file needs confirmation: run it with --yes.")
        print(f"Destroy the request file of {printable(args.number)}? Type 'yes': ", end="")
        if sys.stdin.readline().strip().lower() != "yes":
            print("Nothing was destroyed.")
            return 1
    with open_archive(args) as archive, desk_errors():
        done = destroy_file(archive, args.number, reference=args.reference)
    print(f"Destroyed the request file of {done.number} (eligible since {done.eligible_on}).")
    return 0
