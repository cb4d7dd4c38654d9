"""The desk's letters and request log open in LibreOffice (what a custodian edits letters in,
besides Word): the DOCX as text, the PDF in Draw, the log as CSV."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.ipra import correspondence, requests
from retention_desk.ipra.log_export import export_log
from tests.libreoffice import convert


def test_letters_and_log_open_in_libreoffice(tmp_path: Path) -> None:
    from dataclasses import replace

    archive = Archive.create(tmp_path / "desk.rdesk", operator="pytest")
    archive.update_settings(
        replace(archive.settings(), agency_name="Cerro Alto PD", custodian_name="D. Vigil")
    )
    detail = requests.new_request(
        archive,
        received_at=datetime(2026, 11, 2, 16, tzinfo=UTC),
        via="email",
        name='=HYPERLINK("http://x") Ana ‮Requester',
        address="1 Main",
        phone="555",
        description="<b>comments</b> & posts",
    )
    requests.deny(archive, detail.number, responsible=[("R. Ortiz", "Chief")], on=date(2026, 11, 5))
    docx = tmp_path / "denial.docx"
    docx.write_bytes(
        correspondence.write_letter(archive, detail.number, "denial", file_format="docx").data
    )
    pdf = tmp_path / "denial.pdf"
    pdf.write_bytes(correspondence.write_letter(archive, detail.number, "denial").data)
    xlsx = tmp_path / "log.xlsx"
    export_log(archive, xlsx)
    archive.close()

    text = convert(docx, "txt:Text", tmp_path / "lo-docx").read_text(
        encoding="utf-8", errors="replace"
    )
    assert "14-2-11(B)" in text and "R. Ortiz" in text and "<b>comments</b>" in text
    convert(pdf, "pdf", tmp_path / "lo-pdf", infilter="impress_pdf_import")
    rows = list(csv.reader(convert(xlsx, "csv", tmp_path / "lo-xlsx").open(encoding="utf-8")))
    assert rows[1][0] == detail.number
    # the formula-like name stays text: LibreOffice shows it, it does not compute it
    assert rows[1][4].startswith("'=HYPERLINK") or rows[1][4].startswith("=HYPERLINK")
