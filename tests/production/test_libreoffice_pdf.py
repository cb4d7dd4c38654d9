"""A release PDF production opens in LibreOffice (Draw's PDF import), and LibreOffice's
reading of it holds none of the redacted secrets."""

from __future__ import annotations

from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.production.produce import produce
from tests.libreoffice import convert
from tests.production.helpers import SSN, build_corpus


def test_release_pdf_opens_in_libreoffice(tmp_path: Path) -> None:
    archive = Archive.create(tmp_path / "p.rdesk", operator="pytest")
    corpus = build_corpus(archive)
    result = produce(archive, corpus.number, out_dir=tmp_path / "out")
    archive.close()
    pdf = next(Path(f) for f in result.files if str(f).endswith(".pdf"))
    again = convert(pdf, "pdf", tmp_path / "lo", infilter="impress_pdf_import")
    assert again.read_bytes().startswith(b"%PDF")
    assert SSN.encode() not in again.read_bytes()
