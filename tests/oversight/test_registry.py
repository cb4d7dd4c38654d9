"""The account registry: accounts (imported ones updated in place), people, roles, approvals
over several accounts, staff authors, and audit rows that carry ids and codes, never names."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry import AccountFields, RegistryError
from retention_desk.oversight.registry_authors import (
    clear_staff_author,
    set_staff_author,
    staff_author,
)
from tests.oversight.registry_helpers import audit_details, audit_rows, ids, post, write

SECRET_NAME = "Zephyrine Quackenbush"


@pytest.fixture
def archive(tmp_archive: Archive) -> Archive:
    return tmp_archive


def test_add_creates_an_account_keyed_by_handle_and_lists_it(archive: Archive) -> None:
    info = reg.add_account(
        archive,
        "Facebook",
        "@SandiaPD",
        AccountFields(
            url="https://facebook.com/sandiapd", department="Police", opened_on="2019-04-01"
        ),
    )
    assert (info.platform, info.handle, info.account_key) == ("facebook", "SandiaPD", "SandiaPD")
    assert (info.status, info.opened_on, info.records) == ("active", "2019-04-01", 0)
    assert info.label == "facebook:SandiaPD"
    assert [a.id for a in reg.list_accounts(archive)] == [info.id]


def test_add_of_an_imported_account_updates_it_in_place(archive: Archive) -> None:
    aid = write(
        archive, [post("p1", 2), post("c1", 2, kind="comment", name="A Resident", handle="res")]
    )
    before = len(reg.list_accounts(archive))
    info = reg.add_account(archive, "x", "SANDIA", AccountFields(purpose="Town news"))
    assert info.id == aid
    assert info.account_key == "1234sandia"  # the platform's key kept
    assert (info.purpose, info.records, info.posts) == ("Town news", 2, 1)
    assert len(reg.list_accounts(archive)) == before


def test_update_and_retire(archive: Archive) -> None:
    info = reg.add_account(archive, "x", "sandia", AccountFields(opened_on="2020-01-01"))
    info = reg.update_account(archive, "x:sandia", AccountFields(department="Clerk", url=""))
    assert (info.department, info.url) == ("Clerk", None)
    with pytest.raises(RegistryError, match="opened on 2020-01-01"):
        reg.retire_account(archive, info.id, "2019-12-31")
    info = reg.retire_account(archive, str(info.id), "2026-06-30")
    assert (info.status, info.retired_on) == ("retired", "2026-06-30")
    info = reg.update_account(archive, info.id, AccountFields(status="active"))
    assert (info.status, info.retired_on) == ("active", None)
    with pytest.raises(RegistryError, match="Nothing to change"):
        reg.update_account(archive, info.id, AccountFields())
    with pytest.raises(RegistryError, match="not a date"):
        reg.update_account(archive, info.id, AccountFields(opened_on="2026-13-01"))
    with pytest.raises(RegistryError, match="status"):
        reg.update_account(archive, info.id, AccountFields(status="gone"))


def test_account_references(archive: Archive) -> None:
    reg.add_account(archive, "x", "sandia")
    with archive.read() as conn:
        with pytest.raises(RegistryError, match="platform:handle"):
            reg.resolve_account(conn, "sandia")
        with pytest.raises(RegistryError, match="no account 'x:nobody'"):
            reg.resolve_account(conn, "x:nobody")
        with pytest.raises(RegistryError, match="no account 99"):
            reg.resolve_account(conn, "99")
        assert reg.resolve_account(conn, "x:@Sandia") == reg.resolve_account(conn, "1")
        assert reg.resolve_account(conn, "X/sandia") == reg.resolve_account(conn, "1")


def test_people_and_roles_over_several_accounts(archive: Archive) -> None:
    a = reg.add_account(archive, "x", "sandia")
    b = reg.add_account(archive, "facebook", "sandiapd")
    p = reg.add_person(
        archive,
        "  Ana   Ruiz ",
        department="Clerk",
        email="ana@sandia.gov",
        platform_names=["@ana_r", "Ana R", "@ANA_R"],
    )
    assert (p.name, p.platform_names) == ("Ana Ruiz", ("@ana_r", "Ana R"))
    roles = reg.approve_user(
        archive, ["x:sandia", str(b.id)], "ana ruiz", on="2026-01-05", by="Mayor Chee"
    )
    assert [(r.account_id, r.role, r.approved_on, r.approved_by) for r in roles] == [
        (a.id, "approved_user", "2026-01-05", "Mayor Chee"),
        (b.id, "approved_user", "2026-01-05", "Mayor Chee"),
    ]
    ended = reg.end_role(archive, roles[0].id, "2026-02-01")
    assert ended.ended_on == "2026-02-01"
    assert ended.covers("2026-02-01") and not ended.covers("2026-02-02")
    assert not ended.covers("2026-01-04")
    with pytest.raises(RegistryError, match="cannot end before"):
        reg.end_role(archive, roles[1].id, "2025-12-31")
    snap = reg.registry(archive)
    assert len(snap.accounts) == 2 and len(snap.people) == 1 and len(snap.roles) == 2
    assert [r.id for r in reg.list_roles(archive, b.id)] == [roles[1].id]


def test_approval_is_all_or_nothing(archive: Archive) -> None:
    reg.add_account(archive, "x", "sandia")
    reg.add_person(archive, "Ana Ruiz")
    with pytest.raises(RegistryError, match="x:nobody"):
        reg.approve_user(archive, ["x:sandia", "x:nobody"], "Ana Ruiz", on="2026-01-05", by="M")
    assert reg.list_roles(archive) == []
    with pytest.raises(RegistryError, match="role 'owner'"):
        reg.approve_user(archive, ["x:sandia"], "Ana Ruiz", role="owner", on="2026-01-05", by="M")
    with pytest.raises(RegistryError, match="who approved"):
        reg.approve_user(archive, ["x:sandia"], "Ana Ruiz", on="2026-01-05", by=" ")


def test_person_references_and_updates(archive: Archive) -> None:
    one = reg.add_person(archive, "Ana Ruiz")
    reg.add_person(archive, "ana ruiz")
    with archive.read() as conn:
        with pytest.raises(RegistryError, match="2 people"):
            reg.resolve_person(conn, "Ana Ruiz")
        with pytest.raises(RegistryError, match="No person"):
            reg.resolve_person(conn, "Bo")
    changed = reg.update_person(archive, one.id, email="a@b.gov", platform_names=["ana"])
    assert (changed.email, changed.platform_names) == ("a@b.gov", ("ana",))
    with pytest.raises(RegistryError, match="control character"):
        reg.add_person(archive, "Bad\x1b[2JName")
    reg.remove_person(archive, one.id)
    assert [p.name for p in reg.list_people(archive)] == ["ana ruiz"]


def test_staff_author_set_and_clear(archive: Archive) -> None:
    write(archive, [post("p1", 2)])
    rid = ids(archive)["p1"]
    p = reg.add_person(archive, SECRET_NAME)
    got = set_staff_author(archive, rid, p.id, note="wrote it")
    assert (got.person_id, got.person_name, got.note) == (p.id, SECRET_NAME, "wrote it")
    assert staff_author(archive, rid) == got
    clear_staff_author(archive, rid)
    assert staff_author(archive, rid) is None
    with pytest.raises(RegistryError, match="no staff author"):
        clear_staff_author(archive, rid)
    with pytest.raises(RegistryError, match="no record 999"):
        set_staff_author(archive, 999, p.id)


def test_audit_rows_carry_ids_and_codes_never_names(archive: Archive, tmp_path: Path) -> None:
    write(archive, [post("p1", 2)])
    a = reg.add_account(
        archive,
        "facebook",
        "pd",
        AccountFields(url="https://secret-url.example", purpose="SECRETPURPOSE"),
    )
    p = reg.add_person(
        archive,
        SECRET_NAME,
        department="SECRETDEPT",
        email="zq@secret.example",
        platform_names=["@zqsecret"],
    )
    roles = reg.approve_user(archive, [a.id], p.id, on="2026-01-01", by="Approver Secretname")
    reg.end_role(archive, roles[0].id, "2026-02-01")
    reg.update_person(archive, p.id, name="Zephyrine Q. Renamed")
    set_staff_author(archive, ids(archive)["p1"], p.id, note="SECRETNOTE")
    clear_staff_author(archive, ids(archive)["p1"])
    reg.retire_account(archive, a.id, "2026-06-01")
    rows = audit_rows(archive)
    actions = {r[0] for r in rows}
    assert actions == {
        "registry.account_add",
        "registry.person_add",
        "registry.role_add",
        "registry.role_end",
        "registry.person_update",
        "registry.author_set",
        "registry.author_clear",
        "registry.account_retire",
    }
    blob = repr(rows)
    for secret in (
        "Zephyrine",
        "Quackenbush",
        "SECRET",
        "secret",
        "Secretname",
        "zqsecret",
        "Renamed",
    ):
        assert secret not in blob
    assert {"role": "approved_user", "account": a.id, "person": p.id} in audit_details(archive)
    archive.close()
    assert verify_path(tmp_path / "archive.rdesk").ok
