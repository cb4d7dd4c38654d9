"""Disposal and destruction audit rows in words (issue 11): "Destroyed 500 records of
disposal report 7".

Registered into text.py's sentence table and action labels. Like every audit sentence these
are built from ids and counts only: the row never carries an approver's name, a title or a
reference (those stay in `disposal_approvals`). A source file's name, looked up by id as the
import sentences do, is imported text: it is isolated so it cannot reorder the sentence.

Self-contained on purpose (no import of text.py): text.py imports this module while it is
still loading, so the helpers it has are not reliably there yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retention_desk.archive.audit import AuditRow
from retention_desk.ui.audit.names import AuditNames

DISPOSAL_LABELS: dict[str, str] = {
    "disposal.report": "Disposal report run",
    "disposal.approval": "Disposal approved",
    "disposal.consent": "Disposal consent given",
    "disposal.notice": "Disposal notice sent",
    "disposal.local": "Disposal approved (local)",
    "disposal.cancel": "Disposal report cancelled",
    "disposal.certificate": "Certificate stored",
    "disposal.destroy_start": "Destruction started",
    "disposal.destroy_batch": "Records destroyed",
    "disposal.destroy_cancel": "Destruction stopped",
    "disposal.destroy_finish": "Destruction finished",
    "disposal.destroy_purge": "Destruction traces purged",
    "disposal.original_rewritten": "Original rewritten",
    "disposal.original_removed": "Original deleted",
    "disposal.reapply": "Destruction re-applied",
    "disposal.reapply_finish": "Re-application finished",
}

# What each approval step is (approval.STEP_WORDS, restated: a label must not change when
# the rules file's wording does), the preposition it takes, and the attachment its rule
# requires (None: an attachment is optional, so its absence is not worth a word).
_STEPS: dict[str, tuple[str, str, str | None]] = {
    "approval": ("the records administrator's approval", "of", "the signed form"),
    "consent": ("the custodian's consent", "to", None),
    "notice": ("the notice to the records administrator", "about", "the mail receipt"),
    "local": ("the approving official's approval", "of", None),
}

# destroy.SKIP_WORDS, shortened to fit a sentence
_SKIPS = {
    "held": "held",
    "not_eligible": "no longer eligible",
    "changed": "changed",
    "missing": "gone",
}


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _short(value: Any, limit: int = 40) -> str:
    line = " ".join(str(value).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _count(value: Any, noun: str, plural: str | None = None) -> str:
    """'1 record', '1,200 records'; a list counts its items; anything else is shown as is."""
    if isinstance(value, list | tuple | set | dict):
        value = len(value)
    n = _int(value)
    many = plural or noun + "s"
    if n is None:
        return f"{_short(value)} {many}"
    return f"{n:,} {noun if n == 1 else many}"


def _report(row: AuditRow, d: dict[str, Any]) -> str:
    """'disposal report 7' from the details, else from the row's first id."""
    number = _int(d.get("report"))
    if number is None and row.object_type == "disposal_report" and row.object_ids:
        number = _int(row.object_ids[0])
    return f"disposal report {number:,}" if number is not None else "a disposal report"


def _reports(row: AuditRow, d: dict[str, Any]) -> str:
    raw = d.get("reports")
    if not isinstance(raw, list | tuple):
        raw = row.object_ids
    numbers = [n for n in (_int(v) for v in raw) if n is not None]
    if not numbers:
        return "disposal reports"
    shown = ", ".join(str(n) for n in numbers[:5])
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"disposal report{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _sha(value: Any) -> str:
    return f"{value[:12]}…" if isinstance(value, str) and value else ""


def _present(d: dict[str, Any]) -> dict[str, Any]:
    # a null is read as a key the row does not have
    return {k: v for k, v in d.items() if v is not None}


def _run(row: AuditRow, d: dict[str, Any]) -> str:
    shown = f"Ran {_report(row, d)}"
    if "records" not in d:
        return shown
    if _int(d["records"]) == 0:
        return shown + ": no record was eligible"
    shown += f": {_count(d['records'], 'eligible record')}"
    if "series" in d:
        shown += f" in {_count(d['series'], 'series', 'series')}"
        if "groups" in d:
            shown += f" ({_count(d['groups'], 'group')} by platform, account and year)"
    for key, words in (("held", "held"), ("unclassified", "unclassified")):
        # zeros left out: "0 held, 0 unclassified" on every clean run is noise
        if key in d and d[key] != 0:
            n = _int(d[key])
            shown += f", {n:,} {words}" if n is not None else f", {_short(d[key])} {words}"
    return shown


def _step(row: AuditRow, d: dict[str, Any]) -> str:
    step = str(d.get("step") or row.action.removeprefix("disposal."))
    what, prep, form = _STEPS.get(step, (f"the {_short(step)} step", "for", None))
    shown = f"Recorded {what} {prep} {_report(row, d)}"
    if d.get("attachment") is True:
        shown += f" (with {form or 'an attachment'})"
    elif d.get("attachment") is False and form:
        shown += f" (without {form})"
    done, needed = _int(d.get("steps_recorded")), _int(d.get("steps_required"))
    if done is not None and needed is not None:
        shown += f"; {done:,} of {_count(needed, 'required step')} recorded"
    return shown


def _cancel(row: AuditRow, d: dict[str, Any]) -> str:
    was = d.get("from")
    if not isinstance(was, str) or not was:
        return f"Cancelled {_report(row, d)}"
    word = "a draft" if was == "draft" else _short(was).replace("_", " ")
    return f"Cancelled {_report(row, d)} (it was {word})"


def _certificate(row: AuditRow, d: dict[str, Any]) -> str:
    extra = []
    if _sha(d.get("sha256")):
        extra.append(f"SHA-256 {_sha(d['sha256'])}")
    if "size" in d:
        extra.append(_count(d["size"], "byte"))
    return f"Stored the certificate of destruction for {_report(row, d)}" + (
        f" ({', '.join(extra)})" if extra else ""
    )


def _start(row: AuditRow, d: dict[str, Any]) -> str:
    total, left = _int(d.get("records")), _int(d.get("remaining"))
    if total is not None and left is not None and left < total:
        return f"Resumed destroying {_report(row, d)}: {left:,} of {_count(total, 'record')} to go"
    shown = f"Started destroying {_report(row, d)}"
    return shown + (f": {_count(d['records'], 'record')}" if "records" in d else "")


def _tally(value: Any, words: dict[str, str]) -> str:
    if not isinstance(value, dict):
        return ""
    parts = []
    for key, n in sorted(value.items(), key=lambda kv: str(kv[0])):
        count = _int(n)
        if count:
            parts.append(f"{count:,} {words.get(key, _short(key).replace('_', ' '))}")
    return ", ".join(parts)


def _batch(row: AuditRow, d: dict[str, Any]) -> str:
    going = d.get("destroyed", row.object_ids)
    shown = f"Destroyed {_count(going, 'record')} of {_report(row, d)}"
    skipped = d.get("skipped")
    counts = [_int(v) for v in skipped.values()] if isinstance(skipped, dict) else []
    total = sum(n for n in counts if n)
    if total:
        shown += f"; skipped {total:,} ({_tally(skipped, _SKIPS)})"
    originals = _tally(
        d.get("originals"),
        {"rewritten": "rewritten", "removed": "deleted", "retained": "kept whole"},
    )
    if originals:
        shown += f"; originals: {originals}"
    return shown


def _file(row: AuditRow, names: AuditNames) -> str:
    sid = _int(row.object_ids[0]) if row.object_ids else None
    if sid is None:
        return "an original"
    name = names.source_files.get(sid)
    # isolated: an imported name with a right-to-left override must not reverse the sentence
    return f"original {sid}" + (f" “\u2068{_short(name, 80)}\u2069”" if name else "")


def _original(verb: str, row: AuditRow, d: dict[str, Any], names: AuditNames) -> str:
    items = _int(d.get("items"))
    old, new = _sha(d.get("old_sha256")), _sha(d.get("new_sha256"))
    if verb == "rewritten":
        shown = f"Rewrote {_file(row, names)} without"
        shown += f" {_count(items, 'item')} of" if items and items > 0 else ""
        shown += f" destroyed records ({_report(row, d)})"
        if old and new:
            shown += f": SHA-256 {old} → {new}"
        return shown
    shown = f"Deleted {_file(row, names)}: it held only destroyed records ({_report(row, d)})"
    return shown + (f"; SHA-256 was {old}" if old else "")


def _end(verb: str, row: AuditRow, d: dict[str, Any]) -> str:
    shown = f"{verb} destroying {_report(row, d)}"
    if "destroyed_now" in d:
        shown += f": {_count(d['destroyed_now'], 'record')} destroyed in this run"
    if verb == "Stopped":
        shown += "; the rest are destroyed by the next run"
    return shown


def _reapply(row: AuditRow, d: dict[str, Any]) -> str:
    shown = "Found records destroyed under " + _reports(row, d) + " in this copy"
    if "records" in d:
        shown += f"; destroying {_count(d['records'], 'record')} again"
    unconfirmed = _int(d.get("unconfirmed"))
    if unconfirmed:
        shown += f"; {_count(unconfirmed, 'record')} could not be confirmed and were kept"
    return shown


def _reapply_finish(row: AuditRow, d: dict[str, Any]) -> str:
    shown = f"Destroyed again the records of {_reports(row, d)}"
    if "destroyed" in d:
        shown += f": {_count(d['destroyed'], 'record')}"
    skipped = _int(d.get("skipped"))
    if skipped:
        shown += f"; {_count(skipped, 'record')} not destroyed again"
    return shown


_Describe = Callable[[AuditRow, dict[str, Any], AuditNames], str]
DISPOSAL_SENTENCES: dict[str, _Describe] = {
    "disposal.report": lambda r, d, n: _run(r, _present(d)),
    **{
        f"disposal.{step}": lambda r, d, n: _step(r, _present(d))
        for step in ("approval", "consent", "notice", "local")
    },
    "disposal.cancel": lambda r, d, n: _cancel(r, _present(d)),
    "disposal.certificate": lambda r, d, n: _certificate(r, _present(d)),
    "disposal.destroy_start": lambda r, d, n: _start(r, _present(d)),
    "disposal.destroy_batch": lambda r, d, n: _batch(r, _present(d)),
    "disposal.destroy_cancel": lambda r, d, n: _end("Stopped", r, _present(d)),
    "disposal.destroy_finish": lambda r, d, n: _end("Finished", r, _present(d)),
    "disposal.destroy_purge": lambda r, d, n: (
        f"Purged the search indexes and free pages after destroying {_report(r, d)}"
    ),
    "disposal.original_rewritten": lambda r, d, n: _original("rewritten", r, _present(d), n),
    "disposal.original_removed": lambda r, d, n: _original("removed", r, _present(d), n),
    "disposal.reapply": lambda r, d, n: _reapply(r, _present(d)),
    "disposal.reapply_finish": lambda r, d, n: _reapply_finish(r, _present(d)),
}
