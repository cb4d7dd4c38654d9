"""The manifest written beside a production, as CSV and JSON: per record its Bates (or
control) range, record id and version ids (ids the archive owns, never a platform's), the
fixity lines the plan computed, and the SHA-256 of each produced file.

The fixity lines are the plan's: a plain SHA-256 only for a record without redactions, a keyed
hash for a redacted one (the key stays in the archive), so the manifest confirms no guess of a
redacted text either. Values are ids, numbers and the plan's lines; any text that reaches the
CSV still goes through `safe_text`, so a spreadsheet opening it runs nothing. Both files are
deterministic: no time but the production day.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retention_desk.disposal.export_xlsx import safe_text
from retention_desk.production.model import ProductionPlan
from retention_desk.production.store import ProducedFile

CSV_HEADER = (
    "item",
    "record_id",
    "version_ids",
    "first",
    "last",
    "withheld",
    "redacted",
    "fixity",
    "file",
    "sha256",
    "size",
)


@dataclass(frozen=True)
class ManifestInput:
    kind: str  # release | review
    file_format: str  # pdf | xlsx
    produced_on: str
    bates_prefix: str | None
    digits: int
    bates_first: int | None  # the numbers this production used (None: none)
    bates_last: int | None
    control_note: str
    ranges: Mapping[int, tuple[int, int]]  # record id -> first, last (Bates or control)


def label(prefix: str | None, digits: int, n: int | None) -> str:
    """A Bates number as printed: `RD0000042`."""
    if n is None:
        return ""
    return f"{prefix or ''}{n:0{digits}d}"


def _records(plan: ProductionPlan, given: ManifestInput) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for rec in plan.records:
        first, last = given.ranges.get(rec.record_id, (None, None))
        out.append(
            {
                "record_id": rec.record_id,
                "version_ids": [v.version_id for v in rec.versions],
                "first": label(given.bates_prefix, given.digits, first) or None,
                "last": label(given.bates_prefix, given.digits, last) or None,
                "withheld": rec.withheld,
                "redacted": rec.redacted,
                "fixity": list(rec.fixity),
            }
        )
    return out


def manifest_json(
    plan: ProductionPlan, given: ManifestInput, files: Sequence[ProducedFile]
) -> bytes:
    bates = None
    if given.bates_first is not None:
        bates = {
            "first": label(given.bates_prefix, given.digits, given.bates_first),
            "last": label(given.bates_prefix, given.digits, given.bates_last),
        }
    body = {
        "request": plan.request_number,
        "agency": plan.agency_name,
        "kind": given.kind,
        "format": given.file_format,
        "produced_on": given.produced_on,
        "versions": plan.versions,
        "bates": bates,
        "control_numbers": given.control_note,
        "counts": {
            "records": len(plan.records),
            "redactions": plan.redaction_count,
            "withheld": plan.withheld_count,
            "restricted_left_out": plan.restricted_left_out,
        },
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files],
        "records": _records(plan, given),
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def manifest_csv(
    plan: ProductionPlan, given: ManifestInput, files: Sequence[ProducedFile]
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerow(["note", "", "", "", "", "", "", safe_text(given.control_note), "", "", ""])
    for f in files:
        writer.writerow(["file", "", "", "", "", "", "", "", safe_text(f.name), f.sha256, f.size])
    for row in _records(plan, given):
        versions = " ".join(str(v) for v in row["version_ids"])  # type: ignore[attr-defined]
        fixity = list(row["fixity"]) or [""]  # type: ignore[call-overload]
        for line in fixity:
            writer.writerow(
                [
                    "record",
                    row["record_id"],
                    versions,
                    row["first"] or "",
                    row["last"] or "",
                    safe_text(row["withheld"]) if row["withheld"] else "",
                    "yes" if row["redacted"] else "",
                    safe_text(line) if line else "",
                    "",
                    "",
                    "",
                ]
            )
    # UTF-8 with a byte-order mark: Excel reads the file as UTF-8 only with one
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
