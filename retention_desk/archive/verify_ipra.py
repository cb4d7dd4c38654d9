"""Verify's check of the IPRA request log against the audit trail.

The clocks and the damages exposure are computed from a request's day 0 and the days its
steps were taken, so a request re-dated or a late denial back-dated behind the app's back
would make a missed deadline look met. Those tables are not content seals; the chained audit
rows that logged each request, step and letter carry the number, day 0, how it came, each
step's kind and day and each letter's kind and day (no names), and are the witness:

- every request has the audit row that logged it, with the same number, day 0 and `via`;
- every step has its audit row with the same kind and day, and no step the audit logged is
  gone;
- every letter has its audit row with the same kind and day; a request file marked destroyed
  has the audit row that destroyed it.

Rows logged before these details were audited (none in a released archive) are checked for
presence only. Reads ids, dates and codes; never names or descriptions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from retention_desk.archive.audit_witness import WitnessResult, details, table_exists


def check_ipra(conn: Connection) -> WitnessResult:
    result = WitnessResult()
    if not table_exists(conn, "ipra_requests"):
        return result
    logged: dict[int, dict[str, Any]] = {}
    steps: dict[int, dict[str, Any]] = {}
    letters: dict[int, dict[str, Any]] = {}
    destroyed: set[int] = set()
    for action, raw in conn.exec_driver_sql(
        "SELECT action, details FROM audit_log WHERE action IN ('ipra.request_new',"
        " 'ipra.request_step', 'ipra.letter', 'ipra.file_destroy') ORDER BY id"
    ):
        d = details(raw)
        request = d.get("request")
        if not isinstance(request, int):
            continue
        if action == "ipra.request_new":
            logged[request] = d
        elif action == "ipra.request_step" and isinstance(d.get("event"), int):
            steps[int(d["event"])] = d
        elif action == "ipra.letter" and isinstance(d.get("letter"), int):
            letters[int(d["letter"])] = d
        elif action == "ipra.file_destroy":
            destroyed.add(request)

    for rid, number, received_on, via, gone in conn.exec_driver_sql(
        "SELECT id, number, received_on, via, file_destroyed_at FROM ipra_requests ORDER BY id"
    ):
        result.checked += 1
        d = logged.get(int(rid))
        if d is None:
            result.fail(f"Request {rid} has no audit row logging it: added outside the app.")
            continue
        for key, value in (("number", number), ("received_on", received_on), ("via", via)):
            if key in d and d[key] != value:
                result.fail(
                    f"Request {rid}: its {key.replace('_', ' ')} is {value!r} but the audit"
                    f" trail logged {d[key]!r}: changed outside the app."
                )
        if gone is not None and int(rid) not in destroyed:
            result.fail(
                f"Request {rid} is marked as a destroyed request file, but no audit row"
                " destroyed it: changed outside the app."
            )

    seen: set[int] = set()
    for eid, rid, kind, on_date in conn.exec_driver_sql(
        "SELECT id, request_id, kind, on_date FROM ipra_events ORDER BY id"
    ):
        seen.add(int(eid))
        d = steps.get(int(eid))
        if d is None:
            # steps logged before the audit named their event are checked by count below
            continue
        if d.get("request") != rid or d.get("step") != kind or d.get("on", on_date) != on_date:
            result.fail(
                f"Step {eid} of request {rid} reads {kind} on {on_date}; the audit trail logged"
                f" {d.get('step')} on {d.get('on')}: changed outside the app."
            )
    for eid, d in sorted(steps.items()):
        if eid not in seen:
            result.fail(
                f"Step {eid} ({d.get('step')} on {d.get('on')}) of request {d.get('request')}"
                " is missing: removed outside the app."
            )
    for rid, count in conn.exec_driver_sql(
        "SELECT request_id, count(*) FROM ipra_events GROUP BY request_id"
    ):
        audited = sum(1 for d in steps.values() if d.get("request") == rid)
        unnamed = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM audit_log WHERE action = 'ipra.request_step'"
                " AND json_extract(details, '$.request') = ?"
                " AND json_extract(details, '$.event') IS NULL",
                (int(rid),),
            ).scalar_one()
        )
        if int(count) > audited + unnamed:
            result.fail(
                f"Request {rid} has {count} steps but the audit trail logged"
                f" {audited + unnamed}: steps were added outside the app."
            )

    for lid, rid, kind, sent_on in conn.exec_driver_sql(
        "SELECT id, request_id, kind, sent_on FROM ipra_letters ORDER BY id"
    ):
        d = letters.get(int(lid))
        if d is None:
            result.fail(f"Letter {lid} of request {rid} has no audit row: added outside the app.")
        elif d.get("kind") != kind or d.get("sent_on", sent_on) != sent_on:
            result.fail(
                f"Letter {lid} of request {rid} reads {kind} sent {sent_on}; the audit trail"
                f" logged {d.get('kind')} sent {d.get('sent_on')}: changed outside the app."
            )
    return result
