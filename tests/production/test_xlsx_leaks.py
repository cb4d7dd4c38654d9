"""Leak test of the Excel production (and, beside it, the manifests and the PDF): secrets
in text, in every version, in an author name, in reportlab markup, in formula-like values,
split by zero-width characters and in right-to-left runs, each under a redaction, plus a
withheld record, a private message not included and a comment taken out of the set. Every
part of the XLSX zip, both manifests and the PDF (raw, inflated streams, extracted text,
metadata) are searched for each secret and for the plain SHA-256 of every redacted text."""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.production.produce import produce
from retention_desk.production.xlsx import XlsxInput, render_xlsx
from tests.production.corpus import (
    ARCHIVE_SECRETS,
    SECRETS,
    build_archive_corpus,
    hostile_plan,
    plain_hashes,
)

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _forms(secret: str) -> set[str]:
    bare = _INVISIBLE.sub("", secret)
    forms = {secret, bare, html.escape(secret), html.escape(bare, quote=False)}
    # the distinctive ASCII core of each secret (what a reader would search for)
    forms |= {w for w in re.findall(r"[A-Z]{6,}[A-Z0-9-]*", bare)}
    return {f for f in forms if f}


def _hash_forms(texts: tuple[str, ...] | list[str]) -> set[str]:
    out = set()
    for h in plain_hashes(*texts):
        out |= {h, h.upper()}
    return out


def _xlsx_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()}


def _pdf_texts(data: bytes) -> dict[str, str]:
    from pypdf import PdfReader

    parts = {"raw": data.decode("latin-1")}
    for i, m in enumerate(re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)):
        try:
            parts[f"stream {i}"] = zlib.decompress(m.group(1)).decode("latin-1")
        except zlib.error:
            parts[f"stream {i}"] = m.group(1).decode("latin-1")
    reader = PdfReader(io.BytesIO(data))
    parts["text"] = "\n".join(page.extract_text() or "" for page in reader.pages)
    parts["metadata"] = repr(reader.metadata)
    return parts


def _find(parts: dict[str, str], secrets: tuple[str, ...], hashes: set[str]) -> list[str]:
    found = []
    for name, text in parts.items():
        for secret in secrets:
            for form in _forms(secret):
                if form in text:
                    found.append(f"{secret!r} as {form!r} in {name}")
        for h in hashes:
            if h in text:
                found.append(f"plain hash {h[:12]} in {name}")
    return found


def test_the_workbook_of_a_release_plan_holds_no_secret_and_no_formula() -> None:
    plan = hostile_plan(long_text=40_000)
    data = render_xlsx(
        plan, XlsxInput({r.record_id: "RD1" for r in plan.records}, "note", "2026-03-04")
    )
    parts = _xlsx_texts(data)
    assert _find(parts, SECRETS, _hash_forms(list(SECRETS))) == []
    for name, xml in parts.items():
        assert "<f>" not in xml and "<f " not in xml, name


def test_produced_files_from_a_hostile_archive_leak_nothing(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    pytest.importorskip("retention_desk.production.plan")
    corpus = build_archive_corpus(tmp_archive)
    hashes = _hash_forms(corpus.redacted_texts)
    made = produce(tmp_archive, corpus.number, file_format="xlsx", versions="all", out_dir=tmp_path)
    parts = _xlsx_texts(made.files[0].read_bytes())
    for path in made.files[1:]:
        parts[path.name] = path.read_text("utf-8")
    assert _find(parts, ARCHIVE_SECRETS, hashes) == []
    for name, xml in parts.items():
        if name.endswith(".xml"):
            assert "<f>" not in xml and "<f " not in xml, name
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert "[REDACTED 14-2-1.1]" in sheet and "[WITHHELD 14-2-1(G)]" in sheet
    assert "&lt;font" not in sheet  # the markup went with the redaction, not just its secret

    try:
        import retention_desk.production.pdf  # noqa: F401
    except ImportError:
        return
    pdf = produce(tmp_archive, corpus.number, file_format="pdf", versions="all", out_dir=tmp_path)
    pdf_parts = _pdf_texts(pdf.files[0].read_bytes())
    for path in pdf.files[1:]:
        pdf_parts[path.name] = path.read_text("utf-8")
    assert _find(pdf_parts, ARCHIVE_SECRETS, hashes) == []
