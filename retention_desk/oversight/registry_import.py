"""Reading a registry file (CSV or XLSX, the layout `registry_io.py` documents) into the
registry: every row checked first, then applied in one transaction, so any problem refuses
the whole file with the file, table, row and column named."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from retention_desk.archive.store import Archive
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry import AccountFields, RegistryError
from retention_desk.oversight.registry_io import (
    COLUMNS,
    MAX_BYTES,
    MAX_ERRORS,
    MAX_ROWS,
    REQUIRED,
    TABLES,
    import_cell,
    us_date,
)


class RegistryImportError(RegistryError):
    """The file was refused whole; `problems` lists each one (file, table, row, column)."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}. Nothing was imported.")
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    accounts_added: int = 0
    accounts_updated: int = 0
    people_added: int = 0
    people_updated: int = 0
    roles_added: int = 0
    roles_updated: int = 0
    unchanged: int = 0


@dataclass
class _Row:
    table: str
    number: int  # the row as a spreadsheet shows it
    cells: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------- read
def _csv_rows(path: Path) -> Iterator[tuple[str | None, int, list[str] | None]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryImportError(
            [f"{path.name}: not UTF-8 text; save it as 'CSV UTF-8' and try again"]
        ) from None
    table: str | None = None
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        first = row[0].strip().lower() if row else ""
        if first.startswith("[") and first.endswith("]") and not any(c.strip() for c in row[1:]):
            table = first[1:-1].strip()
            if table not in TABLES:
                raise RegistryImportError(
                    [
                        f"{path.name}, row {number}: unknown table {first[:40]!r}"
                        f" (tables are {', '.join(TABLES)})"
                    ]
                )
            yield table, number, None
            continue
        yield table, number, row


def _xlsx_rows(path: Path) -> Iterator[tuple[str | None, int, list[str] | None]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RegistryImportError(
            [f"{path.name}: not a readable XLSX workbook ({type(exc).__name__})"]
        ) from None
    try:
        names = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        if not any(t in names for t in TABLES):
            raise RegistryImportError([f"{path.name}: no sheet named {', '.join(TABLES)}"])
        for table in TABLES:
            if table not in names:
                continue
            yield table, 0, None
            for number, values in enumerate(names[table].iter_rows(values_only=True), 1):
                yield table, number, [import_cell(v) for v in values]
    finally:
        wb.close()


def read_file(path: Path) -> list[_Row]:
    """Every data row of the file, checked cell by cell; all problems raised together."""
    if not path.is_file():
        raise RegistryImportError([f"{path.name}: no such file"])
    if path.stat().st_size > MAX_BYTES:
        raise RegistryImportError([f"{path.name}: larger than {MAX_BYTES // 2**20} MB"])
    kind = path.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise RegistryImportError([f"{path.name}: the file must end in .csv or .xlsx"])
    source = _csv_rows(path) if kind == ".csv" else _xlsx_rows(path)
    problems: list[str] = []
    rows: list[_Row] = []
    header: list[str] | None = None
    counts: dict[str, int] = {}
    for table, number, cells in source:
        where = f"{path.name}, {table or 'file'} row {number}"
        if cells is None:  # a table starts: its header comes next
            header = None
            continue
        if not any(c.strip() for c in cells):
            continue
        if table is None:
            problems.append(f"{where}: data before any [accounts], [people] or [roles] row")
            break
        if header is None:
            header = [import_cell(c).lower().replace(" ", "_") for c in cells]
            unknown = [h for h in header if h and h not in COLUMNS[table]]
            missing = [c for c in REQUIRED[table] if c not in header]
            if unknown:
                problems.append(
                    f"{where}, column {unknown[0][:40]!r}: not a column of {table}"
                    f" ({', '.join(COLUMNS[table])})"
                )
            if missing:
                problems.append(f"{where}: the {table} table needs a column {missing[0]!r}")
            continue
        counts[table] = counts.get(table, 0) + 1
        if counts[table] > MAX_ROWS:
            problems.append(f"{where}: more than {MAX_ROWS:,} rows")
            break
        row = _Row(table, number)
        for i, value in enumerate(cells):
            text = import_cell(value)
            if i >= len(header) or not header[i]:
                if text:
                    problems.append(f"{where}, column {i + 1}: a value under no header")
                continue
            row.cells[header[i]] = us_date(text) if header[i].endswith("_on") else text
        problems += [f"{where}, column {c}: {m}" for c, m in _check(row)]
        rows.append(row)
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise RegistryImportError(problems[:MAX_ERRORS])
    return rows


def _check(row: _Row) -> Iterator[tuple[str, str]]:
    """(column, problem) for each cell a row cannot have."""
    for name in REQUIRED[row.table]:
        if not row.cells.get(name):
            yield name, "required, but empty"
    for name, value in row.cells.items():
        if not value:
            continue
        try:
            if name.endswith("_on"):
                reg.clean_date(value, "value")
            elif name == "role":
                reg.clean_role(value)
            elif name == "status" and value.strip().lower() not in ("active", "retired"):
                raise RegistryError("must be active or retired")
            elif name in ("person_id", "role_id") and not value.isdigit():
                raise RegistryError("must be a number (the id the export gave)")
            elif name == "account" and ":" not in value and "/" not in value:
                raise RegistryError("must be platform:handle")
            else:
                reg.clean_text(value, "value", limit=reg.MAX_PURPOSE)
        except RegistryError as exc:
            yield name, str(exc).rstrip(".")


# -------------------------------------------------------------------------------- import
def import_registry(archive: Archive, path: Path | str) -> ImportSummary:
    """Read `path` (CSV or XLSX, as exported) into the registry: all rows or none."""
    source = Path(path)
    rows = read_file(source)
    counts = dict.fromkeys(ImportSummary.__dataclass_fields__, 0)
    with archive.write() as conn:
        known_people = {p for (p,) in conn.exec_driver_sql("SELECT id FROM account_people")}
        known_roles = {r for (r,) in conn.exec_driver_sql("SELECT id FROM account_roles")}
        people: dict[str, int] = {}  # the file's person_id or name -> this archive's id
        for row in sorted(rows, key=lambda r: TABLES.index(r.table)):
            where = f"{source.name}, {row.table} row {row.number}"
            try:
                if row.table == "accounts":
                    _account(archive, conn, row, counts)
                elif row.table == "people":
                    _people(archive, conn, row, counts, known_people, people)
                else:
                    _role(archive, conn, row, counts, known_roles, people)
            except _CellError as exc:
                raise RegistryImportError(
                    [f"{where}, column {exc.column}: {exc.message}"]
                ) from None
            except RegistryError as exc:
                raise RegistryImportError([f"{where}: {str(exc).rstrip('.')}"]) from None
        summary = ImportSummary(**counts)
        archive.audit(
            conn,
            action="registry.import",
            object_type="account_registry",
            details={k: v for k, v in counts.items() if v},
        )
    return summary


class _CellError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _account(archive: Archive, conn: Connection, row: _Row, counts: dict[str, int]) -> None:
    c = row.cells
    platform, handle = c["platform"].strip().lower(), c["handle"].strip().lstrip("@")
    given = {k: c[k] for k in COLUMNS["accounts"][2:] if c.get(k)}
    found = reg.find_account(conn, platform, handle)
    if found is None:
        reg.add_account_in(archive, conn, platform, handle, AccountFields(**given))
        counts["accounts_added"] += 1
        return
    now = reg.account_in(conn, found)
    official = conn.exec_driver_sql(
        "SELECT is_official FROM accounts WHERE id = ?", (found,)
    ).scalar()
    changed = {
        k: v
        for k, v in given.items()
        if (reg.clean_date(v, k) if k.endswith("_on") else " ".join(v.split())) != getattr(now, k)
    }
    if "status" in changed and changed["status"].lower() == now.status:
        del changed["status"]
    if not official:
        reg.add_account_in(archive, conn, platform, handle, AccountFields(**changed))
    elif changed:
        reg.update_account_in(archive, conn, found, AccountFields(**changed))
    counts["accounts_updated" if changed or not official else "unchanged"] += 1


def _people(
    archive: Archive,
    conn: Connection,
    row: _Row,
    counts: dict[str, int],
    known: set[int],
    people: dict[str, int],
) -> None:
    c = row.cells
    name = reg.clean_text(c["name"], "name", limit=200)
    names = [n for n in c.get("platform_names", "").split(";") if n.strip()]
    key = c.get("person_id", "")
    pid: int | None = None
    if key and int(key) in known:
        now = reg.person_in(conn, int(key))
        if now.name.casefold() != name.casefold():
            raise _CellError(
                "name",
                f"person_id {key} is another person in this archive; clear the id"
                " to add this person, or rename them in the app",
            )
        pid = now.id
    else:
        same = [p.id for p in reg.people_in(conn) if p.name.casefold() == name.casefold()]
        if len(same) > 1:
            raise _CellError(
                "name", f"{len(same)} people in the archive have this name; give the person_id"
            )
        pid = same[0] if same else None
    for ref in (key, name.casefold()):
        if ref and ref in people:
            raise _CellError("person_id" if ref == key else "name", "the same person twice")
    if pid is None:
        pid = reg.add_person_in(
            archive,
            conn,
            name,
            department=c.get("department", ""),
            email=c.get("email", ""),
            platform_names=names,
        )
        counts["people_added"] += 1
    else:
        changed = reg.update_person_in(
            archive,
            conn,
            pid,
            department=c.get("department") or None,
            email=c.get("email") or None,
            platform_names=names or None,
        )
        counts["people_updated" if changed else "unchanged"] += 1
    if key:
        people[key] = pid
    people[name.casefold()] = pid


def _role(
    archive: Archive,
    conn: Connection,
    row: _Row,
    counts: dict[str, int],
    known: set[int],
    people: dict[str, int],
) -> None:
    c = row.cells
    try:
        aid = reg.resolve_account(conn, c["account"])
    except RegistryError as exc:
        raise _CellError("account", str(exc).rstrip(".")) from None
    ref = " ".join(c["person"].split())
    pid = people.get(ref) or people.get(ref.casefold())
    if pid is None:
        try:
            pid = reg.resolve_person(conn, ref)
        except RegistryError as exc:
            raise _CellError("person", str(exc).rstrip(".")) from None
    role = reg.clean_role(c["role"])
    start = reg.clean_date(c.get("approved_on"), "approval date")
    end = reg.clean_date(c.get("ended_on"), "end date")
    by = reg.clean_text(c.get("approved_by", ""), "approver's name", limit=200)
    existing = None
    key = c.get("role_id", "")
    if key and int(key) in known:
        existing = reg.role_in(conn, int(key))
        if (existing.account_id, existing.person_id, existing.role) != (aid, pid, role):
            raise _CellError(
                "role_id",
                f"role {key} in this archive is another account, person or role;"
                " clear the id to add this role",
            )
    else:
        for r in reg.roles_in(conn, aid, person_id=pid):
            if r.role == role and r.approved_on == start:
                existing = r
                break
    if existing is None:
        reg.add_role_in(archive, conn, aid, pid, role=role, on=start, by=by, ended_on=end)
        counts["roles_added"] += 1
        return
    changed = False
    if end and end != existing.ended_on:
        reg.end_role_in(archive, conn, existing.id, end)
        changed = True
    if (start and start != existing.approved_on) or (by and by != existing.approved_by):
        conn.exec_driver_sql(
            "UPDATE account_roles SET approved_on = coalesce(?, approved_on),"
            " approved_by = CASE WHEN ? = '' THEN approved_by ELSE ? END WHERE id = ?",
            (start, by, by, existing.id),
        )
        archive.audit(
            conn,
            action="registry.role_update",
            object_type="account_role",
            object_ids=[existing.id],
            details={"role": role, "account": aid, "person": pid},
        )
        changed = True
    counts["roles_updated" if changed else "unchanged"] += 1
