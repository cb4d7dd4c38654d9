"""Certificate of destruction (1.13.30.11 NMAC): what it says is what was destroyed, with the
exceptions (records kept inside an original that cannot be split, copies made earlier,
records skipped), markup in names shown as text, stored in the archive and exported."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from retention_desk import retention as rt
from retention_desk.archive import blobs
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.backup import backup_archive
from retention_desk.archive.store import Archive
from retention_desk.disposal import record_approval, run_report
from retention_desk.disposal.certificate import (
    STATEMENT,
    export_certificate,
    make_certificate,
    render_pdf,
    story_lines,
)
from retention_desk.disposal.destroy import destroy
from retention_desk.importers.run import run_import
from tests.disposal.destroy_helpers import OLD, add, prepare
from tests.disposal.test_destroy_originals import FLICKR
from tests.today import agency_today

HOSTILE = "<font size=0>Hidden</font> & <link href='http://x'>Clerk</link>"


def test_certificate_says_what_was_destroyed_and_lists_the_exceptions(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    archive = tmp_archive
    prepare(archive, tmp_path)
    archive.update_settings(
        settings_mod.ArchiveSettings(
            **{
                **vars(archive.settings()),
                "agency_name": "Village of Example",
                "custodian_name": "Robin Custodian",
            }
        )
    )
    run_import(archive, [FLICKR])
    ids = add(archive, [("x1", "an old post", OLD), ("x2", "another old post", OLD)])
    backup_archive(archive, tmp_path / "before.rdesk")
    rt.add_rule(archive, "platform:flickr kind:post", "T-SHORT")
    rt.add_rule(archive, "platform:x", "T-SHORT")
    rt.classify(archive)
    report = run_report(archive, agency_today())
    record_approval(
        archive, report.number, by=HOSTILE, reference="Res. 2026-14", on=date(2026, 12, 1)
    )
    rt.place_hold(archive, "Later hold", "audit", record_ids=[ids["x2"]])
    archive.set_operator("Dana Destroyer")
    result = destroy(archive, report.number)
    assert result.destroyed == 4
    cert, pdf = make_certificate(archive, report.number)
    assert pdf.startswith(b"%PDF")
    assert cert.agency == "Village of Example" and cert.record_owner == "Village of Example"
    assert cert.certifying_official == "Robin Custodian"
    assert cert.destroyed_by == "Dana Destroyer"
    assert cert.records == 4
    assert [(s.code, s.records) for s in cert.series] == [("T-SHORT", 4)]
    assert cert.series[0].citation == "test citation"
    assert cert.first_created == "2020-03-01" and cert.last_created == "2024-04-02"
    assert cert.destroyed_on is not None and cert.finished and cert.purged
    lines = story_lines(cert)
    text = "\n".join(lines)
    assert "1.13.30.11 NMAC" in text and STATEMENT in text
    assert "Number of electronic records destroyed: 4" in text
    assert "reference Res. 2026-14" in text and "dated 2026-12-01" in text
    assert text.count("Signature:") == 3
    # exceptions: the two photos whose files keep their comments, and the earlier backup
    exceptions = [e for e in cert.exceptions if e.startswith("Record")]
    assert len(exceptions) == 2 and all("whole file" in e for e in exceptions)
    assert any("before.rdesk" in e for e in cert.exceptions)
    assert "can still be read" in cert.statement
    assert any(f"Record {ids['x2']} was not destroyed" in s for s in cert.skipped)
    # stored once in the archive; the export is the stored PDF byte for byte
    out = tmp_path / "certificate.pdf"
    export_certificate(archive, report.number, out)
    with archive.read() as conn:
        sha = conn.exec_driver_sql(
            "SELECT certificate_sha256 FROM disposal_destructions WHERE report_id = ?",
            (report.number,),
        ).scalar_one()
        assert blobs.read_bytes(conn, sha) == out.read_bytes() == pdf
        audit = conn.exec_driver_sql(
            "SELECT details FROM audit_log WHERE action = 'disposal.certificate'"
        ).all()
    assert len(audit) == 1 and "Robin" not in audit[0][0]


def test_markup_in_names_is_printed_as_text() -> None:
    from retention_desk.disposal.certificate import Certificate

    cert = Certificate(
        report=1,
        agency=HOSTILE,
        agency_kind="municipality",
        series=[],
        records=0,
        first_created=None,
        last_created=None,
        destroyed_on=None,
        method="m",
        destroyed_by=HOSTILE,
        record_owner=HOSTILE,
        certifying_official=HOSTILE,
        certifying_title="",
        approvals=[HOSTILE],
        statement=STATEMENT,
    )
    pdf = render_pdf(cert)  # reportlab raises on unbalanced markup; escaped text cannot be
    assert pdf.startswith(b"%PDF") and b"/URI" not in pdf
    # a TrueType subset writes glyph codes, not characters: read the text back with pypdf
    shown = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<font size=0>Hidden</font>" in shown and "<link href='http://x'>" in shown
    assert any("<font size=0>" in line for line in story_lines(cert))


def test_cli_destroy_and_certificate(tmp_archive: Archive, tmp_path: Path) -> None:
    prepare(tmp_archive, tmp_path)
    add(tmp_archive, [("x1", "old", OLD)])
    rt.add_rule(tmp_archive, "platform:x", "T-SHORT")
    rt.classify(tmp_archive)
    report = run_report(tmp_archive, agency_today())
    record_approval(tmp_archive, report.number, by="Pat", on=agency_today())
    path = tmp_archive.path
    tmp_archive.close()
    base = [sys.executable, "-m", "retention_desk", "--archive", str(path), "disposal"]
    refused = subprocess.run(
        [*base, "destroy", str(report.number)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    done = subprocess.run(
        [*base, "destroy", str(report.number), "--yes"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Destroyed 1 record(s)" in done.stdout
    again = subprocess.run(
        [*base, "destroy", str(report.number), "--yes"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 1 and "already been destroyed" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    pdf = tmp_path / "cert.pdf"
    made = subprocess.run(
        [*base, "certificate", str(report.number), "--pdf", str(pdf)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    missing = subprocess.run(
        [*base, "certificate", "42", "--pdf", str(pdf)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode == 1 and "42" in missing.stderr


def test_cli_refuses_before_asking_when_the_report_is_not_approved(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    add(tmp_archive, [("x1", "old", OLD)])
    rt.add_rule(tmp_archive, "platform:x", "T-SHORT")
    rt.classify(tmp_archive)
    report = run_report(tmp_archive, agency_today())
    path = tmp_archive.path
    tmp_archive.close()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "retention_desk",
            "--archive",
            str(path),
            "disposal",
            "destroy",
            str(report.number),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "only an approved report" in done.stderr and "--yes" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
