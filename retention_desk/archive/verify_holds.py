"""Verify's check of legal holds against the audit trail.

Holds stop destruction, so a hold removed behind the app's back would let held records be
destroyed "by the book". Holds are not content seals (their record lists grow as imports
arrive); instead the chained audit rows that placed and released each hold are the witness:

- every hold placed through the app still exists and, while in force, covers at least as
  many records as when it was placed, plus those the app added and minus those it took off
  (audited `retention.hold_add`/`retention.hold_remove` rows, the IPRA desk's). Otherwise a
  hold in force never loses records: destruction skips held records, and query holds only
  grow; a released hold loses destroyed records legitimately;
- a hold marked released has a chained release row, and a released hold is marked released;
- a hold with no placing row was added behind the app's back.

Reads only ids, counts and timestamps; no names, queries or reasons.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive.audit_witness import WitnessResult, table_exists
from retention_desk.archive.audit_witness import details as audit_details


def _hold_id(raw_ids: Any, details: dict[str, Any]) -> int | None:
    candidate = details.get("hold")
    if candidate is None:
        try:
            ids = json.loads(str(raw_ids))
        except ValueError:
            return None
        candidate = ids[0] if isinstance(ids, list) and ids else None
    try:
        return int(candidate)
    except (TypeError, ValueError):
        return None


def check_holds(conn: Connection) -> WitnessResult:
    """Compare the holds tables with the audit rows that placed and released holds."""
    result = WitnessResult()
    if not table_exists(conn, "holds"):
        return result
    placed: dict[int, tuple[int, int]] = {}  # hold id -> (audit row, records when placed)
    released: dict[int, int] = {}  # hold id -> audit row
    for audit_id, action, raw_ids, raw_details in conn.exec_driver_sql(
        "SELECT id, action, object_ids, details FROM audit_log"
        " WHERE action IN ('retention.hold_place', 'retention.hold_release',"
        " 'retention.hold_add', 'retention.hold_remove') ORDER BY id"
    ):
        details = audit_details(raw_details)
        hold_id = _hold_id(raw_ids, details)
        if hold_id is None:
            continue
        if action in ("retention.hold_add", "retention.hold_remove"):
            # the IPRA desk grows and shrinks a request's hold through the app, audited
            count = details.get("records")
            if hold_id in placed and isinstance(count, int):
                row, floor = placed[hold_id]
                step = count if action == "retention.hold_add" else -count
                placed[hold_id] = (row, max(floor + step, 0))
            continue
        if action == "retention.hold_place":
            records = details.get("records")
            placed[hold_id] = (int(audit_id), records if isinstance(records, int) else 0)
        else:
            released[hold_id] = int(audit_id)
    rows = {
        int(hold_id): (released_at, int(members))
        for hold_id, released_at, members in conn.exec_driver_sql(
            "SELECT h.id, h.released_at, (SELECT count(*) FROM hold_records hr"
            " WHERE hr.hold_id = h.id) FROM holds h"
        )
    }
    result.checked = len(rows)
    for hold_id, (audit_id, records) in sorted(placed.items()):
        row = rows.get(hold_id)
        if row is None:
            result.fail(
                f"Hold {hold_id}, placed by audit row {audit_id}, is missing: removed outside"
                " the app."
            )
            continue
        released_at, members = row
        if released_at is None and members < records:
            result.fail(
                f"Hold {hold_id} covers {members:,} records; it covered {records:,} when"
                f" placed (audit row {audit_id}): records were taken off it outside the app."
            )
    for hold_id, (released_at, _members) in sorted(rows.items()):
        if hold_id not in placed:
            result.fail(f"Hold {hold_id} has no audit row placing it: added outside the app.")
        if released_at is not None and hold_id not in released:
            result.fail(
                f"Hold {hold_id} is marked released, but no audit row released it: released"
                " outside the app."
            )
        if released_at is None and hold_id in released:
            result.fail(
                f"Hold {hold_id} was released (audit row {released[hold_id]}) but is marked in"
                " force again: changed outside the app."
            )
    return result
