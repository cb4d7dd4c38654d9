"""Retention: record series as data (schedules/), the rules that classify records into them,
each record's dates, event dates and the holds that stop disposal. Headless.

Public API (plain dataclasses; the CLI, the GUI and the IPRA desk call exactly these):

- `ensure_schedules(archive)`, `effective_schedule(archive) -> dict[str, Series]`,
  `list_schedule_files(archive)`, `builtin_updates(archive)`,
  `import_schedule(archive, path) -> ScheduleImport`
- `add_rule(archive, query, series, note="", author=None) -> RuleChange`,
  `remove_rule(archive, rule_id) -> RuleChange`, `list_rules(archive)`,
  `test_rule(archive, query, series) -> RuleTest` (writes nothing)
- `classify(archive, record_ids=None, *, progress=None, cancel=None) -> ClassifySummary`,
  `classification_summary(archive) -> ClassifySummary` (read only)
- `set_event_date(archive, event, when, query=None, record_ids=()) -> int`
- `place_hold(archive, name, reason, *, matter="", query=None, record_ids=(), placed_by=None)
  -> Hold`, `release_hold(archive, name_or_id, why) -> Hold`,
  `list_holds(archive, include_released=False) -> list[HoldInfo]`,
  `holds_for(archive, record_ids) -> dict[int, list[HoldInfo]]`
- `record_retention(archive, record_id) -> RecordRetention`
- `series_counts(archive)`, `current_series(archive, query)`, `hold_members(archive, hold_id,
  limit)`, `event_dates(archive)` (read-only views the CLI and GUI show)
- `after_import(archive, batch_id) -> list[str]` (never raises)
- `settings_changed(archive, before, after) -> ClassifySummary | None` (reclassifies after a
  time zone, fiscal-year end or agency kind change)

Errors: `RetentionError(ValueError)` with a sentence for the user. Every change is audited
with ids and counts only (never a query, hold name, matter, note or reason text).
"""

from retention_desk.retention.classifier import (
    ClassifySummary,
    classification_summary,
    classify,
)
from retention_desk.retention.errors import RetentionError
from retention_desk.retention.events import ScheduleImport, import_schedule, set_event_date
from retention_desk.retention.holds import (
    REASONS,
    Hold,
    HoldInfo,
    holds_for,
    list_holds,
    place_hold,
    release_hold,
)
from retention_desk.retention.hook import after_import, settings_affect_retention, settings_changed
from retention_desk.retention.overview import (
    EventDate,
    HoldMembers,
    SeriesCounts,
    current_series,
    event_dates,
    hold_members,
    series_counts,
)
from retention_desk.retention.rules import (
    RuleChange,
    RuleInfo,
    RuleTest,
    SeriesMove,
    add_rule,
    list_rules,
    remove_rule,
    test_rule,
)
from retention_desk.retention.schedules_store import (
    ScheduleFileInfo,
    builtin_updates,
    effective_schedule,
    ensure_schedules,
    list_schedule_files,
)
from retention_desk.retention.viewer import RecordRetention, RuleMatch, record_retention

__all__ = [
    "REASONS",
    "ClassifySummary",
    "EventDate",
    "Hold",
    "HoldInfo",
    "HoldMembers",
    "RecordRetention",
    "RetentionError",
    "RuleChange",
    "RuleInfo",
    "RuleMatch",
    "RuleTest",
    "ScheduleFileInfo",
    "ScheduleImport",
    "SeriesCounts",
    "SeriesMove",
    "add_rule",
    "after_import",
    "builtin_updates",
    "classification_summary",
    "classify",
    "current_series",
    "effective_schedule",
    "ensure_schedules",
    "event_dates",
    "hold_members",
    "holds_for",
    "import_schedule",
    "list_holds",
    "list_rules",
    "list_schedule_files",
    "place_hold",
    "record_retention",
    "release_hold",
    "remove_rule",
    "series_counts",
    "set_event_date",
    "settings_affect_retention",
    "settings_changed",
    "test_rule",
]
