"""`retention-desk exemption list [--json] | add CODE --citation C --label L [--description D]`:
the codes a redaction or a withholding may rest on.

The shipped catalogue is `resources/exemptions.toml`; what `../shared/domain/nm-law.md` could
not confirm in a primary source is printed UNVERIFIED. Withholding needs a statutory basis, so
an agency code ("as otherwise provided by law") is refused without a citation; it is kept in
the archive and audited with the code only.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import text
from retention_desk.redaction import (
    Exemption,
    IdentifierRule,
    RedactionError,
    add_exemption,
    archive_catalogue,
)
from retention_desk.redaction.model import UNVERIFIED
from retention_desk.safetext import printable

VISIBLE_WORDS = {
    "last4": "the last four digits may stay visible",
    "year": "the year may stay visible",
    "none": "nothing may stay visible",
    "city_state_zip": "the city, state and zip code may stay visible",
}


@contextmanager
def redaction_errors() -> Iterator[None]:
    """RedactionError (a sentence for the user, which can quote what was typed) as the CLI's
    one-line error."""
    try:
        yield
    except RedactionError as exc:
        raise CliError(printable(exc)) from None


def register(sub: Any) -> None:
    p = sub.add_parser("exemption", help="the exemption codes redactions rest on: list, add")
    actions = p.add_subparsers(dest="exemption_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="every code with its citation and verified flag")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    add = actions.add_parser(
        "add",
        help="add an 'as otherwise provided by law' code with its citation (audited)",
        description="Withholding must rest on a statute, regulation, court rule or"
        " constitutional privilege: the citation is required.",
    )
    add.add_argument("code", metavar="CODE", help="the section as the law writes it")
    add.add_argument("--citation", metavar="C", required=True, help="the law it rests on")
    add.add_argument("--label", metavar="L", required=True, help="short label for the box")
    add.add_argument("--description", metavar="D", default="", help="wording for the log")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=run_add)


def exemption_dict(exemption: Exemption) -> dict[str, Any]:
    return {
        "code": exemption.code,
        "citation": exemption.citation,
        "label": exemption.label,
        "description": exemption.description,
        "verified": exemption.verified,
        "text_date": exemption.text_date,
        "note": exemption.note,
        "source": exemption.source,
        "added_at": exemption.added_at,
        "added_by": exemption.added_by,
    }


def identifier_dict(rule: IdentifierRule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "label": rule.label,
        "citation": rule.citation,
        "visible": rule.visible,
        "verified": rule.verified,
        "note": rule.note,
    }


def _flag(verified: bool) -> str:
    return "" if verified else f"  {UNVERIFIED}"


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, redaction_errors():
        cat = archive_catalogue(archive)
    if args.json:
        print_json(
            {
                "exemptions": [exemption_dict(e) for e in cat.exemptions],
                "identifiers": [identifier_dict(i) for i in cat.identifiers],
            }
        )
        return 0
    for exemption in cat.exemptions:
        added = " (added by the agency)" if exemption.source == "agency" else ""
        print(f"{text(exemption.code):<16} {text(exemption.label)}{_flag(exemption.verified)}")
        print(f"{'':<16} {text(exemption.citation)}; text of {exemption.text_date}{added}")
    if cat.identifiers:
        print("\nProtected personal identifiers (14-2-1.1, as 14-2-6(F) defines them):")
        for rule in cat.identifiers:
            words = VISIBLE_WORDS.get(rule.visible, rule.visible)
            print(f"  {rule.label}: {words} ({rule.citation}){_flag(rule.verified)}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, redaction_errors():
        added = add_exemption(
            archive,
            args.code,
            citation=args.citation,
            label=args.label,
            description=args.description,
        )
    if args.json:
        print_json(exemption_dict(added))
        return 0
    print(
        f"Added exemption {text(added.code)} ({text(added.citation)}): offered for redactions"
        " from now on, marked UNVERIFIED (recorded in the audit trail)."
    )
    return 0
