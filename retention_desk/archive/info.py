"""Archive summary for `info` and the main window's Archive page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from retention_desk.archive import migrate
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive


@dataclass(frozen=True)
class AccountCount:
    platform: str
    account: str
    records: int


@dataclass(frozen=True)
class ArchiveInfo:
    path: str
    size_bytes: int
    schema_version: str | None
    app_schema: str
    archive_uuid: str | None
    created_at: str | None
    records: int
    versions: int
    source_files: int
    blobs: int
    blob_bytes: int
    audit_rows: int
    by_platform: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_account: list[AccountCount] = field(default_factory=list)
    last_import: dict[str, Any] | None = None
    last_verify: dict[str, Any] | None = None
    settings: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _file_size(path: Path) -> int:
    return sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )


def archive_info(archive: Archive) -> ArchiveInfo:
    with archive.read() as conn:

        def scalar(sql: str) -> int:
            return int(conn.execute(text(sql)).scalar_one() or 0)

        by_platform = {
            r[0]: int(r[1])
            for r in conn.execute(
                text("SELECT platform, count(*) FROM records GROUP BY platform ORDER BY 2 DESC")
            )
        }
        by_kind = {
            r[0]: int(r[1])
            for r in conn.execute(
                text("SELECT kind, count(*) FROM records GROUP BY kind ORDER BY 2 DESC")
            )
        }
        by_account = [
            AccountCount(platform=r[0], account=r[1] or "(no account)", records=int(r[2]))
            for r in conn.execute(
                text(
                    "SELECT r.platform, coalesce(a.handle, a.display_name, a.account_key), count(*)"
                    " FROM records r LEFT JOIN accounts a ON a.id = r.account_id"
                    " GROUP BY r.platform, r.account_id ORDER BY 3 DESC LIMIT 200"
                )
            )
        ]
        last = conn.execute(
            text(
                "SELECT id, started_at, finished_at, operator, status, counts_json"
                " FROM import_batches ORDER BY id DESC LIMIT 1"
            )
        ).first()
        last_import = None
        if last is not None:
            import json

            last_import = {
                "id": last[0],
                "started_at": last[1],
                "finished_at": last[2],
                "operator": last[3],
                "status": last[4],
                "counts": json.loads(last[5] or "{}"),
            }
        return ArchiveInfo(
            path=str(archive.path),
            size_bytes=_file_size(archive.path),
            schema_version=migrate.current_revision(conn),
            app_schema=migrate.head_revision(),
            archive_uuid=settings_mod.get_value(conn, "archive.uuid"),
            created_at=settings_mod.get_value(conn, "archive.created_at"),
            records=scalar("SELECT count(*) FROM records"),
            versions=scalar("SELECT count(*) FROM record_versions"),
            source_files=scalar("SELECT count(*) FROM source_files"),
            blobs=scalar("SELECT count(*) FROM blobs"),
            blob_bytes=scalar("SELECT coalesce(sum(size), 0) FROM blobs"),
            audit_rows=scalar("SELECT count(*) FROM audit_log"),
            by_platform=by_platform,
            by_kind=by_kind,
            by_account=by_account,
            last_import=last_import,
            last_verify=settings_mod.get_value(conn, "archive.last_verify"),
            settings=asdict(settings_mod.load(conn)),
        )
