"""Registry import and export, CSV and XLSX: round trips (also of hostile cells), cells that
are never formulas, a bad row refusing the whole file with its row and column named."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry import AccountFields
from retention_desk.oversight.registry_import import RegistryImportError, import_registry
from retention_desk.oversight.registry_io import export_registry
from tests.oversight.registry_helpers import audit_rows, new_archive, post, write

HOSTILE = ('=HYPERLINK("http://evil.example/x","click")', "+1", "@x", "-2+3", "'quoted")


def _fill(archive: Archive) -> None:
    write(archive, [post("p1", 2)])
    reg.add_account(
        archive,
        "x",
        "sandia",
        AccountFields(url="https://x.com/sandia", department=HOSTILE[0], purpose=HOSTILE[1]),
    )
    reg.add_account(archive, "facebook", "sandiapd", AccountFields(opened_on="2019-01-02"))
    reg.retire_account(archive, "facebook:sandiapd", "2025-12-31")
    ana = reg.add_person(
        archive,
        HOSTILE[2],
        department=HOSTILE[3],
        email="ana@sandia.gov",
        platform_names=["@ana_r", "Ana R"],
    )
    bo = reg.add_person(archive, "Bo Chee", email=HOSTILE[4])
    reg.approve_user(
        archive, ["x:sandia", "facebook:sandiapd"], ana.id, on="2026-01-05", by=HOSTILE[0]
    )
    role = reg.approve_user(
        archive, ["x:sandia"], bo.id, role="administrator", on="2025-01-01", by="Mayor"
    )[0]
    reg.end_role(archive, role.id, "2025-06-30")


def _shape(archive: Archive) -> tuple[object, ...]:
    snap = reg.registry(archive)
    accounts = sorted(
        (
            a.label,
            a.display_name,
            a.url,
            a.department,
            a.purpose,
            a.status,
            a.opened_on,
            a.retired_on,
        )
        for a in snap.accounts
    )
    people = sorted((p.name, p.department, p.email, p.platform_names) for p in snap.people)
    labels = {a.id: a.label for a in snap.accounts}
    roles = sorted(
        (labels[r.account_id], r.person_name, r.role, r.approved_on, r.approved_by, r.ended_on)
        for r in snap.roles
    )
    return accounts, people, roles


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_into_a_new_archive_and_back_into_the_same(tmp_path: Path, suffix: str) -> None:
    with new_archive(tmp_path) as src:
        _fill(src)
        path = export_registry(src, tmp_path / f"registry{suffix}")
        before = _shape(src)
        # into the same archive: nothing changes, nothing added
        again = import_registry(src, path)
        assert (again.accounts_added, again.people_added, again.roles_added) == (0, 0, 0)
        assert (again.accounts_updated, again.people_updated, again.roles_updated) == (0, 0, 0)
        assert _shape(src) == before
    with new_archive(tmp_path, "b.rdesk") as dst:
        summary = import_registry(dst, path)
        assert (summary.accounts_added, summary.people_added, summary.roles_added) == (2, 2, 3)
        assert _shape(dst) == before
    assert HOSTILE[0] in repr(before) and "'quoted" in repr(before)


def test_csv_is_utf8_with_bom_and_no_cell_is_a_formula(tmp_path: Path) -> None:
    with new_archive(tmp_path) as archive:
        _fill(archive)
        path = export_registry(archive, tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    cells = [c for row in csv.reader(raw.decode("utf-8-sig").splitlines()) for c in row]
    assert "[accounts]" in cells and "[people]" in cells and "[roles]" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'" + HOSTILE[0] in cells and "'@x" in cells and "''quoted" in cells


def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with new_archive(tmp_path) as archive:
        _fill(archive)
        path = export_registry(archive, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["accounts", "people", "roles"]
    cells = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert all(c.data_type == "s" for c in cells)
    assert not [c.value for c in cells if str(c.value)[:1] in ("=", "+", "-", "@")]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


GOOD = [
    ["[accounts]"],
    ["Platform", "Handle", "Department", "Opened On"],
    ["x", "@sandia", "Clerk", "2020-01-01"],
    [],
    ["[people]"],
    ["name", "platform_names", "email"],
    ["Ana Ruiz", "@ana_r; Ana R", "ana@sandia.gov"],
    ["[roles]"],
    ["account", "person", "role", "approved_on", "approved_by"],
    ["x:sandia", "Ana Ruiz", "approved user", "2026-01-05", "Mayor"],
]


def test_hand_filled_csv_imports(tmp_archive: Archive, tmp_path: Path) -> None:
    summary = import_registry(tmp_archive, _csv(tmp_path / "hand.csv", GOOD))
    assert (summary.accounts_added, summary.people_added, summary.roles_added) == (1, 1, 1)
    [role] = reg.list_roles(tmp_archive)
    assert (role.person_name, role.role, role.approved_on) == (
        "Ana Ruiz",
        "approved_user",
        "2026-01-05",
    )
    [row] = [r for r in audit_rows(tmp_archive) if r[0] == "registry.import"]
    assert "Ana" not in repr(row) and "Mayor" not in repr(row)


@pytest.mark.parametrize(
    ("row", "cell", "needle"),
    [
        (9, 3, "hand.csv, roles row 10, column approved_on"),
        (9, 0, "hand.csv, roles row 10, column account"),
        (9, 2, "hand.csv, roles row 10, column role"),
        (6, 0, "hand.csv, people row 7, column name"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(
    tmp_archive: Archive, tmp_path: Path, row: int, cell: int, needle: str
) -> None:
    rows = [list(r) for r in GOOD]
    rows[row][cell] = {3: "2026-02-30", 0: "x:nobody" if row == 9 else "", 2: "owner"}[cell]
    with pytest.raises(RegistryImportError) as err:
        import_registry(tmp_archive, _csv(tmp_path / "hand.csv", rows))
    assert needle in str(err.value) and "Nothing was imported" in str(err.value)
    assert reg.list_accounts(tmp_archive) == [] and reg.list_people(tmp_archive) == []
    assert audit_rows(tmp_archive) == []


def test_unknown_column_and_missing_table_marker(tmp_archive: Archive, tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD]
    rows[1][2] = "departmnet"
    with pytest.raises(RegistryImportError, match="accounts row 2, column 'departmnet'"):
        import_registry(tmp_archive, _csv(tmp_path / "a.csv", rows))
    with pytest.raises(RegistryImportError, match="before any"):
        import_registry(tmp_archive, _csv(tmp_path / "b.csv", GOOD[1:]))
    with pytest.raises(RegistryImportError, match="must end in"):
        import_registry(tmp_archive, _csv(tmp_path / "c.txt", GOOD))


def test_xlsx_formula_cells_are_read_as_text(tmp_archive: Archive, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "People"
    ws.append(["name", "department"])
    ws.append(["Ana Ruiz", '=HYPERLINK("http://evil.example","x")'])
    wb.save(tmp_path / "f.xlsx")
    import_registry(tmp_archive, tmp_path / "f.xlsx")
    [p] = reg.list_people(tmp_archive)
    assert p.department == '=HYPERLINK("http://evil.example","x")'


def test_person_id_of_another_person_is_refused(tmp_archive: Archive, tmp_path: Path) -> None:
    reg.add_person(tmp_archive, "Ana Ruiz")
    rows = [["[people]"], ["person_id", "name"], ["1", "Somebody Else"]]
    with pytest.raises(
        RegistryImportError, match="people row 3, column name: person_id 1 is another"
    ):
        import_registry(tmp_archive, _csv(tmp_path / "p.csv", rows))


def test_us_dates_from_a_resaved_csv_are_read(tmp_archive: Archive, tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD]
    rows[2][3] = "4/1/2020"
    rows[9][3] = "1/5/2026"
    import_registry(tmp_archive, _csv(tmp_path / "us.csv", rows))
    assert reg.list_accounts(tmp_archive)[0].opened_on == "2020-04-01"
    assert reg.list_roles(tmp_archive)[0].approved_on == "2026-01-05"
    rows[9][3] = "13/5/2026"
    with pytest.raises(RegistryImportError, match="roles row 10, column approved_on"):
        import_registry(tmp_archive, _csv(tmp_path / "bad.csv", rows))


def test_every_problem_is_listed(tmp_archive: Archive, tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD]
    rows[2][3] = "soon"
    rows[9][2] = "owner"
    with pytest.raises(RegistryImportError) as err:
        import_registry(tmp_archive, _csv(tmp_path / "two.csv", rows))
    assert len(err.value.problems) == 2 and "(and 1 more)" in str(err.value)
