"""The PDF production: deterministic bytes, consecutive Bates numbers in every footer, record
and log ranges, slip sheets, review copies, literal markup, clean structure and metadata."""

from __future__ import annotations

import getpass
import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from retention_desk.archive.store import Archive
from retention_desk.production.model import Piece, ProductionPlan, Shown
from retention_desk.production.pdf import BOX_CHARS, PdfProduction, clean_text, render_pdf
from retention_desk.production.plan import build_plan
from tests.production import helpers as h

KEY = b"k" * 32
DAY = date(2026, 3, 4)


def _render(plan: ProductionPlan, start: int = 1, prefix: str | None = "RD") -> PdfProduction:
    return render_pdf(plan, bates_prefix=prefix, bates_start=start, produced_on=DAY)


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _objects(data: bytes) -> list[object]:
    reader = PdfReader(io.BytesIO(data))
    out = []
    for gen, numbers in reader.xref.items():
        for idnum in numbers:
            out.append(reader.get_object(IndirectObject(idnum, gen, reader)))
    return out


@pytest.fixture
def corpus(tmp_archive: Archive) -> h.Corpus:
    return h.build_corpus(tmp_archive)


def test_the_same_plan_gives_the_same_bytes(tmp_archive: Archive, corpus: h.Corpus) -> None:
    one = build_plan(tmp_archive, corpus.number, versions="all", key=KEY)
    two = build_plan(tmp_archive, corpus.number, versions="all", key=KEY)
    first, second = _render(one, 42), _render(two, 42)
    assert first.data == second.data
    assert first.data.count(b"%%EOF") == 1
    assert _render(one, 43).data != first.data  # the numbers are in it


def test_bates_numbers_are_consecutive_from_the_start(
    tmp_archive: Archive, corpus: h.Corpus
) -> None:
    plan = build_plan(tmp_archive, corpus.number, versions="all", key=KEY)
    made = _render(plan, 42)
    texts = _texts(made.data)
    assert made.pages == len(texts) >= 4
    for n, text in enumerate(texts):
        assert re.findall(r"RD\d{7}", text)[-1] == f"RD{42 + n:07d}"
        assert corpus.number in text
    # every record has a range inside the production, in layout order
    ranges = [made.record_pages[r.record_id] for r in plan.records]
    assert ranges[0][0] == 42 and all(a <= b for a, b in ranges)
    assert all(ranges[i][0] <= ranges[i + 1][0] for i in range(len(ranges) - 1))
    last = 42 + made.pages - 1
    assert made.log_pages["redaction log"][0] > ranges[-1][1]
    assert made.log_pages["withheld log"][1] == last
    # a thread starts a page; a withheld record is a page of its own
    p5 = made.record_pages[corpus.ids["p5"]]
    assert p5[0] == p5[1]
    slip = texts[p5[0] - 42]
    assert "WITHHELD" in slip and "14-2-1(G)" in slip and f"Record {corpus.ids['p5']}" in slip
    assert made.record_pages[corpus.ids["p4"]][0] > made.record_pages[corpus.ids["r10"]][1]
    # the redaction log names each record's Bates number beside its code
    log = texts[made.log_pages["redaction log"][0] - 42]
    assert f"RD{made.record_pages[corpus.ids['p4']][0]:07d}" in log
    withheld = texts[made.log_pages["withheld log"][0] - 42]
    assert "whole record" in withheld and "medium" in withheld and "14-2-1(G)" in withheld


def test_numbers_continue_from_any_start_and_none_without_prefix(
    tmp_archive: Archive, corpus: h.Corpus
) -> None:
    plan = build_plan(tmp_archive, corpus.number, key=KEY)
    made = _render(plan, 9_999_998, prefix="CITY-")
    texts = _texts(made.data)
    assert [re.findall(r"CITY-\d+", t)[-1] for t in texts[:3]] == [
        "CITY-9999998",
        "CITY-9999999",
        "CITY-10000000",
    ]
    bare = _texts(_render(plan, 1, prefix=None).data)
    assert not any(re.search(r"RD\d{7}", t) for t in bare)
    assert bare[0].rstrip().endswith("Page 1")


def test_a_review_copy_is_watermarked_and_unnumbered(
    tmp_archive: Archive, corpus: h.Corpus
) -> None:
    plan = build_plan(tmp_archive, corpus.number, review=True, key=KEY)
    made = _render(plan, 42, prefix="RD")
    texts = _texts(made.data)
    for text in texts:
        assert "REVIEW COPY" in text and "NOT FOR RELEASE" in text
        assert not re.search(r"RD\d{7}", text)
    info = PdfReader(io.BytesIO(made.data)).metadata
    assert info is not None and "REVIEW COPY" in str(info.title)
    assert h.SSN in texts[0] and "[14-2-1.1:" in texts[0]


def test_markup_in_records_prints_literally(tmp_archive: Archive, corpus: h.Corpus) -> None:
    plan = build_plan(tmp_archive, corpus.number, key=KEY)
    made = _render(plan)
    text = "\n".join(_texts(made.data))
    assert '<b>not bold</b> & <font color="red">not red</font> =1+1' in text
    images = [
        o
        for o in _objects(made.data)
        if isinstance(o, StreamObject) and o.get("/Subtype") == "/Image"
    ]
    assert len(images) == 1  # the re-encoded photo; no <img> from a record was fetched


def test_structure_and_metadata_are_ours_only(tmp_archive: Archive, corpus: h.Corpus) -> None:
    tmp_archive.update_settings(replace(tmp_archive.settings(), agency_name="Town of Sandia"))
    plan = build_plan(tmp_archive, corpus.number, key=KEY)
    data = _render(plan).data
    reader = PdfReader(io.BytesIO(data))
    info = reader.metadata
    assert info is not None
    assert info.title == f"{corpus.number} production"
    assert info.author == "Town of Sandia"
    assert info.creator == "retention-desk" and info.producer == "retention-desk"
    assert set(info) <= {
        "/Title",
        "/Author",
        "/Creator",
        "/Producer",
        "/Subject",
        "/Keywords",
        "/CreationDate",
        "/ModDate",
        "/Trapped",
    }
    assert getpass.getuser().encode() not in data.split(b"stream")[0]
    root = reader.trailer["/Root"]
    for name in ("/Outlines", "/Names", "/AcroForm", "/OpenAction", "/AA", "/Metadata"):
        assert name not in root
    for page in reader.pages:
        assert "/Annots" not in page
    for forbidden in (b"/JavaScript", b"/JS", b"/EmbeddedFile", b"/Launch", b"/URI"):
        assert forbidden not in data
    fonts = [o for o in _objects(data) if hasattr(o, "get") and o.get("/Type") == "/Font"]
    assert fonts and all("Helvetica" not in str(f.get("/BaseFont")) for f in fonts)
    assert b"/FontFile2" in data  # the Unicode TrueType face is embedded


def test_boxes_have_one_width_whatever_they_hid() -> None:
    from retention_desk.pdf_fonts import register_fonts
    from retention_desk.production.pdf import _Pages, _Writer

    plan = ProductionPlan("R-1", False, "latest", "", "UTC", (), 0, 0, 0)
    writer = _Writer(plan, register_fonts(), _Pages(1))
    for code in ("14-2-1.1", "14-2-1(A)", "X"):
        markup = writer.shown(Shown((Piece(box=code),)))
        shown = re.sub(r"<[^>]+>", "", markup).replace("&nbsp;", " ")
        assert len(shown) >= BOX_CHARS + 2 and shown.strip() == f"REDACTED {code}"
        assert 'backColor="#000000"' in markup and 'textColor="#FFFFFF"' in markup


def test_clean_text_drops_invisible_and_reordering_characters() -> None:
    assert clean_text("SE\u200bCR\u200dET") == "SECRET"
    assert clean_text("\u202eabc\u202c \u2067x\u2069") == "abc x"
    assert clean_text("a\x00b\x1bc\r\nd\te") == "abc\nd    e"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_text("Ałkʼidą́ą́ʼ שלום 😀") == "Ałkʼidą́ą́ʼ שלום 😀"


def test_a_long_text_is_cut_into_paragraphs_without_losing_a_character() -> None:
    from retention_desk.pdf_fonts import register_fonts
    from retention_desk.production.pdf import CHUNK, _Pages, _Writer

    plan = ProductionPlan("R-1", False, "latest", "", "UTC", (), 0, 0, 0)
    writer = _Writer(plan, register_fonts(), _Pages(1))
    value = Shown((Piece("a " * 4000), Piece(box="X"), Piece("b\n" * 3000), Piece("c" * 7000)))
    chunks = writer.paragraphs(value, "")
    plain = [re.sub(r"<[^>]+>", "", c).replace("&nbsp;", " ") for c in chunks]
    assert len(chunks) > 4 and all(len(c) <= CHUNK + BOX_CHARS + 4 for c in plain)
    joined = "".join(plain)
    assert (joined.count("a"), joined.count("b"), joined.count("c")) == (4000, 3000, 7000)
    assert joined.count("REDACTED X") == 1


def test_a_withheld_record_is_a_page_of_its_own_even_first(
    tmp_archive: Archive, corpus: h.Corpus
) -> None:
    plan = build_plan(tmp_archive, corpus.number, key=KEY)
    first = next(r for r in plan.records if r.withheld is not None)
    others = tuple(r for r in plan.records if r is not first)
    made = _render(replace(plan, records=(first, *others)), 1)
    assert made.record_pages[first.record_id] == (2, 2)
    assert made.record_pages[others[0].record_id][0] == 3
    slip = _texts(made.data)[1]
    assert "WITHHELD" in slip and "Author" not in slip and h.WITHHELD not in slip
