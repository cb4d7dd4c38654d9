"""Nothing the append-only audit keeps may reveal record content: names of files (a Messenger
folder is named after the correspondent), inputs and errors live in ordinary tables the audit
rows point to, which destruction can empty (issue 8)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.verify import verify_archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.run import run_import


def _audit_text(archive: Archive) -> str:
    with archive.read() as conn:
        rows = conn.execute(text("SELECT object_ids, details FROM audit_log")).all()
    return "\n".join(f"{ids} {details}" for ids, details in rows).lower()


def test_messenger_folder_names_never_reach_the_audit(samples: Path, archive: Archive) -> None:
    summary = run_import(archive, [samples / "facebook" / "waultar-fixtures"])
    assert summary.status == "completed", summary.errors
    trail = _audit_text(archive)
    with archive.read() as conn:
        names = conn.execute(text("SELECT name, original_path FROM source_files")).all()
    assert any("lukasvintheroffenberglarsen" in n for n, _ in names)
    assert "lukasvintheroffenberglarsen" not in trail
    for name, original in names:
        assert name.lower() not in trail
        assert not original or original.lower() not in trail
    # the plain SHA-256 of a file confirms a guess of its content: not in the audit either
    with archive.read() as conn:
        shas = conn.execute(text("SELECT sha256 FROM source_files")).scalars().all()
    assert not any(sha in trail for sha in shas)
    assert verify_archive(archive, record=False).ok


def test_failed_file_error_and_name_stay_out_of_the_audit(tmp_path: Path, archive: Archive) -> None:
    export = tmp_path / "export-of-jane-doe"
    (export / "data").mkdir(parents=True)
    (export / "data" / "manifest.js").write_text("window.__THAR_CONFIG = {}", "utf-8")
    (export / "data" / "tweets.js").write_text(
        'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "full_text": "Jane Doe said', "utf-8"
    )
    summary = run_import(archive, [export], ImportOptions(format="x-archive"))
    failed = [f for f in summary.files if f.status == "failed"]
    assert failed, summary
    trail = _audit_text(archive)
    assert "jane" not in trail and "doe" not in trail
    with archive.read() as conn:
        kept = conn.execute(
            text("SELECT name, error FROM source_files WHERE status = 'failed'")
        ).all()
    assert kept and all(error for _, error in kept), "the error stays with the kept original"


def test_every_stored_file_and_container_is_sealed_under_an_audit_row(
    tmp_path: Path, archive: Archive
) -> None:
    zpath = tmp_path / "twitter-2024.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("data/manifest.js", "window.__THAR_CONFIG = {}")
        zf.writestr(
            "data/tweets.js",
            "window.YTD.tweets.part0 = "
            + json.dumps([{"tweet": {"id_str": "1", "full_text": "hi", "created_at": ""}}]),
        )
        zf.writestr("data/tweets_media/1-a.jpg", b"\xff\xd8jpeg")
        zf.writestr("Your archive.html", "<html></html>")
    summary = run_import(archive, [zpath])
    assert summary.status in ("completed", "completed_with_errors"), summary
    with archive.read() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
        unsealed = conn.execute(
            text(
                "SELECT count(*) FROM source_files s WHERE NOT EXISTS (SELECT 1 FROM"
                " seal_log l WHERE l.kind = 2 AND l.object_id = s.id)"
            )
        ).scalar_one()
    assert "import.container" in actions and "import.files_kept" in actions
    assert "archive.seal" not in actions, "every write path audits what it stores itself"
    assert unsealed == 0
    assert verify_archive(archive, record=False).ok
