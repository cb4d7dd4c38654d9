"""What the retention commands (`schedule`, `rule`, `classify`, `hold`, `event`) share: how a
series is named on a terminal (UNVERIFIED wherever it is printed: a citation nobody checked
must never read as one that was), and the RetentionError -> one-line error bridge.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from zoneinfo import ZoneInfo

from retention_desk.archive.settings import zone_or_default
from retention_desk.archive.store import Archive
from retention_desk.cli import CliError
from retention_desk.retention import RetentionError
from retention_desk.retention.schedule import Series
from retention_desk.safetext import printable

UNVERIFIED = "UNVERIFIED"


@contextmanager
def user_errors() -> Iterator[None]:
    """RetentionError (a sentence for the user) as the CLI's one-line error. Its text can
    quote what was typed or what an agency file holds, so it is made printable."""
    try:
        yield
    except RetentionError as exc:
        raise CliError(printable(exc)) from None


def text(value: object) -> str:
    """Typed or imported text on one visible line (names, queries, notes, titles)."""
    # line breaks become spaces before printable() would show them as \x0a
    return printable(" ".join(str(value).split()), limit=10_000)


def quoted(value: object) -> str:
    return f"'{text(value)}'"


def verified_word(series: Series) -> str:
    return "verified" if series.verified else UNVERIFIED


def code_label(code: str | None, schedule: dict[str, Series]) -> str:
    """A series code as printed anywhere: `SM-POST (UNVERIFIED)`; `unclassified` for None; a
    code the schedule no longer has says so rather than passing for a checked one."""
    if code is None:
        return "unclassified"
    series = schedule.get(code)
    if series is None:
        return f"{text(code)} (not in the schedule)"
    return code if series.verified else f"{code} ({UNVERIFIED})"


def applies_words(series: Series, agency_kind: str) -> str:
    """Whether the series binds this archive's kind of agency or is guidance it may adopt."""
    if agency_kind in series.applies_to:
        return f"binds this agency ({agency_kind})"
    if agency_kind in series.guidance_for:
        return f"guidance for this agency ({agency_kind}), which its own schedule may adopt"
    return f"does not apply to this agency ({agency_kind})"


def applies_key(series: Series, agency_kind: str) -> str:
    """`binds`, `guidance` or `none`: the JSON form of `applies_words`."""
    if agency_kind in series.applies_to:
        return "binds"
    if agency_kind in series.guidance_for:
        return "guidance"
    return "none"


def agency(archive: Archive) -> tuple[str, ZoneInfo]:
    """The archive's agency kind and time zone (its settings)."""
    settings = archive.settings()
    return settings.agency_kind or "municipality", zone_or_default(settings.time_zone)[0]


def parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{what} {quoted(value)} is not a date; write it as YYYY-MM-DD.") from None


def record_ids(values: list[str] | None) -> list[int]:
    """Record ids typed after --record (also comma-separated); a CliError names a bad one."""
    ids: list[int] = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise CliError(f"record id {quoted(part)} is not a number.")
            ids.append(int(part))
    return ids


def add_record_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--record", metavar="ID", nargs="+", action="extend", default=[], help=help_text
    )
