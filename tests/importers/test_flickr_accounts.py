"""An owner archived under the older Flickr account key (the profile's nsid as written) keeps
that one account when an export is imported again (issue 9: the key became the alias)."""

from __future__ import annotations

from pathlib import Path

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn, RecordIn, RecordWriter, upsert_account
from retention_desk.importers.run import run_import
from tests.importers.helpers import fetch_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "flickr"
PART1 = FIXTURES / "72157700000000000_abcdef12_part1"  # profile: nsid 12345678@N04
NSID = "12345678@N04"


def archive_with_old_key(archive: Archive) -> int:
    with archive.write() as conn:
        account_id = upsert_account(
            conn,
            AccountIn(
                "flickr",
                account_key=NSID,
                platform_account_id=NSID,
                handle="examplecityparks",
                display_name="Example City Parks",
            ),
        )
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account_id)
        writer.add(
            RecordIn(platform="flickr", kind="post", record_key="53500000001", text="old import")
        )
        writer.finish()
    return account_id


def test_reimport_reuses_the_account_stored_under_the_nsid(archive: Archive) -> None:
    account_id = archive_with_old_key(archive)
    summary = run_import(archive, [PART1])
    assert summary.status == "completed"
    assert fetch_rows(archive, "SELECT id, account_key FROM accounts") == [(account_id, NSID)]
    owners = fetch_rows(archive, "SELECT DISTINCT account_id FROM records")
    assert owners == [(account_id,)]
    assert fetch_rows(archive, "SELECT count(*) FROM records WHERE kind = 'post'") == [(3,)]


def test_a_new_archive_keys_the_owner_by_alias(archive: Archive) -> None:
    run_import(archive, [PART1])
    assert fetch_rows(archive, "SELECT account_key, platform_account_id FROM accounts") == [
        ("examplecityparks", NSID)
    ]
