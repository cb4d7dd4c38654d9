"""Leak test of the PDF production: a release made from the hostile archive (tests/production/
helpers.py) is searched byte by byte — the raw file, every object and every stream pypdf
decodes, every zlib stream found by scanning, the extracted text layer and the metadata — for
each secret (as typed, without its invisible characters, XML-escaped, in UTF-16BE and as the
hex string a PDF may write), and for the plain SHA-256 of every redacted text. Then the review
copy of the same set must show what the release hid, so the search is known to look where the
text would be."""

from __future__ import annotations

import contextlib
import html
import io
import re
import zlib
from datetime import date

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from retention_desk.archive.store import Archive
from retention_desk.production.pdf import render_pdf
from retention_desk.production.plan import build_plan
from tests.production import helpers as h

KEY = b"\x01" * 32
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _forms(secret: str) -> set[bytes]:
    """Every byte form a secret could take in a PDF."""
    texts = {secret, _INVISIBLE.sub("", secret)}
    texts |= {html.escape(t) for t in set(texts)}
    out: set[bytes] = set()
    for t in texts:
        out.add(t.encode("utf-8"))
        out.add(t.encode("utf-16-be"))
        out.add(t.encode("utf-16-be").hex().encode())
        out.add(t.encode("utf-16-be").hex().upper().encode())
        with contextlib.suppress(UnicodeEncodeError):
            out.add(t.encode("latin-1"))
    return {b for b in out if len(b) >= 4}


def _parts(data: bytes) -> dict[str, bytes]:
    parts = {"raw": data}
    for i, m in enumerate(re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)):
        try:
            parts[f"inflated {i}"] = zlib.decompress(m.group(1))
        except zlib.error:
            parts[f"stream {i}"] = m.group(1)
    reader = PdfReader(io.BytesIO(data))
    for gen, numbers in reader.xref.items():
        for idnum in numbers:
            obj = reader.get_object(IndirectObject(idnum, gen, reader))
            name = f"object {idnum}"
            if isinstance(obj, StreamObject):
                parts[name] = obj.get_data()
                parts[f"{name} dict"] = repr(dict(obj)).encode("utf-8")
            else:
                parts[name] = repr(obj).encode("utf-8")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    parts["text"] = text.encode("utf-8")
    parts["metadata"] = repr(reader.metadata).encode("utf-8")
    parts["xmp"] = repr(reader.xmp_metadata).encode("utf-8")
    return parts


def _leaks(parts: dict[str, bytes], secrets: tuple[str, ...], hashes: list[str]) -> list[str]:
    found = []
    for name, blob in parts.items():
        for secret in secrets:
            for form in _forms(secret):
                if form in blob:
                    found.append(f"{secret!r} as {form[:20]!r} in {name}")
        for digest in hashes:
            for form in (digest, digest.upper()):
                if form.encode() in blob:
                    found.append(f"plain SHA-256 {digest[:12]} in {name}")
    return found


@pytest.mark.parametrize("versions", ["all", "latest"])
def test_a_release_pdf_leaks_nothing_and_the_review_copy_shows_it(
    tmp_archive: Archive, versions: str
) -> None:
    corpus = h.build_corpus(tmp_archive)
    hashes = h.plain_hashes(*corpus.redacted_texts)
    plan = build_plan(tmp_archive, corpus.number, versions=versions, key=KEY)
    made = render_pdf(plan, bates_prefix="RD", bates_start=1, produced_on=date(2026, 3, 4))
    parts = _parts(made.data)
    assert len(parts) > 20  # the search did reach the objects and streams
    assert _leaks(parts, h.SECRETS, hashes) == []
    text = parts["text"].decode("utf-8")
    assert "REDACTED 14-2-1.1" in text and "WITHHELD" in text
    assert "FONTLEAKWORD" not in text and "&lt;font" not in text  # the markup went too

    review = build_plan(tmp_archive, corpus.number, versions=versions, review=True, key=KEY)
    shown = render_pdf(review, bates_prefix=None, bates_start=1, produced_on=date(2026, 3, 4))
    review_parts = _parts(shown.data)
    # the redacted secrets are visible in the review copy, so the search above would have
    # found them; what is never in any production stays out of the review copy too
    visible = (h.SSN, h.NAME, h.HANDLE, h.URL_SECRET, "FONTLEAKWORD", "IMGLEAKWORD")
    visible += ("FORMULALEAK", "ZWLEAKKEY", "RTLLEAKWORD", "FIRSTVERSIONLEAK")
    review_text = review_parts["text"].decode("utf-8")
    for secret in visible:
        assert secret in review_text, secret
    assert len(_leaks(review_parts, visible, [])) >= len(visible)
    # and a plain hash that is printed (a clean record's) is found by the same search
    assert _leaks(parts, (), h.plain_hashes(h.LITERAL_MARKUP))
    never = (h.WITHHELD, h.RESTRICTED, h.REMOVED, h.CAMERA, h.XMP, h.JPEG_COMMENT, h.PNG_TEXT)
    never += (h.WITHHELD_MEDIA,)
    assert _leaks(review_parts, never, []) == []


def test_the_fixity_of_a_clean_record_is_its_plain_hash(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    plan = build_plan(tmp_archive, corpus.number, key=KEY)
    made = render_pdf(plan, bates_prefix="RD", bates_start=1, produced_on=date(2026, 3, 4))
    text = _parts(made.data)["text"].decode("utf-8")
    # a requester can check an unredacted record; a redacted one shows a keyed hash only
    assert h.plain_hashes(h.LITERAL_MARKUP)[0] in text.replace("\n", "")
    assert "Keyed HMAC-SHA256 (production key)" in text
