"""The IPRA desk's rules as data: `resources/ipra.toml`, each rule with its citation and
whether `../shared/domain/nm-law.md` quotes it from its source (`verified`).

`load_rules()` reads the file once per process (the default path only: a test or an agency
pointing at its own file always gets that file as it is now). A file that cannot be used is an
IpraError naming the file, the line where tomllib gives one, and the key.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retention_desk.ipra.errors import IpraError

RULES_FILE = Path(__file__).resolve().parents[2] / "resources" / "ipra.toml"
CLOCK_KEYS = (
    "response_3day",
    "inspection_15day",
    "burdensome_notice",
    "reasonable_period",
    "denial_15day",
    "deemed_denied",
)
UNITS = ("business", "calendar")
_HOLIDAY_RULE = re.compile(
    r"fixed (?P<fm>\d\d)-(?P<fd>\d\d)"
    r"|nth-weekday (?P<nm>\d{1,2}) (?P<nn>[1-5]) (?P<nw>[0-6])"
    r"|last-weekday (?P<lm>\d{1,2}) (?P<lw>[0-6])"
)
_SUGGESTED_RULE = re.compile(r"package-nm .+|package .+|saturday-to-friday")


@dataclass(frozen=True)
class ClockRule:
    key: str
    label: str
    days: int
    unit: str  # business | calendar
    citation: str
    verified: bool
    note: str


@dataclass(frozen=True)
class HolidayRule:
    name: str
    rule: str  # how the statute fixes the day; checked against the package's date
    citation: str
    verified: bool
    note: str
    package: str = ""  # the holiday's name in the holidays package's US calendar (en_US)


@dataclass(frozen=True)
class SuggestedClosure:
    name: str
    rule: str
    note: str


@dataclass(frozen=True)
class FeeRules:
    page_cap_cents: int
    citation: str
    notes: tuple[str, ...]
    verified: bool = True


@dataclass(frozen=True)
class IpraRules:
    path: Path
    sha256: str
    clocks: dict[str, ClockRule]
    holidays: tuple[HolidayRule, ...]
    suggested: tuple[SuggestedClosure, ...]
    fees: FeeRules
    number_format: str
    hold_release_days: int
    due_soon_days: int
    damages_per_day_cents: int
    damages_citation: str
    damages_verified: bool = True
    sunday_to_monday: bool = True
    observance_citation: str = ""
    observance_verified: bool = False
    hold_release_verified: bool = False


_CACHE: dict[Path, IpraRules] = {}


class _Reader:
    """Typed access to the parsed TOML that names the file and the dotted key when a value is
    missing or of the wrong type."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> IpraError:
        return IpraError(f"The IPRA rules file {self.path}: {where} {problem}.")

    def table(self, data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"{where}{key}", "must be a table")
        return value

    def tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"[[{key}]]", "must be a list of tables")
        return value

    def get(self, data: dict[str, Any], key: str, kind: type, where: str) -> Any:
        if key not in data:
            raise self.fail(f"{where}.{key}", "is missing")
        value = data[key]
        # bool is an int in Python: a `days = true` must not pass for 1
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{where}.{key}", f"must be a {kind.__name__}, not {value!r}")
        return value


def load_rules(path: Path | None = None) -> IpraRules:
    """The IPRA rules from `path` (default `resources/ipra.toml`, read once per process)."""
    default = path is None
    path = RULES_FILE if path is None else Path(path)
    if default and path in _CACHE:
        return _CACHE[path]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IpraError(
            f"The IPRA rules file {path} cannot be read: {exc.strerror or exc}."
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise IpraError(f"The IPRA rules file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        # the message carries "(at line N, column M)"
        raise IpraError(f"The IPRA rules file {path} is not valid TOML: {exc}.") from None
    rules = _parse(_Reader(path), data, path, hashlib.sha256(raw).hexdigest())
    if default:
        _CACHE[path] = rules
    return rules


def _parse(r: _Reader, data: dict[str, Any], path: Path, sha256: str) -> IpraRules:
    request = r.table(data, "request", "")
    number_format = r.get(request, "number_format", str, "request")
    try:
        number_format.format(year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise r.fail("request.number_format", f"cannot be filled in ({exc})") from None
    clocks: dict[str, ClockRule] = {}
    for i, c in enumerate(r.tables(data, "clock")):
        where = f"clock[{i}]"
        key = r.get(c, "key", str, where)
        where = f"clock {key!r}"
        unit = r.get(c, "unit", str, where)
        if unit not in UNITS:
            raise r.fail(f"{where}.unit", f"must be one of {', '.join(UNITS)}, not {unit!r}")
        days = r.get(c, "days", int, where)
        if days < 0:
            raise r.fail(f"{where}.days", "must be 0 or more")
        if key in clocks:
            raise r.fail(where, "appears twice")
        clocks[key] = ClockRule(
            key=key,
            label=r.get(c, "label", str, where),
            days=days,
            unit=unit,
            citation=r.get(c, "citation", str, where),
            verified=r.get(c, "verified", bool, where),
            note=" ".join(str(c.get("note", "")).split()),
        )
    missing = [k for k in CLOCK_KEYS if k not in clocks]
    if missing:
        raise r.fail("[[clock]]", "lacks " + ", ".join(missing))
    damages = r.table(data, "damages", "")
    holidays: list[HolidayRule] = []
    for i, h in enumerate(r.tables(data, "holiday")):
        where = f"holiday[{i}]"
        rule = r.get(h, "rule", str, where)
        if not _HOLIDAY_RULE.fullmatch(rule):
            raise r.fail(f"{where}.rule", f"is not understood: {rule!r}")
        holidays.append(
            HolidayRule(
                name=r.get(h, "name", str, where),
                rule=rule,
                citation=r.get(h, "citation", str, where),
                verified=r.get(h, "verified", bool, where),
                note=" ".join(str(h.get("note", "")).split()),
                package=r.get(h, "package", str, where),
            )
        )
    suggested: list[SuggestedClosure] = []
    for i, s in enumerate(r.tables(data, "suggested") if "suggested" in data else []):
        where = f"suggested[{i}]"
        rule = r.get(s, "rule", str, where)
        if not _SUGGESTED_RULE.fullmatch(rule):
            raise r.fail(f"{where}.rule", f"is not understood: {rule!r}")
        suggested.append(
            SuggestedClosure(
                name=r.get(s, "name", str, where),
                rule=rule,
                note=" ".join(str(s.get("note", "")).split()),
            )
        )
    observance = data.get("observance", {})
    fees = r.table(data, "fees", "")
    notes = r.get(fees, "notes", list, "fees")
    return IpraRules(
        path=path,
        sha256=sha256,
        clocks=clocks,
        holidays=tuple(holidays),
        suggested=tuple(suggested),
        fees=FeeRules(
            page_cap_cents=r.get(fees, "page_cap_cents", int, "fees"),
            citation=r.get(fees, "citation", str, "fees"),
            notes=tuple(str(n) for n in notes),
            verified=bool(fees.get("verified", True)),
        ),
        number_format=number_format,
        hold_release_days=r.get(request, "hold_release_days", int, "request"),
        due_soon_days=r.get(request, "due_soon_days", int, "request"),
        damages_per_day_cents=r.get(damages, "per_day_cents", int, "damages"),
        damages_citation=r.get(damages, "citation", str, "damages"),
        damages_verified=bool(damages.get("verified", True)),
        sunday_to_monday=bool(observance.get("sunday_to_monday", True)),
        observance_citation=str(observance.get("citation", "")),
        observance_verified=bool(observance.get("verified", False)),
        hold_release_verified=bool(request.get("hold_release_verified", False)),
    )
