"""No trace: canary strings stored every way the archive stores content (record text, author,
sensitive field, raw JSON with escapes, a media file in UTF-16, rows of a UTF-8 and a UTF-16
CSV original that also hold kept rows) are destroyed, then every byte of the archive file, its
-wal and -shm, and a backup made afterwards is scanned: none may remain, while the kept records,
their search and `verify` stay intact."""

from __future__ import annotations

import json
from pathlib import Path

from retention_desk import retention as rt
from retention_desk.archive.backup import backup_archive
from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import MediaIn, RecordIn
from retention_desk.archive.store import Archive
from retention_desk.disposal import record_approval, run_report
from retention_desk.disposal.destroy import destroy
from retention_desk.importers.run import run_import
from tests.disposal.destroy_helpers import NEW, OLD, check_verify, prepare
from tests.today import agency_today

# each canary ends in a tail no kept text shares, so a term stored with its prefix compressed
# away in an index page is still caught by the tail
PLAIN = "plaincanaryzq4417"
AUTHOR = "authorcanaryzq5512"
SENSITIVE = "sensitivecanaryzq6623"
JSONESC = "jsoncanaryzq7734\u00e9\u4e2d"  # stored escaped (\u00e9\u4e2d) in raw JSON
MEDIA = "mediacanaryzq8845"
CSV8 = "csvcanaryzq9956"
CSV16 = "utfsixteencanaryzq1067"
ALL = (PLAIN, AUTHOR, SENSITIVE, JSONESC, MEDIA, CSV8, CSV16)
TAILS = ("zq4417", "zq5512", "zq6623", "zq7734", "zq8845", "zq9956", "zq1067")


def _forms(value: str) -> list[bytes]:
    escaped = json.dumps(value)[1:-1]
    forms = {value, escaped, value.lower()}
    out: list[bytes] = []
    for form in forms:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            out.append(form.encode(encoding))
    return out


def _files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def _found(paths: list[Path]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    blobs = [(p.name, p.read_bytes()) for p in paths]
    for value, tail in zip(ALL, TAILS, strict=True):
        for form in [*_forms(value), *_forms(tail)]:
            for name, data in blobs:
                if form in data:
                    hits.setdefault(value, []).append(name)
    return hits


def _build(archive: Archive, tmp_path: Path) -> None:
    prepare(archive, tmp_path)
    csv8 = tmp_path / "posts.csv"
    csv8.write_text(
        "id,text,created_at\n"
        "c1,kept first row,2026-11-30T10:00:00Z\n"
        f'c2,"gone {CSV8}, with a comma",2020-01-03T10:00:00Z\n'
        "c3,kept last row,2026-11-30T11:00:00Z\n",
        encoding="utf-8",
    )
    csv16 = tmp_path / "wide.csv"
    csv16.write_bytes(
        (
            "id,text,created_at\r\n"
            f"u1,gone {CSV16},2020-01-03T10:00:00Z\r\n"
            "u2,kept wide row,2026-11-30T10:00:00Z\r\n"
        ).encode("utf-16")
    )
    run_import(archive, [csv8])
    run_import(archive, [csv16])
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(
            RecordIn(
                platform="x",
                kind="post",
                record_key="gone1",
                platform_id="gone1",
                text=f"words {PLAIN} more words",
                author_name=AUTHOR,
                sensitive={"email": SENSITIVE},
                raw_json=json.dumps({"full_text": JSONESC}),
                created_at=OLD,
                media=[
                    MediaIn(
                        original_uri="media/gone1.bin",
                        data=b"\x00\x01" + MEDIA.encode("utf-16-le") + MEDIA.encode(),
                    )
                ],
            )
        )
        writer.add(
            RecordIn(
                platform="x",
                kind="post",
                record_key="kept1",
                platform_id="kept1",
                text="kept post about the library",
                created_at=NEW,
                media=[MediaIn(original_uri="media/kept1.bin", data=b"kept media bytes")],
            )
        )
        writer.finish()
    rt.add_rule(archive, "platform:x", "T-SHORT")
    rt.add_rule(archive, "platform:csv", "T-SHORT")
    rt.classify(archive)


def test_no_canary_survives_destruction_anywhere(tmp_archive: Archive, tmp_path: Path) -> None:
    archive = tmp_archive
    _build(archive, tmp_path)

    report = run_report(archive, agency_today())
    assert report.records == 3
    record_approval(archive, report.number, by="Pat Official", on=agency_today())
    path = archive.path
    # the scan sees every canary before destruction (else it proves nothing)
    assert set(_found(_files(path))) == set(ALL)
    result = destroy(archive, report.number)
    assert result.destroyed == 3 and result.purged
    assert not result.retained
    with archive.read() as conn:
        # both indexes: no term of a destroyed record is left
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.vw USING fts5vocab(main, 'record_fts', 'row')"
        )
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.vt USING fts5vocab(main, 'record_fts_trigram', 'row')"
        )
        words = {str(r[0]) for r in conn.exec_driver_sql("SELECT term FROM temp.vw")}
        grams = {str(r[0]) for r in conn.exec_driver_sql("SELECT term FROM temp.vt")}
        assert not [w for w in words if "zq" in w]
        assert not [g for g in grams if "zq" in g]
        assert "library" in words and "kept" in words
        texts = sorted(str(r[0]) for r in conn.exec_driver_sql("SELECT text FROM record_versions"))
    assert texts == sorted(
        ["kept first row", "kept last row", "kept wide row", "kept post about the library"]
    )
    archive.close()
    assert _found(_files(path)) == {}
    # a backup verifies its copy first: the same verify the archive must pass
    check_verify(path)
    archive = Archive.open(path)
    backup = tmp_path / "after.rdesk"
    try:
        backup_archive(archive, backup)
    finally:
        archive.close()
    assert _found(_files(path) + _files(backup)) == {}
