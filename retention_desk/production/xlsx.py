"""The Excel production (openpyxl, write-only): one row per produced version of each record,
and sheets for the redaction log, the withheld log and the manifest.

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
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from retention_desk.disposal.export_xlsx import safe_text
from retention_desk.production.model import (
    REDACTED_WORD,
    ProducedRecord,
    ProducedVersion,
    ProductionPlan,
    Shown,
)

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Room under Excel's 32,767 for the leading `'` a formula-like part gets.
PART_CHARS = 32_000
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot carry these (openpyxl raises on them); tab, LF and CR it can
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
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


def parts(text: str, size: int = PART_CHARS) -> list[str]:
    """`text` in pieces of at most `size` characters (one piece when it fits)."""
    if len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(0, len(text), size)]


class _Writer:
    """Appends typed rows to a write-only sheet: str as forced strings, int as numbers,
    datetime as dates, None as empty."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        self.ws = ws
        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def _str(self, value: str, long: bool = False) -> WriteOnlyCell | None:
        if value == "":
            return None
        cell = self._cell(self.ws)
        # bypass openpyxl's type guessing: a value starting '=' would become a formula,
        # '#N/A' an error
        cell._value = value
        cell.data_type = "s"
        if long:
            cell.alignment = self._wrap
        return cell

    def header(self, names: Sequence[str]) -> None:
        row = []
        for name in names:
            cell = self._str(name)
            assert cell is not None
            cell.font = self._bold
            row.append(cell)
        self.ws.append(row)

    def row(self, values: Sequence[object], long_column: int = -1) -> None:
        out: list[Any] = []
        for i, value in enumerate(values):
            if value is None:
                out.append(None)
            elif isinstance(value, bool):
                out.append(self._str("yes" if value else ""))
            elif isinstance(value, int):
                out.append(value)
            elif isinstance(value, datetime):
                cell = self._cell(self.ws, value)
                cell.number_format = "yyyy-mm-dd hh:mm"
                out.append(cell)
            elif i == long_column:
                out.append(self._str(cell_text(str(value)), long=True))
            else:
                out.append(self._str(safe_text(value)))
        self.ws.append(out)


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


def _sheet(wb: Any, title: str, header: Sequence[str], widths: Sequence[int]) -> _Writer:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}1048576"
    out = _Writer(ws)
    out.header(header)
    return out


class _FixedZip(zipfile.ZipFile):
    """A zip whose members carry one fixed time (openpyxl stamps the current time, and the
    file time of its temporary sheet files), so a workbook is byte-identical when re-made;
    the workbook part loses its defined names on the way (see the module docstring)."""

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
        src: IO[bytes]
        with (
            open(filename, "rb") as src,
            self.open(self._info(arcname or str(filename)), "w") as dst,
        ):
            shutil.copyfileobj(src, dst, 1024 * 1024)


def render_xlsx(plan: ProductionPlan, given: XlsxInput) -> bytes:
    """The workbook's bytes."""
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
    for rec in plan.records:
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
    with _FixedZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return buf.getvalue()
