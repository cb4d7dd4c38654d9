"""The PDF production (reportlab platypus): a plan's records as their platform showed them,
Bates-numbered page by page, then the redaction log and the withheld log.

The renderer reads only the plan (production.model). A release plan carries no hidden
character, so there is nothing under a box to recover; the box itself is a run of white
"REDACTED code" text on black, padded to one width whatever it replaced, so its size says
nothing of what was cut. Everything else keeps the file from saying more than it prints:
- every string goes through `_markup`: control, zero-width and bidirectional-override
  characters are dropped, lone surrogates become U+FFFD, and `PdfFonts.markup` escapes the
  rest, so `<font>`, `<img src=...>`, `&` or `<a href>` in a record print as typed and are
  never obeyed (no image fetched, no link annotation made); the only tags reportlab sees are
  the ones written here;
- metadata is ours: the title (request number and "production"), the agency as author, fixed
  creator and producer; `invariant=1` fixes the dates and the document id, so the same plan
  gives the same bytes; no outline, annotation, attachment, form or JavaScript is ever added;
- images are the plan's PNGs (already re-encoded without metadata).

Layout: each thread starts on a new page; its comments and replies follow, indented by depth.
A withheld record is a slip sheet page of its own. Consecutive records of one thread may share
a page, so their Bates ranges may touch; each record's range is the pages its content is on.
The redaction log gives each entry the Bates range of its record. A review copy has no Bates
numbers, a "REVIEW COPY - NOT FOR RELEASE" watermark on every page, and each redaction shown
as its code and the hidden text, highlighted.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Image as PdfImage

from retention_desk.archive.errors import Cancelled
from retention_desk.pdf_fonts import PdfFonts, register_fonts
from retention_desk.production.model import (
    REDACTED_WORD,
    LogEntry,
    ProducedMedia,
    ProducedRecord,
    ProductionPlan,
    Shown,
)

REVIEW_MARK = "REVIEW COPY \u2014 NOT FOR RELEASE"
WITHHELD_WORD = "WITHHELD"
CREATOR = "retention-desk"
# Every box shows at least this many characters, so "REDACTED 14-2-1.1" over a digit and over
# a page are the same box.
BOX_CHARS = 24
MAX_INDENT_LEVELS = 6
# Characters per paragraph of a long text (see _Writer.paragraphs).
CHUNK = 3000
LOG_ROWS = 40
HEAD_ROOM = 72
INDENT = 16
IMAGE_BOX = (4.5 * inch, 4.5 * inch)
PAGE = letter
MARGIN = 0.75 * inch

# Dropped before layout: C0/C1 controls (tab and newline are handled), zero-width characters,
# bidirectional embeddings, overrides and isolates, invisible operators, the BOM and
# interlinear annotation marks. They would print nothing or reorder what a reader sees.
_DROP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class PdfProduction:
    data: bytes
    pages: int
    # first and last Bates number (page number counted from bates_start) of each record
    record_pages: dict[int, tuple[int, int]]
    # first and last Bates number of "redaction log" and "withheld log"
    log_pages: dict[str, tuple[int, int]] = field(default_factory=dict)


def clean_text(text: str) -> str:
    """`text` without the characters that print nothing or reorder others (see _DROP), with
    line ends as "\\n" and tabs as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _SURROGATE.sub("\ufffd", _DROP.sub("", text))


class _Pages:
    """Which pages each record and log was drawn on, filled in as pages are drawn."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.spans: dict[Any, list[int]] = {}

    def mark(self, key: Any, page: int) -> None:
        span = self.spans.setdefault(key, [page, page])
        span[0] = min(span[0], page)
        span[1] = max(span[1], page)

    def numbers(self, key: Any) -> tuple[int, int] | None:
        span = self.spans.get(key)
        if span is None:
            return None
        return self.start + span[0] - 1, self.start + span[1] - 1


class _Mark(Flowable):
    """Takes no room; notes the page it is drawn on for `key`."""

    def __init__(self, pages: _Pages, key: Any) -> None:
        super().__init__()
        self.pages = pages
        self.key = key
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.mark(self.key, self.canv.getPageNumber())


class _Late(Flowable):
    """One line of text known only when drawn (a Bates range of a record drawn earlier)."""

    def __init__(self, text: Callable[[], str], font: str, size: float, width: float) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.width = width
        self.height = size * 1.25

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.size)
        self.canv.drawString(0, self.size * 0.3, self.text())


class _Styles:
    def __init__(self, fonts: PdfFonts) -> None:
        self.fonts = fonts
        base = ParagraphStyle(
            "rd-prod-body",
            fontName=fonts.regular,
            fontSize=9.5,
            leading=12.5,
            splitLongWords=1,
        )
        self.body = base
        self.head = ParagraphStyle(
            "rd-prod-head", parent=base, fontName=fonts.bold, fontSize=10, spaceBefore=4
        )
        self.title = ParagraphStyle(
            "rd-prod-title", parent=base, fontName=fonts.bold, fontSize=14, leading=18
        )
        self.small = ParagraphStyle("rd-prod-small", parent=base, fontSize=7, leading=9)
        self.slip = ParagraphStyle(
            "rd-prod-slip", parent=base, fontName=fonts.bold, fontSize=28, leading=34
        )
        self._indented: dict[tuple[str, int], ParagraphStyle] = {}

    def at(self, style: ParagraphStyle, depth: int) -> ParagraphStyle:
        level = min(max(depth, 0), MAX_INDENT_LEVELS)
        if level == 0:
            return style
        key = (style.name, level)
        found = self._indented.get(key)
        if found is None:
            found = ParagraphStyle(
                f"{style.name}-{level}", parent=style, leftIndent=style.leftIndent + level * INDENT
            )
            self._indented[key] = found
        return found


class _Writer:
    def __init__(self, plan: ProductionPlan, fonts: PdfFonts, pages: _Pages) -> None:
        self.plan = plan
        self.fonts = fonts
        self.st = _Styles(fonts)
        self.pages = pages

    # ---------------------------------------------------------------- text to markup
    def m(self, text: str) -> str:
        return self.fonts.markup(clean_text(text)).replace("\n", "<br/>")

    def box(self, code: str, review_text: str | None, word: str = REDACTED_WORD) -> str:
        if self.plan.review and word == REDACTED_WORD:
            hidden = self.m(review_text or "")
            return (
                f'<span backColor="#FFF1A8"><font color="#B00000">[{self.m(code)}:</font>'
                f' <u>{hidden}</u><font color="#B00000">]</font></span>'
            )
        label = f"{word} {clean_text(code)}"
        pad = max(0, BOX_CHARS - len(label))
        left, right = pad // 2 + 1, pad - pad // 2 + 1
        return (
            f'<span backColor="#000000" textColor="#FFFFFF" fontName="{self.fonts.bold}">'
            f"{'&nbsp;' * left}{self.fonts.markup(label).replace(' ', '&nbsp;')}"
            f"{'&nbsp;' * right}</span>"
        )

    def shown(self, value: Shown, empty: str = "") -> str:
        if not value.pieces:
            return self.m(empty)
        return "".join(
            self.box(p.box, p.review_text) if p.box is not None else self.m(p.text)
            for p in value.pieces
        )

    def paragraphs(self, value: Shown, empty: str) -> list[str]:
        """`shown` cut into paragraphs of about CHUNK characters, at a line end where there is
        one, else at a space: reportlab re-wraps the rest of a paragraph at every page it
        splits, so one paragraph of a long text takes time growing with its square."""
        if not value.pieces:
            return [self.m(empty)]
        chunks: list[str] = []
        cur: list[str] = []
        size = 0
        for piece in value.pieces:
            if piece.box is not None:
                cur.append(self.box(piece.box, piece.review_text))
                size += BOX_CHARS
                continue
            text = piece.text
            while text:
                if size >= CHUNK:
                    chunks.append("".join(cur))
                    cur, size = [], 0
                room = CHUNK - size
                if len(text) <= room:
                    cur.append(self.m(text))
                    size += len(text)
                    break
                cut = text.rfind("\n", 0, max(room, 1))
                if cut <= 0:
                    cut = text.rfind(" ", 0, max(room, 1))
                if cut <= 0:
                    cut = max(room, 1)
                head, text = text[:cut], text[cut:]
                if text[:1] == "\n":
                    text = text[1:]  # the paragraph break stands for it
                cur.append(self.m(head))
                chunks.append("".join(cur))
                cur, size = [], 0
        if cur:
            chunks.append("".join(cur))
        return chunks

    def p(self, markup: str, style: ParagraphStyle, depth: int = 0) -> Paragraph:
        return Paragraph(markup, self.st.at(style, depth))

    # ---------------------------------------------------------------------- records
    def record(self, rec: ProducedRecord) -> list[Flowable]:
        if rec.withheld is not None:
            return self.slip(rec)
        d = rec.depth
        flags = [
            name
            for name, on in (
                ("deleted on the platform", rec.deleted),
                ("hidden on the platform", rec.hidden),
                ("edited", rec.edited),
                ("private message", rec.restricted),
            )
            if on
        ]
        head = f"Record {rec.record_id} \u00b7 {rec.platform} {rec.kind}"
        if rec.account:
            head += f" \u00b7 account {rec.account}"
        if flags:
            head += f" \u00b7 {', '.join(flags)}"
        author = self.shown(rec.author_name, "(no name)")
        if rec.author_handle.pieces:
            author += f" ({self.shown(rec.author_handle)})"
        when = rec.created_local or "(no date)"
        if rec.created_utc:
            when += f" ({rec.created_utc})"
        out: list[Flowable] = [
            # the heading never sits alone at the foot of a page (cheaper than KeepTogether,
            # which copies what it holds)
            CondPageBreak(HEAD_ROOM),
            _Mark(self.pages, rec.record_id),
            self.p(self.m(head), self.st.head, d),
            self.p(f"Author: {author}", self.st.body, d),
            self.p(f"Posted: {self.m(when)}", self.st.body, d),
        ]
        if rec.url.pieces:
            out.append(self.p(f"Link: {self.shown(rec.url)}", self.st.body, d))
        if rec.parent_id is not None and d > 0:
            out.append(self.p(self.m(f"In reply to record {rec.parent_id}"), self.st.body, d))
        many = len(rec.versions) > 1
        for v in rec.versions:
            if many or self.plan.versions == "all":
                label = f"Version v{v.seq}"
                if v.observed_at:
                    label += f", seen {v.observed_at}"
                if v.edited_at:
                    label += f", edited {v.edited_at}"
                if v.current:
                    label += " (current)"
                out.append(self.p(self.m(label), self.st.small, d))
            if v.title.pieces:
                out.append(self.p(f"<b>{self.shown(v.title)}</b>", self.st.body, d))
            out += [self.p(c, self.st.body, d) for c in self.paragraphs(v.text, "(no text)")]
        for medium in rec.media:
            out += self.medium(medium, d)
        for line in rec.fixity:
            out.append(self.p(self.m(line), self.st.small, d))
        out.append(_Mark(self.pages, rec.record_id))
        out.append(Spacer(1, 8))
        return out

    def medium(self, medium: ProducedMedia, depth: int) -> list[Flowable]:
        name = medium.name
        if medium.withheld is not None:
            return [
                self.p(
                    f"{self.m(name)}: {self.box(medium.withheld, None, WITHHELD_WORD)}",
                    self.st.body,
                    depth,
                )
            ]
        png = self.plan.image_png(medium)
        if png is not None:
            image = PdfImage(io.BytesIO(png))
            scale = min(1.0, IMAGE_BOX[0] / image.imageWidth, IMAGE_BOX[1] / image.imageHeight)
            image.drawWidth = image.imageWidth * scale
            image.drawHeight = image.imageHeight * scale
            image.hAlign = "LEFT"
            return [self.p(self.m(name), self.st.small, depth), _Indented(image, depth)]
        if medium.missing:
            why = "not in the archive (missing from the export)"
        elif medium.kind == "image":
            why = "the image could not be read"
        else:
            why = f"a {medium.kind} file, not shown in this production"
        return [self.p(self.m(f"[{name}: {why}]"), self.st.body, depth)]

    def slip(self, rec: ProducedRecord) -> list[Flowable]:
        description = next((e.description for e in rec.log if e.field == "record"), "")
        return [
            _Mark(self.pages, rec.record_id),
            self.p(self.m(WITHHELD_WORD), self.st.slip),
            Spacer(1, 12),
            self.p(self.m(f"Record {rec.record_id} ({rec.platform} {rec.kind})"), self.st.head),
            self.p(self.m(f"Withheld in full under {rec.withheld}."), self.st.body),
            self.p(self.m(description), self.st.body),
            _Mark(self.pages, rec.record_id),
        ]

    # -------------------------------------------------------------------------- logs
    def bates_of(self, record_id: int, prefix: str | None, digits: int) -> Callable[[], str]:
        def text() -> str:
            span = self.pages.numbers(record_id)
            if span is None:
                return ""
            if prefix is None:
                first, last = (p - self.pages.start + 1 for p in span)
                return f"p. {first}" if first == last else f"pp. {first}-{last}"
            a, b = (f"{prefix}{n:0{digits}d}" for n in span)
            return a if a == b else f"{a}-{b}"

        return text

    def log_table(
        self,
        title: str,
        key: str,
        header: tuple[str, ...],
        rows: list[tuple[int, list[str]]],
        widths: list[float],
        prefix: str | None,
        digits: int,
    ) -> list[Flowable]:
        out: list[Flowable] = [
            _Mark(self.pages, key),
            self.p(self.m(title), self.st.title),
            Spacer(1, 6),
        ]
        if not rows:
            out.append(self.p(self.m("None."), self.st.body))
            out.append(_Mark(self.pages, key))
            return out
        small = self.st.small
        data: list[list[Any]] = [[self.p(f"<b>{self.m(h)}</b>", small) for h in header]]
        for record_id, cells in rows:
            data.append(
                [
                    _Late(
                        self.bates_of(record_id, prefix, digits), self.fonts.regular, 7, widths[0]
                    ),
                    *(self.p(self.m(c), small) for c in cells),
                ]
            )
        style = TableStyle(
            [
                # cells are paragraphs, but the table would still list Helvetica
                ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
            ]
        )
        # one table per LOG_ROWS rows: a table split across pages re-measures every row
        # left, so one table of thousands of rows takes time growing with its square
        for i in range(1, len(data), LOG_ROWS):
            table = Table(
                [data[0], *data[i : i + LOG_ROWS]], colWidths=widths, repeatRows=1, hAlign="LEFT"
            )
            table.setStyle(style)
            out.append(table)
        out.append(_Mark(self.pages, key))
        return out


class _Indented(Flowable):
    """A flowable (an image) moved right by the record's depth."""

    def __init__(self, inner: Flowable, depth: int) -> None:
        super().__init__()
        self.inner = inner
        self.shift = min(max(depth, 0), MAX_INDENT_LEVELS) * INDENT

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        w, h = self.inner.wrap(avail_width - self.shift, avail_height)
        self.width, self.height = w + self.shift, h
        return self.width, self.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, self.shift, 0)


def _log_field(entry: LogEntry) -> str:
    name = entry.field.replace("_", " ")
    return f"{name} v{entry.version_seq}" if entry.version_seq is not None else name


def render_pdf(
    plan: ProductionPlan,
    *,
    bates_prefix: str | None,
    bates_start: int,
    produced_on: date,
    digits: int = 7,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> PdfProduction:
    """The plan as a PDF. `bates_prefix` None: no Bates numbers (a review copy); otherwise
    page n carries `{prefix}{bates_start + n - 1:0{digits}d}`.

    The story is fed to reportlab a few records at a time (`_Feed`): a record's paragraphs
    and its picture exist only from shortly before it is laid out until its page is drawn,
    so memory holds the plan's text and the PDF being written, not the whole story.
    `progress(done, total)` is called as records are laid out; `cancel` stops between
    records (Cancelled)."""
    fonts = register_fonts()
    pages = _Pages(bates_start)
    w = _Writer(plan, fonts, pages)
    review = plan.review
    prefix = None if review else bates_prefix
    buffer = io.BytesIO()
    title = f"{plan.request_number} production"
    if review:
        title += f" \u2014 {REVIEW_MARK}"
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=clean_text(title),
        author=clean_text(plan.agency_name),
        subject="",
        keywords="",
        creator=CREATOR,
        producer=CREATOR,
        invariant=1,
        pageCompression=1,
        # else the canvas starts in Helvetica and the file carries a font it never uses
        initialFontName=fonts.regular,
        initialFontSize=9.5,
    )
    number_text = clean_text(plan.request_number)
    day = produced_on.isoformat()

    def footer(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        # drawn on the canvas, never parsed as markup; outside the frame, so never over a box
        page = canvas.getPageNumber()
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.drawString(MARGIN, 0.45 * inch, f"Request {number_text} \u00b7 produced {day}")
        if prefix is not None:
            canvas.setFont(fonts.bold, 10)
            canvas.drawRightString(
                PAGE[0] - MARGIN, 0.45 * inch, f"{prefix}{bates_start + page - 1:0{digits}d}"
            )
        else:
            canvas.drawRightString(PAGE[0] - MARGIN, 0.45 * inch, f"Page {page}")
        if review:
            canvas.setFont(fonts.bold, 9)
            canvas.setFillColor(colors.HexColor("#B00000"))
            canvas.drawCentredString(PAGE[0] / 2, PAGE[1] - 0.45 * inch, REVIEW_MARK)
            canvas.setFillColor(colors.HexColor("#B00000"), alpha=0.18)
            canvas.setFont(fonts.bold, 40)
            canvas.translate(PAGE[0] / 2, PAGE[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, REVIEW_MARK)
        canvas.restoreState()

    frame = Frame(MARGIN, MARGIN, PAGE[0] - 2 * MARGIN, PAGE[1] - 2 * MARGIN, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPageEnd=footer)])

    story: list[Flowable] = []
    agency = plan.agency_name or "The agency"
    story.append(
        w.p(w.m(f"{agency}: records produced for request {plan.request_number}"), w.st.title)
    )
    if review:
        story.append(w.p(w.m(f"{REVIEW_MARK}. Redacted text is shown highlighted."), w.st.head))
    summary = (
        f"Produced {day}. {len(plan.records)} records; {plan.redaction_count} redactions;"
        f" {plan.withheld_count} withheld in full or in part."
    )
    if plan.restricted_left_out:
        n = plan.restricted_left_out
        summary += (
            f" {n} private message{' is' if n == 1 else 's are'} not part of it (left out"
            " unless included one by one)."
        )
    story.append(w.p(w.m(summary), w.st.body))
    if not _all_showable(plan, fonts):
        story.append(
            w.p(
                w.m(
                    "Some characters in these records have no glyph in the PDF font and print"
                    " as empty boxes; the Excel production shows them."
                ),
                w.st.small,
            )
        )
    story.append(Spacer(1, 10))
    feed = _Feed(
        story,
        chain(
            _record_story(w, plan, progress, cancel),
            _log_story(w, plan, prefix, digits),
        ),
    )
    doc.build(feed)
    if progress is not None:
        progress(len(plan.records), len(plan.records))
    record_pages = {}
    for rec in plan.records:
        span = pages.numbers(rec.record_id)
        if span is not None:
            record_pages[rec.record_id] = span
    log_pages = {}
    for key in ("redaction log", "withheld log"):
        span = pages.numbers(key)
        if span is not None:
            log_pages[key] = span
    data = buffer.getvalue()
    return PdfProduction(data, int(doc.page), record_pages, log_pages)


def _all_showable(plan: ProductionPlan, fonts: PdfFonts) -> bool:
    """Whether the font has a glyph for every character the records print. Asked before
    layout, because the note that says otherwise goes on the first page and the records are
    laid out only as the pages fill."""

    def texts(value: Shown) -> Iterator[str]:
        for piece in value.pieces:
            yield piece.text
            if plan.review and piece.review_text:
                yield piece.review_text

    def values() -> Iterator[str]:
        yield plan.agency_name
        yield plan.request_number
        for rec in plan.records:
            yield rec.platform
            yield rec.kind
            yield rec.account
            for value in (rec.author_name, rec.author_handle, rec.url):
                yield from texts(value)
            for version in rec.versions:
                yield from texts(version.title)
                yield from texts(version.text)
            for entry in rec.log:
                yield entry.description

    # ASCII first: every font the desk registers has those glyphs, and the full check walks
    # the text one character at a time
    return all(v.isascii() or fonts.can_show(clean_text(v)) for v in values() if v)


class _Feed(list):  # type: ignore[type-arg]
    """A story that tops itself up from `source` whenever reportlab asks how long it is
    (`BaseDocTemplate.build` asks before every flowable and `handle_keepWithNext` before it
    looks ahead), keeping at least LOW flowables queued until the source runs out."""

    LOW = 64

    def __init__(self, head: list[Flowable], source: Iterator[Flowable]) -> None:
        super().__init__(head)
        self._source: Iterator[Flowable] | None = source

    def __len__(self) -> int:
        while self._source is not None and list.__len__(self) < self.LOW:
            batch = list(islice(self._source, self.LOW))
            if not batch:
                self._source = None
            self.extend(batch)
        return list.__len__(self)

    def __bool__(self) -> bool:
        return len(self) > 0


def _record_story(
    w: _Writer,
    plan: ProductionPlan,
    progress: Callable[[int, int], None] | None,
    cancel: threading.Event | None,
) -> Iterator[Flowable]:
    total = len(plan.records)
    last_thread: int | None = None
    last_withheld = False
    for n, rec in enumerate(plan.records):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress is not None and n % 16 == 0:
            progress(n, total)
        thread = rec.thread_id if rec.thread_id is not None else rec.record_id
        fresh = thread != last_thread or rec.withheld is not None or last_withheld
        if (n > 0 and fresh) or (n == 0 and rec.withheld is not None):
            yield PageBreak()
        yield from w.record(rec)
        last_thread, last_withheld = thread, rec.withheld is not None


def _log_story(
    w: _Writer, plan: ProductionPlan, prefix: str | None, digits: int
) -> Iterator[Flowable]:
    width = PAGE[0] - 2 * MARGIN
    redactions = [
        (e.record_id, [str(e.record_id), _log_field(e), e.code, e.description])
        for r in plan.records
        if r.withheld is None
        for e in r.log
        if e.field != "media"
    ]
    withheld = [
        (
            e.record_id,
            [
                str(e.record_id),
                "whole record" if e.field == "record" else "medium",
                e.code,
                e.description,
            ],
        )
        for r in plan.records
        for e in r.log
        if e.field in ("record", "media")
    ]
    yield PageBreak()
    yield from w.log_table(
        "Redaction log",
        "redaction log",
        ("Bates", "Record", "Field", "Exemption", "Description"),
        redactions,
        [1.45 * inch, 0.6 * inch, 0.95 * inch, 0.9 * inch, width - 3.9 * inch],
        prefix,
        digits,
    )
    yield PageBreak()
    yield from w.log_table(
        "Withheld log",
        "withheld log",
        ("Bates", "Record", "What", "Exemption", "Description"),
        withheld,
        [1.45 * inch, 0.6 * inch, 0.95 * inch, 0.9 * inch, width - 3.9 * inch],
        prefix,
        digits,
    )
