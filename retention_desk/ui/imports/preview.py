"""The Import page's background work, kept free of widgets: what the inputs hold (detection and
preview, nothing written) and the archive's accounts and time zone for the account chooser.

`gather_preview` runs on the task runner's worker and returns plain frozen dataclasses; the
view only lays them out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from retention_desk.archive import Archive, Cancelled
from retention_desk.archive.settings import DEFAULT_TIME_ZONE, get_value
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.csv.records import FilePlan
from retention_desk.importers.meta.owner import suggested_account
from retention_desk.importers.run import detect


@dataclass(frozen=True)
class PreviewRow:
    """One line of the preview table: a data file an importer claimed, or a problem."""

    source: str  # what the person gave (file, folder or zip)
    files: tuple[str, ...]
    format: str | None
    label: str
    platform: str | None
    account: str | None
    date_from: datetime | None
    date_to: datetime | None
    approx_records: int | None
    notes: tuple[str, ...]
    status: str  # 'ready' | 'refused' (a CSV whose columns do not map) | 'error'
    suggested_account: str | None = None  # the owner the files name when they cannot be sure


@dataclass(frozen=True)
class CsvInput:
    """A CSV file of the inputs: what the mapping dialog shows (headers, first rows)."""

    source: str
    path: str
    headers: tuple[str, ...]
    sample: tuple[tuple[str, ...], ...]
    mapping: dict[str, str]
    mapping_source: str  # 'given' | 'auto'
    problem: str | None


@dataclass(frozen=True)
class AccountChoice:
    platform: str
    handle: str
    display_name: str | None


@dataclass(frozen=True)
class PreviewResult:
    paths: tuple[str, ...]
    rows: tuple[PreviewRow, ...]
    csv_inputs: tuple[CsvInput, ...]
    accounts: tuple[AccountChoice, ...]
    time_zone: str
    errors: tuple[str, ...] = field(default=())

    @property
    def platforms(self) -> set[str]:
        return {r.platform for r in self.rows if r.platform}

    @property
    def importable(self) -> bool:
        return any(r.status == "ready" for r in self.rows)


def archive_accounts(archive: Archive) -> tuple[list[AccountChoice], str]:
    """Accounts already in the archive (for the chooser) and the agency time zone."""
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT platform, coalesce(handle, account_key), display_name FROM accounts"
                " ORDER BY platform, coalesce(handle, account_key) COLLATE NOCASE"
            )
        ).all()
        zone = str(get_value(conn, "setting.time_zone", DEFAULT_TIME_ZONE) or DEFAULT_TIME_ZONE)
    return [AccountChoice(r[0], r[1], r[2]) for r in rows], zone


def gather_preview(
    archive: Archive | None,
    paths: Sequence[str | Path],
    options: ImportOptions,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> PreviewResult:
    """Detect and preview every input without writing anything.

    Each claim is previewed on its own so one importer failing on one file shows as that
    file's error instead of hiding the whole preview.
    """
    report = progress or (lambda done, total, message: None)
    report(0, 0, "Looking at the files…")
    try:
        detection = detect(list(paths), options)
    except ValueError as exc:  # unknown --format
        return PreviewResult(tuple(map(str, paths)), (), (), (), DEFAULT_TIME_ZONE, (str(exc),))
    rows: list[PreviewRow] = []
    csv_inputs: list[CsvInput] = []
    try:
        total = len(detection.claims)
        for index, (tree, importer, claim) in enumerate(detection.claims):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            report(index, total, f"Previewing {tree.label}")
            plan = claim.state.get("plan")
            problem = plan.problem if isinstance(plan, FilePlan) else None
            if isinstance(plan, FilePlan):
                csv_inputs.append(
                    CsvInput(
                        source=tree.label,
                        path=claim.files[0],
                        headers=tuple(plan.info.headers),
                        sample=tuple(tuple(r) for r in plan.info.sample),
                        mapping=dict(plan.mapping),
                        mapping_source=plan.source,
                        problem=problem,
                    )
                )
            try:
                pv = importer.preview(tree, claim, options)
            except Exception as exc:  # one importer's bug must not hide the others' results
                rows.append(
                    PreviewRow(
                        tree.label, tuple(claim.files), importer.name, importer.label,
                        importer.platform, None, None, None, None,
                        (f"Preview failed: {type(exc).__name__}: {exc}",), "error",
                    )
                )  # fmt: skip
                continue
            rows.append(
                PreviewRow(
                    source=pv.source,
                    files=tuple(pv.files),
                    format=pv.format,
                    label=pv.label,
                    platform=importer.platform,
                    account=pv.account,
                    date_from=pv.date_from,
                    date_to=pv.date_to,
                    approx_records=pv.approx_records,
                    notes=tuple(pv.notes),
                    status="refused" if problem else "ready",
                    suggested_account=suggested_account(claim),
                )
            )
        for label, problem_text in detection.refused:
            rows.append(
                PreviewRow(
                    label, (problem_text.split(":")[0],), None, "Refused entry", None, None,
                    None, None, None, (problem_text,), "error",
                )
            )  # fmt: skip
        errors = tuple(detection.errors)
    finally:
        detection.close()
    accounts: list[AccountChoice] = []
    zone = DEFAULT_TIME_ZONE
    if archive is not None:
        accounts, zone = archive_accounts(archive)
    report(1, 1, "Preview ready")
    return PreviewResult(
        tuple(str(p) for p in paths), tuple(rows), tuple(csv_inputs), tuple(accounts), zone, errors
    )
