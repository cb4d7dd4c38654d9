"""Audit rows in words: "Imported source file 12 (x-archive): 2,045 added".

Audit rows carry ids, counts and digests, never names (README, "Audit trail"). For display,
names are looked up by those ids in the ordinary tables that keep them (source files, saved
searches, holds, retention schedule files); a name that destruction has removed is simply
left out. No Qt here, so the wording is tested without a window. Names come from imported
inputs or were typed by users: the caller shows the text as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, text

from retention_desk.archive.audit import AuditRow
from retention_desk.ui.audit.names import AuditNames
from retention_desk.ui.audit.text_disposal import DISPOSAL_LABELS, DISPOSAL_SENTENCES

# Short names for the Action column and the action filter.
ACTION_LABELS: dict[str, str] = {
    "archive.create": "Archive created",
    "archive.migrate": "Schema upgraded",
    "archive.seal": "Content sealed",
    "archive.seal_baseline": "Existing content sealed",
    "archive.verify": "Archive verified",
    "archive.backup": "Backup made",
    "import.start": "Import started",
    "import.finish": "Import finished",
    "import.container": "Export received",
    "import.source_file": "File imported",
    "import.source_file_failed": "File failed",
    "import.files_kept": "Files kept",
    "import.interrupted": "Import interrupted",
    "settings.update": "Settings changed",
    "search.save": "Search saved",
    "search.delete": "Saved search deleted",
    "search.optimize_index": "Search index tidied",
    "csv_mapping.save": "CSV mapping saved",
    "csv_mapping.delete": "CSV mapping deleted",
    "retention.schedule_import": "Schedule imported",
    "retention.rule_add": "Retention rule added",
    "retention.rule_remove": "Retention rule removed",
    "retention.classify": "Records classified",
    "retention.event_set": "Event dated",
    "retention.hold_place": "Hold placed",
    "retention.hold_release": "Hold released",
    "retention.hold_add": "Records added to a hold",
    "retention.hold_remove": "Records taken off a hold",
    "ipra.request_new": "IPRA request logged",
    "ipra.request_step": "IPRA request step recorded",
    "ipra.request_update": "IPRA request updated",
    "ipra.time_log": "Time logged on a request",
    "ipra.records_add": "Records added to a request",
    "ipra.records_remove": "Records removed from a request",
    "ipra.letter": "Letter written",
    "ipra.fee_add": "Fee added",
    "ipra.fee_remove": "Fee removed",
    "ipra.payment": "Payment recorded",
    "ipra.file_destroy": "Request file destroyed",
    "ipra.calendar_add": "Calendar day closed",
    "ipra.calendar_remove": "Calendar day opened",
    "ipra.calendar_confirm": "Calendar year confirmed",
    "redaction.add": "Redaction added",
    "redaction.withhold": "Record withheld",
    "redaction.remove": "Redaction removed",
    "redaction.review": "Redaction reviewed",
    "redaction.exemption_add": "Exemption code added",
    "production.produce": "Production made",
    "production.allow_undecided": "Production released with undecided candidates",
    "review.detect": "Detection run over a request",
    "review.person_add": "Person named for redaction",
    "review.person_remove": "Person no longer redacted",
    "review.accept": "Redaction candidates accepted",
    "review.reject": "Redaction candidates rejected",
    "review.adjust": "Redaction candidate adjusted and accepted",
    "review.undo": "Redaction candidate decision undone",
    "registry.account_add": "Account added to the registry",
    "registry.account_update": "Account registry details changed",
    "registry.account_retire": "Account retired",
    "registry.person_add": "Person added to the account registry",
    "registry.person_update": "Registry person changed",
    "registry.person_remove": "Person taken out of the account registry",
    "registry.role_add": "Account role approved",
    "registry.role_end": "Account role ended",
    "registry.role_update": "Account role approval changed (import)",
    "registry.author_set": "Staff author of a post entered",
    "registry.author_clear": "Staff author of a post cleared",
    "registry.import": "Account registry imported",
    "moderation.reason": "Moderation entry recorded",
}

# Count names in the order a custodian reads them.
_COUNTS = (
    ("added", "added"),
    ("new_versions", "new versions"),
    ("unchanged", "unchanged"),
    ("flagged_deleted", "flagged deleted"),
    ("flagged_hidden", "flagged hidden"),
    ("media_stored", "media kept"),
    ("media_missing", "media missing"),
)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _ints(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def lookup_names(conn: Connection, rows: Iterable[AuditRow]) -> AuditNames:
    """Read the names the given rows' ids point to, one indexed query per kind at most."""
    files: set[int] = set()
    searches: set[int] = set()
    holds: set[int] = set()
    schedules: set[int] = set()
    for row in rows:
        if row.object_type == "source_file":
            files.update(_ints(row.object_ids[:1]))
        elif row.object_type == "saved_search":
            searches.update(_ints(row.object_ids))
        elif row.object_type == "hold":
            holds.update(_ints(row.object_ids[:1]))
        elif row.object_type == "retention_schedule_file":
            schedules.update(_ints(row.object_ids))
    names = AuditNames()
    if files:
        marks = ",".join(str(i) for i in sorted(files))  # our own integers, not input
        for sid, name, error in conn.execute(
            text(f"SELECT id, name, error FROM source_files WHERE id IN ({marks})")
        ):
            names.source_files[int(sid)] = str(name)
            if error:
                names.file_errors[int(sid)] = str(error)
    if searches:
        marks = ",".join(str(i) for i in sorted(searches))
        for sid, name in conn.execute(
            text(f"SELECT id, name FROM saved_searches WHERE id IN ({marks})")
        ):
            names.saved_searches[int(sid)] = str(name)
    if holds:
        marks = ",".join(str(i) for i in sorted(holds))
        for hid, name in conn.execute(text(f"SELECT id, name FROM holds WHERE id IN ({marks})")):
            names.holds[int(hid)] = str(name)
    if schedules:
        marks = ",".join(str(i) for i in sorted(schedules))
        for fid, label in conn.execute(
            text(f"SELECT id, label FROM retention_schedule_files WHERE id IN ({marks})")
        ):
            names.schedule_files[int(fid)] = str(label)
    return names


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _one_line(value: str, limit: int = 120) -> str:
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def counts_text(counts: dict[str, Any]) -> str:
    """'2,045 added, 3 new versions' (zero counts left out; 'nothing new' when all are)."""
    parts = [f"{_n(counts[k])} {label}" for k, label in _COUNTS if counts.get(k)]
    return ", ".join(parts) if parts else "nothing new"


def _file(row: AuditRow, names: AuditNames) -> str:
    ids = _ints(row.object_ids[:1])
    if not ids:
        return "source file"
    name = names.source_files.get(ids[0])
    return f"source file {ids[0]}" + (f" {_one_line(name, 80)}" if name else "")


def _ids(row: AuditRow) -> str:
    ids = [str(i) for i in row.object_ids]
    return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


def _verify(d: dict[str, Any]) -> str:
    outcome = d.get("outcome")
    failures = d.get("failures") or 0
    if failures:
        result = f"FAILED ({_n(failures)} failure{'s' if failures != 1 else ''})"
    elif d.get("not_run"):
        result = "no failure, but not run: " + ", ".join(str(c) for c in d["not_run"])
    else:
        result = "every check held" if outcome in (None, "ok", "passed") else str(outcome)
    extra = f"; {_n(d['blobs_checked'])} stored files re-hashed" if "blobs_checked" in d else ""
    return f"Verified the archive: {result}{extra}"


def _import_file(row: AuditRow, d: dict[str, Any], names: AuditNames) -> str:
    counts = d.get("counts") if isinstance(d.get("counts"), dict) else d
    fmt = d.get("format")
    return (
        f"Imported {_file(row, names)}"
        + (f" ({fmt})" if fmt else "")
        + (f": {counts_text(counts)}")
    )


def _failed_file(row: AuditRow, d: dict[str, Any], names: AuditNames) -> str:
    ids = _ints(row.object_ids[:1])
    error = names.file_errors.get(ids[0]) if ids else None
    fmt = d.get("format")
    shown = f"Could not import {_file(row, names)}" + (f" ({fmt})" if fmt else "")
    return shown + (f": {_one_line(error)}" if error else "; its original is kept")


def _finish(row: AuditRow, d: dict[str, Any]) -> str:
    status = str(d.get("status", "finished")).replace("_", " ")
    totals = d.get("totals") if isinstance(d.get("totals"), dict) else {}
    return f"Import batch {_ids(row)} {status}: {counts_text(totals)}"


def _settings(d: dict[str, Any]) -> str:
    changes = d.get("changes")
    keys = sorted(changes) if isinstance(changes, dict) else []
    shown = ", ".join(k.replace("_", " ") for k in keys)
    return f"Changed the settings: {shown}" if shown else "Changed the settings"


def _seal(d: dict[str, Any]) -> str:
    seal = d.get("seal") if isinstance(d.get("seal"), dict) else {}
    n = seal.get("objects")
    return f"Sealed {_n(n)} stored objects" if n else "Sealed what was stored"


def _present(d: dict[str, Any]) -> dict[str, Any]:
    # Retention rows are read key by key; a null is treated as a key the row does not have.
    return {k: v for k, v in d.items() if v is not None}


def _count(value: Any, noun: str, plural: str | None = None) -> str:
    """'1 record', '1,200 records'; a value that is not a count is shown as it is."""
    if isinstance(value, list | tuple | set | dict):
        value = len(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{_one_line(str(value), 40)} {plural or noun + 's'}"
    return f"{value:,} {noun if value == 1 else plural or noun + 's'}"


def _ref(d: dict[str, Any], key: str, row: AuditRow) -> str:
    """The id (or code) a retention row names: from its details, else its first object id."""
    value = d.get(key)
    if value is None or value == "":
        value = row.object_ids[0] if row.object_ids else None
    if isinstance(value, list | tuple):
        shown = [_one_line(str(v), 40) for v in value[:5]]
        return ", ".join(shown) + (f" and {len(value) - 5} more" if len(value) > 5 else "")
    return "" if value is None else _one_line(str(value), 60)


def _moved(d: dict[str, Any]) -> str:
    # `moved` counts records whose series or eligible date changed (classifier.run), so a
    # schedule change that only moves dates is not reported as "no record changed"
    if "moved" not in d:
        return ""
    moved = d["moved"]
    if moved == 0:
        return "; no record changed series or eligible date"
    return f"; {_count(moved, 'record')} changed series or eligible date"


def _codes(value: Any) -> str:
    if not isinstance(value, list | tuple) or not value:
        return ""
    shown = [_one_line(str(v), 40) for v in value[:5]]
    return ", ".join(shown) + (f" and {len(value) - 5} more" if len(value) > 5 else "")


def _schedule_import(row: AuditRow, d: dict[str, Any], names: AuditNames) -> str:
    if d.get("builtin") is True:
        files = d.get("files", len(row.object_ids) or None)
        parts = [_count(files, "file")] if files is not None else []
        if "series" in d:
            parts.append(_count(d["series"], "series", "series"))
        return "Stored the retention schedules shipped with the app" + (
            f": {', '.join(parts)}" if parts else ""
        )
    ids = _ints(row.object_ids[:1])
    label = names.schedule_files.get(ids[0]) if ids else None
    shown = "Loaded a retention schedule"
    if label:
        shown += f" from {_one_line(label, 80)}"
    parts = []
    if "series" in d:
        series = _count(d["series"], "series", "series")
        overridden = _codes(d.get("overridden"))
        parts.append(series + (f" (overriding {overridden})" if overridden else ""))
    if "rules" in d:
        parts.append(_count(d["rules"], "rule"))
    shown += f": {', '.join(parts)}" if parts else ""
    shown += _moved(d)
    digest = d.get("sha256")
    if isinstance(digest, str) and digest:
        shown += f" (SHA-256 {_one_line(digest, 20)[:12]}…)"
    return shown


def _rule(verb: str, row: AuditRow, d: dict[str, Any]) -> str:
    rule = _ref(d, "rule", row)
    series = d.get("series")
    shown = f"{verb} retention rule" + (f" {rule}" if rule else "")
    if series not in (None, ""):
        code = _one_line(str(series), 40)
        shown += f" for series {code}" if verb == "Added" else f" (series {code})"
    if "matched" in d:
        # a removal counts the records the rule decided: the only ones it can move
        what = "it matched" if verb == "Added" else "it decided"
        shown += f"; {what} {_count(d['matched'], 'record')}"
    return shown + _moved(d)


def _classify(row: AuditRow, d: dict[str, Any]) -> str:
    shown = "Classified " + (_count(d["records"], "record") if "records" in d else "the records")
    batch = _ints(row.object_ids[:1]) if row.object_type == "import_batch" else []
    if batch:
        shown += f" after import batch {batch[0]}"
    extra = []
    if "moved" in d:
        extra.append(f"{_count(d['moved'], 'record')} changed series or eligible date")
    if "unclassified" in d:
        extra.append(f"{_n(d['unclassified'])} unclassified in the archive")
    return shown + (f": {', '.join(extra)}" if extra else "")


def _event_set(d: dict[str, Any]) -> str:
    event = d.get("event")
    name = _one_line(str(event), 60).replace("_", " ") if event not in (None, "") else ""
    shown = f"Dated the event “{name}”" if name else "Dated an event"
    day = d.get("date")
    if isinstance(day, str) and day:
        shown += f" {_one_line(day, 20)}"
    shown += f" for {_count(d['records'], 'record')}" if "records" in d else ""
    return shown + _moved(d)


def _reason(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return ""
    word = value.replace("_", " ").strip()
    return "IPRA request" if word.lower() in ("ipra", "ipra request") else _one_line(word, 40)


def _hold(verb: str, row: AuditRow, d: dict[str, Any], names: AuditNames) -> str:
    hold = _ref(d, "hold", row)
    ids = _ints([d.get("hold")]) or _ints(row.object_ids[:1])
    name = names.holds.get(ids[0]) if ids else None
    reason = _reason(d.get("reason"))
    shown = (
        f"{verb} hold"
        + (f" {hold}" if hold else "")
        # isolated: a right-to-left override typed into a name must not reverse the sentence
        + (f" “\u2068{_one_line(name, 80)}\u2069”" if name else "")
        + (f" ({reason})" if reason else "")
    )
    if "records" in d:
        shown += (" on " if verb == "Placed" else " from ") + _count(d["records"], "record")
    listed, by_query = d.get("explicit"), d.get("by_query")
    if by_query is True:
        shown += f" ({_n(listed)} listed by id, and by query)" if listed else " by query"
    elif by_query is False and listed is not None:
        shown += " listed by id"
    still = d.get("still_held")
    if still:
        shown += f"; {_count(still, 'record')} still held by other holds"
    return shown


_Describe = Callable[[AuditRow, dict[str, Any], AuditNames], str]
_SENTENCES: dict[str, _Describe] = {
    "archive.create": lambda r, d, n: (
        "Created the archive" + (f" (schema {d['schema']})" if d.get("schema") else "")
    ),
    "archive.migrate": lambda r, d, n: (
        f"Upgraded the schema from {d.get('from')} to"
        f" {d.get('to')}; the archive was first copied to {d.get('backup')}"
    ),
    "archive.seal": lambda r, d, n: _seal(d),
    "archive.seal_baseline": lambda r, d, n: (
        "Sealed the content stored before seals existed"
        + (
            " (" + ", ".join(f"{_n(v)} {k}" for k, v in sorted(d["objects"].items())) + ")"
            if isinstance(d.get("objects"), dict)
            else ""
        )
    ),
    "archive.verify": lambda r, d, n: _verify(d),
    "archive.backup": lambda r, d, n: (
        f"Backed up to {d.get('dest')}"
        + (" (verified)" if d.get("verified") else "")
        + (f", {_n(d['audit_rows'])} audit rows" if "audit_rows" in d else "")
    ),
    "import.start": lambda r, d, n: (
        f"Started import batch {_ids(r)}:"
        f" {_n(d.get('inputs', 0))} input(s)"
        + (f", read as {d['format']}" if d.get("format") else "")
    ),
    "import.finish": lambda r, d, n: _finish(r, d),
    "import.container": lambda r, d, n: (
        f"Received export {_file(r, n)}"
        f" ({_n(d.get('members', 0))} files) for import batch {d.get('batch')}"
    ),
    "import.source_file": _import_file,
    "import.source_file_failed": _failed_file,
    "import.files_kept": lambda r, d, n: (
        f"Kept {_n(d.get('files', len(r.object_ids)))}"
        f" other file(s) of import batch {d.get('batch')} byte for byte"
    ),
    "import.interrupted": lambda r, d, n: (
        f"Marked import batch {_ids(r)} interrupted (its program had stopped)"
    ),
    "settings.update": lambda r, d, n: _settings(d),
    "search.save": lambda r, d, n: (
        ("Replaced" if d.get("replaced") else "Saved")
        + f" saved search {_ids(r)}"
        + (f" “{_one_line(n.saved_searches[r.object_ids[0]], 80)}”" if _named(r, n) else "")
    ),
    "search.delete": lambda r, d, n: f"Deleted saved search {_ids(r)}",
    "search.optimize_index": lambda r, d, n: "Tidied the search index",
    "csv_mapping.save": lambda r, d, n: f"Saved CSV column mapping {_ids(r)}",
    "csv_mapping.delete": lambda r, d, n: f"Deleted CSV column mapping {_ids(r)}",
    "retention.schedule_import": lambda r, d, n: _schedule_import(r, _present(d), n),
    "retention.rule_add": lambda r, d, n: _rule("Added", r, _present(d)),
    "retention.rule_remove": lambda r, d, n: _rule("Removed", r, _present(d)),
    "retention.classify": lambda r, d, n: _classify(r, _present(d)),
    "retention.event_set": lambda r, d, n: _event_set(_present(d)),
    "retention.hold_place": lambda r, d, n: _hold("Placed", r, _present(d), n),
    "retention.hold_release": lambda r, d, n: _hold("Released", r, _present(d), n),
}
_SENTENCES.update(DISPOSAL_SENTENCES)
ACTION_LABELS.update(DISPOSAL_LABELS)


def _named(row: AuditRow, names: AuditNames) -> bool:
    return bool(row.object_ids) and row.object_ids[0] in names.saved_searches


def describe(row: AuditRow, names: AuditNames | None = None) -> str:
    """One sentence for an audit row; an action this version does not know is shown by its
    code with its details, so nothing is hidden."""
    names = names or AuditNames()
    details = row.details if isinstance(row.details, dict) else {}
    sentence = _SENTENCES.get(row.action)
    if sentence is not None:
        try:
            return sentence(row, details, names)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # details of an unexpected shape (an older or newer app): show them raw
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(details.items()) if k != "seal")
    return f"{row.action} {_ids(row)}".strip() + (f" ({_one_line(shown)})" if shown else "")
