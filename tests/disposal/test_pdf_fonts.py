"""PDF fonts (pdf_fonts): names outside Latin-1 (Navajo, CJK) reach the disposal report and
the certificate of destruction, or the PDF says visibly that its font cannot show them."""

from __future__ import annotations

import importlib
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from retention_desk import pdf_fonts
from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.disposal import approval_status, load_report, record_approval, run_report
from retention_desk.disposal.certificate import STATEMENT, Certificate, render_pdf
from retention_desk.disposal.export_pdf import export_pdf, story
from retention_desk.pdf_fonts import HELVETICA, NOTE, PdfFonts, register_fonts
from tests.disposal.helpers import build

# the package re-exports the function export_pdf, which hides the module of that name
export_pdf_mod = importlib.import_module("retention_desk.disposal.export_pdf")

NAVAJO = "Ałkʼidą́ą́ʼ Yázhí"
CJK = "王小明 訴訟保留"
HOSTILE = "<b>Ałkʼidą́ą́ʼ</b> & <font size=0>x</font>"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shown(pdf: bytes) -> str:
    """The PDF's text without whitespace (reportlab wraps lines and table cells)."""
    reader = PdfReader(io.BytesIO(pdf))
    return squash("".join(page.extract_text() or "" for page in reader.pages))


def font_names(pdf: bytes) -> set[str]:
    """The PostScript names of the fonts the pages use, without the subset prefix."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def ps_name(registered: str) -> str:
    name = pdfmetrics.getFont(registered).face.name
    return name.decode() if isinstance(name, bytes) else str(name)


@pytest.fixture
def unicode_fonts(monkeypatch: pytest.MonkeyPatch) -> PdfFonts:
    monkeypatch.delenv(pdf_fonts.ENV_FONT, raising=False)
    monkeypatch.delenv(pdf_fonts.ENV_FONT_BOLD, raising=False)
    fonts = register_fonts()
    if not fonts.unicode:
        pytest.skip("no Unicode TrueType font (DejaVu, Noto, Segoe, Arial) on this computer")
    return fonts


def make_report(
    archive: Archive, tmp_path: Path, hold_name: str, agency: str, approver: str = NAVAJO
) -> int:
    ids = build(archive, tmp_path)
    archive.update_settings(replace(archive.settings(), agency_name=agency))
    rt.place_hold(archive, hold_name, "litigation", record_ids=[ids["a1"]])
    report = run_report(archive, date(2026, 1, 1))
    record_approval(archive, report.number, by=approver, reference="R-1", on=date(2026, 2, 1))
    return report.number


def certificate(name: str) -> Certificate:
    return Certificate(
        report=1,
        agency=name,
        agency_kind="municipality",
        series=[],
        records=0,
        first_created=None,
        last_created=None,
        destroyed_on=None,
        method="m",
        destroyed_by=name,
        record_owner=name,
        certifying_official=name,
        certifying_title="",
        approvals=[name],
        statement=STATEMENT,
    )


def test_register_fonts_finds_a_unicode_family_once(unicode_fonts: PdfFonts) -> None:
    assert register_fonts() is unicode_fonts
    assert Path(unicode_fonts.source).is_file() and unicode_fonts.problem is None
    assert unicode_fonts.can_show(NAVAJO) and unicode_fonts.can_show("Yá'át'ééh, Española")
    assert not HELVETICA.can_show(NAVAJO) and HELVETICA.can_show("Española Niño")


def test_report_pdf_shows_a_navajo_name_and_hostile_markup_literally(
    unicode_fonts: PdfFonts, tmp_archive: Archive, tmp_path: Path
) -> None:
    number = make_report(tmp_archive, tmp_path, HOSTILE, f"Chapter of {NAVAJO}")
    path = export_pdf(tmp_archive, number, tmp_path / "report.pdf")
    text = shown(path.read_bytes())
    assert squash(f"Chapter of {NAVAJO}") in text
    assert squash(HOSTILE) in text  # the markup is printed, not obeyed
    assert squash(NOTE) not in text
    assert ps_name(unicode_fonts.regular) in font_names(path.read_bytes())


def test_report_pdf_with_a_cjk_hold_name_shows_it_or_says_it_cannot(
    unicode_fonts: PdfFonts, tmp_archive: Archive, tmp_path: Path
) -> None:
    number = make_report(tmp_archive, tmp_path, CJK, NAVAJO)
    text = shown(export_pdf(tmp_archive, number, tmp_path / "report.pdf").read_bytes())
    assert squash(NAVAJO) in text
    if unicode_fonts.can_show(CJK):
        assert squash(CJK) in text and squash(NOTE) not in text
    else:  # DejaVu has no CJK glyphs: the reader is told, the name is not silently lost
        assert squash(NOTE) in text


def test_certificate_pdf_shows_a_navajo_name(unicode_fonts: PdfFonts) -> None:
    pdf = render_pdf(certificate(NAVAJO))
    text = shown(pdf)
    assert squash(f"Destroyed by: {NAVAJO}") in text and squash(NOTE) not in text
    assert ps_name(unicode_fonts.regular) in font_names(pdf)


def test_env_var_font_is_used(
    unicode_fonts: PdfFonts, monkeypatch: pytest.MonkeyPatch, tmp_archive: Archive, tmp_path: Path
) -> None:
    # the found family's bold face stands in for "a font the administrator chose"
    bold_file = next(Path(unicode_fonts.source).parent.glob("*Bold.ttf"), None)
    if bold_file is None:
        pytest.skip(f"no second TrueType file beside {unicode_fonts.source}")
    monkeypatch.setenv(pdf_fonts.ENV_FONT, str(bold_file))
    chosen = register_fonts()
    assert chosen.source == str(bold_file) and chosen.unicode and chosen.problem is None
    assert chosen.bold == chosen.regular != unicode_fonts.regular  # no bold file: regular
    pdf = render_pdf(certificate(NAVAJO))
    assert ps_name(chosen.regular) in font_names(pdf)
    assert ps_name(unicode_fonts.regular) not in font_names(pdf)
    assert squash(NAVAJO) in shown(pdf)


def test_env_var_naming_a_missing_file_falls_back_and_says_why(
    unicode_fonts: PdfFonts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.ttf"
    monkeypatch.setenv(pdf_fonts.ENV_FONT, str(missing))
    fonts = register_fonts()
    assert fonts.source == unicode_fonts.source and fonts.unicode
    assert fonts.problem == (
        f"The PDF font {missing} named by RETENTION_DESK_PDF_FONT does not exist."
    )
    assert squash(NAVAJO) in shown(render_pdf(certificate(NAVAJO)))


def test_env_var_naming_a_file_that_is_not_a_font_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font at all")
    monkeypatch.setenv(pdf_fonts.ENV_FONT, str(junk))
    fonts = register_fonts()
    assert fonts.source != str(junk) and fonts.problem is not None
    assert "is not a TrueType font" in fonts.problem
    assert render_pdf(certificate("Ana")).startswith(b"%PDF")


def test_helvetica_fallback_adds_the_note_to_the_report(
    monkeypatch: pytest.MonkeyPatch, tmp_archive: Archive, tmp_path: Path
) -> None:
    number = make_report(tmp_archive, tmp_path, CJK, NAVAJO)
    monkeypatch.setattr(export_pdf_mod, "register_fonts", lambda: HELVETICA)
    flowables = story(load_report(tmp_archive, number), approval_status(tmp_archive, number))
    assert flowables[1].text == NOTE  # type: ignore[attr-defined]  # right under the title
    text = shown(export_pdf(tmp_archive, number, tmp_path / "report.pdf").read_bytes())
    assert squash(NOTE) in text


def test_helvetica_fallback_adds_no_note_when_every_name_is_latin_1(
    monkeypatch: pytest.MonkeyPatch, tmp_archive: Archive, tmp_path: Path
) -> None:
    number = make_report(
        tmp_archive, tmp_path, "Española hold", "Village of Peñasco", approver="José Niño"
    )
    monkeypatch.setattr(export_pdf_mod, "register_fonts", lambda: HELVETICA)
    text = shown(export_pdf(tmp_archive, number, tmp_path / "report.pdf").read_bytes())
    assert squash("Village of Peñasco") in text and squash("José Niño") in text
    assert squash(NOTE) not in text
    cert_text = shown(render_pdf_with(monkeypatch, HELVETICA, "José Niño of Peñasco"))
    assert squash("José Niño of Peñasco") in cert_text and squash(NOTE) not in cert_text


def test_helvetica_fallback_adds_the_note_to_the_certificate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = shown(render_pdf_with(monkeypatch, HELVETICA, NAVAJO))
    assert squash(NOTE) in text


def render_pdf_with(monkeypatch: pytest.MonkeyPatch, fonts: PdfFonts, name: str) -> bytes:
    monkeypatch.setattr(pdf_fonts, "register_fonts", lambda: fonts)
    return render_pdf(certificate(name))


def test_characters_the_regular_face_lacks_are_drawn_with_the_fallback_face(
    unicode_fonts: PdfFonts, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DejaVu Sans Mono lacks Coptic letters DejaVu Sans has: the same mechanism as a CJK face
    # standing in for Chinese names that DejaVu Sans lacks
    # the system's DejaVu folder has the Mono face; resources/fonts ships Sans only
    folder = next(
        (r.parent for r, _ in pdf_fonts._system_candidates() if r.name == "DejaVuSans.ttf"),
        Path(unicode_fonts.source).parent,
    )
    mono, sans = folder / "DejaVuSansMono.ttf", folder / "DejaVuSans.ttf"
    if not (mono.is_file() and sans.is_file()):
        pytest.skip(f"DejaVu Sans Mono and DejaVu Sans are not both in {folder}")
    regular, _ = pdf_fonts._try(mono, None)
    assert regular is not None and not regular.can_show("Ϣ")
    fonts = pdf_fonts._with_fallback(regular, [sans])
    assert fonts.fallback is not None and fonts.can_show("Ϣ") and fonts.can_show(NAVAJO)
    assert fonts.markup("<b>Ϣ</b> & x") == (
        f'&lt;b&gt;<font face="{fonts.fallback}">Ϣ</font>&lt;/b&gt; &amp; x'
    )
    pdf = render_pdf_with(monkeypatch, fonts, f"<b>Ϣ</b> {NAVAJO}")
    assert squash(f"<b>Ϣ</b> {NAVAJO}") in shown(pdf) and squash(NOTE) not in shown(pdf)
    assert {ps_name(regular.regular), ps_name(fonts.fallback)} <= font_names(pdf)


def test_without_a_fallback_face_markup_only_escapes(unicode_fonts: PdfFonts) -> None:
    plain = replace(unicode_fonts, fallback=None)
    assert plain.markup("<b>x</b> & 王") == "&lt;b&gt;x&lt;/b&gt; &amp; 王"


def test_the_bundled_family_is_used_without_a_setting(unicode_fonts: PdfFonts) -> None:
    # the same font on every computer: resources/fonts, not whatever the system has
    assert Path(unicode_fonts.source) == pdf_fonts.BUNDLED[0]
    assert unicode_fonts.unicode and unicode_fonts.can_show(NAVAJO)
    assert (pdf_fonts.FONTS_DIR / "LICENSE-DejaVu.txt").is_file()
