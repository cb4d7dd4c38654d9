"""Write the synthetic demo into a real archive, through the same APIs an importer uses.

Each synthetic export becomes one import batch with one source file whose stored "original"
is a JSON description of the generated data, so the demo's provenance, audit trail and
`verify` behave exactly like those of a real import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk import retention
from retention_desk.archive import Archive, ArchiveSettings, blobs
from retention_desk.archive.batches import add_source_file, finish_batch, start_batch
from retention_desk.archive.ingest import (
    AccountIn,
    RecordIn,
    RecordWriter,
    WriteCounts,
    upsert_account,
)
from retention_desk.demo import content as c
from retention_desk.demo.generate import ACCOUNTS, DEMO_SEED, DemoPass, generate
from retention_desk.demo.oversight import add_oversight, pages_pass

DEMO_SETTINGS = ArchiveSettings(
    agency_name=c.AGENCY_NAME,
    custodian_name=c.CUSTODIAN_NAME,
    custodian_title=c.CUSTODIAN_TITLE,
    time_zone="America/Denver",
    bates_prefix=c.BATES_PREFIX,
    agency_address="1 Plaza Vieja, Sandia Vista, NM 87000 (fictional)",
    agency_phone=c.NON_EMERGENCY,
    agency_email="records@sandiavista.example",
    fee_per_page="0.25",
    # the policies whose statements and removal categories the demo's Oversight page shows
    policies="nm-dps-opr-37,las-cruces-cmp-1-12",
)

# Retention for the demo, through the same API the Retention page and the CLI use, so the
# page has something real to show: records in shipped series (UNVERIFIED ones among them), an
# event-triggered series with some files closed and others still waiting, a hold by query,
# old records already eligible, and replies outside Facebook left unclassified (no rule yet).
DEMO_RULES = (
    ("kind:post", "SM-POST", "Posts the department published (series to confirm)"),
    ("kind:comment", "SM-PUBLIC", "Comments from the public"),
    ("kind:reply platform:facebook", "SM-PUBLIC", "Replies on the Facebook page"),
    ("kind:message", "COMPLAINT", "Direct messages are handled as complaints"),
)
DEMO_HOLD = (
    "Camino del Sol collision claim",
    "litigation",
    "SV-2025-014 (fictional)",
    '"Camino del Sol"',
)
# Messages from before 2022 are closed files; later ones are still open (not yet eligible).
DEMO_EVENT = ("file_closed", date(2022, 2, 15), "kind:message before:2022-01-01")


# IPRA requests for the Requests page, dated back from the day the demo is built so each
# clock state shows: a fresh e-mail request, an acknowledged one now deemed denied (with its
# running exposure), a burdensome one inside its reasonable period, a fulfilled and closed
# one, and an oral walk-in. Requesters are fictional.
DEMO_REQUESTS = (
    # days ago, via, name, organisation, description, steps [(kind, day offset, extra)]
    (1, "email", "Marisol Quintana-Ortega", "Sandia Vista Sentinel (fictional)",
     "All comments hidden on the department's Facebook page in the last 60 days.", ()),
    (22, "written", "Tobias Archuleta", "",
     "Posts and replies about the Camino del Sol collision.",
     (("acknowledged", 2, {"available_on": 12}),)),
    (12, "web", "Dolores Benavidez-Kerr", "Rio Abajo Civil Liberties Project (fictional)",
     "Every direct message received by the department's accounts since 2021.",
     (("acknowledged", 1, {}), ("burdensome", 6, {"until": 40}))),
    (45, "email", "Harlan Oyenque", "", "Posts and comments about National Night Out.",
     (("fulfilled", 9, {}), ("closed", 11, {}))),
    (0, "oral", "", "", "Walk-in asked for the department's social-media policy.", ()),
)  # fmt: skip


def _sidecar_paths(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]


def build_demo_archive(path: Path | str, *, seed: int = DEMO_SEED) -> Path:
    """Create a new demo archive at `path` (which must not exist); returns its resolved path.

    A build that fails part-way removes the half-built file, so `ensure_demo_archive` never
    finds a broken demo and mistakes it for a good one.
    """
    first, second = generate(seed)
    archive = Archive.create(path)
    target = archive.path
    try:
        archive.update_settings(DEMO_SETTINGS)
        _import_pass(archive, first, seed)
        _import_pass(archive, second, seed)
        _retention(archive)
        _requests(archive)
        _import_pass(archive, pages_pass(), seed)
        add_oversight(archive, seed)
    except BaseException:
        archive.close()
        for file in _sidecar_paths(target):
            file.unlink(missing_ok=True)
        raise
    archive.close()
    return target


def ensure_demo_archive(path: Path | str, rebuild: bool = False) -> Path:
    """The demo archive at `path`: built when missing, or afresh when `rebuild` is set."""
    path = Path(path).expanduser().resolve()
    if rebuild or not path.exists():
        for file in _sidecar_paths(path):
            file.unlink(missing_ok=True)
        return build_demo_archive(path)
    return path


def _retention(archive: Archive) -> None:
    for query, series, note in DEMO_RULES:
        retention.add_rule(archive, query, series, note=note)
    name, reason, matter, query = DEMO_HOLD
    retention.place_hold(archive, name, reason, matter=matter, query=query)
    event, day, query = DEMO_EVENT
    retention.set_event_date(archive, event, day, query=query)


def _requests(archive: Archive) -> None:
    from datetime import datetime, time, timedelta

    from retention_desk.ipra import requests, responsive

    zone = ZoneInfo(DEMO_SETTINGS.time_zone)
    today = datetime.now(zone).date()
    # logged in the order they arrived, so the numbers run with the dates
    for ago, via, name, organisation, description, steps in sorted(
        DEMO_REQUESTS, key=lambda r: -int(r[0])
    ):
        day = today - timedelta(days=ago)
        received = datetime.combine(day, time(9, 30), tzinfo=zone)
        if received > datetime.now(zone):
            received = datetime.now(zone) - timedelta(minutes=5)
        detail = requests.new_request(
            archive,
            received_at=received,
            via=via,
            name=name,
            organisation=organisation,
            address="" if via == "oral" else "100 Calle Ficticia, Sandia Vista, NM",
            phone="" if via == "oral" else "505-555-0199",
            email="" if via == "oral" else "requester@example.org",
            description=description,
            electronic_copies=via in ("email", "web"),
        )
        for phrase in ("Camino del Sol", "National Night Out"):
            if phrase in description:
                responsive.add_by_query(archive, detail.number, f'"{phrase}"')
        if "comments hidden" in description:
            responsive.add_by_query(archive, detail.number, "kind:comment is:hidden")
        for kind, offset, extra in steps:
            when = day + timedelta(days=offset)
            dates = {k: day + timedelta(days=v) for k, v in extra.items()}
            if kind == "acknowledged":
                requests.acknowledge(
                    archive, detail.number, on=when, available_on=dates.get("available_on")
                )
            elif kind == "burdensome":
                requests.mark_burdensome(archive, detail.number, on=when, until=dates["until"])
            elif kind == "fulfilled":
                requests.fulfil(archive, detail.number, on=when)
            elif kind == "closed":
                requests.close(archive, detail.number, on=when)
        if not steps or steps[-1][0] != "closed":
            # the review queue of every open request with records shows what detection found
            from retention_desk.review.detect_run import detect_request

            detect_request(archive, detail.number)


def _describe(demo: DemoPass, seed: int) -> bytes:
    """The pass as a JSON document: the demo's stand-in for an export file's bytes."""

    def record(rec: RecordIn) -> dict[str, Any]:
        data = {k: v for k, v in asdict(rec).items() if v not in (None, "", [], {}, False)}
        data["media"] = [
            {
                "uri": m.original_uri,
                "sha256": hashlib.sha256(m.data).hexdigest() if m.data else None,
            }
            for m in rec.media
        ]
        return data

    document = {
        "generator": "retention_desk.demo",
        "note": "Synthetic data for demonstration. All people, places and accounts are fictional.",
        "seed": seed,
        "export": demo.name,
        "accounts": [asdict(a) for a in ACCOUNTS],
        "records": {key: [record(r) for r in recs] for key, recs in demo.records.items()},
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1, default=_iso).encode(
        "utf-8"
    )


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(f"cannot describe {type(value).__name__}")


def _import_pass(archive: Archive, demo: DemoPass, seed: int) -> WriteCounts:
    original = _describe(demo, seed)
    totals = WriteCounts()
    with archive.write() as conn:
        operator = archive.operator(conn)
        batch_id = start_batch(conn, operator=operator, options={"demo": True, "seed": seed})
        blob_sha, size = blobs.put_bytes(conn, original)
        source_id = add_source_file(
            conn,
            batch_id=batch_id,
            name=demo.name,
            size=size,
            sha256=blob_sha,
            blob_sha256=blob_sha,
            status="imported",
            detected_format="demo",
            details={"synthetic": True, "seed": seed},
        )
        for account in ACCOUNTS:
            account_id = upsert_account(
                conn,
                AccountIn(
                    platform=account.platform,
                    account_key=account.account_key,
                    platform_account_id=account.account_key,
                    handle=account.handle,
                    display_name=account.display_name,
                    is_official=True,
                ),
            )
            writer = RecordWriter(
                conn, batch_id=batch_id, source_file_id=source_id, account_id=account_id
            )
            writer.add_many(demo.records.get(account.account_key, []))
            totals.merge(writer.finish())
        counts = asdict(totals)
        counts["records_read"] = demo.count()
        finish_batch(conn, batch_id, status="completed", counts=counts, errors=[])
        archive.audit(
            conn,
            action="import.source_file",
            object_type="source_file",
            object_ids=[source_id],
            details={"batch_id": batch_id, "format": "demo", "counts": counts},
        )
    return totals
