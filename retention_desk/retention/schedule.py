"""Retention schedules as data: TOML files of record series, each with its citation.

The file format is an interface agencies write by hand (README "Retention schedules"):

    [[series]]
    code = "PRR"                      # unique; used in rules and in `series:`
    title = "Public records requests"
    citation = "1.21.2.519 NMAC"
    retention = "P4Y"                 # ISO 8601 duration (years, months, days), or "permanent"
    trigger = "event:fulfilled_or_denied"
                  # created | calendar_year_end | fiscal_year_end | event:NAME
    disposition = "destroy"           # destroy | transfer
    applies_to = ["state"]            # state | county | municipality | other
    verified = true
    source = "https://…"

A file may also hold rules that classify records into its (or an earlier file's) series:

    [[rule]]
    query = "platform:facebook kind:comment"   # the search language
    series = "SM-PUBLIC"
    note = "public comments on our pages"      # optional

Optional keys: description, guidance_for (agency kinds that may adopt it as guidance),
verified_note, approval_required (default true). A file is refused whole when anything in it
is wrong, with the file, the line and the reason: a schedule half loaded would classify records
under rules nobody approved.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AGENCY_KINDS = ("state", "county", "municipality", "other")
TRIGGERS = ("created", "calendar_year_end", "fiscal_year_end")
DISPOSITIONS = ("destroy", "transfer")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_EVENT = re.compile(r"^event:([a-z][a-z0-9_]{0,63})$")
_KNOWN_KEYS = {
    "code",
    "title",
    "description",
    "citation",
    "retention",
    "trigger",
    "disposition",
    "applies_to",
    "guidance_for",
    "verified",
    "verified_note",
    "approval_required",
    "source",
}


class ScheduleError(ValueError):
    """A schedule file that cannot be loaded; the message names file, line and reason."""


@dataclass(frozen=True)
class Period:
    """A retention period; `permanent` records are never eligible for destruction."""

    years: int = 0
    months: int = 0
    days: int = 0
    permanent: bool = False

    @classmethod
    def parse(cls, text: str) -> Period:
        value = text.strip()
        if value.lower() == "permanent":
            return cls(permanent=True)
        if "-" in value:
            raise ValueError(f"negative period {text!r}: a retention period cannot run backwards")
        match = _DURATION.match(value.upper())
        if not match or value.upper() == "P":
            raise ValueError(
                f"retention {text!r} is neither 'permanent' nor an ISO 8601 duration such as"
                " P4Y, P18M or P30D"
            )
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        return cls(years=years, months=months, days=days + 7 * weeks)

    def iso(self) -> str:
        if self.permanent:
            return "permanent"
        parts = "".join(
            f"{n}{unit}"
            for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D"))
            if n
        )
        return f"P{parts or '0D'}"

    def words(self) -> str:
        if self.permanent:
            return "permanent"
        pieces = [
            f"{n} {unit}{'s' if n != 1 else ''}"
            for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if n
        ]
        return " and ".join(pieces) if pieces else "no minimum period"


@dataclass(frozen=True)
class Series:
    code: str
    title: str
    citation: str
    period: Period
    trigger: str  # created | calendar_year_end | fiscal_year_end | event:NAME
    disposition: str
    applies_to: tuple[str, ...]
    verified: bool
    source: str = ""
    description: str = ""
    guidance_for: tuple[str, ...] = ()
    verified_note: str = ""
    approval_required: bool = True
    origin: str = ""  # file it came from, and line
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def event(self) -> str | None:
        return self.trigger.split(":", 1)[1] if self.trigger.startswith("event:") else None

    def retention_words(self) -> str:
        """E.g. 'destroy 4 years after the event "fulfilled or denied"'."""
        if self.period.permanent:
            return "permanent" + (
                ", transfer to archives" if self.disposition == "transfer" else ""
            )
        after = {
            "created": "after the record was created",
            "calendar_year_end": "after the end of the calendar year it was created in",
            "fiscal_year_end": "after the end of the fiscal year it was created in",
        }.get(self.trigger) or f"after {str(self.event).replace('_', ' ')}"
        verb = "transfer to archives" if self.disposition == "transfer" else "destroy"
        if self.period.iso() == "P0D":
            return f"{verb} when no longer needed (no minimum period)"
        return f"{verb} {self.period.words()} {after}"

    def binds(self, agency_kind: str) -> bool:
        return agency_kind in self.applies_to


@dataclass(frozen=True)
class ScheduleRule:
    """A [[rule]] table of a schedule file; `line` is its header's line, for error messages."""

    query: str
    series: str
    note: str
    line: int


@dataclass(frozen=True)
class ScheduleFile:
    path: str
    sha256: str
    series: tuple[Series, ...]
    text: str
    rules: tuple[ScheduleRule, ...] = ()

    def check_rules(self, known_codes: set[str] | frozenset[str]) -> None:
        """Refuse the file when a rule names a series neither it nor `known_codes` defines."""
        codes = set(known_codes) | {s.code for s in self.series}
        for rule in self.rules:
            if rule.series not in codes:
                raise ScheduleError(
                    f"{self.path}, line {_key_line(self.text, rule.line, 'series')}: rule names"
                    f" series {rule.series!r}, which no loaded schedule defines"
                )


def _series_lines(text: str, table: str = "series") -> list[int]:
    """1-based line of each [[table]] header, in order (tomllib keeps no positions)."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(rf"^\s*\[\[\s*{table}\s*\]\]\s*(#.*)?$", line)
    ]


def _key_line(text: str, start: int, key: str) -> int:
    lines = text.splitlines()
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if number > start and re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return start


def parse_schedule(text: str, name: str) -> ScheduleFile:
    """Parse and validate one schedule file's text; raises ScheduleError naming line and reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError(f"{name}: not valid TOML: {exc}") from None
    unknown_top = sorted(set(data) - {"series", "schedule", "rule"})
    if unknown_top:
        raise ScheduleError(
            f"{name}: unknown table or key {unknown_top[0]!r} (expected [[series]] or [[rule]])"
        )
    rules = _rules(data.get("rule", []), text, name)
    raw = data.get("series", [])
    if not isinstance(raw, list) or (not raw and not rules):
        raise ScheduleError(f"{name}: no [[series]] tables")
    headers = _series_lines(text)
    series: list[Series] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        start = headers[index] if index < len(headers) else 1

        def fail(key: str, reason: str, *, _start: int = start) -> ScheduleError:
            line = _key_line(text, _start, key) if key else _start
            return ScheduleError(f"{name}, line {line}: {reason}")

        parsed = _one_series(item, fail, f"{name}:{start}")
        if parsed.code in seen:
            raise fail(
                "code",
                f"series code {parsed.code!r} is defined twice (first on line {seen[parsed.code]})",
            )
        seen[parsed.code] = _key_line(text, start, "code")
        series.append(parsed)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ScheduleFile(
        path=name, sha256=digest, series=tuple(series), text=text, rules=tuple(rules)
    )


def _rules(raw: Any, text: str, name: str) -> list[ScheduleRule]:
    if not isinstance(raw, list):
        raise ScheduleError(f"{name}: 'rule' must be [[rule]] tables")
    headers = _series_lines(text, "rule")
    rules: list[ScheduleRule] = []
    for index, item in enumerate(raw):
        start = headers[index] if index < len(headers) else 1
        if not isinstance(item, dict):
            raise ScheduleError(f"{name}, line {start}: a [[rule]] entry must be a table")
        for key in sorted(set(item) - {"query", "series", "note"}):
            line = _key_line(text, start, key)
            raise ScheduleError(f"{name}, line {line}: unknown key {key!r} in a rule")
        for key in ("query", "series"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                line = _key_line(text, start, key)
                raise ScheduleError(f"{name}, line {line}: a rule needs a non-empty {key!r}")
        note = item.get("note", "")
        if not isinstance(note, str):
            raise ScheduleError(f"{name}, line {_key_line(text, start, 'note')}: note must be text")
        rules.append(ScheduleRule(item["query"].strip(), item["series"].strip(), note, start))
    return rules


def _one_series(item: Any, fail: Any, origin: str) -> Series:
    if not isinstance(item, dict):
        raise fail("", "a [[series]] entry must be a table")
    for key in sorted(set(item) - _KNOWN_KEYS):
        raise fail(key, f"unknown key {key!r}")
    for key in ("code", "title", "citation", "retention", "trigger", "disposition", "applies_to"):
        if key not in item:
            raise fail("", f"series lacks the required key {key!r}")
    code = item["code"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise fail("code", f"code {code!r} must be 1-32 capital letters, digits, '.', '-' or '_'")
    for key in ("title", "citation", "description", "source", "verified_note"):
        if key in item and not isinstance(item[key], str):
            raise fail(key, f"{key} must be text")
    if not item["title"].strip():
        raise fail("title", "title is empty")
    if not item["citation"].strip():
        raise fail("citation", "citation is empty: name the rule, or say none was located")
    if not isinstance(item["retention"], str):
        raise fail("retention", 'retention must be text such as "P4Y" or "permanent"')
    try:
        period = Period.parse(item["retention"])
    except ValueError as exc:
        raise fail("retention", str(exc)) from None
    trigger = item["trigger"]
    if not isinstance(trigger, str) or not (trigger in TRIGGERS or _EVENT.match(trigger)):
        raise fail(
            "trigger",
            f"unknown trigger {trigger!r}: use created, calendar_year_end, fiscal_year_end or"
            " event:NAME (lower-case letters, digits, '_')",
        )
    if item["disposition"] not in DISPOSITIONS:
        raise fail(
            "disposition", f"disposition {item['disposition']!r} must be destroy or transfer"
        )
    kinds: dict[str, tuple[str, ...]] = {}
    for key in ("applies_to", "guidance_for"):
        value = item.get(key, [])
        if not isinstance(value, list) or any(v not in AGENCY_KINDS for v in value):
            raise fail(key, f"{key} must list agency kinds from {', '.join(AGENCY_KINDS)}")
        kinds[key] = tuple(value)
    if not kinds["applies_to"] and not kinds["guidance_for"]:
        raise fail("applies_to", "applies_to is empty: name the kinds of agency it binds")
    for key in ("verified", "approval_required"):
        if key in item and not isinstance(item[key], bool):
            raise fail(key, f"{key} must be true or false")
    if "verified" not in item:
        raise fail("", "series lacks 'verified' (true only where the rule was checked)")
    return Series(
        code=code,
        title=item["title"].strip(),
        citation=item["citation"].strip(),
        period=period,
        trigger=trigger,
        disposition=item["disposition"],
        applies_to=kinds["applies_to"],
        verified=item["verified"],
        source=item.get("source", ""),
        description=item.get("description", "").strip(),
        guidance_for=kinds["guidance_for"],
        verified_note=item.get("verified_note", "").strip(),
        approval_required=item.get("approval_required", True),
        origin=origin,
    )


def load_schedule(path: Path | str) -> ScheduleFile:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScheduleError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_schedule(text, str(path))


def builtin_dir() -> Path:
    """The schedules shipped with the app (top-level `schedules/` of the project)."""
    return Path(__file__).resolve().parents[2] / "schedules"


def builtin_schedules() -> list[ScheduleFile]:
    return [load_schedule(p) for p in sorted(builtin_dir().glob("*.toml"))]


def merge(files: list[ScheduleFile]) -> dict[str, Series]:
    """Series by code; a later file overrides an earlier one's series of the same code (an
    agency's own file over the shipped ones)."""
    merged: dict[str, Series] = {}
    for schedule in files:
        for series in schedule.series:
            merged[series.code] = series
    return merged
