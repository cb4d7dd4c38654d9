"""One record's retention, computed on demand for the record viewer: the stored winner,
its holds, and every rule that matches it (the ones that lost too)."""

from __future__ import annotations

from dataclasses import dataclass

from retention_desk.archive.store import Archive
from retention_desk.retention import classifier as cl
from retention_desk.retention.errors import RetentionError
from retention_desk.retention.holds import HoldInfo, holds_for
from retention_desk.retention.schedules_store import schedule_in


@dataclass(frozen=True)
class RuleMatch:
    rule_id: int
    series_code: str
    status: str
    trigger_date: str | None
    eligible_on: str | None
    disposition: str
    decided: bool  # the rule whose series the record keeps


@dataclass(frozen=True)
class RecordRetention:
    record_id: int
    series_code: str | None  # None: unclassified
    status: str  # dated | pending_event | permanent | no_date | unclassified
    trigger_date: str | None
    eligible_on: str | None
    disposition: str | None
    rule_id: int | None
    holds: tuple[HoldInfo, ...]
    matches: tuple[RuleMatch, ...]

    @property
    def held(self) -> bool:
        return bool(self.holds)


def record_retention(archive: Archive, record_id: int) -> RecordRetention:
    with archive.read() as conn:
        exists = conn.exec_driver_sql(
            "SELECT created_at FROM records WHERE id = ?", (int(record_id),)
        ).first()
        if exists is None:
            raise RetentionError(f"There is no record {record_id}.")
        stored = conn.exec_driver_sql(
            "SELECT series_code, status, trigger_date, eligible_on, disposition, rule_id"
            " FROM record_retention WHERE record_id = ?",
            (int(record_id),),
        ).first()
        settings = cl.read_settings(conn)
        rules, _notes = cl.active_rules(conn, archive, schedule_in(conn))
        evaluator = cl._Evaluator(rules, settings)
        matches: list[RuleMatch] = []
        for rule in rules:
            hit = conn.exec_driver_sql(
                f"SELECT 1 FROM ({rule.sql}) m WHERE m.id = :rd_id",
                {**rule.params, "rd_id": int(record_id)},
            ).first()
            if hit is None:
                continue
            event_row = None
            if rule.series.event:
                event_row = conn.exec_driver_sql(
                    "SELECT event_date FROM record_events WHERE record_id = ? AND event = ?",
                    (int(record_id), rule.series.event),
                ).first()
            key = evaluator(rule.id, exists[0], event_row[0] if event_row else None)
            trig = key[13:23]
            matches.append(
                RuleMatch(
                    rule_id=rule.id,
                    series_code=rule.series.code,
                    status=cl._STATUS[key[12]],
                    trigger_date=None if trig == cl._NO_DATE else trig,
                    eligible_on=key[1:11] if key[12] == "d" else None,
                    disposition="transfer" if key[11] == "1" else "destroy",
                    decided=stored is not None and stored[5] == rule.id,
                )
            )
    holds = tuple(holds_for(archive, [record_id]).get(int(record_id), []))
    if stored is None:
        return RecordRetention(
            int(record_id), None, "unclassified", None, None, None, None, holds, tuple(matches)
        )
    return RecordRetention(
        record_id=int(record_id),
        series_code=stored[0],
        status=stored[1],
        trigger_date=stored[2],
        eligible_on=stored[3],
        disposition=stored[4],
        rule_id=stored[5],
        holds=holds,
        matches=tuple(matches),
    )
