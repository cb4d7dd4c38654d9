"""`retention-desk --self-test`: the app's main path, end to end, on a tiny fictional sample.

Made for IT staff and CI to check an installed or frozen build (not only the source tree):
the shipped files are found, an archive is created (migrations), the sample X archive that
ships inside the package is imported and searched, a request holding the found records gets
a cover letter (DOCX) and two productions (PDF and XLSX), and the archive is verified.

Everything happens in a temporary folder: the archive, the productions, and the app's data
folder (audit anchors), which is pointed there through `RETENTION_DESK_DATA_DIR` for the run.
No network, no user data, no display: nothing here imports PySide6.

One line per step ("ok  <step>  <detail>"); the first failure prints
"FAIL  <step>: <error>" and the run stops with exit code 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from retention_desk import paths

SAMPLE_NAME = "x-archive"
SAMPLE_RECORDS = 6  # tweets in selftest_data/x-archive/data/tweets.js
QUERY = '"Bosque Trail"'
QUERY_HITS = 3  # tweets 101, 103 and the reply 104
OPERATOR = "self-test"
# Variables that would send the run's files, or its fonts, elsewhere than the run expects.
_CLEARED_ENV = ("RETENTION_DESK_PDF_FONT", "RETENTION_DESK_PDF_FONT_BOLD")


class SelfTestFailure(Exception):
    """A step's check did not hold; the message says what was expected and what was found."""


@dataclass
class Context:
    """What the steps share: the temporary folder, the open archive, what earlier steps found."""

    root: Path
    archive: Any = None  # retention_desk.archive.Archive once created
    found: list[int] = field(default_factory=list)
    request: str = ""
    outputs: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float


Step = Callable[[Context], str]


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def sample_dir() -> Path:
    return paths.package_data_dir("selftest_data") / SAMPLE_NAME


# ------------------------------------------------------------------------------- steps
def step_shipped_files(ctx: Context) -> str:
    """The files a build must carry: schedules, IPRA rules, exemptions, letters, policies,
    fonts."""
    from retention_desk.disposal.approval import load_rules as approval_rules
    from retention_desk.ipra.rules import load_rules
    from retention_desk.pdf_fonts import register_fonts
    from retention_desk.redaction.catalogue import load_catalogue
    from retention_desk.retention.schedule import builtin_schedules

    schedules = builtin_schedules()
    _check(bool(schedules), f"no retention schedule found in {paths.schedules_dir()}")
    load_rules()
    load_catalogue()
    approval_rules()
    letters = sorted((paths.resources_dir() / "letters").glob("*.txt"))
    _check(bool(letters), f"no letter template found in {paths.resources_dir() / 'letters'}")
    policies = sorted((paths.resources_dir() / "policies").glob("*.toml"))
    _check(bool(policies), f"no social-media policy found in {paths.resources_dir() / 'policies'}")
    fonts = register_fonts()
    fonts_dir = (paths.resources_dir() / "fonts").resolve()
    # a build without resources/fonts would quietly fall back to a system font on Linux
    _check(
        fonts.unicode and Path(fonts.source).resolve().parent == fonts_dir,
        f"PDF font is {fonts.source}, not the one shipped in {fonts_dir}",
    )
    _check(sample_dir().is_dir(), f"the self-test sample is missing: {sample_dir()}")
    return (
        f"{len(schedules)} schedules, {len(letters)} letter templates, {len(policies)} policies,"
        f" font {fonts.regular}"
    )


def step_create_archive(ctx: Context) -> str:
    from retention_desk.archive import Archive, ArchiveSettings, migrate

    ctx.archive = Archive.create(ctx.root / "self-test.rdesk", operator=OPERATOR)
    # letters need the agency and custodian named (as Settings asks a new agency to)
    ctx.archive.update_settings(
        ArchiveSettings(
            agency_name="Valle Fictivo Parks Department (self-test)",
            custodian_name="Self-test Custodian",
            custodian_title="Records Custodian",
        )
    )
    return f"schema {migrate.head_revision()}"


def step_import_sample(ctx: Context) -> str:
    from retention_desk.importers.run import run_import

    summary = run_import(ctx.archive, [sample_dir()])
    _check(not summary.errors, f"import errors: {'; '.join(summary.errors)}")
    failed = [f"{f.path}: {f.error}" for f in summary.files if f.status == "failed"]
    _check(not failed, f"files failed: {'; '.join(failed)}")
    added = summary.totals()["added"]
    _check(added == SAMPLE_RECORDS, f"{added} records added, expected {SAMPLE_RECORDS}")
    formats = sorted({f.format for f in summary.files if f.format})
    return f"{added} records ({', '.join(formats)})"


def step_search(ctx: Context) -> str:
    from retention_desk.search.engine import search

    result = search(ctx.archive, QUERY, limit=50, with_facets=False)
    _check(
        result.total == QUERY_HITS, f"{QUERY} found {result.total} records, expected {QUERY_HITS}"
    )
    ctx.found = [row.id for row in result.rows]
    _check(len(ctx.found) == QUERY_HITS, f"{len(ctx.found)} rows for a total of {result.total}")
    return f"{QUERY} found {result.total} records"


def step_request(ctx: Context) -> str:
    from retention_desk.ipra import requests, responsive

    detail = requests.new_request(
        ctx.archive,
        received_at=datetime.now(UTC) - timedelta(minutes=1),
        via="email",
        name="Self-test requester (fictional)",
        email="requester@example.org",
        description=f"Posts matching {QUERY} (self-test).",
        electronic_copies=True,
    )
    ctx.request = detail.number
    change = responsive.add_records(ctx.archive, detail.number, ctx.found)
    held = responsive.responsive_ids(ctx.archive, detail.number)
    _check(sorted(held) == sorted(ctx.found), f"request holds {held}, expected {ctx.found}")
    _check(change.added == len(ctx.found), f"{change.added} records added to the request")
    return f"request {detail.number} holds {len(held)} records"


def step_letter(ctx: Context) -> str:
    """A cover letter as DOCX: the letter templates (resources/letters) and python-docx."""
    from docx import Document

    from retention_desk.ipra.correspondence import write_letter

    written = write_letter(ctx.archive, ctx.request, "cover", file_format="docx", method="email")
    out = ctx.root / "out" / "cover.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(written.data)
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    _check(ctx.request in text, f"the cover letter does not name request {ctx.request}")
    return f"cover letter {out.name} ({len(written.data):,} bytes)"


def _produce(ctx: Context, file_format: str) -> tuple[Path, Any]:
    from retention_desk.production.produce import produce

    result = produce(
        ctx.archive, ctx.request, file_format=file_format, out_dir=ctx.root / "out" / file_format
    )
    _check(
        result.records == QUERY_HITS, f"{result.records} records produced, expected {QUERY_HITS}"
    )
    made = [p for p in result.files if p.suffix.lower() == f".{file_format}"]
    _check(
        len(made) == 1, f"expected one .{file_format} file, got {[p.name for p in result.files]}"
    )
    ctx.outputs[file_format] = made[0]
    return made[0], result


def step_produce_pdf(ctx: Context) -> str:
    pdf, result = _produce(ctx, "pdf")
    data = pdf.read_bytes()
    _check(data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], f"{pdf.name} is not a PDF")
    pages = _render_first_page(data)
    return (
        f"{pdf.name} ({len(data):,} bytes, {pages} pages,"
        f" Bates {result.bates_first}-{result.bates_last})"
    )


def _render_first_page(data: bytes) -> int:
    """Open the PDF with PDFium and draw its first page as a PNG, as the production preview
    does: proves the PDF reads in a real engine and that pdfium and Pillow are in the build."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages = len(document)
        _check(pages > 0, "the PDF has no pages")
        image = document[0].render(scale=0.5).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        _check(buffer.getvalue().startswith(b"\x89PNG"), "page 1 did not render to PNG")
        return pages
    finally:
        document.close()


def step_produce_xlsx(ctx: Context) -> str:
    xlsx, result = _produce(ctx, "xlsx")
    try:
        with zipfile.ZipFile(xlsx) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except zipfile.BadZipFile as exc:
        raise SelfTestFailure(f"{xlsx.name} is not a zip: {exc}") from None
    _check(bad is None, f"{xlsx.name}: member {bad} is damaged")
    _check("xl/workbook.xml" in names, f"{xlsx.name} has no xl/workbook.xml")
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)  # the dimension tag may be absent: count
    try:
        rows = max(sum(1 for _ in sheet.iter_rows()) for sheet in book.worksheets)
    finally:
        book.close()
    _check(rows > QUERY_HITS, f"{xlsx.name}: {rows} rows for {QUERY_HITS} records")
    return f"{xlsx.name} ({xlsx.stat().st_size:,} bytes, {result.records} records)"


def step_verify(ctx: Context) -> str:
    from retention_desk.archive.verify import verify_archive

    report = verify_archive(ctx.archive)
    failed = [f"{c.name}: {c.detail}" for c in report.checks if c.status != "ok"]
    _check(
        report.outcome == "pass", f"verify {report.outcome}: {'; '.join(failed + report.failures)}"
    )
    # the anchor the writes moved forward is inside the temporary folder, not the user's
    from retention_desk.archive.anchor import anchors_dir

    anchors = list(anchors_dir().glob("*.json"))
    _check(
        anchors_dir().resolve().is_relative_to(ctx.root.resolve()) and len(anchors) == 1,
        f"expected one audit anchor in {anchors_dir()}, found {len(anchors)}",
    )
    return f"{len(report.checks)} checks passed, audit row {report.audit_rows}"


STEPS: list[tuple[str, Step]] = [
    ("shipped files", step_shipped_files),
    ("create archive", step_create_archive),
    ("import sample", step_import_sample),
    ("search", step_search),
    ("request with found records", step_request),
    ("letter DOCX", step_letter),
    ("produce PDF", step_produce_pdf),
    ("produce XLSX", step_produce_xlsx),
    ("verify archive", step_verify),
]


# -------------------------------------------------------------------------------- run
@contextmanager
def _isolated_env(root: Path) -> Iterator[None]:
    """The app's data folder and default archive inside `root` for the run, then restored."""
    saved = {k: os.environ.get(k) for k in (paths.ENV_DATA_DIR, paths.ENV_ARCHIVE, *_CLEARED_ENV)}
    os.environ[paths.ENV_DATA_DIR] = str(root / "data")
    os.environ[paths.ENV_ARCHIVE] = str(root / "self-test.rdesk")
    for key in _CLEARED_ENV:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_steps(
    steps: list[tuple[str, Step]] | None = None, out: TextIO | None = None
) -> list[StepResult]:
    """Run the steps in a temporary folder, printing one line each; stops at the first
    failure (the last result is then the failed one)."""
    out = out or sys.stdout
    results: list[StepResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="retention-desk-selftest-") as tmp,
        _isolated_env(Path(tmp)),
    ):
        ctx = Context(root=Path(tmp))
        try:
            for name, func in steps if steps is not None else STEPS:
                start = time.perf_counter()
                try:
                    detail = func(ctx)
                except Exception as exc:
                    message = str(exc) or type(exc).__name__
                    if not isinstance(exc, SelfTestFailure):
                        message = f"{type(exc).__name__}: {message}"
                        # the line names the step; the traceback is for whoever reports it
                        traceback.print_exc(file=sys.stderr)
                    results.append(StepResult(name, False, message, time.perf_counter() - start))
                    print(f"FAIL  {name}: {message}", file=out, flush=True)
                    break
                seconds = time.perf_counter() - start
                results.append(StepResult(name, True, detail, seconds))
                print(f"ok    {name}  {detail} ({seconds:.1f} s)", file=out, flush=True)
        finally:
            if ctx.archive is not None:
                ctx.archive.close()  # before the folder is removed (Windows keeps it open)
    return results


def run(out: TextIO | None = None) -> int:
    """`retention-desk --self-test`: 0 when every step held, 1 at the first failure."""
    out = out or sys.stdout
    from retention_desk import __version__

    where = "frozen build" if paths.is_frozen() else "source"
    print(
        f"retention-desk {__version__} self-test ({where}, Python {sys.version.split()[0]})",
        file=out,
    )
    results = run_steps(out=out)
    if results and all(r.ok for r in results) and len(results) == len(STEPS):
        total = sum(r.seconds for r in results)
        print(f"self-test passed: {len(results)} steps in {total:.1f} s", file=out)
        return 0
    print("self-test FAILED", file=out)
    return 1
