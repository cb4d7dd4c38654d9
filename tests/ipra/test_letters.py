"""IPRA letters: every kind renders to PDF and DOCX from the shipped templates; hostile
requester text stays plain text; the statutory refusals (a denial without names and titles)
and template errors are one clear sentence; the same letter gives the same bytes."""

from __future__ import annotations

import http.server
import io
import re
import threading
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.letters import (
    LETTER_KINDS,
    TEMPLATES_DIR,
    LetterContext,
    Person,
    check,
    render_docx,
    render_pdf,
    render_text,
    templates,
)
from retention_desk.ipra.letters import context as letter_context
from retention_desk.ipra.letters import pdf as letters_pdf
from retention_desk.pdf_fonts import HELVETICA

CITATIONS = {
    "acknowledgment": "14-2-8(D)",
    "burdensome": "14-2-10",
    "denial": "14-2-11(B)",
    "forward": "14-2-8(E)",
    "cover": "14-2-9",
    "closing": "14-2-1",
    "receipt": "14-2-9(C)",
}

NAVAJO = "Ałkʼidą́ą́ʼ Yázhí"
RTL_NAME = "\u202eשרה כהן gnp.exe"
LONG_NAME = "Q" * 5000
HOSTILE_NAMES = (
    "<b>x</b>",
    "<font name=x>big</font>",
    '<img src="http://127.0.0.1:9/p"/>',
    "Tom &amp; Jerry",
    "${agency_name}",
    "$custodian_name and $$",
    "]]> <![CDATA[ x",
    LONG_NAME,
    RTL_NAME,
    "Line one\n\nLine two\r\n${request_number}",
    "nul\x00bell\x07",
)


def ctx_for(kind: str, **changes: object) -> LetterContext:
    base = LetterContext(
        kind=kind,
        letter_date=date(2026, 3, 4),
        request_number="IPRA-2026-0001",
        received_on=date(2026, 3, 2),
        requester_name="Jane Q. Citizen",
        requester_organisation="Corrales Comment",
        requester_address="123 Main St\nSanta Fe, NM 87501",
        requester_email="jane@example.org",
        description="All comments hidden on the Village's Facebook page in 2025.",
        agency_name="Village of Corrales",
        agency_address="4324 Corrales Rd\nCorrales, NM 87048",
        agency_phone="505-555-0100",
        agency_email="clerk@example.gov",
        custodian_name="Maria Lopez",
        custodian_title="Records Custodian",
        delivery_method="e-mail",
        available_on=date(2026, 3, 10),
        additional_until=date(2026, 4, 30),
        responsible=(Person("Maria Lopez", "Records Custodian"), Person("Tom Baca", "Attorney")),
        exceptions=("NMSA 1978, Section 14-2-1 (attorney-client privilege)",),
        forward_to_name="Sandoval County Clerk",
        forward_to_address="1500 Idalia Rd\nBernalillo, NM 87004",
        files=("comments.pdf", "media.zip"),
        bates_range="CORR-000001 to CORR-000120",
        fee_lines=(("120 printed pages", 3000), ("USB drive", 800)),
        fees_total_cents=3800,
        paid_cents=3800,
        receipt_number="R-17",
        outcome="Fulfilled.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


FOOTER = re.compile(r"^\S+ +Page \d+$", re.M)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text without the page footers (a long name runs on across pages)."""
    # a TrueType subset writes glyph codes, not characters: read the text back with pypdf
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(FOOTER.sub("", page.extract_text() or "") for page in reader.pages)


def rtl_words_shown(expected: str, shown: str) -> bool:
    """reportlab draws right-to-left letters in stored order and pypdf reads them back
    reversed: each word must be there, in either order."""
    return all(word in shown or word[::-1] in shown for word in expected.split())


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_kind_renders_to_pdf_and_docx_with_name_number_and_citation(kind: str) -> None:
    ctx = ctx_for(kind)
    shown = squash(pdf_text(render_pdf(ctx)))
    words = docx_text(render_docx(ctx))
    for text in ("Jane Q. Citizen", "IPRA-2026-0001", CITATIONS[kind], "Maria Lopez"):
        assert squash(text) in shown, (kind, text)
        assert text in words, (kind, text)
    assert "Sent by e-mail" in words
    assert squash("Re: Inspection of Public Records Act request IPRA-2026-0001") in shown


def test_preview_text_is_the_letter_with_its_parts() -> None:
    text = render_text(ctx_for("denial"))
    assert text.startswith("Village of Corrales\n4324 Corrales Rd\nCorrales, NM 87048\n")
    assert "March 4, 2026" in text
    assert "Re: Inspection of Public Records Act request IPRA-2026-0001" in text
    assert "    Maria Lopez, Records Custodian\n    Tom Baca, Attorney\n" in text
    assert "    NMSA 1978, Section 14-2-1 (attorney-client privilege)" in text
    assert text.rstrip().endswith("Maria Lopez\nRecords Custodian\nVillage of Corrales")


def test_optional_paragraphs_follow_their_values() -> None:
    without = render_text(ctx_for("denial", exceptions=()))
    assert "exceptions" not in without
    unpaid = render_text(ctx_for("cover", fee_lines=(), fees_total_cents=0, paid_cents=0))
    assert "There is no charge for these records." in unpaid
    assert "Total fees" not in unpaid
    owing = render_text(ctx_for("cover", paid_cents=1000))
    assert "Balance due: $28.00." in owing
    reason = render_text(ctx_for("forward", forward_reason="the Clerk keeps election records"))
    assert "for this reason: the Clerk keeps election records" in reason
    assert "not held by this office" not in reason


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_requester_text_stays_plain_text_in_pdf_and_docx(name: str) -> None:
    ctx = ctx_for("denial", requester_name=name, description=name, note=name)
    expected = letter_context.clean(name)
    assert expected  # something of the name is always shown
    shown = squash(pdf_text(render_pdf(ctx)))
    words = docx_text(render_docx(ctx))
    if "\u202e" in name:
        assert rtl_words_shown(expected, shown)
    else:
        assert squash(expected) in shown
    assert expected in words
    # never substituted: the agency name appears only where the template puts it
    if "${agency_name}" in name:
        assert "${agency_name}" in words
        assert squash("${agency_name}") in shown
    if "$custodian_name" in name:
        assert "$custodian_name and $$" in words
    # no bidi override reaches a letter (Word would reverse the letter's words after it)
    assert "\u202e" not in words
    assert "\u202e" not in docx_xml(render_docx(ctx))


def test_markup_in_values_is_escaped_text_in_the_docx_xml() -> None:
    data = render_docx(ctx_for("acknowledgment", requester_name="<b>x</b> & <w:t>y</w:t>"))
    xml = docx_xml(data)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;w:t&gt;y&lt;/w:t&gt;" in xml
    assert "<b>" not in xml


def test_markup_in_values_is_not_obeyed_in_the_pdf() -> None:
    # a <font> or <b> tag that reportlab obeyed would change the fonts the page uses
    plain = render_pdf(ctx_for("acknowledgment", requester_name="Plain Name"))
    hostile = render_pdf(
        ctx_for("acknowledgment", requester_name='<font name="Courier">x</font> <b>y</b>')
    )
    assert _fonts(hostile) == _fonts(plain)
    assert "<fontname=" in squash(pdf_text(hostile))


def test_img_markup_in_a_name_fetches_nothing() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/p.png"
        name = f'<img src="{url}" width="10" height="10"/>'
        pdf = render_pdf(ctx_for("acknowledgment", requester_name=name))
        render_docx(ctx_for("acknowledgment", requester_name=name))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert squash(url) in squash(pdf_text(pdf))


def _fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_values_never_become_paragraphs() -> None:
    text = render_text(
        ctx_for("acknowledgment", requester_name="A\n\nB", description="one\n\n\ntwo")
    )
    assert "Dear A B:" in text
    assert "“one two”" in text


def test_long_and_navajo_names_render() -> None:
    ctx = ctx_for("acknowledgment", requester_name=NAVAJO, custodian_name=LONG_NAME)
    assert squash(NAVAJO) in squash(pdf_text(render_pdf(ctx)))
    assert NAVAJO in docx_text(render_docx(ctx))


def test_without_a_unicode_font_the_pdf_says_so_and_still_renders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(letters_pdf, "register_fonts", lambda: HELVETICA)
    pdf = render_pdf(ctx_for("acknowledgment", requester_name="שרה " + NAVAJO + " 王小明"))
    assert squash(letters_pdf.NOTE) in squash(pdf_text(pdf))
    plain = render_pdf(ctx_for("acknowledgment"))
    assert squash(letters_pdf.NOTE) not in squash(pdf_text(plain))


def test_docx_has_no_thumbnail_and_a_page_number_field() -> None:
    with zipfile.ZipFile(io.BytesIO(render_docx(ctx_for("cover")))) as z:
        assert "docProps/thumbnail.jpeg" not in z.namelist()
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    assert any('w:instr="PAGE"' in f and "IPRA-2026-0001" in f for f in footers)


def test_anonymous_request_is_addressed_to_requester() -> None:
    text = render_text(ctx_for("acknowledgment", requester_name="  "))
    assert "Dear Requester:" in text


def test_denial_without_names_and_titles_is_refused() -> None:
    with pytest.raises(IpraError) as caught:
        check(ctx_for("denial", responsible=()))
    message = str(caught.value)
    assert "IPRA-2026-0001" in message and "14-2-11(B)" in message
    assert message == (
        "A denial letter must give the name and title or position of each person responsible"
        " for the denial (NMSA 1978 14-2-11(B)); none was given for IPRA-2026-0001."
    )
    for people in ((Person("Maria Lopez", " "),), (Person("", "Attorney"),)):
        with pytest.raises(IpraError, match=r"14-2-11\(B\).*IPRA-2026-0001"):
            render_pdf(ctx_for("denial", responsible=people))
        with pytest.raises(IpraError, match=r"14-2-11\(B\)"):
            render_docx(ctx_for("denial", responsible=people))


@pytest.mark.parametrize(
    ("kind", "changes", "needle"),
    [
        ("burdensome", {"additional_until": None}, "14-2-10"),
        ("acknowledgment", {"available_on": None}, "14-2-8(D)"),
        ("forward", {"forward_to_address": ""}, "14-2-8(E)"),
        ("forward", {"forward_to_name": ""}, "14-2-8(E)"),
        ("receipt", {"paid_cents": 0}, "14-2-9(C)"),
        ("cover", {"delivery_method": ""}, "how it is sent"),
        ("cover", {"custodian_name": ""}, "Settings"),
        ("letter", {}, "acknowledgment, burdensome"),
        ("acknowledgment", {"available_on": date(2026, 3, 1)}, "before the letter's date"),
        ("cover", {"fee_lines": (("x", -1),)}, "negative"),
    ],
)
def test_incomplete_letters_are_refused_naming_the_request(
    kind: str, changes: dict[str, object], needle: str
) -> None:
    with pytest.raises(IpraError) as caught:
        render_text(ctx_for(kind, **changes))
    assert needle in str(caught.value)
    assert "IPRA-2026-0001" in str(caught.value)


def test_same_letter_twice_gives_identical_bytes() -> None:
    ctx = ctx_for("denial", requester_name=NAVAJO)
    assert render_pdf(ctx) == render_pdf(ctx)
    assert render_docx(ctx) == render_docx(ctx)
    assert render_pdf(ctx) != render_pdf(replace(ctx, request_number="IPRA-2026-0002"))


def test_metadata_names_the_agency_and_request_not_people() -> None:
    ctx = ctx_for("denial")
    info = PdfReader(io.BytesIO(render_pdf(ctx))).metadata
    assert info is not None
    assert info.author == "Village of Corrales"
    assert info.title == "Inspection of Public Records Act request IPRA-2026-0001: denial letter"
    assert info.creator == info.producer == "retention-desk"
    assert set(info) == {
        "/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
        "/CreationDate", "/ModDate", "/Trapped",
    }  # fmt: skip
    assert render_pdf(ctx).count(b"%%EOF") == 1
    document = docx.Document(io.BytesIO(render_docx(ctx)))
    props = document.core_properties
    assert props.author == props.last_modified_by == "Village of Corrales"
    assert props.title == info.title
    assert props.created is not None and props.created.date() == date(2026, 3, 4)
    assert props.comments == ""
    with zipfile.ZipFile(io.BytesIO(render_docx(ctx))) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    for person in ("Jane", "Maria", "python-docx"):
        assert person not in core
        assert person not in str(dict(info))


def test_unknown_placeholder_is_refused_naming_the_file(tmp_path: Path) -> None:
    for kind in LETTER_KINDS:
        (tmp_path / f"{kind}.txt").write_text(
            (TEMPLATES_DIR / f"{kind}.txt").read_text("utf-8"), "utf-8"
        )
    path = tmp_path / "acknowledgment.txt"
    path.write_text("subject: Hello\n\nDear ${requester_nmae}:\n", "utf-8")
    with pytest.raises(IpraError) as caught:
        render_pdf(ctx_for("acknowledgment"), tmp_path)
    assert str(path) in str(caught.value)
    assert "${requester_nmae}" in str(caught.value)
    assert "line 3" in str(caught.value)
    # the other kinds in the same folder are unaffected
    assert render_text(ctx_for("closing"), tmp_path)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("subject: x\n\n[if nothing] Hi\n", "'nothing'"),
        ("subject: x\n\nDear ${responsible_list}:\n", "must stand alone"),
        ("subject: x\n\nCosts $5 each.\n", "$$"),
        ("Dear ${requester_name}:\n", "header"),
        ("subject:\n\nHi\n", "subject"),
        ("subject: ${nope}\n\nHi\n", "${nope}"),
        ("subject: x\n\n[iff note] Hi\n", "[if name]"),
    ],
)
def test_malformed_templates_are_refused(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "closing.txt"
    path.write_text(text, "utf-8")
    with pytest.raises(IpraError) as caught:
        templates.load("closing", tmp_path)
    assert str(path) in str(caught.value)
    assert needle in str(caught.value)


def test_missing_template_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(IpraError, match="closing.txt"):
        render_text(ctx_for("closing"), tmp_path)


def test_edited_template_changes_the_letter_and_lists_expand(tmp_path: Path) -> None:
    (tmp_path / "closing.txt").write_text(
        "# a comment, ${ignored}\nsubject: Done (14-2-1)\n\nHello ${requester_name},\n"
        "costs $$5.\n\n[unless note] No note.\n\n[if note] Note: ${note}\n\nFiles:\n"
        "${files_list}\nEnd.\n",
        "utf-8",
    )
    text = render_text(ctx_for("closing"), tmp_path)
    assert "Done (14-2-1)" in text
    assert "Hello Jane Q. Citizen, costs $5." in text
    assert "No note." in text and "Note:" not in text
    assert "Files:\n    comments.pdf\n    media.zip\n\nEnd." in text


def test_shipped_templates_use_known_placeholders_only() -> None:
    assert set(letter_context.SCALARS) == set(letter_context.values(ctx_for("cover"))[0])
    assert set(letter_context.LISTS) == set(letter_context.values(ctx_for("cover"))[1])
    for kind in LETTER_KINDS:
        template = templates.load(kind)
        assert template.subject
