"""The writer's fast renderings (seal payloads, stored times) agree with the general ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text

from retention_desk.archive import Archive, ingest, seal, timeutil
from retention_desk.archive.ingest import RecordIn, RecordWriter
from retention_desk.archive.verify import verify_archive


def test_stored_times_are_what_timeutil_writes() -> None:
    moments = [
        datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC),
        datetime(2026, 3, 6, 13, 2, 5, 123456, tzinfo=UTC),
        datetime(999, 1, 1, tzinfo=UTC),  # strftime does not pad years before 1000
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 6, 23, 30, tzinfo=timezone(timedelta(hours=-7))),
    ]
    for moment in moments:
        assert ingest._to_db(moment) == timeutil.to_db(moment)
    assert ingest._to_db(None) is None


def test_texts_the_fast_payload_cannot_promise_are_read_back_and_verify(
    archive: Archive,
) -> None:
    texts = ["nul \x00 inside", "a literal \\u0000 is text", "plain", 'quote " and \\ and \x01']
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for n, body in enumerate(texts):
            writer.add(RecordIn("x", "post", f"k{n}", text=body, raw_json=body, is_repost=True))
        writer.flush()
        primed = dict(writer._primed)
        primed_keys = set(primed)
        writer.finish()
    with archive.read() as conn:
        ids = {
            str(r[1]): int(r[0])
            for r in conn.execute(text("SELECT id, record_key FROM records ORDER BY id"))
        }
        payloads = seal.payloads(conn, seal.RECORD, list(ids.values()))
    # NUL and a literal backslash-u0000 are not promised: their leaves come from the rows
    assert ids["k0"] not in primed_keys and ids["k1"] not in primed_keys
    assert {ids["k2"], ids["k3"]} <= primed_keys
    for key in ("k2", "k3"):
        rid = ids[key]
        salt, leaf = primed[rid]
        assert leaf == seal.leaf(salt, payloads[rid])
    report = verify_archive(archive, record=False)
    assert report.ok, [c for c in report.checks if c.status != "ok"]
