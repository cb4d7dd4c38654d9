"""`verify`: is the archive still what it says it is?

Checks, in order (each a PREMIS-style fixity event, logged in the audit trail when recorded):
1. SQLite `integrity_check` and `foreign_key_check`;
2. schema version is the one this app expects, audit triggers are in place;
3. the audit chain links from the first row to the last and every row matches its hash;
4. every stored blob (originals, media) re-hashes to its SHA-256 key and size;
5. the full-text index agrees with the record text (FTS5 integrity-check).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from retention_desk.archive import audit, blobs, migrate, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class VerifyReport:
    started_at: str
    finished_at: str = ""
    checks: list[Check] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    blobs_checked: int = 0
    bytes_checked: int = 0
    audit_rows: int = 0
    audit_head: str = ""
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.cancelled and not self.failures and all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def _names_for_blob(conn: Connection, sha: str) -> str:
    names = [
        f"source file '{r[0]}'"
        for r in conn.execute(
            text("SELECT name FROM source_files WHERE blob_sha256 = :s LIMIT 3"), {"s": sha}
        )
    ]
    names += [
        f"media '{r[0]}' of record {r[1]}"
        for r in conn.execute(
            text(
                "SELECT coalesce(filename, original_uri), record_id FROM media"
                " WHERE blob_sha256 = :s LIMIT 3"
            ),
            {"s": sha},
        )
    ]
    return ", ".join(names) or "unreferenced blob"


def verify_archive(
    archive: Archive,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    record: bool = True,
) -> VerifyReport:
    """Run every check. With `record`, store the result and append an audit row."""
    report = VerifyReport(started_at=timeutil.now_db())
    report_progress = progress or (lambda done, total, msg: None)

    def check_cancel() -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()

    try:
        with archive.read() as conn:
            total_blobs = int(conn.execute(text("SELECT count(*) FROM blobs")).scalar_one())
            steps = 4 + total_blobs
            done = 0

            report_progress(done, steps, "Checking database integrity")
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            ok = rows == ["ok"]
            report.checks.append(
                Check("sqlite_integrity", ok, "ok" if ok else "; ".join(rows[:20]))
            )
            if not ok:
                report.failures.append("SQLite integrity check failed: " + "; ".join(rows[:5]))
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            report.checks.append(Check("foreign_keys", not fk, f"{len(fk)} dangling reference(s)"))
            if fk:
                report.failures += [
                    f"Foreign key broken: table {r[0]} row {r[1]} -> {r[2]}" for r in fk[:20]
                ]
            done += 1
            check_cancel()

            report_progress(done, steps, "Checking schema")
            current = migrate.current_revision(conn)
            head = migrate.head_revision()
            missing = audit.triggers_present(conn)
            ok = current == head and not missing
            detail = f"schema {current} (app expects {head})"
            if missing:
                detail += "; missing audit guards: " + ", ".join(missing)
                report.failures.append(
                    "Audit trail guard triggers are missing: " + ", ".join(missing)
                )
            if current != head:
                report.failures.append(f"Schema {current} is not the expected {head}.")
            report.checks.append(Check("schema", ok, detail))
            done += 1
            check_cancel()

            report_progress(done, steps, "Checking the audit chain")
            chain = audit.check_chain(conn)
            report.audit_rows = chain.rows
            report.audit_head = chain.head_hash
            report.checks.append(
                Check(
                    "audit_chain",
                    not chain.problems,
                    f"{chain.rows} rows, head {chain.head_hash[:16]}"
                    if not chain.problems
                    else f"{len(chain.problems)} problem(s)",
                )
            )
            report.failures += [f"Audit row {p.entry_id}: {p.reason}" for p in chain.problems]
            done += 1
            check_cancel()

            bad_blobs = 0
            shas = [r[0] for r in conn.execute(text("SELECT sha256 FROM blobs ORDER BY sha256"))]
            for sha in shas:
                check_cancel()
                report_progress(done, steps, f"Re-hashing stored files ({done - 3}/{total_blobs})")
                digest = hashlib.sha256()
                size = 0
                expected_seq = 0
                gap = False
                for seq, data in blobs.iter_chunks(conn, sha):
                    if seq != expected_seq:
                        gap = True
                    expected_seq = seq + 1
                    digest.update(data)
                    size += len(data)
                stored_size = int(
                    conn.execute(
                        text("SELECT size FROM blobs WHERE sha256 = :s"), {"s": sha}
                    ).scalar_one()
                )
                report.blobs_checked += 1
                report.bytes_checked += size
                if gap or digest.hexdigest() != sha or size != stored_size:
                    bad_blobs += 1
                    why = (
                        "chunks missing"
                        if gap
                        else ("SHA-256 mismatch" if digest.hexdigest() != sha else "size mismatch")
                    )
                    report.failures.append(
                        f"Stored file {sha[:16]}… ({_names_for_blob(conn, sha)}): {why}; "
                        "its content is no longer the original."
                    )
                done += 1
            report.checks.append(
                Check(
                    "blob_fixity",
                    bad_blobs == 0,
                    f"{report.blobs_checked} stored files, "
                    f"{report.bytes_checked} bytes, {bad_blobs} bad",
                )
            )

            report_progress(done, steps, "Checking the search index")
            try:
                conn.exec_driver_sql(
                    "INSERT INTO record_fts(record_fts, rank) VALUES ('integrity-check', 1)"
                )
                report.checks.append(Check("search_index", True, "ok"))
            except Exception as exc:
                report.checks.append(Check("search_index", False, str(exc)))
                report.failures.append(f"Search index does not match record text: {exc}")
            report_progress(steps, steps, "Done")
    except Cancelled:
        report.cancelled = True
    report.finished_at = timeutil.now_db()

    if record and not report.cancelled:
        summary = {
            "ok": report.ok,
            "finished_at": report.finished_at,
            "failures": report.failures[:50],
            "blobs_checked": report.blobs_checked,
            "bytes_checked": report.bytes_checked,
            "audit_rows": report.audit_rows,
            "audit_head": report.audit_head,
        }
        with archive.write() as conn:
            settings_mod.set_value(conn, "archive.last_verify", summary)
            archive.audit(
                conn,
                action="archive.verify",
                object_type="archive",
                details={
                    "outcome": "pass" if report.ok else "fail",
                    "failures": len(report.failures),
                    "blobs_checked": report.blobs_checked,
                    "audit_head": report.audit_head,
                },
            )
    return report
