"""Worker-side calls for the Retention page: the retention API, shaped for the task runner.

No Qt here. The task runner shows `ArchiveError` messages as they are and calls anything
else an unexpected error, while the retention API raises `RetentionError` (a ValueError)
with a sentence written for the user; `user_errors` turns one into the other. Classify's
own cancel arrives as a RetentionError too, and becomes `Cancelled` so the page says
"cancelled" rather than "failed".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from retention_desk import retention as rt
from retention_desk.archive import Archive, ArchiveError, Cancelled
from retention_desk.archive.settings import ArchiveSettings
from retention_desk.retention.schedule import Series

T = TypeVar("T")


class RetentionFailed(ArchiveError):
    """A RetentionError carried through the task runner; its text is the user's sentence."""


def user_errors(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except rt.RetentionError as exc:
        raise RetentionFailed(str(exc)) from exc


@dataclass(frozen=True)
class RetentionPageData:
    agency_kind: str
    time_zone: str
    series: tuple[Series, ...]
    rules: tuple[rt.RuleInfo, ...]
    summary: rt.ClassifySummary
    counts: dict[str, rt.SeriesCounts]  # eligible now and held per series
    holds: tuple[rt.HoldInfo, ...]  # released ones too; the page filters
    files: tuple[rt.ScheduleFileInfo, ...]
    updates: tuple[str, ...]  # shipped schedule files newer than the archive's copy


def load_page(archive: Archive) -> RetentionPageData:
    settings = archive.settings()
    schedule = user_errors(rt.effective_schedule, archive)
    return RetentionPageData(
        agency_kind=settings.agency_kind,
        time_zone=settings.time_zone,
        series=tuple(schedule[code] for code in sorted(schedule)),
        rules=tuple(user_errors(rt.list_rules, archive)),
        summary=user_errors(rt.classification_summary, archive),
        counts=user_errors(rt.series_counts, archive),
        holds=tuple(user_errors(rt.list_holds, archive, include_released=True)),
        files=tuple(user_errors(rt.list_schedule_files, archive)),
        updates=tuple(user_errors(rt.builtin_updates, archive)),
    )


def applies(series: Series, agency_kind: str) -> str:
    """'binds', 'guidance' or '' (neither: rules cannot use it for this agency)."""
    if agency_kind in series.applies_to:
        return "binds"
    if agency_kind in series.guidance_for:
        return "guidance"
    return ""


def test_rule(archive: Archive, query: str, series: str, *, cancel: threading.Event) -> rt.RuleTest:
    """The live count and the preview: what the rule would claim, as `rule test` says."""
    if cancel.is_set():
        raise Cancelled()  # a newer keystroke already replaced this request
    return user_errors(rt.test_rule, archive, query, series)


test_rule.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported


def add_rule(archive: Archive, query: str, series: str, note: str) -> rt.RuleChange:
    return user_errors(rt.add_rule, archive, query, series, note)


def remove_rule(archive: Archive, rule_id: int) -> rt.RuleChange:
    return user_errors(rt.remove_rule, archive, rule_id)


def classify(
    archive: Archive,
    *,
    progress: Callable[[int, int, str], None],
    cancel: threading.Event,
) -> rt.ClassifySummary:
    def report(done: int, total: int) -> None:
        progress(done, total, f"Classifying every record: step {done} of {total}")

    try:
        return user_errors(rt.classify, archive, progress=report, cancel=cancel)
    except RetentionFailed:
        if cancel.is_set():
            raise Cancelled("Classification was cancelled; nothing was changed.") from None
        raise


def reclassify_after_settings(
    archive: Archive,
    before: ArchiveSettings,
    after: ArchiveSettings,
    *,
    progress: Callable[[int, int, str], None],
    cancel: threading.Event,
) -> rt.ClassifySummary | None:
    def report(done: int, total: int) -> None:
        progress(done, total, f"Classifying every record: step {done} of {total}")

    try:
        return user_errors(
            rt.settings_changed, archive, before, after, progress=report, cancel=cancel
        )
    except RetentionFailed:
        if cancel.is_set():
            raise Cancelled(
                "Reclassification was cancelled; the earlier dates stay until Classify is run."
            ) from None
        raise


@dataclass(frozen=True)
class HoldRequest:
    name: str
    reason: str
    matter: str
    query: str
    record_ids: tuple[int, ...]


def place_hold(archive: Archive, request: HoldRequest) -> rt.HoldInfo:
    return user_errors(
        rt.place_hold,
        archive,
        request.name,
        request.reason,
        matter=request.matter,
        query=request.query or None,
        record_ids=request.record_ids,
    )


def release_hold(archive: Archive, hold_id: int, why: str) -> rt.HoldInfo:
    return user_errors(rt.release_hold, archive, hold_id, why)


def set_event_date(
    archive: Archive, event: str, when: date, query: str, record_ids: Iterable[int]
) -> int:
    return user_errors(rt.set_event_date, archive, event, when, query or None, tuple(record_ids))


@dataclass(frozen=True)
class SeriesChange:
    code: str
    before: str  # retention in words; '' for a new series
    after: str


@dataclass(frozen=True)
class ScheduleImportResult:
    imported: rt.ScheduleImport
    added: tuple[SeriesChange, ...]
    changed: tuple[SeriesChange, ...]  # overridden series whose retention now reads otherwise
    unchanged: tuple[str, ...]  # overridden with the same retention (title or citation only)


def import_schedule(archive: Archive, path: Path | str) -> ScheduleImportResult:
    """Import an agency schedule file and say what it changed, series by series."""
    before = user_errors(rt.effective_schedule, archive)
    imported = user_errors(rt.import_schedule, archive, path)
    after = user_errors(rt.effective_schedule, archive)
    added: list[SeriesChange] = []
    changed: list[SeriesChange] = []
    unchanged: list[str] = []
    for code in sorted(after):
        new = after[code]
        old = before.get(code)
        if old is None:
            added.append(SeriesChange(code, "", new.retention_words()))
        elif code in imported.overridden:
            if (old.retention_words(), old.citation) != (new.retention_words(), new.citation):
                changed.append(
                    SeriesChange(
                        code,
                        f"{old.retention_words()} ({old.citation})",
                        f"{new.retention_words()} ({new.citation})",
                    )
                )
            else:
                unchanged.append(code)
    return ScheduleImportResult(imported, tuple(added), tuple(changed), tuple(unchanged))


def parse_ids(text: str) -> tuple[int, ...]:
    """Record ids typed as '12, 15 40' (or '#12'); ValueError naming the first bad one."""
    ids: list[int] = []
    for piece in text.replace(",", " ").replace(";", " ").split():
        value = piece.removeprefix("#")
        if not value.isdigit():
            raise ValueError(f"{piece!r} is not a record id (ids are whole numbers).")
        ids.append(int(value))
    return tuple(dict.fromkeys(ids))
