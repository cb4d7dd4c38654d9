"""Approval of a disposal report, by the kind of agency (rules as data).

The rules live in `resources/disposal_approval.toml`, each with its citation and whether
`../shared/domain/nm-law.md` quotes it from its source (`verified`):

- state (1.13.30.9 NMAC): the state records administrator's written approval (approver,
  reference, date, the signed form) AND the custodian's written consent (who, title, date),
  two steps by two different people;
- county (NMSA 14-1-8): the date the notice went by registered or certified mail, with the
  mail receipt; destruction is refused before that date plus 60 days (counting from mailing
  is this app's reading, marked unverified in the file);
- municipality / other: the approving official and date under the agency's own rule (state
  law requires none; the agency's rule is unverified by definition).

`approval_status` is what destruction (part B) asks: it refuses unless `complete`. The report's
agency kind is the one in force when it was run; a report whose agency kind has changed since
is never complete (run a new one). Every step is audited with ids and counts only: names,
titles and references stay in `disposal_approvals`.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection

from retention_desk.archive import blobs, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive
from retention_desk.disposal.errors import DisposalError
from retention_desk.disposal.report import local_today
from retention_desk.disposal.store import _row, set_status

RULES_FILE = Path(__file__).resolve().parents[2] / "resources" / "disposal_approval.toml"
FIELDS = ("by", "title", "reference", "date", "notice_sent", "attachment")
FIELD_WORDS = {
    "by": "who gave it",
    "title": "their title",
    "reference": "its reference",
    "date": "its date",
    "notice_sent": "the date the notice was mailed",
    "attachment": "the signed form or mail receipt as a file",
}
KIND_WORDS = {
    "state": "a state agency",
    "county": "a county",
    "municipality": "a municipality",
    "other": "a local public body",
}
STEP_WORDS = {
    "approval": "the records administrator's approval",
    "consent": "the custodian's consent",
    "notice": "the notice to the records administrator",
    "local": "the approving official's approval",
}


@dataclass(frozen=True)
class StepRule:
    step: str  # approval | consent | notice | local
    command: str  # approve | consent
    who: str
    requires: tuple[str, ...]
    citation: str
    verified: bool
    note: str


@dataclass(frozen=True)
class ApprovalRule:
    kind: str
    citation: str
    source: str
    verified: bool
    rule: str
    steps: tuple[StepRule, ...]
    distinct_people: tuple[str, ...]
    wait_days: int
    wait_from: str
    wait_from_verified: bool

    def step_for(self, command: str) -> StepRule | None:
        return next((s for s in self.steps if s.command == command), None)


@dataclass(frozen=True)
class ApprovalStep:
    """A recorded step (the latest of its kind counts)."""

    id: int
    step: str
    by_name: str
    title: str
    reference: str
    decided_on: date | None
    notice_sent: date | None
    attachment_sha256: str | None
    attachment_name: str | None
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class ApprovalStatus:
    report: int
    agency_kind: str
    complete: bool
    missing: list[str]  # one sentence per missing item
    earliest_destruction: date | None
    rule: ApprovalRule
    steps: list[ApprovalStep]


_CACHE: dict[Path, dict[str, ApprovalRule]] = {}


def load_rules(path: Path | None = None) -> dict[str, ApprovalRule]:
    """The approval rules by agency kind. DisposalError naming the file for a broken one."""
    path = path or RULES_FILE
    if path in _CACHE:
        return _CACHE[path]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        rules = {}
        for kind, raw in data["kind"].items():
            steps = tuple(
                StepRule(
                    step=str(s["step"]),
                    command=str(s["command"]),
                    who=str(s["who"]),
                    requires=tuple(str(f) for f in s["requires"]),
                    citation=str(s["citation"]),
                    verified=bool(s["verified"]),
                    note=str(s.get("note", "")),
                )
                for s in raw["step"]
            )
            for s in steps:
                unknown = set(s.requires) - set(FIELDS)
                if unknown or s.step not in STEP_WORDS or s.command not in ("approve", "consent"):
                    raise ValueError(f"step {s.step!r} of {kind!r} is not understood")
            rules[str(kind)] = ApprovalRule(
                kind=str(kind),
                citation=str(raw["citation"]),
                source=str(raw.get("source", "")),
                verified=bool(raw["verified"]),
                rule=" ".join(str(raw.get("rule", "")).split()),
                steps=steps,
                distinct_people=tuple(str(s) for s in raw.get("distinct_people", ())),
                wait_days=int(raw.get("wait_days", 0)),
                wait_from=str(raw.get("wait_from", "")),
                wait_from_verified=bool(raw.get("wait_from_verified", True)),
            )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DisposalError(f"The approval rules file {path} cannot be read: {exc}.") from None
    _CACHE[path] = rules
    return rules


def rule_for(kind: str) -> ApprovalRule:
    rules = load_rules()
    if kind not in rules:
        raise DisposalError(f"The approval rules have nothing for agency kind {kind!r}.")
    return rules[kind]


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _steps(conn: Connection, number: int) -> list[ApprovalStep]:
    rows = conn.exec_driver_sql(
        "SELECT id, step, by_name, title, reference, decided_on, notice_sent,"
        " attachment_sha256, attachment_name, recorded_at, recorded_by"
        " FROM disposal_approvals WHERE report_id = ? ORDER BY id",
        (int(number),),
    ).all()
    return [
        ApprovalStep(
            id=int(r[0]),
            step=str(r[1]),
            by_name=str(r[2]),
            title=str(r[3]),
            reference=str(r[4]),
            decided_on=date.fromisoformat(r[5]) if r[5] else None,
            notice_sent=date.fromisoformat(r[6]) if r[6] else None,
            attachment_sha256=r[7],
            attachment_name=r[8],
            recorded_at=str(r[9]),
            recorded_by=str(r[10]),
        )
        for r in rows
    ]


def _latest(steps: list[ApprovalStep]) -> dict[str, ApprovalStep]:
    return {s.step: s for s in steps}  # ascending ids: the last one of each step wins


def _given(step: ApprovalStep, item: str) -> bool:
    return bool(
        {
            "by": step.by_name.strip(),
            "title": step.title.strip(),
            "reference": step.reference.strip(),
            "date": step.decided_on,
            "notice_sent": step.notice_sent,
            "attachment": step.attachment_sha256,
        }[item]
    )


def status_in(conn: Connection, number: int, today: date | None = None) -> ApprovalStatus:
    """`approval_status` inside the caller's transaction (part B calls this inside its
    destroying transaction)."""
    row = _row(conn, number)
    status, kind, records = str(row[4]), str(row[6]), int(row[7])
    rule = rule_for(kind)
    steps = _steps(conn, number)
    latest = _latest(steps)
    today = today or local_today(conn)
    missing: list[str] = []
    if status in ("cancelled", "destroyed"):
        missing.append(f"Disposal report {number} is {status}.")
    current_kind = settings_mod.load(conn).agency_kind
    if current_kind != kind:
        missing.append(
            f"The agency kind changed from {kind} to {current_kind} after report {number}"
            " was run; run a new report."
        )
    if records == 0:
        missing.append(f"Disposal report {number} has no eligible records.")
    needed = _approval_needed(row)
    earliest: date | None = None
    if needed:
        for step_rule in rule.steps:
            got = latest.get(step_rule.step)
            words = STEP_WORDS[step_rule.step]
            if got is None:
                missing.append(
                    f"{words.capitalize()} ({step_rule.citation}) is not recorded for"
                    f" report {number}."
                )
                continue
            for item in step_rule.requires:
                if not _given(got, item):
                    missing.append(f"{words.capitalize()} lacks {FIELD_WORDS[item]}.")
        people = [latest[s] for s in rule.distinct_people if s in latest]
        if len(people) == 2 and _same_person(people[0].by_name, people[1].by_name):
            missing.append(
                f"{STEP_WORDS[people[0].step].capitalize()} and {STEP_WORDS[people[1].step]}"
                f" must come from two different people ({rule.citation})."
            )
        if rule.wait_days:
            dates = [getattr(s, rule.wait_from, None) for s in latest.values()]
            start = max((d for d in dates if d is not None), default=None)
            if start is not None:
                earliest = start + timedelta(days=rule.wait_days)
                if today < earliest:
                    missing.append(
                        f"Destruction must wait {rule.wait_days} days after the notice was"
                        f" mailed ({start.isoformat()}), until {earliest.isoformat()}"
                        f" ({rule.citation})."
                    )
    return ApprovalStatus(
        report=int(number),
        agency_kind=kind,
        complete=not missing,
        missing=missing,
        earliest_destruction=earliest,
        rule=rule,
        steps=steps,
    )


def _approval_needed(row: Any) -> bool:
    summary = json.loads(row[12] or "{}")
    series = summary.get("series", [])
    return any(s.get("approval_required", True) and s.get("records", 0) for s in series) or (
        not series
    )


def approval_status(archive: Archive, number: int, today: date | None = None) -> ApprovalStatus:
    """What report `number` still needs before it may be destroyed; `today` (agency local
    date by default) decides the county wait."""
    with archive.read() as conn:
        return status_in(conn, number, today)


def _store_attachment(conn: Connection, attachment: Path | None) -> tuple[str | None, str | None]:
    if attachment is None:
        return None, None
    path = Path(attachment)
    if not path.is_file():
        raise DisposalError(f"The attachment {path} is not a readable file.", "attachment")
    opener: Callable[[], BinaryIO] = lambda: path.open("rb")  # noqa: E731
    sha, _size = blobs.put_stream(conn, opener)
    return sha, path.name


def _record(
    archive: Archive,
    command: str,
    number: int,
    *,
    by: str,
    title: str = "",
    reference: str = "",
    on: date | None = None,
    notice_sent: date | None = None,
    attachment: Path | None = None,
) -> ApprovalStatus:
    by, title, reference = by.strip(), title.strip(), reference.strip()
    with archive.write() as conn:
        row = _row(conn, number)
        status, kind = str(row[4]), str(row[6])
        if status not in ("draft", "approved"):
            raise DisposalError(
                f"Disposal report {number} is {status}; approval can no longer be recorded.",
                "report",
            )
        rule = rule_for(kind)
        step_rule = rule.step_for(command)
        if step_rule is None:
            raise DisposalError(
                f"Report {number} was run for {KIND_WORDS.get(kind, kind)}, which needs no"
                f" {'consent' if command == 'consent' else 'approval'} step"
                f" ({rule.citation}).",
                "report",
            )
        today = local_today(conn)
        if on is None and "date" in step_rule.requires:
            on = today
        for item, value in (("date", on), ("notice_sent", notice_sent)):
            if value is not None and value > today:
                what = "notice date" if item == "notice_sent" else "date"
                raise DisposalError(
                    f"The {what} {value.isoformat()} is after today ({today.isoformat()}).",
                    item,
                )
        given = {
            "by": by,
            "title": title,
            "reference": reference,
            "date": on,
            "notice_sent": notice_sent,
            "attachment": attachment,
        }
        words = STEP_WORDS[step_rule.step]
        for item in step_rule.requires:
            if not given[item]:
                raise DisposalError(
                    f"{words.capitalize()} for report {number} needs {FIELD_WORDS[item]}"
                    f" ({step_rule.citation}).",
                    item,
                    missing=True,
                )
        latest = _latest(_steps(conn, number))
        for other in rule.distinct_people:
            prior = latest.get(other)
            if (
                other != step_rule.step
                and step_rule.step in rule.distinct_people
                and prior is not None
                and _same_person(prior.by_name, by)
            ):
                raise DisposalError(
                    f"{words.capitalize()} must come from someone other than the person who"
                    f" gave {STEP_WORDS[other]} ({prior.by_name}): two people,"
                    f" {rule.citation}.",
                    "by",
                )
        sha, name = _store_attachment(conn, attachment)
        approval_id = int(
            conn.exec_driver_sql(
                "INSERT INTO disposal_approvals (report_id, step, by_name, title, reference,"
                " decided_on, notice_sent, attachment_sha256, attachment_name, recorded_at,"
                " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    int(number),
                    step_rule.step,
                    by,
                    title,
                    reference,
                    on.isoformat() if on else None,
                    notice_sent.isoformat() if notice_sent else None,
                    sha,
                    name,
                    timeutil.now_db(),
                    archive.operator(conn),
                ),
            ).lastrowid
            or 0
        )
        result = status_in(conn, number)
        recorded = _latest(result.steps)
        all_steps = all(s.step in recorded for s in rule.steps)
        if all_steps and status == "draft":
            set_status(conn, number, "approved")
        archive.audit(
            conn,
            action=f"disposal.{step_rule.step}",
            object_type="disposal_report",
            object_ids=[int(number)],
            details={
                "report": int(number),
                "approval": approval_id,
                "step": step_rule.step,
                "attachment": sha is not None,
                "steps_recorded": len(recorded),
                "steps_required": len(rule.steps),
            },
        )
        return result


def record_approval(
    archive: Archive,
    number: int,
    *,
    by: str,
    title: str = "",
    reference: str = "",
    on: date | None = None,
    notice_sent: date | None = None,
    attachment: Path | None = None,
) -> ApprovalStatus:
    """Record the approval step of the report's agency kind: the records administrator's
    approval (state), the mailed notice (county) or the approving official (municipality,
    other). `on` defaults to today. DisposalError names a missing or wrong item (`.item`)."""
    return _record(
        archive,
        "approve",
        number,
        by=by,
        title=title,
        reference=reference,
        on=on,
        notice_sent=notice_sent,
        attachment=attachment,
    )


def record_consent(
    archive: Archive,
    number: int,
    *,
    by: str,
    title: str,
    on: date | None = None,
    attachment: Path | None = None,
) -> ApprovalStatus:
    """Record the custodian's consent (state agencies; 1.13.30.9 NMAC): someone other than
    the approver. DisposalError for other agency kinds or a missing item."""
    return _record(archive, "consent", number, by=by, title=title, on=on, attachment=attachment)
