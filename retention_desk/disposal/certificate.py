"""Certificate of destruction (1.13.30.11 NMAC) for a destroyed disposal report.

Built only from what the archive recorded of the destruction (tombstones, the run, the
approvals, the retained originals and known copies), never from the report's intentions, so it
matches what was actually destroyed even after a run was killed or cancelled.

The statement that the records cannot be read or reconstructed is made only for what was
purged; the certificate lists as exceptions the records whose content stays in an original that
could not be split, the copies the archive knows were made earlier (backups, pre-upgrade
copies), and a purge that has not completed.

The PDF is stored in the archive as a blob (named by `disposal_destructions`) the first time it
is made after the destruction finished, and exported byte for byte afterwards. Every string
from data is made one line and XML-escaped before reportlab reads it as markup.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import Connection

from retention_desk.archive import blobs
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive
from retention_desk.disposal.approval import STEP_WORDS
from retention_desk.disposal.destroy import METHOD, SKIP_WORDS
from retention_desk.disposal.errors import DisposalError
from retention_desk.disposal.store import load_in

CITATION = "1.13.30.11 NMAC"
STATEMENT = (
    "The records listed on this certificate were destroyed so that they cannot be read or"
    " reconstructed from this archive."
)
MAX_LISTED = 200  # exception lines in the PDF; the count is always given


@dataclass(frozen=True)
class CertificateSeries:
    code: str
    title: str
    citation: str
    records: int


@dataclass
class Certificate:
    report: int
    agency: str
    agency_kind: str
    series: list[CertificateSeries]
    records: int
    first_created: str | None
    last_created: str | None
    destroyed_on: str | None  # local date the run finished; None while not finished
    method: str
    destroyed_by: str
    record_owner: str
    certifying_official: str
    certifying_title: str
    approvals: list[str]
    statement: str
    exceptions: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    finished: bool = False
    purged: bool = False
    stored_sha256: str | None = None


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _local_date(value: str | None, zone: object) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:10]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date().isoformat()  # type: ignore[arg-type]


def certificate_in(conn: Connection, number: int) -> Certificate:
    report = load_in(conn, number)
    run = conn.exec_driver_sql(
        "SELECT started_by, finished_at, purged_at, copies_json, certificate_sha256"
        " FROM disposal_destructions WHERE report_id = ?",
        (number,),
    ).first()
    if run is None:
        raise DisposalError(f"Disposal report {number} has not been destroyed.", "report")
    settings = settings_mod.load(conn)
    zone, _bad = settings_mod.agency_zone(conn)
    lines = {s.code: s for s in report.series}
    series = []
    for code, n in conn.exec_driver_sql(
        "SELECT series_code, count(*) FROM record_tombstones WHERE report_id = ?"
        " GROUP BY series_code ORDER BY series_code",
        (number,),
    ).all():
        line = lines.get(str(code))
        series.append(
            CertificateSeries(
                str(code), line.title if line else "", line.citation if line else "", int(n)
            )
        )
    count, first, last = conn.exec_driver_sql(
        "SELECT count(*), min(created_at), max(created_at) FROM record_tombstones"
        " WHERE report_id = ?",
        (number,),
    ).one()
    approvals = []
    for step, by, title, ref, decided, notice in conn.exec_driver_sql(
        "SELECT step, by_name, title, reference, decided_on, notice_sent FROM disposal_approvals"
        " WHERE report_id = ? ORDER BY id",
        (number,),
    ).all():
        parts = [STEP_WORDS.get(str(step), str(step)).capitalize() + ":", _one_line(by)]
        if title:
            parts.append(f"({_one_line(title)})")
        if ref:
            parts.append(f"reference {_one_line(ref)}")
        if decided:
            parts.append(f"dated {decided}")
        if notice:
            parts.append(f"notice mailed {notice}")
        approvals.append(" ".join(parts))
    exceptions = [
        f"Record {rid}: its content stays in original file {sid}, kept because {reason}."
        for rid, sid, reason in conn.exec_driver_sql(
            "SELECT record_id, source_file_id, reason FROM disposal_retained_originals"
            " WHERE report_id = ? ORDER BY record_id, source_file_id",
            (number,),
        ).all()
    ]
    exceptions += [
        f"A copy made before the destruction may still hold the records: {_one_line(path)}"
        for path in json.loads(run[3] or "[]")
    ]
    finished, purged = run[1] is not None, run[2] is not None
    if not purged:
        exceptions.append(
            "The purge of the search indexes and free pages has not completed: run the"
            " destruction again to finish it."
        )
    skipped = [
        f"Record {rid} was not destroyed: {SKIP_WORDS.get(str(reason), str(reason))}."
        for rid, reason in conn.exec_driver_sql(
            "SELECT record_id, reason FROM disposal_skipped WHERE report_id = ? ORDER BY record_id",
            (number,),
        ).all()
    ]
    if not finished:
        skipped.insert(
            0,
            f"The destruction of report {number} has not finished: {int(count)} of"
            f" {report.records} records were destroyed so far.",
        )
    custodian = settings.custodian_name.strip()
    return Certificate(
        report=number,
        agency=settings.agency_name.strip(),
        agency_kind=report.agency_kind,
        series=series,
        records=int(count),
        first_created=_local_date(first, zone),
        last_created=_local_date(last, zone),
        destroyed_on=_local_date(run[1], zone) if finished else None,
        method=METHOD,
        destroyed_by=_one_line(run[0]),
        record_owner=settings.agency_name.strip(),
        certifying_official=custodian,
        certifying_title=settings.custodian_title.strip(),
        approvals=approvals,
        statement=STATEMENT
        + (
            " Exceptions: the records and copies listed below can still be read."
            if exceptions
            else ""
        ),
        exceptions=exceptions,
        skipped=skipped,
        finished=finished,
        purged=purged,
        stored_sha256=str(run[4]) if run[4] else None,
    )


def story_lines(cert: Certificate) -> list[str]:
    """The certificate's text, line by line, as the PDF prints it (plain, not markup)."""
    blank = "______________________________"
    out = [
        "Certificate of Destruction of Public Records",
        f"Pursuant to {CITATION}",
        f"Agency: {cert.agency or '(agency name not set)'}",
        f"Record owner: {cert.record_owner or '(agency name not set)'}",
        f"Disposal report: {cert.report}",
        "Records series:",
    ]
    out += [
        f"  {s.code} {s.title}: {s.records} record(s); citation: {s.citation or 'none given'}"
        for s in cert.series
    ] or ["  none"]
    out += [
        f"Number of electronic records destroyed: {cert.records}",
        f"Date range of the records: {cert.first_created or 'undated'} to"
        f" {cert.last_created or 'undated'}",
        f"Date of destruction: {cert.destroyed_on or 'not finished'}",
        f"Method of destruction: {cert.method}",
        "Approvals:",
    ]
    out += [f"  {a}" for a in cert.approvals] or ["  none recorded"]
    out += [cert.statement]
    if cert.exceptions:
        out.append(f"Exceptions ({len(cert.exceptions)}):")
        out += [f"  {e}" for e in cert.exceptions[:MAX_LISTED]]
        if len(cert.exceptions) > MAX_LISTED:
            out.append(f"  … and {len(cert.exceptions) - MAX_LISTED} more")
    if cert.skipped:
        out.append(f"Not destroyed ({len(cert.skipped)}):")
        out += [f"  {s}" for s in cert.skipped[:MAX_LISTED]]
        if len(cert.skipped) > MAX_LISTED:
            out.append(f"  … and {len(cert.skipped) - MAX_LISTED} more")
    out += [
        f"Destroyed by: {cert.destroyed_by}   Signature: {blank}   Date: __________",
        f"Record owner: {cert.record_owner or blank}   Signature: {blank}   Date: __________",
        f"Certifying official: {cert.certifying_official or blank}"
        + (f", {cert.certifying_title}" if cert.certifying_title else "")
        + f"   Signature: {blank}   Date: __________",
    ]
    return [
        _one_line(line) if not line.startswith("  ") else "  " + _one_line(line) for line in out
    ]


def render_pdf(cert: Certificate) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from retention_desk.pdf_fonts import NOTE, register_fonts

    fonts = register_fonts()
    sample = getSampleStyleSheet()
    title = ParagraphStyle("rd-cert-title", parent=sample["Title"], fontName=fonts.bold)
    body = ParagraphStyle("rd-cert-body", parent=sample["BodyText"], fontName=fonts.regular)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"Certificate of destruction, disposal report {cert.report}",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
    )
    story = []
    lines = story_lines(cert)
    for n, line in enumerate(lines):
        style = title if n == 0 else body
        indent = line.startswith("  ")
        text = fonts.markup(line.strip())
        story.append(Paragraph(("&nbsp;&nbsp;&nbsp;&nbsp;" if indent else "") + text, style))
        if "Signature:" in line:
            story.append(Spacer(1, 0.25 * inch))
    if not fonts.can_show_all(lines):
        story.insert(1, Paragraph(escape(NOTE), body))
    doc.build(story)
    return buffer.getvalue()


def make_certificate(archive: Archive, number: int) -> tuple[Certificate, bytes]:
    """The certificate and its PDF. Once the destruction has finished and been purged, the
    PDF is stored in the archive (audited) and that stored PDF is returned from then on."""
    number = int(number)
    with archive.read() as conn:
        cert = certificate_in(conn, number)
        if cert.stored_sha256:
            return cert, blobs.read_bytes(conn, cert.stored_sha256)
    pdf = render_pdf(cert)
    if cert.finished and cert.purged:
        with archive.write() as conn:
            sha, size = blobs.put_bytes(conn, pdf)
            conn.exec_driver_sql(
                "UPDATE disposal_destructions SET certificate_sha256 = ? WHERE report_id = ?"
                " AND certificate_sha256 IS NULL",
                (sha, number),
            )
            archive.audit(
                conn,
                action="disposal.certificate",
                object_type="disposal_report",
                object_ids=[number],
                details={"report": number, "sha256": sha, "size": size},
            )
        cert.stored_sha256 = sha
    return cert, pdf


def export_certificate(archive: Archive, number: int, path: Path | str) -> Certificate:
    """Write report `number`'s certificate PDF to `path` (atomically: a temporary file beside
    it is renamed into place)."""
    dest = Path(path).expanduser()
    if not dest.parent.is_dir():
        raise DisposalError(f"The folder {dest.parent} does not exist.")
    cert, pdf = make_certificate(archive, number)
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        tmp.write_bytes(pdf)
        tmp.replace(dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DisposalError(
            f"The certificate cannot be written to {dest}: {exc.strerror}."
        ) from exc
    return cert
