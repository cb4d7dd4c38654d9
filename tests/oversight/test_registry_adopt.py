"""An account entered in the registry by its handle before its export arrives is the account
the export names by number: one row, not two."""

from __future__ import annotations

from retention_desk.archive.ingest import upsert_account
from retention_desk.archive.records_in import AccountIn
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_archive
from retention_desk.oversight.registry import AccountFields, add_account, list_accounts


def test_an_export_adopts_the_account_entered_by_handle(tmp_archive: Archive) -> None:
    entered = add_account(tmp_archive, "x", "Sandia_PD", AccountFields(department="Police"))
    with tmp_archive.write() as conn:
        got = upsert_account(
            conn, AccountIn("x", "100", platform_account_id="100", handle="sandia_pd")
        )
        # another platform's account of the same handle is another account
        other = upsert_account(
            conn, AccountIn("facebook", "200", platform_account_id="200", handle="sandia_pd")
        )
    assert got == entered.id and other != entered.id
    accounts = {a.id: a for a in list_accounts(tmp_archive)}
    assert accounts[entered.id].department == "Police"
    with tmp_archive.read() as conn:
        key = conn.exec_driver_sql(
            "SELECT account_key, platform_account_id FROM accounts WHERE id = ?", (got,)
        ).one()
    assert tuple(key) == ("100", "100")
    assert verify_archive(tmp_archive).ok
