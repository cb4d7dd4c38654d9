"""The font family every PDF the desk writes uses (disposal report, certificate, productions).

reportlab's built-in Helvetica only has WinAnsi (Latin-1) glyphs, so a Navajo name such as
"Ałkʼidą́ą́ʼ Yázhí" prints as boxes or vanishes. `register_fonts` registers a Unicode TrueType
family with reportlab: the one shipped in resources/fonts unless told otherwise.

Order: the file in `RETENTION_DESK_PDF_FONT` (bold from `RETENTION_DESK_PDF_FONT_BOLD`, else
the regular face), then DejaVu Sans shipped in resources/fonts, then well-known system fonts
for this OS (an install without resources/), then Helvetica (`unicode=False`).
A variable naming a file that does not exist or that reportlab cannot read does not stop a
PDF (a certificate is written right after records are destroyed): the search goes on to the
system fonts and `PdfFonts.problem` holds one sentence saying why the variable was not used.

DejaVu, Segoe UI and Arial have no Chinese, Japanese or Korean glyphs: a CJK TrueType face
found on the system (Microsoft YaHei, SimSun, WenQuanYi, Droid Sans Fallback) becomes
`PdfFonts.fallback`, and `PdfFonts.markup` wraps the runs only it can show in a <font> tag.

Whatever family is used, `PdfFonts.can_show` says whether a text's characters all have
glyphs, so a PDF can say visibly that a name cannot be shown instead of dropping it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

# Shipped with the app (resources/fonts, Bitstream Vera licence): the same family on every
# computer, so a PDF made on Windows shows what one made on Linux does.
FONTS_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
BUNDLED = (FONTS_DIR / "DejaVuSans.ttf", FONTS_DIR / "DejaVuSans-Bold.ttf")
ENV_FONT = "RETENTION_DESK_PDF_FONT"
ENV_FONT_BOLD = "RETENTION_DESK_PDF_FONT_BOLD"

NOTE = "Some names use characters this computer's PDF font cannot show; the XLSX export shows them."

_log = logging.getLogger(__name__)

_LINUX_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
# (regular, bold) file names, best first
_LINUX_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
)
_WINDOWS_FILES = (("segoeui.ttf", "segoeuib.ttf"), ("arial.ttf", "arialbd.ttf"))
_WINDOWS_FALLBACK = ("msyh.ttc", "simsun.ttc", "malgun.ttf", "msgothic.ttc")
_LINUX_FALLBACK = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "DroidSansFallbackFull.ttf")
_MAC_FILES = (
    Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
)


@dataclass(frozen=True)
class PdfFonts:
    regular: str
    bold: str
    unicode: bool
    source: str  # the regular face's file, or "Helvetica (built in)"
    problem: str | None = None  # why RETENTION_DESK_PDF_FONT was not used, if it was set
    # a second face (CJK, found on the system) for characters the regular face lacks
    fallback: str | None = field(default=None, kw_only=True)
    # the characters the regular face has glyphs for; empty for Helvetica (WinAnsi is checked)
    _chars: frozenset[int] = field(default=frozenset(), repr=False, compare=False, kw_only=True)
    _fallback_chars: frozenset[int] = field(
        default=frozenset(), repr=False, compare=False, kw_only=True
    )

    def _in_regular(self, ch: str) -> bool:
        if ch.isspace() or ord(ch) < 32:
            return True
        if self.unicode:
            return ord(ch) in self._chars
        try:
            ch.encode("cp1252")  # Helvetica's WinAnsiEncoding
        except UnicodeEncodeError:
            return False
        return True

    def can_show(self, text: str) -> bool:
        """True when every character of `text` has a glyph (spacing and controls aside)."""
        return all(self._in_regular(ch) or ord(ch) in self._fallback_chars for ch in text)

    def markup(self, text: str) -> str:
        """`text` XML-escaped for a reportlab Paragraph, runs only the fallback face can show
        wrapped in a <font> tag naming it (the only markup in the result)."""
        if self.fallback is None:
            return escape(text)
        out: list[str] = []
        run: list[str] = []
        run_is_fallback = False
        for ch in text:
            is_fallback = not self._in_regular(ch) and ord(ch) in self._fallback_chars
            if run and is_fallback != run_is_fallback:
                out.append(self._run("".join(run), run_is_fallback))
                run = []
            run.append(ch)
            run_is_fallback = is_fallback
        if run:
            out.append(self._run("".join(run), run_is_fallback))
        return "".join(out)

    def _run(self, text: str, in_fallback: bool) -> str:
        return (
            f'<font face="{self.fallback}">{escape(text)}</font>' if in_fallback else escape(text)
        )

    def can_show_all(self, texts: Iterable[str]) -> bool:
        return all(self.can_show(t) for t in texts)


HELVETICA = PdfFonts("Helvetica", "Helvetica-Bold", unicode=False, source="Helvetica (built in)")


def register_fonts() -> PdfFonts:
    """The family to use, registered with reportlab (found once per process per setting)."""
    return _register(os.environ.get(ENV_FONT) or None, os.environ.get(ENV_FONT_BOLD) or None)


@functools.cache
def _register(env_font: str | None, env_bold: str | None) -> PdfFonts:
    problem: str | None = None
    if env_font:
        path = Path(env_font).expanduser()
        bold = Path(env_bold).expanduser() if env_bold else None
        fonts, problem = _try(path, bold)
        if fonts is not None:
            return fonts
        _log.warning("%s", problem)
    for regular, bold in [BUNDLED, *_system_candidates()]:
        fonts, _ = _try(regular, bold)
        if fonts is not None:
            return _with_fallback(_with_problem(fonts, problem), _fallback_candidates())
    return _with_problem(HELVETICA, problem)


def _with_problem(fonts: PdfFonts, problem: str | None) -> PdfFonts:
    if problem is None:
        return fonts
    return replace(fonts, problem=problem)


def _try(regular: Path, bold: Path | None) -> tuple[PdfFonts | None, str | None]:
    if not regular.is_file():
        return None, f"The PDF font {regular} named by {ENV_FONT} does not exist."
    face = _load(regular)
    if face is None:
        return None, f"The PDF font {regular} named by {ENV_FONT} is not a TrueType font."
    bold_face = _load(bold) if bold is not None and bold.is_file() else None
    bold_name = bold_face.fontName if bold_face is not None else face.fontName
    # <b> inside a Paragraph and the styles' fontName both resolve through this family
    pdfmetrics.registerFontFamily(
        face.fontName, normal=face.fontName, bold=bold_name, italic=face.fontName,
        boldItalic=bold_name,
    )  # fmt: skip
    chars = frozenset(face.face.charToGlyph)
    return PdfFonts(face.fontName, bold_name, True, str(regular), _chars=chars), None


def _with_fallback(fonts: PdfFonts, candidates: Iterable[Path]) -> PdfFonts:
    """`fonts` with the first candidate face that has glyphs the regular face lacks."""
    for path in candidates:
        if not path.is_file():
            continue
        face = _load(path)
        if face is None:
            continue
        extra = frozenset(face.face.charToGlyph) - fonts._chars
        if not extra:
            continue
        # a bold or italic paragraph asks the family of the <font> face for its bold member
        pdfmetrics.registerFontFamily(
            face.fontName, normal=face.fontName, bold=face.fontName, italic=face.fontName,
            boldItalic=face.fontName,
        )  # fmt: skip
        return replace(fonts, fallback=face.fontName, _fallback_chars=extra)
    return fonts


def _load(path: Path) -> TTFont | None:
    # the name carries a digest of the file's bytes: two different files never share a name,
    # and the same font gives the same name (so the same PDF bytes) wherever it is installed
    try:
        digest = hashlib.sha1(path.read_bytes()).hexdigest()[:8]
    except OSError:
        return None
    name = f"rd-{path.stem}-{digest}"
    try:
        existing = pdfmetrics.getFont(name)
    except KeyError:
        existing = None
    if isinstance(existing, TTFont):
        return existing
    try:
        # a .ttc holds several faces; the first is the regular one in the collections we name
        font = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return None
    pdfmetrics.registerFont(font)
    return font


def _system_candidates() -> list[tuple[Path, Path | None]]:
    out: list[tuple[Path, Path | None]] = []
    if sys.platform == "win32":
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        out += [(fonts / r, fonts / b) for r, b in _WINDOWS_FILES]
    elif sys.platform == "darwin":
        out += [(p, None) for p in _MAC_FILES]
    else:
        found = _find_files({name for pair in _LINUX_FILES for name in pair})
        out += [(found[r], found.get(b)) for r, b in _LINUX_FILES if r in found]
    return out


def _fallback_candidates() -> list[Path]:
    # TrueType-outline CJK faces only: reportlab cannot embed CFF (.otf, Noto Sans CJK) fonts
    if sys.platform == "win32":
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return [fonts / name for name in _WINDOWS_FALLBACK]
    if sys.platform == "darwin":
        return list(_MAC_FILES)
    found = _find_files(set(_LINUX_FALLBACK))
    return [found[name] for name in _LINUX_FALLBACK if name in found]


def _find_files(names: set[str]) -> dict[str, Path]:
    # distributions put DejaVu in different subfolders (truetype/dejavu, dejavu, TTF)
    found: dict[str, Path] = {}
    for root in _LINUX_DIRS:
        top = Path(root).expanduser()
        if not top.is_dir():
            continue
        for folder, _dirs, files in os.walk(top):
            for name in names.intersection(files):
                found.setdefault(name, Path(folder) / name)
    return found
