"""The account registry as a file a county IT office can fill in a spreadsheet: CSV or XLSX.

Layout: three tables, `accounts`, `people` and `roles`. In XLSX each is a sheet of that name
(any case); in CSV (UTF-8, a BOM is written for Excel) each starts with a row whose first cell
is `[accounts]`, `[people]` or `[roles]`, then a header row, then data rows; blank rows are
ignored. Header names are case-insensitive, in any order; an unknown column is refused.

accounts: platform*, handle*, display_name, url, department, purpose, status (active or
  retired), opened_on, retired_on. An account is found by platform and handle (or the key an
  import gave it); found ones are updated in place, others added.
people: person_id, name*, department, email, platform_names (the bylines and handles an
  export may credit the person by, separated by ';'). `person_id` is this archive's id (as
  exported): a row whose id is in the archive must carry that person's name; a row without
  one, or with an id the archive does not have, is matched by its name when exactly one
  person has it, else added. Renaming is done in the app, not through the file.
roles: role_id, account* (platform:handle), person* (a person_id or name from the people
  table, or of a person already in the archive), role* (administrator, liaison or
  approved_user), approved_on, approved_by, ended_on. A role is found by its role_id (as
  exported), else by account, person, role and approval date; found ones get the file's end
  date and approver, others are added.

(* required.) Dates are YYYY-MM-DD; M/D/YYYY, as Excel re-saves a CSV in the United States,
is read too, and an XLSX date cell is read as its day. A blank cell leaves what the archive
has as it is; nothing is deleted by an import.

The import (`registry_import.py`) is one transaction: any error refuses the whole file,
naming the file, table, row and column. Every cell is read as text and stored as text, a
formula included. Every exported cell is a string that is never a formula (`safe_text`); a
value that starts with `= + - @`, a tab or `'` gets a leading `'`, which the import takes
off again, so a file exported and imported round-trips.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.disposal.export_xlsx import safe_text
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry import RegistryError

TABLES = ("accounts", "people", "roles")
COLUMNS = {
    "accounts": (
        "platform",
        "handle",
        "display_name",
        "url",
        "department",
        "purpose",
        "status",
        "opened_on",
        "retired_on",
    ),
    "people": ("person_id", "name", "department", "email", "platform_names"),
    "roles": ("role_id", "account", "person", "role", "approved_on", "approved_by", "ended_on"),
}
REQUIRED = {
    "accounts": ("platform", "handle"),
    "people": ("name",),
    "roles": ("account", "person", "role"),
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ERRORS = 20
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_RISKY = ("=", "+", "-", "@", "\t", "\r", "'")


# -------------------------------------------------------------------------------- cells
def export_cell(value: object) -> str:
    """A value as a cell that is never a formula and reads back as `value`."""
    text = "" if value is None else str(value)
    if text.startswith("'"):
        text = "'" + text  # so the import's unquoting gives the leading quote back
    return safe_text(text) if text else ""


def import_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(_RISKY):
        text = text[1:]
    return text


def us_date(text: str) -> str:
    """M/D/YYYY (Excel's re-saved CSV in the United States) as YYYY-MM-DD; else unchanged."""
    match = _US_DATE.fullmatch(text.strip())
    if match is None:
        return text
    month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return text


# -------------------------------------------------------------------------------- export
def _rows(archive: Archive) -> dict[str, list[list[str]]]:
    with archive.read() as conn:
        accounts = reg.accounts_in(conn)
        ids = {a.id: a for a in accounts}
        roles = [r for r in reg.roles_in(conn) if r.account_id in ids]
        people = {p.id: p for p in reg.people_in(conn)}
        # people taken out of the lists keep their roles as history: export them too
        for pid in sorted({r.person_id for r in roles} - set(people)):
            row = conn.exec_driver_sql(
                "SELECT id, name, department, email, platform_names_json, created_at,"
                " created_by FROM account_people WHERE id = ?",
                (pid,),
            ).first()
            if row is not None:
                people[pid] = reg.person_from_row(row)
    return {
        "accounts": [
            [
                a.platform,
                a.handle or a.account_key,
                a.display_name or "",
                a.url or "",
                a.department or "",
                a.purpose or "",
                a.status,
                a.opened_on or "",
                a.retired_on or "",
            ]
            for a in accounts
        ],
        "people": [
            [str(p.id), p.name, p.department, p.email, "; ".join(p.platform_names)]
            for p in people.values()
        ],
        "roles": [
            [
                str(r.id),
                ids[r.account_id].label,
                str(r.person_id),
                r.role,
                r.approved_on or "",
                r.approved_by,
                r.ended_on or "",
            ]
            for r in roles
        ],
    }


def export_registry(archive: Archive, path: Path | str) -> Path:
    """Write the registry to `path`, CSV or XLSX by its extension (replaced if present)."""
    target = Path(path)
    kind = target.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise RegistryError(f"The file {target.name!r} must end in .csv or .xlsx.")
    tables = _rows(archive)
    tmp = target.with_name(target.name + ".part")
    try:
        if kind == ".csv":
            _write_csv(tmp, tables)
        else:
            _write_xlsx(tmp, tables)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _write_csv(path: Path, tables: dict[str, list[list[str]]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        for i, table in enumerate(TABLES):
            if i:
                out.writerow([])
            out.writerow([f"[{table}]"])
            out.writerow(COLUMNS[table])
            for row in tables[table]:
                out.writerow([export_cell(v) for v in row])


def _write_xlsx(path: Path, tables: dict[str, list[list[str]]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "retention-desk"
    wb.properties.title = "Account registry"
    wb.remove(wb.active)
    for table in TABLES:
        ws = wb.create_sheet(table)
        ws.append(list(COLUMNS[table]))
        for r, row in enumerate(tables[table], 2):
            for c, value in enumerate(row, 1):
                text = export_cell(value)
                if text:
                    cell = ws.cell(row=r, column=c)
                    cell.value = text
                    cell.data_type = "s"  # a string, whatever it looks like
        ws.freeze_panes = "A2"
    wb.save(path)
