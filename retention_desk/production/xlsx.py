"""The Excel production (openpyxl, write-only): one row per produced version of each record,
and sheets for the redaction log, the withheld log and the manifest. openpyxl makes the
workbook (sheets, columns, frozen header, filter, styles, properties); the data rows are
streamed as sheet XML by `_Writer`, as openpyxl would write them, at a fraction of its
per-cell cost (bench/PRODUCTION.md).

The renderer reads only the plan (production.model), so what a release plan cut out is not
here to leak. Beyond that, the workbook itself must hide nothing and run nothing:
- every value that came from outside (text, names, URLs, codes the agency typed) is a string
  cell (`t="inlineStr"`) and never a formula or an error value; one starting with a formula
  character (`= + - @`, tab, CR) gets a leading `'` as `disposal.export_xlsx.safe_text` does,
  so a spreadsheet or a CSV export of it never evaluates it; numbers the app computed (ids)
  are numbers and the UTC time is a date;
- no hidden sheets, rows or columns, no comments, and no defined names (openpyxl adds a hidden
  `_xlnm._FilterDatabase` name for the filter; the `<autoFilter>` of the sheet is enough for
  Excel and LibreOffice, so the name is left out);
- document properties are ours (creator `retention-desk`, never the operating-system user),
  with created and modified set to the production day, and every zip member carries a fixed
  time, so the same plan gives the same bytes;
- a text longer than Excel's cell limit continues in the following rows, marked `part 2 of 3`,
  never cut (openpyxl would cut it silently at 32,767 characters).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from retention_desk.archive.errors import Cancelled
from retention_desk.disposal.export_xlsx import MAX_CELL, safe_text
from retention_desk.production.model import (
    REDACTED_WORD,
    ProducedRecord,
    ProducedVersion,
    ProductionPlan,
    Shown,
)

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Room under Excel's 32,767 for the leading `'` a formula-like part gets.
PART_CHARS = 32_000
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot carry these (openpyxl raises on them); tab, LF and CR it can
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_COLUMNS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DEFINED_NAMES = re.compile(rb"<definedNames>.*?</definedNames>|<definedNames/>", re.S)

RECORD_HEADER = (
    "Control number",
    "Record id",
    "Platform",
    "Account",
    "Kind",
    "Author",
    "Handle",
    "Created (local)",
    "Created (UTC)",
    "URL",
    "Thread id",
    "Parent id",
    "Status",
    "Version",
    "Observed (UTC)",
    "Title",
    "Text",
    "Text part",
    "Media",
)
_WIDTHS = (16, 10, 10, 16, 9, 22, 18, 22, 18, 36, 10, 10, 18, 16, 20, 24, 80, 10, 24)
LOG_HEADER = ("Control number", "Record id", "Field", "Version", "Code", "Description")
WITHHELD_HEADER = ("Control number", "Record id", "What", "Code", "Description")
MANIFEST_HEADER = ("Control number", "Record id", "Version ids", "Fixity")


@dataclass(frozen=True)
class XlsxInput:
    """What the workbook needs beside the plan: each record's control number (Bates or
    control number, `""` in a review copy), the sentence saying where they came from, and the
    local day of the production (created/modified time of the document)."""

    control: Mapping[int, str]
    control_note: str
    produced_on: str  # YYYY-MM-DD


def cell_text(value: str) -> str:
    """A long text for one cell: line breaks kept, characters XML cannot hold shown as
    `\\xNN`, and a leading `'` before a formula character (as `safe_text`)."""
    text = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value.replace("\r\n", "\n"))
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def short_text(value: object) -> str:
    """`safe_text(value)`, without its per-character pass for the common value that has
    nothing to show or collapse (only printable characters and single inner spaces)."""
    text = str(value)
    if text.isprintable() and "  " not in text and text == text.strip() and len(text) < MAX_CELL:
        return "'" + text if text.startswith(_FORMULA_START) else text
    return safe_text(text)


def parts(text: str, size: int = PART_CHARS) -> list[str]:
    """`text` in pieces of at most `size` characters (one piece when it fits)."""
    if len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(0, len(text), size)]


class _Writer:
    """Rows of one sheet. openpyxl writes the sheet around them (columns, frozen header,
    filter, the bold header row) and the workbook; the data rows are written here as sheet
    XML, streamed into a spooled file that `_FixedZip` splices into the sheet's part: the
    same cells openpyxl writes for forced strings (`t="inlineStr"`), numbers and dates, at a
    fraction of its per-cell cost (a 10,000-record production writes ~250,000 cells).
    str -> string cell (never a formula or an error value), int -> number, datetime -> date,
    None -> no cell."""

    def __init__(self, ws: WriteOnlyWorksheet, date_style: int, wrap_style: int) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.ws = ws
        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._date = f' s="{date_style}"'
        self._wrap = f' s="{wrap_style}"'
        # closed by render_xlsx once the workbook is written; past 4 MiB it goes to disk
        self.rows: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
        self._next = 2

    def header(self, names: Sequence[str]) -> None:
        row = []
        for name in names:
            cell = self._cell(self.ws)
            cell._value = name  # forced string, as every value below
            cell.data_type = "s"
            cell.font = self._bold
            row.append(cell)
        self.ws.append(row)

    def row(self, values: Sequence[object], long_column: int = -1) -> None:
        from openpyxl.utils.datetime import to_excel

        r = self._next
        self._next += 1
        out = [f'<row r="{r}">']
        for i, value in enumerate(values):
            if value is None or value is False:
                continue
            ref = f"{_COLUMNS[i]}{r}"
            if value is True:
                value = "yes"
            if isinstance(value, int):
                out.append(f'<c r="{ref}" t="n"><v>{value}</v></c>')
                continue
            if isinstance(value, datetime):
                out.append(f'<c r="{ref}"{self._date} t="n"><v>{to_excel(value)}</v></c>')
                continue
            long = i == long_column
            text = cell_text(str(value)) if long else short_text(value)
            if not text:
                continue
            space = ' xml:space="preserve"' if text != text.strip() else ""
            body = xml_escape(text)
            if long:
                body = body.replace("\r", "&#13;")  # XML parsing turns a raw CR into LF
            style = self._wrap if long else ""
            out.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{body}</t></is></c>')
        out.append("</row>")
        self.rows.write("".join(out).encode("utf-8"))


def _utc(value: str | None) -> datetime | None:
    """The plan's "2026-03-02 16:15 UTC" as a naive UTC datetime (the column says UTC)."""
    if not value:
        return None
    stamp = value.removesuffix(" UTC").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(stamp, fmt)
        except ValueError:
            continue
    return None


def shown(value: Shown, review: bool) -> str:
    """A value as its cell holds it: each box as `[REDACTED code]`; in a review copy (never
    released) the hidden text follows the code, `[REDACTED code: text]`."""
    if not review:
        return value.plain()
    return "".join(
        (
            f"[{REDACTED_WORD} {p.box}: {p.review_text}]"
            if p.review_text
            else f"[{REDACTED_WORD} {p.box}]"
        )
        if p.is_box
        else p.text
        for p in value.pieces
    )


def _status(rec: ProducedRecord) -> str:
    flags = [
        name
        for name, on in (
            ("deleted", rec.deleted),
            ("hidden", rec.hidden),
            ("edited", rec.edited),
            ("restricted", rec.restricted),
        )
        if on
    ]
    return ", ".join(flags)


def _media(rec: ProducedRecord) -> str:
    out = []
    for m in rec.media:
        if m.withheld:
            out.append(f"{m.name} (withheld {m.withheld})")
        elif m.missing:
            out.append(f"{m.name} (not in the archive)")
        else:
            out.append(m.name)
    return "; ".join(out)


def _version_label(v: ProducedVersion, count: int) -> str:
    label = f"v{v.seq}"
    if count > 1:
        label += f" of {count}"
    return label + (" (current)" if v.current else "")


def _record_rows(
    rec: ProducedRecord, control: str, review: bool
) -> Iterator[tuple[list[object], int]]:
    if rec.withheld is not None:
        row: list[object] = [control, rec.record_id] + [None] * (len(RECORD_HEADER) - 2)
        row[16] = f"[WITHHELD {rec.withheld}]"
        yield row, -1
        return
    base: list[object] = [
        control,
        rec.record_id,
        rec.platform,
        rec.account,
        rec.kind,
        shown(rec.author_name, review),
        shown(rec.author_handle, review),
        rec.created_local or "",
        _utc(rec.created_utc),
        shown(rec.url, review),
        rec.thread_id,
        rec.parent_id,
        _status(rec),
    ]
    versions = rec.versions or ()
    media = _media(rec)
    if not versions:
        yield [*base, "", None, "", "", "", media], 16
        return
    for v in versions:
        pieces = parts(shown(v.text, review))
        for n, piece in enumerate(pieces, 1):
            mark = f"part {n} of {len(pieces)}" if len(pieces) > 1 else ""
            yield (
                [
                    *base,
                    _version_label(v, len(versions)),
                    _utc(v.observed_at),
                    shown(v.title, review) if n == 1 else "",
                    piece,
                    mark,
                    media if n == 1 else "",
                ],
                16,
            )


def _styles(ws: WriteOnlyWorksheet) -> tuple[int, int]:
    """The workbook's style ids of a UTC date cell and of a wrapped long text cell
    (registering them, so styles.xml carries them)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    date_cell = WriteOnlyCell(ws)
    date_cell.number_format = "yyyy-mm-dd hh:mm"
    wrap_cell = WriteOnlyCell(ws)
    wrap_cell.alignment = Alignment(wrap_text=True, vertical="top")
    return date_cell.style_id, wrap_cell.style_id


def _sheet(wb: Any, title: str, header: Sequence[str], widths: Sequence[int]) -> _Writer:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}1048576"
    out = _Writer(ws, *_styles(ws))
    out.header(header)
    return out


def _abandon(sheet: _Writer) -> None:
    """Close a sheet that will never be saved (a cancelled production): its spooled rows and
    openpyxl's own temporary file behind the write-only sheet."""
    sheet.rows.close()
    sheet.ws.close()


class _FixedZip(zipfile.ZipFile):
    """A zip whose members carry one fixed time (openpyxl stamps the current time, and the
    file time of its temporary sheet files), so a workbook is byte-identical when re-made;
    the workbook part loses its defined names on the way (see the module docstring), and
    each sheet part gets its data rows (`_Writer`) spliced in before `</sheetData>`."""

    rows: dict[str, IO[bytes]]

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
            else zinfo_or_arcname
        )
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if name == "xl/workbook.xml":
            raw = _DEFINED_NAMES.sub(b"", raw)
        super().writestr(self._info(name), raw)

    def write(  # type: ignore[override]
        self,
        filename: Any,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = arcname or str(filename)
        rows = getattr(self, "rows", {}).get(name)
        src: IO[bytes]
        with open(filename, "rb") as src, self.open(self._info(name), "w") as dst:
            if rows is None:
                shutil.copyfileobj(src, dst, 1024 * 1024)
                return
            # openpyxl's part holds the header row only: small
            head, end, tail = src.read().partition(b"</sheetData>")
            if not end:
                raise ValueError(f"{name} has no sheet data to add the rows to")
            dst.write(head)
            rows.seek(0)
            shutil.copyfileobj(rows, dst, 1024 * 1024)
            dst.write(end + tail)


def render_xlsx(
    plan: ProductionPlan,
    given: XlsxInput,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> bytes:
    """The workbook's bytes. `progress(done, total)` as record rows are written; `cancel`
    stops between records (Cancelled)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook(write_only=True)
    day = datetime.strptime(given.produced_on, "%Y-%m-%d")
    props = wb.properties
    props.creator = "retention-desk"
    props.lastModifiedBy = None
    props.title = safe_text(f"Production for request {plan.request_number}")
    props.subject = "REVIEW COPY - NOT FOR RELEASE" if plan.review else None
    props.created = day
    props.modified = day

    records = _sheet(wb, "Records", RECORD_HEADER, _WIDTHS)
    total = len(plan.records)
    for n, rec in enumerate(plan.records):
        if cancel is not None and cancel.is_set():
            _abandon(records)
            raise Cancelled()
        if progress is not None and n % 256 == 0:
            progress(n, total)
        control = given.control.get(rec.record_id, "")
        for values, long_column in _record_rows(rec, control, plan.review):
            records.row(values, long_column)

    log = _sheet(wb, "Redaction log", LOG_HEADER, (16, 10, 14, 9, 16, 80))
    withheld = _sheet(wb, "Withheld log", WITHHELD_HEADER, (16, 10, 16, 16, 80))
    for rec in plan.records:
        control = given.control.get(rec.record_id, "")
        for entry in rec.log:
            if entry.field in ("record", "media"):
                what = "record" if entry.field == "record" else "medium"
                withheld.row([control, entry.record_id, what, entry.code, entry.description])
            else:
                seq = f"v{entry.version_seq}" if entry.version_seq is not None else "all"
                log.row([control, entry.record_id, entry.field, seq, entry.code, entry.description])

    manifest = _sheet(wb, "Manifest", MANIFEST_HEADER, (16, 10, 24, 100))
    manifest.row(["", None, "", given.control_note])
    manifest.row(
        [
            "",
            None,
            "",
            "The SHA-256 of each produced file is in the manifest (CSV and JSON) beside this"
            " workbook.",
        ]
    )
    for rec in plan.records:
        ids = " ".join(str(v.version_id) for v in rec.versions)
        control = given.control.get(rec.record_id, "")
        lines = rec.fixity or ("",)
        for line in lines:
            manifest.row([control, rec.record_id, ids, line])

    buf = io.BytesIO()
    sheets = (records, log, withheld, manifest)
    try:
        with _FixedZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            # ExcelWriter numbers the sheet parts in workbook order
            archive.rows = {f"xl/worksheets/sheet{i}.xml": s.rows for i, s in enumerate(sheets, 1)}
            ExcelWriter(wb, archive).save()
    finally:
        for sheet in sheets:
            sheet.rows.close()
    return buf.getvalue()
