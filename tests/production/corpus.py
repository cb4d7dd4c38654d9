"""A hostile corpus for the production renderers and the production store: release plans
built by hand as `plan.build_plan` builds them (boxes carry codes, never the hidden text), with
the secrets that must appear nowhere in what is produced, and texts that try to become
formulas, markup or errors in what does appear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import RecordIn
from retention_desk.archive.store import Archive
from retention_desk.ipra import requests, responsive
from retention_desk.production.model import (
    LogEntry,
    Piece,
    ProducedMedia,
    ProducedRecord,
    ProducedVersion,
    ProductionPlan,
    Shown,
)
from retention_desk.redaction import add_redaction, withhold

SSN = "123-45-6789"
NAME = "Jane Q. Citizen"
FONT_SECRET = '<font color="red">FONTSECRET</font>'
IMG_SECRET = '<img src="http://127.0.0.1:9/p"/>IMGSECRET'
FORMULA_SECRET = '=HYPERLINK("http://evil.example/SECRETLINK","y")'
ZW_SECRET = "Z\u200bW\u200bS\u200bE\u200bC\u200bR\u200bE\u200bT"
RTL_SECRET = "\u202eSECRET-RTL-\u05e9\u05dc\u05d5\u05dd"
OLD_SECRET = "first-version-secret 555-12-3456"

SECRETS = (SSN, NAME, "FONTSECRET", "IMGSECRET", "SECRETLINK", ZW_SECRET, RTL_SECRET, OLD_SECRET)
# what a spreadsheet must keep as text, never run
FORMULAS = ('=HYPERLINK("http://x","y")', "=1+1", "@SUM(1)", "+1", "-1+1", "#N/A", "#REF!")


def plain_hashes(*texts: str) -> list[str]:
    """The plain SHA-256 a careless production would print for each redacted text."""
    return [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]


def _box(code: str) -> Piece:
    return Piece(box=code)


def _version(vid: int, seq: int, current: bool, *pieces: Piece) -> ProducedVersion:
    return ProducedVersion(
        version_id=vid,
        seq=seq,
        current=current,
        observed_at="2026-03-02 16:15 UTC",
        edited_at=None,
        title=Shown(()),
        text=Shown(tuple(pieces)),
    )


def record(
    rid: int,
    *pieces: Piece,
    author: Shown | None = None,
    withheld: str | None = None,
    log: tuple[LogEntry, ...] = (),
    versions: tuple[ProducedVersion, ...] | None = None,
    depth: int = 0,
    parent: int | None = None,
    fixity: tuple[str, ...] = (),
) -> ProducedRecord:
    return ProducedRecord(
        record_id=rid,
        platform="x",
        kind="post" if depth == 0 else "comment",
        account="sandia_pd",
        author_name=author if author is not None else Shown.of("Town of Sandia"),
        author_handle=Shown.of("sandia"),
        url=Shown.of(f"https://x.com/sandia/status/{rid}"),
        created_utc="2026-03-02 16:15 UTC",
        created_local="2026-03-02 09:15 MST",
        depth=depth,
        parent_id=parent,
        thread_id=parent or rid,
        deleted=False,
        hidden=depth > 0,
        edited=versions is not None and len(versions) > 1,
        restricted=False,
        versions=versions if versions is not None else (_version(rid * 10, 1, True, *pieces),),
        media=(ProducedMedia(rid * 100, "image", "image 1", None, "14-2-1.1", False),)
        if withheld is None and depth == 0
        else (),
        withheld=withheld,
        fixity=fixity or (f"keyed HMAC-SHA256 (production key) {'0' * 64}",),
        log=log,
    )


def _log(rid: int, field: str, code: str, seq: int | None = 1) -> LogEntry:
    return LogEntry(rid, field, seq, code, f"Description of {code} for the log")


def hostile_plan(*, review: bool = False, long_text: int = 0) -> ProductionPlan:
    """Five records: redacted SSN and markup, a redacted author name, every formula-like
    value in plain sight, a withheld record, two versions each with a redacted secret."""
    records = (
        record(
            1,
            Piece("My SSN is "),
            _box("14-2-1.1"),
            Piece(" and <b>bold</b> a<b & c "),
            _box("14-2-1(A)"),
            Piece(" done"),
            log=(
                _log(1, "text", "14-2-1.1"),
                _log(1, "text", "14-2-1(A)"),
                _log(1, "media", "14-2-1.1", None),
            ),
        ),
        record(
            2,
            Piece("Comment by a resident "),
            _box("14-2-1.1"),
            author=Shown((_box("14-2-1.1"),)),
            depth=1,
            parent=1,
            log=(_log(2, "author_name", "14-2-1.1", None), _log(2, "text", "14-2-1.1")),
        ),
        record(3, Piece("\n".join(FORMULAS)), fixity=("SHA-256 of version text: " + "a" * 64,)),
        record(4, withheld="14-2-1(G)", log=(_log(4, "record", "14-2-1(G)", None),)),
        record(
            5,
            versions=(
                _version(51, 1, False, Piece("first said "), _box("14-2-1.1")),
                _version(
                    52, 2, True, Piece("then said "), _box("14-2-1.1"), Piece("x" * long_text)
                ),
            ),
            log=(_log(5, "text", "14-2-1.1", 1), _log(5, "text", "14-2-1.1", 2)),
        ),
    )
    for f in FORMULAS:
        records = (*records, record(100 + len(records), Piece(f), author=Shown.of(f)))
    return ProductionPlan(
        request_number="IPRA-2026-0001",
        review=review,
        versions="all",
        agency_name="Town of Sandia",
        time_zone="America/Denver",
        records=records,
        restricted_left_out=0,
        redaction_count=sum(len(r.log) for r in records),
        withheld_count=1,
    )


# ----------------------------------------------------------- an archive with the secrets
WITHHELD_SECRET = "WITHHELDSECRET-4471"
RESTRICTED_SECRET = "RESTRICTEDSECRET-9002"
REMOVED_SECRET = "REMOVEDSECRET-3318"
ARCHIVE_SECRETS = (*SECRETS, WITHHELD_SECRET, RESTRICTED_SECRET, REMOVED_SECRET)


@dataclass(frozen=True)
class ArchiveCorpus:
    number: str
    ids: dict[str, int]
    # every text a redaction covers, and every whole version text that held one: their plain
    # SHA-256 must appear nowhere
    redacted_texts: tuple[str, ...]


def _post(key: str, text: str, **kw: object) -> RecordIn:
    return RecordIn(
        platform="x",
        kind=str(kw.pop("kind", "post")),
        record_key=key,
        platform_id=key,
        text=text,
        created_at=datetime(2026, 3, 1, 17, tzinfo=UTC),
        author_name=str(kw.pop("author_name", "Town of Sandia")),
        author_handle="sandia",
        url=f"https://x.com/sandia/status/{key}",
        **kw,  # type: ignore[arg-type]
    )


def _write(archive: Archive, items: list[RecordIn]) -> None:
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for item in items:
            writer.add(item)
        writer.finish()


def build_archive_corpus(archive: Archive) -> ArchiveCorpus:
    """Records holding the secrets, redactions over each of them, a withheld record, a
    restricted message not included and a comment removed from the set; a request whose set
    holds them all."""
    t1 = f"Report: SSN {SSN} then {FONT_SECRET} and {IMG_SECRET} end"
    t2 = f"Reply {FORMULA_SECRET} / {ZW_SECRET} / {RTL_SECRET} done"
    old1 = f"First words: {OLD_SECRET} tail"
    old2 = f"First words: {OLD_SECRET} tail, edited"
    _write(
        archive,
        [
            _post("p1", t1, author_name=NAME),
            _post(
                "c2",
                t2,
                kind="comment",
                parent_key="p1",
                hidden_at=datetime(2026, 3, 2, tzinfo=UTC),
            ),
            _post("p3", old1),
            _post("p4", f"This one is withheld: {WITHHELD_SECRET}"),
            _post("p5", "\n".join(FORMULAS)),
            _post("m6", f"private {RESTRICTED_SECRET}", kind="message", restricted=True),
            _post("c7", f"removed {REMOVED_SECRET}", kind="comment", parent_key="p1"),
        ],
    )
    _write(archive, [_post("p3", old2, edited_at=datetime(2026, 3, 3, tzinfo=UTC))])
    with archive.read() as conn:
        ids = {
            str(k): int(i) for k, i in conn.exec_driver_sql("SELECT record_key, id FROM records")
        }
    number = requests.new_request(
        archive,
        received_at=datetime(2026, 3, 4, 18, tzinfo=UTC),
        via="email",
        name="Ana Requester",
        email="ana@example.org",
        description="Everything about the report",
    ).number
    responsive.add_records(archive, number, list(ids.values()))
    responsive.remove_records(archive, number, [ids["c7"]], "not responsive")

    def cover(record: str, text: str, secret: str, **kw: object) -> None:
        start = text.index(secret)
        add_redaction(
            archive,
            ids[record],
            start,
            start + len(secret),
            "14-2-1.1",
            request=number,
            **kw,  # type: ignore[arg-type]
        )

    for secret in (SSN, FONT_SECRET, IMG_SECRET):
        cover("p1", t1, secret)
    cover("p1", NAME, NAME, field="author_name")
    for secret in (FORMULA_SECRET, ZW_SECRET, RTL_SECRET):
        cover("c2", t2, secret)
    cover("p3", old1, OLD_SECRET, version="all")
    withhold(archive, ids["p4"], "14-2-1(G)", request=number)
    covered = (
        SSN,
        FONT_SECRET,
        IMG_SECRET,
        NAME,
        FORMULA_SECRET,
        ZW_SECRET,
        RTL_SECRET,
        OLD_SECRET,
    )
    whole = (t1, t2, old1, old2, f"This one is withheld: {WITHHELD_SECRET}")
    return ArchiveCorpus(number, ids, (*covered, *whole))
