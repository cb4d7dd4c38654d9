"""RecordWriter edge cases: hostile strings, later exports filling gaps, late thread links."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.ingest import MediaIn, RecordIn, RecordWriter
from retention_desk.archive.verify import verify_archive


def write(archive: Archive, *records: RecordIn):
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for rec in records:
            writer.add(rec)
        return writer.finish()


def test_lone_surrogates_anywhere_are_stored_not_fatal(archive: Archive) -> None:
    counts = write(
        archive,
        RecordIn(
            "x",
            "post",
            "7\ud83d",
            text="a \ud83d b",
            title="t\udc00",
            author_name="n\ud800",
            extra={"k\ud800": "v\udfff"},
            sensitive={"ip": "\ud800"},
            raw_json='{"t":"\\ud83d"}',
            media=[MediaIn("m\ud800.jpg", metadata={"exif": "\udc00"})],
        ),
    )
    assert counts.added == 1 and counts.media_missing == ["m\ufffd.jpg"]
    with archive.read() as conn:
        key, extra = conn.execute(text("SELECT record_key, extra_json FROM records")).one()
        version = conn.execute(text("SELECT text, title FROM record_versions")).one()
    assert key == "7\ufffd" and json.loads(extra) == {"k\ufffd": "v\ufffd"}
    assert tuple(version) == ("a \ufffd b", "t\ufffd")
    # the same hostile record again is the same record
    assert (
        write(
            archive, RecordIn("x", "post", "7\ud83d", text="a \ud83d b", title="t\udc00")
        ).unchanged
        == 1
    )


def test_later_export_fills_gaps_but_never_overwrites(archive: Archive) -> None:
    write(
        archive,
        RecordIn("x", "post", "1", text="hi", extra={"likes": 1}),
        RecordIn("x", "reply", "2", text="orphan"),
    )
    counts = write(
        archive,
        RecordIn(
            "x",
            "post",
            "1",
            text="hi",
            url="https://x.com/i/status/1",
            author_name="Later Name",
            extra={"likes": 99, "source": "Web App"},
        ),
        RecordIn("x", "reply", "2", text="orphan", parent_key="1"),
    )
    assert (counts.added, counts.unchanged, counts.new_versions) == (0, 2, 0)
    with archive.read() as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                text(
                    "SELECT record_key, url, author_name, extra_json, parent_id, thread_id"
                    " FROM records"
                )
            )
        }
    url, author, extra, _parent, _thread = rows["1"]
    assert url == "https://x.com/i/status/1" and author == "Later Name"
    assert json.loads(extra) == {"likes": 1, "source": "Web App"}  # first capture's count kept
    with archive.read() as conn:
        post_id = conn.execute(text("SELECT id FROM records WHERE record_key = '1'")).scalar()
    assert rows["2"][3] == post_id and rows["2"][4] == post_id  # linked and threaded late
    write(archive, RecordIn("x", "post", "1", text="hi", author_name="Third Name"))
    with archive.read() as conn:
        assert (
            conn.execute(text("SELECT author_name FROM records WHERE record_key = '1'")).scalar()
            == "Later Name"
        )


def test_reply_cycle_from_hostile_data_terminates(archive: Archive) -> None:
    write(
        archive,
        RecordIn("x", "reply", "a", text="a", parent_key="b"),
        RecordIn("x", "reply", "b", text="b", parent_key="a"),
    )
    with archive.read() as conn:
        threads = conn.execute(text("SELECT thread_id FROM records")).scalars().all()
    assert len(set(threads)) == 1 and None not in threads


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(st.text(max_size=200), min_size=1, max_size=5))
def test_any_text_round_trips_as_versions(archive: Archive, texts: list[str]) -> None:
    key = f"h{abs(hash(tuple(texts)))}"
    for value in texts:
        write(archive, RecordIn("fuzz", "post", key, text=value))
    with archive.read() as conn:
        stored = (
            conn.execute(
                text(
                    "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
                    " WHERE r.record_key = :k ORDER BY v.seq"
                ),
                {"k": key},
            )
            .scalars()
            .all()
        )
    # every distinct text once, in the order first seen: a text the record already had (an
    # overlapping export repeating history) is recognised, not appended again
    expected: list[str] = []
    for value in texts:
        clean = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
        if clean not in expected:
            expected.append(clean)
    assert stored == expected


def test_verify_still_passes_after_hostile_writes(archive: Archive) -> None:
    write(
        archive,
        RecordIn("x", "post", "z", text="\x00nul\ud83d", media=[MediaIn("x", data=b"\x00")]),
    )
    assert verify_archive(archive, record=False).ok


def test_repeated_key_in_one_batch_builds_versions_without_flushing(archive: Archive) -> None:
    counts = write(
        archive,
        *[RecordIn("wiki", "page", "p1", text=f"revision {i}") for i in range(5)],
        RecordIn("wiki", "page", "p1", text="revision 2"),
    )
    assert (counts.added, counts.new_versions, counts.unchanged) == (1, 4, 1)
    with archive.read() as conn:
        assert conn.execute(text("SELECT version_count FROM records")).scalar() == 5


def test_media_already_archived_is_not_reported_missing(archive: Archive) -> None:
    write(archive, RecordIn("x", "post", "m", text="t", media=[MediaIn("a.jpg", data=b"jpg")]))
    counts = write(archive, RecordIn("x", "post", "m", text="t", media=[MediaIn("a.jpg")]))
    assert counts.media_missing == []
    counts = write(archive, RecordIn("x", "post", "n", text="t", media=[MediaIn("b.jpg")]))
    assert counts.media_missing == ["b.jpg"]


def test_long_chain_and_late_root_thread_correctly(archive: Archive) -> None:
    chain = [
        RecordIn("x", "reply", f"c{i}", text=str(i), parent_key=f"c{i - 1}") for i in range(1, 300)
    ]
    write(archive, *chain)
    write(archive, RecordIn("x", "post", "c0", text="root arrives last"))
    with archive.read() as conn:
        root = conn.execute(text("SELECT id FROM records WHERE record_key = 'c0'")).scalar()
        threads = set(conn.execute(text("SELECT thread_id FROM records")).scalars())
    assert threads == {root}


def test_account_is_filled_in_later_but_never_moved(archive: Archive) -> None:
    """A posts file imported alone has no account; the full export that follows knows it.
    The record gets that account; a third export naming another account does not move it."""
    from retention_desk.archive.ingest import AccountIn, upsert_account

    def write_as(account: str | None) -> None:
        with archive.write() as conn:
            account_id = upsert_account(conn, AccountIn("facebook", account)) if account else None
            w = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account_id)
            w.add(RecordIn("facebook", "post", "p-1", text="hello"))
            w.finish()
            archive.audit(conn, action="test.write")

    def account_of_record() -> str | None:
        with archive.read() as conn:
            return conn.execute(
                text(
                    "SELECT a.account_key FROM records r LEFT JOIN accounts a"
                    " ON a.id = r.account_id WHERE r.record_key = 'p-1'"
                )
            ).scalar_one()

    write_as(None)
    assert account_of_record() is None
    write_as("city-page")
    assert account_of_record() == "city-page"
    write_as("other-page")
    assert account_of_record() == "city-page"
    assert verify_archive(archive, record=False).ok
