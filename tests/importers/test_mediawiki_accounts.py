"""A wiki archived under the older key form (its dbname) stays one account and its pages one
record each when an export is imported again (issue 9: the key changed to the base host)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn, RecordIn, RecordWriter, upsert_account
from retention_desk.importers.run import run_import
from tests.importers.helpers import fetch_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "mediawiki"
IP_FIRST = FIXTURES / "enwiki-export-0.10-ip-first.xml"  # dbname enwiki, base en.wikipedia.org
JUNE = FIXTURES / "examplewiki-2024-06.xml"  # dbname examplewiki, 3 pages
FIRST_EDIT = datetime(2017, 3, 19, 4, 23, 23, tzinfo=UTC)


def archive_with_old_keys(archive: Archive) -> int:
    """What the importer wrote before the key change: account and page keyed by dbname."""
    with archive.write() as conn:
        account_id = upsert_account(
            conn, AccountIn("wiki", account_key="enwiki", handle="enwiki", display_name="Wikipedia")
        )
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account_id)
        writer.add(
            RecordIn(
                platform="wiki",
                kind="page",
                record_key="enwiki:1",
                platform_id="1",
                title="Talk:Example River",
                text="hi",
                author_name="(anonymous)",
                created_at=FIRST_EDIT,
                platform_edited_at=FIRST_EDIT,
            )
        )
        writer.finish()
    return account_id


def test_reimport_reuses_the_account_and_page_stored_under_the_dbname(archive: Archive) -> None:
    account_id = archive_with_old_keys(archive)
    summary = run_import(archive, [IP_FIRST])
    assert summary.status == "completed"
    assert fetch_rows(archive, "SELECT id, account_key FROM accounts") == [(account_id, "enwiki")]
    pages = fetch_rows(archive, "SELECT record_key, account_id FROM records")
    assert pages == [("enwiki:1", account_id)]
    versions = fetch_rows(
        archive,
        "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id ORDER BY v.seq",
    )
    # the first revision was archived already; the second becomes the page's next version
    assert [v[0] for v in versions] == ["hi", "hi hi"]
    (totals,) = [summary.totals()]
    assert (totals["added"], totals["new_versions"]) == (0, 1)


def test_new_pages_of_a_wiki_archived_under_its_dbname_join_it(archive: Archive) -> None:
    """Pages the old archive did not have go to the same account, under the same key prefix."""
    with archive.write() as conn:
        account_id = upsert_account(conn, AccountIn("wiki", "examplewiki", handle="examplewiki"))
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account_id)
        first = datetime(2023, 1, 1, 10, 0, tzinfo=UTC)
        writer.add(
            RecordIn(
                platform="wiki",
                kind="page",
                record_key="examplewiki:1",
                text="'''Snow removal''' starts when 2 inches fall.",
                created_at=first,
                platform_edited_at=first,
            )
        )
        writer.finish()
    run_import(archive, [JUNE])
    assert fetch_rows(archive, "SELECT id FROM accounts") == [(account_id,)]
    pages = fetch_rows(archive, "SELECT record_key, account_id FROM records ORDER BY record_key")
    assert pages == [(f"examplewiki:{n}", account_id) for n in (1, 2, 3)]
    again = run_import(archive, [JUNE])
    assert {f.status for f in again.files} == {"duplicate"}


def test_a_new_archive_keys_the_wiki_by_its_host(archive: Archive) -> None:
    run_import(archive, [IP_FIRST])
    assert fetch_rows(archive, "SELECT account_key FROM accounts") == [("en.wikipedia.org",)]
    assert fetch_rows(archive, "SELECT record_key FROM records") == [("en.wikipedia.org:1",)]
