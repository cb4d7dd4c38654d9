"""A destruction killed in the middle (SIGKILL after two batches): committed batches stay
destroyed, the rest untouched, `verify` passes, the certificate matches what went, and running
it again finishes the report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.disposal.certificate import certificate_in
from retention_desk.disposal.destroy import destroy
from tests.disposal.destroy_helpers import OLD, add, approved_report, check_verify, prepare

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from retention_desk.archive.store import Archive
    from retention_desk.disposal.destroy import destroy

    archive = Archive.open(sys.argv[1])
    batches = 0

    def progress(done, total, message):
        global batches
        batches += 1
        if batches == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    destroy(archive, int(sys.argv[2]), batch_size=3, progress=progress)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_destruction_verifies_and_finishes_when_run_again(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    ids = add(tmp_archive, [(f"k{i:02d}", f"post number {i}", OLD) for i in range(10)])
    number = approved_report(tmp_archive)
    path = tmp_archive.path
    tmp_archive.close()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(path), str(number)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    archive = Archive.open(path)
    try:
        with archive.read() as conn:
            gone = {
                int(r[0]) for r in conn.exec_driver_sql("SELECT record_id FROM record_tombstones")
            }
            left = {int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM records")}
            status = conn.exec_driver_sql(
                "SELECT status FROM disposal_reports WHERE id = ?", (number,)
            ).scalar_one()
            cert = certificate_in(conn, number)
        # two whole batches of three, nothing of the third
        assert len(gone) == 6 and gone | left == set(ids.values()) and not gone & left
        assert status == "destroying"
        assert cert.records == 6 and not cert.finished
        assert any("has not finished" in line for line in cert.skipped)
    finally:
        archive.close()
    archive = Archive.open(path)
    try:
        result = destroy(archive, number, batch_size=3)
        assert result.destroyed == 10 and result.destroyed_now == 4 and result.finished
    finally:
        archive.close()
    check_verify(path)


def test_killed_destruction_passes_verify_before_it_is_run_again(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    add(tmp_archive, [(f"k{i:02d}", f"post number {i}", OLD) for i in range(7)])
    number = approved_report(tmp_archive)
    path = tmp_archive.path
    tmp_archive.close()
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(path), str(number)],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    check_verify(path)
