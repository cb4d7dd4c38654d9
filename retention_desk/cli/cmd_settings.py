"""`retention-desk settings show [--json]|set KEY VALUE`: the archive's settings.

The same settings the GUI's settings dialog edits, checked by the same function
(`settings_check.settings_problems`: each value's form, the IPRA fee cap, known policies) and
saved through `Archive.update_settings` (one transaction with its audit row). Values are
whatever someone typed (here, in the GUI, or into a copied archive), so they are printed
through `printable`: shown, never obeyed by the terminal.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from typing import Any

from retention_desk.archive.settings import AGENCY_KINDS, ArchiveSettings
from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.retention import RetentionError, settings_changed
from retention_desk.safetext import printable
from retention_desk.settings_check import settings_problems

# Key typed on the command line -> ArchiveSettings field. `custodian` is what the issue and
# the GUI call the custodian's name; the field's own name is accepted too.
SET_KEYS: dict[str, str] = {
    "agency_name": "agency_name",
    "agency_kind": "agency_kind",
    "time_zone": "time_zone",
    "fiscal_year_end": "fiscal_year_end",
    "custodian": "custodian_name",
    "custodian_title": "custodian_title",
    "bates_prefix": "bates_prefix",
    "operator_name": "operator_name",
    "agency_address": "agency_address",
    "agency_phone": "agency_phone",
    "agency_email": "agency_email",
    "request_number_format": "request_number_format",
    "request_hold_release_days": "request_hold_release_days",
    "fee_per_page": "fee_per_page",
    "policies": "policies",
}
_ALIASES = {"custodian_name": "custodian_name"}  # the name `show --json` uses

# Order and wording of `settings show`, by field.
_SHOWN: tuple[tuple[str, str], ...] = (
    ("agency_name", "agency_name"),
    ("agency_kind", "agency_kind"),
    ("time_zone", "time_zone"),
    ("fiscal_year_end", "fiscal_year_end"),
    ("custodian_name", "custodian"),
    ("custodian_title", "custodian_title"),
    ("bates_prefix", "bates_prefix"),
    ("operator_name", "operator_name"),
    ("agency_address", "agency_address"),
    ("agency_phone", "agency_phone"),
    ("agency_email", "agency_email"),
    ("request_number_format", "request_number_format"),
    ("request_hold_release_days", "request_hold_release_days"),
    ("fee_per_page", "fee_per_page"),
    ("policies", "policies"),
)

_KIND_NOTES = {
    "state": "1.21.2 NMAC binds it",
    "county": "1.21.2 NMAC is guidance its own schedule adopts",
    "municipality": "1.21.2 NMAC is guidance its own schedule adopts",
    "other": "which schedule binds it is the agency's to say",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "settings",
        help="show or change the archive's settings (agency, fiscal year, custodian...)",
        description="Keys for 'set': " + ", ".join(SET_KEYS),
    )
    actions = p.add_subparsers(dest="settings_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print every setting")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)
    put = actions.add_parser(
        "set",
        help="change one setting (audited)",
        description=(
            "Keys: " + ", ".join(SET_KEYS) + f". agency_kind is one of {', '.join(AGENCY_KINDS)};"
            " fiscal_year_end is MM-DD, the last day of the fiscal year (06-30 in New Mexico)."
        ),
    )
    put.add_argument("key", metavar="KEY")
    put.add_argument("value", metavar="VALUE")
    put.set_defaults(func=run_set)


def _quoted(value: str) -> str:
    # not repr(): it would double the backslash of every \xNN that printable() wrote
    return f"'{printable(value)}'"


def field_for(key: str) -> str:
    """The settings field a typed key names; a CliError naming the valid keys otherwise."""
    name = key.strip().lower()
    found = SET_KEYS.get(name) or _ALIASES.get(name)
    if found is None:
        raise CliError(f"unknown setting {_quoted(key)}; the keys are: {', '.join(SET_KEYS)}")
    return found


def show_lines(settings: ArchiveSettings) -> list[str]:
    """`settings show` as text: one line per setting, under the key `set` takes."""
    values = asdict(settings)
    lines = []
    for field, key in _SHOWN:
        value = str(values[field])
        shown = _quoted(value) if value else "(not set)"
        if field == "operator_name" and not value:
            shown = "(not set: the operating-system user)"
        elif field == "agency_kind" and value in _KIND_NOTES:
            shown += f"  ({_KIND_NOTES[value]})"
        lines.append(f"{key:<16} {shown}")
    return lines


def run_show(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        settings = archive.settings()
    if args.json:
        print_json(asdict(settings))
        return 0
    for line in show_lines(settings):
        print(line)
    return 0


def run_set(args: argparse.Namespace) -> int:
    field = field_for(args.key)  # before the archive is opened: a typo touches nothing
    value = args.value.strip()  # as the settings dialog trims what is typed
    with open_archive(args) as archive:
        old = archive.settings()
        new = replace(old, **{field: value})
        problems = settings_problems(new)  # the Settings dialog's own check
        if problems:
            raise CliError(" ".join(printable(p) for p in problems))
        archive.update_settings(new)
        try:
            reclassified = settings_changed(archive, old, new)
        except RetentionError as exc:
            reclassified = None
            print(f"Retention was not reclassified ({exc}); run `retention-desk classify`.")
    before, after = getattr(old, field), value
    if before == after:
        print(f"{args.key.strip().lower()} is already {_quoted(after)}; nothing changed.")
    else:
        print(
            f"Set {args.key.strip().lower()}: {_quoted(before)} -> {_quoted(after)}"
            " (recorded in the audit trail)."
        )
    if reclassified is not None:
        # dates are counted in the time zone and fiscal year, and series bind by agency kind
        print(
            f"Retention dates depend on it: {reclassified.records:,} records reclassified,"
            f" {reclassified.moved:,} changed series or eligible date."
        )
    return 0
