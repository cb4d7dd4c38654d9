"""Archive-wide settings, stored in the archive so they travel with it (and are audited)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, text

from retention_desk.archive import seal

DEFAULT_TIME_ZONE = "America/Denver"
_BATES_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")

# 1.21.2 NMAC binds state agencies; counties and municipalities adopt its series as guidance
# (nm-law.md §3), so which schedule entries bind depends on this.
AGENCY_KINDS = ("state", "county", "municipality", "other")
DEFAULT_AGENCY_KIND = "municipality"
# New Mexico's fiscal year (state and local bodies alike) runs July 1 to June 30.
DEFAULT_FISCAL_YEAR_END = "06-30"
_FISCAL_RE = re.compile(r"([0-9]{2})-([0-9]{2})")
# Days per month in a year without a leap day: a fiscal year cannot end on Feb 29, which three
# years in four do not have.
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_fiscal_year_end(value: str) -> tuple[int, int] | None:
    """(month, day) for an 'MM-DD' that every year has, else None."""
    match = _FISCAL_RE.fullmatch(value)
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= _MONTH_DAYS[month - 1]:
        return None
    return month, day


@dataclass(frozen=True)
class ArchiveSettings:
    agency_name: str = ""
    custodian_name: str = ""
    custodian_title: str = "Records Custodian"
    time_zone: str = DEFAULT_TIME_ZONE
    bates_prefix: str = "RD"
    # Name written to the audit trail; empty means the operating-system user.
    operator_name: str = ""
    agency_kind: str = DEFAULT_AGENCY_KIND
    # MM-DD, the last day of the agency's fiscal year (retention triggers count from it).
    fiscal_year_end: str = DEFAULT_FISCAL_YEAR_END
    # Letterhead of the IPRA letters (the agency's name is agency_name).
    agency_address: str = ""
    agency_phone: str = ""
    agency_email: str = ""
    # IPRA request numbers, e.g. "IPRA-{year}-{seq:04d}"; empty: resources/ipra.toml's default.
    request_number_format: str = ""
    # Days after a request closes before its hold on the responsive records is released;
    # empty: resources/ipra.toml's default.
    request_hold_release_days: str = ""
    # Copying fee per printed page of 11x17 or smaller, in dollars ("0.25"); 14-2-9(C) caps it
    # (the cap is data in resources/ipra.toml, checked by retention_desk.ipra.fees).
    fee_per_page: str = "0.00"
    # The social-media policies that bind the agency: ids of resources/policies/*.toml,
    # comma-separated (their page statements are checked, their moderation categories
    # offered); empty: every shipped policy's.
    policies: str = ""

    def fiscal_year_end_tuple(self) -> tuple[int, int]:
        """(month, day) of the fiscal year end; the default's when the stored value is
        unusable (validate() names that problem where the settings are edited)."""
        parsed = parse_fiscal_year_end(self.fiscal_year_end)
        return parsed or parse_fiscal_year_end(DEFAULT_FISCAL_YEAR_END) or (6, 30)

    def validate(self) -> list[str]:
        """Problems, each a sentence naming the field; empty when the settings are usable."""
        problems: list[str] = []
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"Time zone '{self.time_zone}' is not a known IANA time zone.")
        if not _BATES_RE.match(self.bates_prefix):
            problems.append(
                "Bates prefix must be 1-20 letters, digits, '-' or '_', starting with a letter"
                " or digit."
            )
        if self.agency_kind not in AGENCY_KINDS:
            problems.append(
                f"Agency kind '{self.agency_kind}' is not one of: {', '.join(AGENCY_KINDS)}."
            )
        if parse_fiscal_year_end(self.fiscal_year_end) is None:
            problems.append(
                f"Fiscal year end '{self.fiscal_year_end}' is not a day every year has, written"
                " MM-DD (for example 06-30; February 29 is refused)."
            )
        problems.extend(self._request_problems())
        for f in fields(self):
            value = getattr(self, f.name)
            if len(value) > 200:
                problems.append(f"{f.name.replace('_', ' ').capitalize()} is over 200 characters.")
            # C0, DEL and C1: a terminal obeys them (an 8-bit CSI starts an escape sequence)
            if any(unicodedata.category(c) == "Cc" for c in value):
                problems.append(
                    f"{f.name.replace('_', ' ').capitalize()} contains control characters."
                )
        return problems

    def _request_problems(self) -> list[str]:
        problems: list[str] = []
        if self.request_number_format:
            number = request_number(self.request_number_format, 2026, 1)
            if "{seq" not in self.request_number_format or number is None:
                problems.append(
                    f"Request number format '{self.request_number_format}' must contain {{seq}}"
                    " (and may contain {year}), e.g. IPRA-{year}-{seq:04d}."
                )
        if self.request_hold_release_days and not (
            self.request_hold_release_days.isdigit()
            and 0 <= int(self.request_hold_release_days) <= 3650
        ):
            problems.append(
                f"Hold release days '{self.request_hold_release_days}' must be a whole number"
                " of days from 0 to 3650."
            )
        if self.policies and not re.fullmatch(
            r"[a-z0-9][a-z0-9._-]*(,[a-z0-9][a-z0-9._-]*)*", self.policies
        ):
            problems.append(
                f"Policies '{self.policies}' must be policy ids separated by commas, such as"
                " las-cruces-cmp-1-12,nm-dps-opr-37."
            )
        if money_cents(self.fee_per_page) is None:
            problems.append(
                f"Fee per page '{self.fee_per_page}' must be an amount in dollars such as 0.25."
            )
        return problems


def request_number(fmt: str, year: int, seq: int) -> str | None:
    """The number `fmt` gives for the year's `seq`-th request, or None when `fmt` cannot
    make one (unknown field, bad format spec, blank or over-long result)."""
    try:
        number = fmt.format(year=year, seq=seq)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None
    number = number.strip()
    return number if 0 < len(number) <= 60 else None


def money_cents(value: str) -> int | None:
    """Cents in a dollar amount typed as '1', '0.25' or '$0.25'; None when it is not one."""
    match = re.fullmatch(r"\$?\s*([0-9]{1,7})(?:\.([0-9]{1,2}))?", value.strip())
    if not match:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


SETTINGS_KEYS = tuple(f.name for f in fields(ArchiveSettings))


def zone_or_default(name: str | None) -> tuple[ZoneInfo, str | None]:
    """The named IANA zone, or the default zone and a sentence saying why it was used."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE), None
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE), (
            f"the archive's time zone {name!r} is unknown; {DEFAULT_TIME_ZONE} used"
        )


def agency_zone(conn: Connection) -> tuple[ZoneInfo, str | None]:
    """The agency's time zone from the archive settings (dates without a zone are in it)."""
    return zone_or_default(str(get_value(conn, "setting.time_zone", DEFAULT_TIME_ZONE) or ""))


def get_value(conn: Connection, key: str, default: Any = None) -> Any:
    row = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": key}).first()
    return json.loads(row[0]) if row else default


def set_value(conn: Connection, key: str, value: Any) -> None:
    conn.execute(
        text(
            "INSERT INTO settings (key, value) VALUES (:k, :v)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": json.dumps(value, ensure_ascii=False)},
    )
    if not key.startswith(seal.VOLATILE_SETTINGS):
        seal.touch(conn, seal.SETTINGS, [0])


def load(conn: Connection) -> ArchiveSettings:
    defaults = ArchiveSettings()
    values = {
        key: get_value(conn, f"setting.{key}", getattr(defaults, key)) for key in SETTINGS_KEYS
    }
    return ArchiveSettings(**{k: str(v) for k, v in values.items()})


def changed_fields(old: ArchiveSettings, new: ArchiveSettings) -> dict[str, list[str]]:
    a, b = asdict(old), asdict(new)
    return {k: [a[k], b[k]] for k in a if a[k] != b[k]}


def store(conn: Connection, new: ArchiveSettings) -> None:
    for key, value in asdict(new).items():
        set_value(conn, f"setting.{key}", value)
