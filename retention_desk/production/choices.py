"""What the production dialog offers before anything is laid out: the private messages in the
request's set (left out unless the custodian includes them one by one) and how many records
each format's earlier releases already hold (a rolling production makes only the rest).

Read-only and cheap (a few queries over the request's set), so the dialog can ask again every
time it opens. Returns plain data; an excerpt of a message is imported text, shown as plain
text by the GUI.
"""

from __future__ import annotations

from dataclasses import dataclass

from retention_desk.archive.store import Archive
from retention_desk.ipra.requests import request_row

EXCERPT_CHARS = 80


@dataclass(frozen=True)
class RestrictedRecord:
    record_id: int
    platform: str
    kind: str
    author: str
    created_at: str | None  # UTC, as stored
    excerpt: str  # the start of the current version's text, one line


@dataclass(frozen=True)
class ProductionChoices:
    request: str
    records: int  # in the set, not removed, still in the archive
    restricted: tuple[RestrictedRecord, ...]
    # file format -> records of the set an earlier complete release in that format holds
    released: dict[str, int]

    def new_for(self, file_format: str) -> int:
        """Records a rolling production in `file_format` would hold (before private messages
        are left out)."""
        return self.records - self.released.get(file_format, 0)


def production_choices(archive: Archive, number: str) -> ProductionChoices:
    with archive.read() as conn:
        row = request_row(conn, number)
        request_id, request_number = int(row[0]), str(row[1])
        records = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM ipra_request_records s JOIN records r ON r.id = s.record_id"
                " WHERE s.request_id = ? AND s.removed_at IS NULL",
                (request_id,),
            ).scalar_one()
        )
        restricted = tuple(
            RestrictedRecord(
                record_id=int(r[0]),
                platform=str(r[1] or ""),
                kind=str(r[2] or ""),
                author=str(r[3] or r[4] or ""),
                created_at=r[5],
                excerpt=_excerpt(r[6]),
            )
            for r in conn.exec_driver_sql(
                "SELECT r.id, r.platform, r.kind, r.author_name, r.author_handle, r.created_at,"
                " substr(v.text, 1, ?) FROM ipra_request_records s"
                " JOIN records r ON r.id = s.record_id"
                " LEFT JOIN record_versions v ON v.record_id = r.id"
                " AND v.seq = r.version_count"
                " WHERE s.request_id = ? AND s.removed_at IS NULL AND r.restricted"
                " ORDER BY r.created_at, r.id",
                (EXCERPT_CHARS * 2, request_id),
            )
        )
        released = {
            str(fmt): int(n)
            for fmt, n in conn.exec_driver_sql(
                "SELECT p.file_format, count(DISTINCT pr.record_id) FROM productions p"
                " JOIN production_records pr ON pr.production_id = p.id"
                " JOIN ipra_request_records s ON s.record_id = pr.record_id"
                " AND s.request_id = p.request_id AND s.removed_at IS NULL"
                " JOIN records r ON r.id = pr.record_id"
                " WHERE p.request_id = ? AND p.kind = 'release' AND p.status = 'complete'"
                " GROUP BY p.file_format",
                (request_id,),
            )
        }
    return ProductionChoices(request_number, records, restricted, released)


def _excerpt(text: str | None) -> str:
    one_line = " ".join((text or "").split())
    if len(one_line) <= EXCERPT_CHARS:
        return one_line
    return one_line[: EXCERPT_CHARS - 1] + "\u2026"
