"""`retention-desk schedule list [--json]|show CODE [--json]|import FILE [--json]`: the record
series the archive classifies into, and loading an agency's own schedule file.

`list` and `show` read the effective schedule (every stored file merged, an agency file over
the shipped ones; the shipped files when the archive has not used retention yet) and never
write. Every series printed says `verified` or UNVERIFIED, and whether it binds this archive's
kind of agency or is guidance it may adopt (1.21.2 NMAC binds state agencies only). `import`
calls `import_schedule`: the file is stored byte for byte with its SHA-256, audited, and every
record reclassified; a bad file is refused whole with its file, line and reason.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import (
    UNVERIFIED,
    agency,
    applies_key,
    applies_words,
    code_label,
    quoted,
    text,
    user_errors,
    verified_word,
)
from retention_desk.retention import (
    ScheduleFileInfo,
    builtin_updates,
    effective_schedule,
    import_schedule,
    list_schedule_files,
)
from retention_desk.retention.schedule import Series
from retention_desk.timefmt import show_time

_TRIGGER_WORDS = {
    "created": "record created",
    "calendar_year_end": "end of the calendar year",
    "fiscal_year_end": "end of the fiscal year",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "schedule",
        help="the retention schedule: list or show its series, import an agency schedule file",
    )
    actions = p.add_subparsers(dest="schedule_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="every series, with citation, retention and status")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    show = actions.add_parser("show", help="one series in full, with its source and file")
    show.add_argument("code", metavar="CODE", help="series code, e.g. PRR")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)
    imp = actions.add_parser(
        "import",
        help="load an agency schedule file (TOML): its series and rules, audited",
        description="The file is refused whole, nothing stored, when anything in it is wrong.",
    )
    imp.add_argument("file", metavar="FILE", help="a schedule file (.toml)")
    imp.add_argument("--json", action="store_true", help="machine-readable output")
    imp.set_defaults(func=run_import)


def trigger_words(series: Series) -> str:
    if series.event:
        return f"event '{series.event}', dated with 'retention-desk event set'"
    return _TRIGGER_WORDS.get(series.trigger, series.trigger)


def series_dict(series: Series, agency_kind: str, file: str | None = None) -> dict[str, Any]:
    return {
        "code": series.code,
        "title": series.title,
        "citation": series.citation,
        "retention": series.period.iso(),
        "retention_words": series.retention_words(),
        "trigger": series.trigger,
        "disposition": series.disposition,
        "applies_to": list(series.applies_to),
        "guidance_for": list(series.guidance_for),
        "applies": applies_key(series, agency_kind),
        "verified": series.verified,
        "verified_note": series.verified_note,
        "approval_required": series.approval_required,
        "description": series.description,
        "source": series.source,
        "file": file,
    }


def _origin_files(files: list[ScheduleFileInfo]) -> dict[str, list[ScheduleFileInfo]]:
    """Each code's files, oldest first: the last one is where the series in force came from."""
    found: dict[str, list[ScheduleFileInfo]] = {}
    for info in files:
        for code in info.series_codes:
            found.setdefault(code, []).append(info)
    return found


def _file_label(series: Series, files: list[ScheduleFileInfo] | None) -> str:
    if files:
        return files[-1].label
    # not stored yet: the shipped file it will be stored from (origin is "name:line")
    return Path(series.origin.rsplit(":", 1)[0]).name or "(unknown)"


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        kind, _zone = agency(archive)
        schedule = effective_schedule(archive)
        origins = _origin_files(list_schedule_files(archive))
        updates = builtin_updates(archive)
    ordered = sorted(schedule.values(), key=lambda s: s.code)
    if args.json:
        print_json(
            {
                "agency_kind": kind,
                "series": [
                    series_dict(s, kind, _file_label(s, origins.get(s.code))) for s in ordered
                ],
                "shipped_updates": updates,
            }
        )
        return 0
    print(f"{len(ordered)} series; this archive's agency is a {kind}:")
    for series in ordered:
        print()
        print(f"{series.code}  {text(series.title)}  [{verified_word(series)}]")
        print(f"  citation:    {text(series.citation)}")
        print(f"  retention:   {text(series.retention_words())}")
        print(f"  trigger:     {trigger_words(series)}")
        print(f"  disposition: {series.disposition}")
        guidance = f"; guidance for {', '.join(series.guidance_for)}" if series.guidance_for else ""
        print(f"  applies to:  {', '.join(series.applies_to) or '(none)'}{guidance}")
        print(f"  here:        {applies_words(series, kind)}")
    unverified = sum(1 for s in ordered if not s.verified)
    if unverified:
        print()
        print(
            f"{unverified} series {UNVERIFIED}: their rule or its use was not checked in a"
            " primary source; confirm with the records administrator or counsel."
        )
    if updates:
        print()
        print(
            "The app ships newer versions of: "
            + ", ".join(updates)
            + ". Import them with 'retention-desk schedule import FILE' to use them."
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    code = args.code.strip().upper()
    with open_archive(args) as archive:
        kind, zone = agency(archive)
        schedule = effective_schedule(archive)
        origins = _origin_files(list_schedule_files(archive))
    series = schedule.get(code)
    if series is None:
        raise CliError(
            f"There is no series {quoted(args.code)} in the schedule; the codes are:"
            f" {', '.join(sorted(schedule))}."
        )
    files = origins.get(code)
    if args.json:
        print_json(series_dict(series, kind, _file_label(series, files)))
        return 0
    print(f"{series.code}  {text(series.title)}")
    print(f"status:            {verified_word(series)}")
    if series.verified_note:
        print(f"verification note: {text(series.verified_note)}")
    print(f"citation:          {text(series.citation)}")
    if series.description:
        print(f"description:       {text(series.description)}")
    print(f"retention:         {series.period.iso()} ({text(series.retention_words())})")
    print(f"trigger:           {series.trigger}: {trigger_words(series)}")
    print(f"disposition:       {series.disposition}")
    print(f"applies to:        {', '.join(series.applies_to) or '(none)'}")
    if series.guidance_for:
        print(f"guidance for:      {', '.join(series.guidance_for)}")
    print(f"this archive:      {applies_words(series, kind)}")
    approval = "required" if series.approval_required else "not required"
    print(f"approval:          {approval} before destruction")
    print(f"source:            {text(series.source) or '(none given)'}")
    line = series.origin.rsplit(":", 1)[-1]
    if files:
        last = files[-1]
        origin = "shipped with the app" if last.builtin else "agency file"
        when = show_time(last.imported_at, zone)
        print(
            f"file:              {text(last.label)} (line {line}; {origin}; stored {when} by"
            f" {text(last.imported_by)}; SHA-256 {last.sha256})"
        )
        if len(files) > 1:
            earlier = ", ".join(text(f.label) for f in files[:-1])
            print(f"overrides:         the series {series.code} of {earlier}")
    else:
        print(
            f"file:              {text(_file_label(series, files))} (line {line}; shipped with"
            " the app; stored in the archive when retention is first used)"
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    if not path.is_file():
        # before the archive is opened: a typo touches nothing
        raise CliError(f"Schedule file {quoted(path)} does not exist or is not a file.")
    with open_archive(args) as archive, user_errors():
        result = import_schedule(archive, path)
        kind, _zone = agency(archive)
        schedule = effective_schedule(archive)
        stored = [f for f in list_schedule_files(archive) if f.id == result.file_id]
    if args.json:
        print_json(
            {
                "file_id": result.file_id,
                "file": result.label,
                "sha256": result.sha256,
                "series": result.series,
                "overridden": list(result.overridden),
                "rules": result.rules,
                "rule_ids": list(result.rule_ids),
                "moved": result.moved,
            }
        )
        return 0
    print(
        f"Imported {text(result.label)} (SHA-256 {result.sha256})"
        f" as schedule file {result.file_id}."
    )
    codes = list(stored[0].series_codes) if stored else []
    new = sorted(set(codes) - set(result.overridden))
    if new:
        print(f"  new series:        {', '.join(code_label(c, schedule) for c in new)}")
    if result.overridden:
        print(
            "  replaced series:   " + ", ".join(code_label(c, schedule) for c in result.overridden)
        )
    if result.rules:
        ids = ", ".join(str(i) for i in result.rule_ids)
        print(f"  rules added:       {result.rules} (ids {ids})")
    print(f"  records moved:     {result.moved} (series or eligible date changed)")
    not_applying = [c for c in codes if applies_key(schedule[c], kind) == "none"]
    if not_applying:
        print(
            f"  note: {', '.join(not_applying)} neither bind nor guide a {kind} agency;"
            " rules cannot use them here."
        )
    return 0
