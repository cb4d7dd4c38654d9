"""The headless CLI: init, info, verify, backup; clean errors; never loads Qt."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retention_desk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        timeout=120,
    )


def test_importing_cli_never_loads_qt() -> None:
    code = (
        "import sys, retention_desk.cli, retention_desk.cli.common;"
        "from retention_desk.cli import build_parser; build_parser();"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr


def test_init_info_verify_backup(tmp_path: Path) -> None:
    path = tmp_path / "cli.rdesk"
    assert cli("--archive", str(path), "init").returncode == 0
    verify = cli("--archive", str(path), "verify")
    assert verify.returncode == 0 and "all checks passed" in verify.stdout
    info = json.loads(cli("--archive", str(path), "info", "--json").stdout)
    assert info["records"] == 0 and info["last_verify"]["ok"] is True
    backup = cli("--archive", str(path), "backup", str(tmp_path / "copy.rdesk"))
    assert backup.returncode == 0 and "Backup verified" in backup.stdout
    assert cli("--archive", str(tmp_path / "copy.rdesk"), "verify").returncode == 0


def test_archive_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "env.rdesk"
    env = {"RETENTION_DESK_ARCHIVE": str(path)}
    assert cli("init", env=env).returncode == 0
    assert path.exists()
    assert cli("verify", env=env).returncode == 0


def test_verify_fails_and_names_tampered_audit_row(tmp_path: Path) -> None:
    path = tmp_path / "t.rdesk"
    cli("--archive", str(path), "init")
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET operator = 'mallory' WHERE id = 1")
    result = cli("--archive", str(path), "verify", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any(f.startswith("Audit row 1") for f in report["failures"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["verify"], "does not exist"),
        (["info"], "does not exist"),
    ],
)
def test_errors_are_one_line_without_traceback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli("--archive", str(tmp_path / "missing.rdesk"), *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_init_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.rdesk"
    path.write_text("not mine")
    result = cli("--archive", str(path), "init")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert path.read_text() == "not mine"


def test_dry_run_json_has_structured_previews(tmp_path: Path) -> None:
    path = tmp_path / "d.rdesk"
    cli("--archive", str(path), "init")
    export = tmp_path / "tweets.csv"
    export.write_text(
        '"tweet_id","in_reply_to_status_id","in_reply_to_user_id","timestamp",'
        '"source","text","retweeted_status_id","retweeted_status_user_id",'
        '"retweeted_status_timestamp","expanded_urls"\n'
        '"1","","","2015-10-02 20:15:40 +0000","web","hello","","","",""\n'
    )
    result = cli("--archive", str(path), "import", "--dry-run", "--json", str(export))
    assert result.returncode == 0, result.stderr
    preview = json.loads(result.stdout)["previews"][0]
    assert isinstance(preview, dict) and preview["approx_records"] == 1
