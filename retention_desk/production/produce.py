"""Produce a request's records: plan, render (PDF or XLSX), manifest, store, write.

`produce` builds the plan (`plan.build_plan`, which applies the redactions and refuses while
any is stale), lays the file out with the request's next Bates numbers, writes the manifest,
and stores everything in one write transaction that first checks the numbers are still the
next ones (store.py explains the numbering); only then are the files written to `out_dir`. A
run that fails or is cancelled before that transaction stores nothing and uses no numbers.

Control numbers of an XLSX: an XLSX release of records that a PDF release of the same request
already numbered reuses each record's first Bates number of that PDF, and uses no numbers;
otherwise it takes one number per record from the same counter. The manifest says which.

`reproduce` re-makes a stored production from the archive with its key, numbers and day, and
writes it only when every file comes out byte-identical to what was released; `export_files`
(store.py) writes the stored files as released.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive
from retention_desk.ipra.requests import today_local
from retention_desk.production import store
from retention_desk.production.manifest import ManifestInput, label, manifest_csv, manifest_json
from retention_desk.production.model import ProductionPlan
from retention_desk.production.store import ProducedFile, ProduceError, RecordNumbers
from retention_desk.production.xlsx import XlsxInput, render_xlsx

DIGITS = 7
FORMATS = ("pdf", "xlsx")
VERSIONS = ("latest", "all")
REVIEW_MARK = "REVIEW-COPY-NOT-FOR-RELEASE"
# Each retry lays the file out again; another production of the same request landing between
# layout and storing this many times in a row means the desk is very busy, not a bug.
MAX_ATTEMPTS = 5

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ProductionResult:
    production: int
    request: str
    kind: str  # release | review
    file_format: str
    files: tuple[Path, ...]
    bates_first: str | None  # as printed, e.g. RD0000042; None when no numbers were used
    bates_last: str | None
    records: int
    redactions: int
    withheld: int


@dataclass(frozen=True)
class _Made:
    new: store.NewProduction
    ranges: dict[int, tuple[int, int]]


def _build_plan(archive: Archive, number: str, **options: Any) -> ProductionPlan:
    from retention_desk.production.plan import build_plan

    return build_plan(archive, number, **options)


def _render_pdf(plan: ProductionPlan, **options: Any) -> Any:
    from retention_desk.production.pdf import render_pdf

    return render_pdf(plan, **options)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def _file_stem(number: str, ordinal: int, review: bool, first: str, last: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", number).strip("_") or "request"
    stem = f"{safe}_P{ordinal}"
    if review:
        return f"{stem}_{REVIEW_MARK}"
    return f"{stem}_{first}-{last}" if first else stem


def _make(
    plan: ProductionPlan,
    *,
    file_format: str,
    prefix: str,
    numbers: dict[int, tuple[int, int]] | None,
    start: int,
    ordinal: int,
    produced_on: str,
    key: bytes,
    options: dict[str, Any],
    note: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> _Made:
    """Lay out one production. `numbers`: the ranges to reuse (an XLSX after a PDF of the
    set, or a re-production); else numbers are taken from `start`."""
    review = plan.review
    ids = [r.record_id for r in plan.records]
    first: int | None = None
    last: int | None = None
    ranges: dict[int, tuple[int, int]] = {}
    if file_format == "pdf":
        pdf = _render_pdf(
            plan,
            bates_prefix=None if review else prefix,
            bates_start=start,
            produced_on=date.fromisoformat(produced_on),
            digits=DIGITS,
            progress=progress,
            cancel=cancel,
        )
        data = bytes(pdf.data)
        if not review:
            first, last = start, start + int(pdf.pages) - 1
            ranges = {int(k): (int(v[0]), int(v[1])) for k, v in pdf.record_pages.items()}
        note = note or (
            "Review copy: no Bates numbers."
            if review
            else f"Bates numbers {label(prefix, DIGITS, first)}-{label(prefix, DIGITS, last)},"
            " one per page."
        )
    else:
        if review:
            control = dict.fromkeys(ids, "REVIEW COPY")
            note = "Review copy: no control numbers."
        else:
            if numbers is not None:
                ranges = {rid: numbers[rid] for rid in ids}
            else:
                first, last = start, start + len(ids) - 1
                ranges = {rid: (start + i, start + i) for i, rid in enumerate(ids)}
                note = (
                    f"Control numbers {label(prefix, DIGITS, first)}-"
                    f"{label(prefix, DIGITS, last)} were taken from this request's Bates"
                    " counter, one per record (no PDF production of these records existed)."
                )
            control = {rid: label(prefix, DIGITS, ranges[rid][0]) for rid in ids}
        assert note is not None
        data = render_xlsx(
            plan, XlsxInput(control, note, produced_on), progress=progress, cancel=cancel
        )
    stem = _file_stem(
        plan.request_number,
        ordinal,
        review,
        label(prefix, DIGITS, first),
        label(prefix, DIGITS, last),
    )
    main = _produced(file_format, f"{stem}.{file_format}", data)
    given = ManifestInput(
        kind="review" if review else "release",
        file_format=file_format,
        produced_on=produced_on,
        bates_prefix=None if review else prefix,
        digits=DIGITS,
        bates_first=first,
        bates_last=last,
        control_note=note or "",
        ranges=ranges,
    )
    as_json = manifest_json(plan, given, [main[0]])
    as_csv = manifest_csv(plan, given, [main[0]])
    files = (
        main,
        _produced("manifest_csv", f"{stem}_manifest.csv", as_csv),
        _produced("manifest_json", f"{stem}_manifest.json", as_json),
    )
    new = store.NewProduction(
        kind=given.kind,
        file_format=file_format,
        options={**options, "digits": DIGITS, "control_note": note or ""},
        bates_prefix=None if review else prefix,
        bates_first=first,
        bates_last=last,
        record_count=len(ids),
        redaction_count=plan.redaction_count,
        withheld_count=plan.withheld_count,
        key=key,
        produced_on=produced_on,
        records=tuple(
            RecordNumbers(
                r.record_id,
                tuple(v.version_id for v in r.versions),
                *ranges.get(r.record_id, (None, None)),
            )
            for r in plan.records
        ),
        files=files,
    )
    return _Made(new, ranges)


def _produced(role: str, name: str, data: bytes) -> tuple[ProducedFile, bytes]:
    import hashlib

    return ProducedFile(role, name, hashlib.sha256(data).hexdigest(), len(data)), data


def _validate(file_format: str, versions: str) -> None:
    if file_format not in FORMATS:
        raise ProduceError(f"The format {file_format[:20]!r} must be pdf or xlsx.")
    if versions not in VERSIONS:
        raise ProduceError(f"The versions option {versions[:20]!r} must be latest or all.")


def _out(out_dir: Path) -> Path:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ProduceError(f"The output folder {out} is a file, not a folder.")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _write(out: Path, pid: int, files: Sequence[tuple[ProducedFile, bytes]]) -> tuple[Path, ...]:
    try:
        return tuple(store.write_file(out, info.name, data) for info, data in files)
    except OSError as exc:
        raise ProduceError(
            f"Production {pid} is stored, but its files could not be written to {out}"
            f" ({exc.strerror or exc}); write them with 'retention-desk produce --export {pid}"
            " --out DIR'."
        ) from exc


def _result(
    pid: int, number: str, new: store.NewProduction, paths: tuple[Path, ...]
) -> ProductionResult:
    return ProductionResult(
        production=pid,
        request=number,
        kind=new.kind,
        file_format=new.file_format,
        files=paths,
        bates_first=label(new.bates_prefix, DIGITS, new.bates_first) or None,
        bates_last=label(new.bates_prefix, DIGITS, new.bates_last) or None,
        records=new.record_count,
        redactions=new.redaction_count,
        withheld=new.withheld_count,
    )


def produce(
    archive: Archive,
    number: str,
    *,
    file_format: str = "pdf",
    review_copy: bool = False,
    versions: str = "latest",
    include_restricted: Sequence[int] = (),
    only_new: bool = False,
    allow_undecided: bool = False,
    out_dir: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ProductionResult:
    """Produce request `number`'s responsive records as a PDF or XLSX with its manifest,
    store the production with the request, and write the files into `out_dir`.

    `only_new`: a rolling production of the records that no earlier complete release of the
    request in this format holds (records that joined the set since), numbered on from the
    request's last Bates number.

    A release is refused while redaction candidates of its records are undecided (the review
    queue), unless `allow_undecided` overrides it: the override is audited and kept in the
    production's options with the count. Review copies are for the review: never refused."""
    _validate(file_format, versions)
    out = _out(out_dir)
    report = progress or (lambda _d, _t, _m: None)
    key = secrets.token_bytes(32)
    restricted = sorted({int(i) for i in include_restricted})
    prefix = archive.settings().bates_prefix
    with archive.read() as conn:
        now = store.state(conn, number)
        produced_on = today_local(conn).isoformat()
    plan: ProductionPlan | None = None
    for _attempt in range(MAX_ATTEMPTS):
        _check(cancel)
        if plan is None:
            plan = _build_plan(
                archive,
                now.number,
                versions=versions,
                review=review_copy,
                include_restricted=tuple(restricted),
                key=key,
                only_new=file_format if only_new else None,
                progress=lambda d, t: report(d, t, "Applying the redactions"),
                cancel=cancel,
            )
        if not plan.records:
            if only_new:
                raise ProduceError(
                    f"Request {now.number} has no records that its earlier {file_format.upper()}"
                    " releases do not already hold."
                )
            raise ProduceError(f"Request {now.number} has no records to produce.")
        ids = [r.record_id for r in plan.records]
        if not review_copy:
            with archive.read() as conn:
                _undecided(conn, now, ids, allow_undecided)
        options: dict[str, Any] = {
            "versions": versions,
            "include_restricted": restricted,
            "restricted_left_out": plan.restricted_left_out,
        }
        if only_new:
            options["only_new"] = True
        reuse = None
        if file_format == "xlsx" and not review_copy:
            with archive.read() as conn:
                reuse = store.pdf_numbers(conn, now.request_id, ids)
        note = None
        numbered = {**options, "control_numbers": "bates" if file_format == "pdf" else "counter"}
        layout_prefix = prefix
        if reuse is not None:
            reuse_ids, layout_prefix, _ranges = reuse
            numbered = {
                **options,
                "control_numbers": "pdf",
                "control_from": reuse_ids[-1],
                "control_from_all": list(reuse_ids),
            }
            which = (
                f"the PDF production {reuse_ids[0]}"
                if len(reuse_ids) == 1
                else "the PDF productions "
                + ", ".join(str(i) for i in reuse_ids[:-1])
                + f" and {reuse_ids[-1]}"
            )
            note = (
                f"Control numbers are these records' first Bates numbers in {which} of this"
                " request; this workbook uses no Bates numbers of its own."
            )
        if review_copy:
            numbered = {**options, "control_numbers": "none"}
        made = _make(
            plan,
            file_format=file_format,
            prefix=layout_prefix,
            numbers=None if reuse is None else reuse[2],
            start=now.next_bates,
            ordinal=now.count + 1,
            produced_on=produced_on,
            key=key,
            options=numbered,
            note=note,
            progress=lambda d, t: report(d, t, "Laying out the production"),
            cancel=cancel,
        )
        _check(cancel)
        report(2, 4, "Storing the production with the request")
        with archive.write() as conn:
            current = store.state(conn, number)
            if current != now:
                now = current  # another production of this request landed: lay out again
                if only_new:
                    plan = None  # and it may hold some of the records this one would
                continue
            overridden = 0 if review_copy else _undecided(conn, now, ids, allow_undecided)
            if overridden:
                made = replace(
                    made,
                    new=replace(
                        made.new, options={**made.new.options, "undecided_overridden": overridden}
                    ),
                )
            applied = store.applied_redactions(conn, now.request_id, ids)
            pid = store.save(archive, conn, now.request_id, made.new, applied)
            if overridden:
                archive.audit(
                    conn,
                    action="production.allow_undecided",
                    object_type="production",
                    object_ids=[pid],
                    details={
                        "production": pid,
                        "request": now.request_id,
                        "undecided": overridden,
                    },
                )
        report(3, 4, "Writing the files")
        paths = _write(out, pid, made.new.files)
        report(4, 4, "Done")
        return _result(pid, now.number, made.new, paths)
    raise ProduceError(
        f"Request {now.number} kept getting other productions while this one was laid out;"
        " try again."
    )


def _undecided(conn: Any, now: store.RequestState, ids: Sequence[int], allowed: bool) -> int:
    """Undecided review candidates on the records about to be released: refused unless
    `allowed`; returns how many were overridden."""
    from retention_desk.review.store import undecided_in

    counts = undecided_in(conn, now.request_id, ids)
    total = sum(counts.values())
    if total and not allowed:
        kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
        raise ProduceError(
            f"Request {now.number} has {total} undecided redaction candidate"
            f"{'s' if total != 1 else ''} ({kinds}) on the records to produce; decide them in"
            f" the review queue ('retention-desk review {now.number} ...') or produce with"
            " --allow-undecided (audited)."
        )
    return total


def reproduce(archive: Archive, production_id: int, out_dir: Path) -> ProductionResult:
    """Re-make stored production `production_id` and write it into `out_dir`, refused unless
    every file comes out byte-identical to the one released."""
    out = _out(out_dir)
    with archive.read() as conn:
        info = store.get_production(conn, production_id)
        key = store.production_key(conn, info.id)
        stored = store.production_records(conn, info.id)
    if key is None:
        raise ProduceError(
            f"Production {info.id} cannot be re-made: its key was deleted when a record of it"
            f" was destroyed; its files as released are kept ('produce --export {info.id}')."
        )
    opts = info.options
    plan = _build_plan(
        archive,
        info.request_number,
        versions=str(opts.get("versions", "latest")),
        review=info.kind == "review",
        include_restricted=tuple(int(i) for i in opts.get("include_restricted", [])),
        key=key,
    )
    by_id = {r.record_id: r for r in plan.records}
    wanted = [r.record_id for r in stored]
    missing = [rid for rid in wanted if rid not in by_id]
    changed = [
        r.record_id
        for r in stored
        if r.record_id in by_id
        and tuple(v.version_id for v in by_id[r.record_id].versions) != r.version_ids
    ]
    if missing or changed:
        what = missing or changed
        raise ProduceError(
            f"Production {info.id} cannot be re-made: record {what[0]} is"
            f" {'no longer in the request' if missing else 'not as it was produced'}"
            f"{f' (and {len(what) - 1} more)' if len(what) > 1 else ''}; its files as released"
            f" are kept ('produce --export {info.id}')."
        )
    if len(plan.records) != len(stored):
        plan = replace(
            plan,
            records=tuple(by_id[rid] for rid in wanted),
            redaction_count=info.redaction_count,
            withheld_count=info.withheld_count,
            restricted_left_out=int(opts.get("restricted_left_out", plan.restricted_left_out)),
        )
    numbers = {r.record_id: (r.first, r.last) for r in stored if r.first is not None}
    made = _make(
        plan,
        file_format=info.file_format,
        prefix=info.bates_prefix or "",
        numbers=numbers if numbers and info.bates_first is None else None,  # type: ignore[arg-type]
        start=info.bates_first or 1,
        ordinal=_ordinal(archive, info),
        produced_on=info.produced_on,
        key=key,
        options={k: v for k, v in opts.items() if k not in ("digits", "control_note")},
        note=str(opts.get("control_note") or "") or None,
    )
    released = {f.role: f for f in info.files}
    for produced, _data in made.new.files:
        before = released.get(produced.role)
        if before is None or (before.name, before.sha256) != (produced.name, produced.sha256):
            raise ProduceError(
                f"Re-making production {info.id} gave a different {produced.role.replace('_', ' ')}"
                f" than the one released; its files as released are kept ('produce --export"
                f" {info.id}')."
            )
    paths = _write(out, info.id, made.new.files)
    return _result(info.id, info.request_number, made.new, paths)


def _ordinal(archive: Archive, info: store.ProductionInfo) -> int:
    with archive.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM productions WHERE request_id = ? AND id <= ?",
                (info.request_id, info.id),
            ).scalar_one()
        )
