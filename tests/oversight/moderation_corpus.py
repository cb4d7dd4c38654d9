"""An archive for the moderation log and the annual review: two accounts with posts,
comments (some hidden or deleted), replies and messages spread over two years around the
agency's New Year. The categories are the shipped policy files' (every policy applies while
the `policies` setting is empty): lc-profane and lc-off-topic (CMP 1.12 II.1.i.ii and i),
dhs-abusive (389.5(a))."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from retention_desk.archive.ingest import AccountIn, RecordWriter, upsert_account
from retention_desk.archive.records_in import RecordIn
from retention_desk.archive.store import Archive

HOSTILE = '=HYPERLINK("http://evil.example/x") <font size=40>BIG</font> \x1b[31mred'


def _at(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def _rec(key: str, kind: str, when: datetime, **kw: object) -> RecordIn:
    return RecordIn(
        platform=str(kw.pop("platform", "facebook")),
        kind=kind,
        record_key=key,
        platform_id=key,
        text=str(kw.pop("text", f"text of {key}")),
        created_at=when,
        author_name=str(kw.pop("author_name", "Resident")),
        author_handle=str(kw.pop("author_handle", "resident")),
        **kw,  # type: ignore[arg-type]
    )


def _write(archive: Archive, account: AccountIn, items: list[RecordIn]) -> int:
    with archive.write() as conn:
        account_id = upsert_account(conn, account)
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account_id)
        for item in items:
            writer.add(item)
        writer.finish()
    return account_id


def build(path: Path) -> tuple[Archive, dict[str, int]]:
    """Records keyed by name; 2025-12-31 23:30 Denver is 2026-01-01 06:30 UTC, so p_edge
    counts in 2025 in the agency's zone and in 2026 in UTC."""
    archive = Archive.create(path, operator="pytest")
    page = AccountIn("facebook", "page1", handle="cityofsandia", display_name="City of Sandia")
    tw = AccountIn("x", "tw1", handle="sandiapd", display_name="Sandia PD")
    _write(
        archive,
        page,
        [
            _rec("p1", "post", _at(2025, 3, 1)),
            _rec("p2", "post", _at(2025, 6, 1)),
            _rec("p_edge", "post", datetime(2026, 1, 1, 6, 30, tzinfo=UTC)),
            _rec("p3", "post", _at(2026, 2, 1)),
            _rec("c1", "comment", _at(2025, 3, 2), parent_key="p1", hidden_at=_at(2025, 3, 3)),
            _rec(
                "c2",
                "comment",
                _at(2025, 3, 2, 13),
                parent_key="p1",
                text=HOSTILE,
                hidden_at=_at(2025, 3, 4),
                author_name=HOSTILE,
            ),
            _rec("c3", "comment", _at(2025, 6, 2), parent_key="p2", deleted_at=_at(2025, 6, 3)),
            _rec("c4", "comment", _at(2025, 6, 2, 14), parent_key="p2"),
            _rec("c5", "comment", _at(2026, 2, 2), parent_key="p3", hidden_at=_at(2026, 2, 3)),
            _rec("r1", "reply", _at(2025, 3, 5), parent_key="c1", deleted_at=_at(2025, 3, 6)),
            _rec("r2", "reply", _at(2025, 6, 5), parent_key="c4"),
            _rec("m1", "message", _at(2025, 4, 1), restricted=True, deleted_at=_at(2025, 4, 2)),
        ],
    )
    _write(
        archive,
        tw,
        [
            _rec("t1", "post", _at(2025, 5, 1), platform="x"),
            _rec("t2", "post", _at(2025, 5, 2), platform="x", deleted_at=_at(2025, 5, 3)),
            _rec(
                "tr1",
                "reply",
                _at(2025, 5, 2, 15),
                platform="x",
                parent_key="t1",
                hidden_at=_at(2025, 5, 4),
            ),
            _rec("tm1", "message", _at(2025, 7, 1), platform="x", restricted=True),
        ],
    )
    with archive.read() as conn:
        ids = {
            str(k): int(i) for k, i in conn.exec_driver_sql("SELECT record_key, id FROM records")
        }
    return archive, ids
