"""Verify's check of redactions against the audit trail.

A redaction removed behind the app's back would let the next production print what it hid,
and one whose code was changed would cite another exception in the log. The chained audit rows
that added, withheld, reviewed and removed each redaction (ids, record, field and code, never
the covered text) are the witness:

- every redaction has the audit row that added it, for the same record, field and code;
- every redaction the audit trail added and did not remove still exists, unless its record was
  destroyed (a tombstone: destruction deletes a record's redactions with it).

A range moved behind the app's back needs no row here: the keyed digest of the covered
characters no longer matches, the redaction is stale and productions refuse to run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from retention_desk.archive.audit_witness import WitnessResult, details, table_exists


def check_redactions(conn: Connection) -> WitnessResult:
    result = WitnessResult()
    if not table_exists(conn, "redactions"):
        return result
    added: dict[int, dict[str, Any]] = {}
    removed: set[int] = set()
    for action, raw in conn.exec_driver_sql(
        "SELECT action, details FROM audit_log WHERE action IN ('redaction.add',"
        " 'redaction.withhold', 'redaction.remove') ORDER BY id"
    ):
        d = details(raw)
        rid = d.get("redaction")
        if not isinstance(rid, int):
            continue
        if action == "redaction.remove":
            removed.add(rid)
        else:
            added[rid] = {**d, "kind": "range" if action == "redaction.add" else "withhold"}
    tombstones: set[int] = set()
    if table_exists(conn, "record_tombstones"):
        tombstones = {
            int(r[0]) for r in conn.exec_driver_sql("SELECT record_id FROM record_tombstones")
        }
    present: set[int] = set()
    for rid, kind, record_id, fld, code in conn.exec_driver_sql(
        "SELECT id, kind, record_id, field, code FROM redactions ORDER BY id"
    ):
        result.checked += 1
        present.add(int(rid))
        d = added.get(int(rid))
        if d is None:
            result.fail(f"Redaction {rid} has no audit row adding it: added outside the app.")
            continue
        if int(rid) in removed:
            result.fail(
                f"Redaction {rid} was removed (audited) but is in the archive again: changed"
                " outside the app."
            )
        expected = (d.get("kind"), d.get("record"), d.get("code"))
        if (kind, record_id, code) != expected or ("field" in d and d["field"] != fld):
            result.fail(
                f"Redaction {rid} reads {kind} of record {record_id}, field {fld}, code {code};"
                f" the audit trail added {d.get('kind')} of record {d.get('record')}, field"
                f" {d.get('field')}, code {d.get('code')}: changed outside the app."
            )
    for rid, d in sorted(added.items()):
        if rid in present or rid in removed or d.get("record") in tombstones:
            continue
        result.fail(
            f"Redaction {rid} (record {d.get('record')}, code {d.get('code')}) is missing: removed"
            " outside the app, so a production would print what it hid."
        )
    return result
