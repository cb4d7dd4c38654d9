"""Retention filters (issue 10): `series:`, `eligible:`, `unclassified:` and `hold:`, in the
filter registry like the others. Series codes and hold names are checked against the archive
when the query has one, so a typo is refused with the valid choices instead of finding nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from retention_desk.search.errors import QueryError
from retention_desk.search.filters import FilterContext, register_filter

_HELD = (
    "SELECT hr.record_id FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
    " WHERE h.released_at IS NULL"
)


def _series(value: str, ctx: FilterContext) -> str:
    code = value.strip().upper()
    archive = ctx.archive
    if archive is not None:
        from retention_desk.retention.schedules_store import effective_schedule

        codes = sorted(effective_schedule(archive))
        if code not in codes:
            raise QueryError(f"series: must be one of {', '.join(codes)}; not '{value}'.")
    return f"r.id IN (SELECT record_id FROM record_retention WHERE series_code = {ctx.bind(code)})"


def _eligible(value: str, ctx: FilterContext) -> str:
    word = value.strip().lower()
    if word in ("now", "today"):
        day = datetime.now(ctx.tz).date()
    else:
        try:
            day = date.fromisoformat(word)
        except ValueError:
            raise QueryError(
                f"eligible: takes a date (YYYY-MM-DD) or 'now'; not '{value}'."
            ) from None
    return (
        "r.id IN (SELECT record_id FROM record_retention WHERE status = 'dated'"
        f" AND eligible_on <= {ctx.bind(day.isoformat())}) AND r.id NOT IN ({_HELD})"
    )


def _unclassified(value: str, ctx: FilterContext) -> str:
    word = value.strip().lower()
    if word not in ("yes", "no"):
        raise QueryError(f"unclassified: must be yes or no; not '{value}'.")
    op = "NOT IN" if word == "yes" else "IN"
    return f"r.id {op} (SELECT record_id FROM record_retention)"


def _hold(value: str, ctx: FilterContext) -> str:
    name = value.strip()
    archive = ctx.archive
    if archive is not None:
        with archive.read() as conn:
            names = [
                str(row[0])
                for row in conn.exec_driver_sql(
                    "SELECT name FROM holds WHERE released_at IS NULL ORDER BY name"
                ).all()
            ]
        if name not in names:
            choices = ", ".join(names) if names else "none is in force"
            raise QueryError(f"hold: no hold in force is named '{value}' ({choices}).")
    return (
        "r.id IN (SELECT hr.record_id FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
        f" WHERE h.released_at IS NULL AND h.name = {ctx.bind(name)})"
    )


register_filter(
    "series", _series, "records classified under a retention series (by code)", "series:PRR"
)
register_filter(
    "eligible",
    _eligible,
    "records whose retention has run by the date (or now) and that no hold in force covers",
    "eligible:now",
)
register_filter(
    "unclassified",
    _unclassified,
    "records no retention rule matches (yes) or does (no)",
    "unclassified:yes",
)
register_filter(
    "hold", _hold, "records covered by the hold in force of that name", 'hold:"Smith v City"'
)
