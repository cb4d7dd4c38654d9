"""Generic CSV: vendor exports (ArchiveSocial/CivicPlus, Pagefreezer) and hand-kept spreadsheets.

No vendor publishes a schema, so columns are mapped to record fields by a mapping
(`csv_mapping`): given (`--mapping`, a preset, the Import window's dialog) or guessed from the
header names. A file whose columns cannot be guessed is refused with its headers listed and
the way to give a mapping. Claims are weak (confidence 30) so format-specific CSV importers
(X's tweets.csv) win the same file.

Reading (encoding, delimiter, quoting, the header row) is in `csv_read`; the mapping plan and
rows to records in `csv_records`; this module detects, previews and imports files.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, upsert_account
from retention_desk.archive.settings import DEFAULT_TIME_ZONE, agency_zone
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError
from retention_desk.importers.csv.mapping import MappingError, validate_mapping
from retention_desk.importers.csv.read import ENCODING_LABELS, full_encoding, peek
from retention_desk.importers.csv.records import URL, FilePlan, RowReader, plan_file, rows_of
from retention_desk.importers.tree import SourceTree

CSV_SUFFIXES = (".csv", ".tsv", ".tab")
TEXT_SUFFIXES = (".txt",)  # claimed only when the columns map: prose .txt files are common
PREVIEW_ROWS = 200_000


class CsvImporter:
    """Generic CSV importer; see the module docstring."""

    name = "csv"
    label = "CSV spreadsheet (generic, column mapping)"
    platform = "csv"

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        if options.mapping is not None:
            try:
                validate_mapping(options.mapping)  # refused before any file is looked at
            except MappingError as exc:
                raise ParseError(f"column mapping: {exc}") from None
        forced = options.format == self.name
        claims = []
        for item in tree.files:
            lower = item.path.casefold()
            is_csv = lower.endswith(CSV_SUFFIXES)
            if not (forced or is_csv or lower.endswith(TEXT_SUFFIXES)):
                continue
            info = peek(tree, item.path)
            if info is None:
                continue
            # Refuse loudly only where the person meant this file: alone, or forced.
            # A CSV inside another platform's export is not ours to complain about.
            meant = forced or (tree.kind == "file" and is_csv)
            plan = plan_file(item.path, info, options, meant=meant)
            if plan.problem is not None:
                if not meant:
                    continue
                confidence = 10
            else:
                confidence = 30
            claims.append(
                Claim(
                    format=self.name,
                    files=[item.path],
                    label=self.label,
                    confidence=confidence,
                    state={"plan": plan},
                )
            )
        return claims

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        path = claim.files[0]
        plan: FilePlan = claim.state["plan"]
        notes = self._plan_notes(plan)
        if plan.problem:
            return Preview(
                self.name, self.label, tree.label, options.account, None, None, None,
                claim.files, [plan.problem, *notes],
            )  # fmt: skip
        reader = RowReader(path, plan, options, ZoneInfo(DEFAULT_TIME_ZONE))
        count, first, last = 0, None, None
        accounts: set[str] = set()
        partial = False
        try:
            encoding = full_encoding(tree, path)
            notes.insert(0, f"Encoding: {ENCODING_LABELS[encoding]}")
            for number, line, row in rows_of(tree, path, plan, encoding):
                rec = reader.record(number, line, row)
                if rec is None:
                    continue
                count += 1
                if rec.created_at is not None:
                    first = min(first or rec.created_at, rec.created_at)
                    last = max(last or rec.created_at, rec.created_at)
                if "account" in rec.extra and len(accounts) < 10:
                    accounts.add(rec.extra["account"])
                if count >= PREVIEW_ROWS:
                    partial = True
                    break
        except ParseError as exc:
            notes.insert(0, f"Cannot be imported: {exc}")
        notes += reader.warnings()[:20]
        if partial:
            notes.append(f"Only the first {PREVIEW_ROWS:,} rows were read for this preview")
        account = options.account or (next(iter(accounts)) if len(accounts) == 1 else None)
        if len(accounts) > 1:
            notes.append("Accounts in the file: " + ", ".join(sorted(accounts)))
        return Preview(
            self.name, self.label, tree.label, account, first, last, count, claim.files, notes
        )

    @staticmethod
    def _plan_notes(plan: FilePlan) -> list[str]:
        info = plan.info
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}[info.delimiter]
        used = set(plan.mapping.values())
        unmapped = [h for h in info.headers if h not in used]
        notes = [
            f"{len(info.headers)} columns, {delimiter}-separated",
            ("Mapping given: " if plan.source == "given" else "Mapping guessed from headers: ")
            + ", ".join(f"{f} = {c!r}" for f, c in plan.mapping.items()),
        ]
        if unmapped:
            notes.append("Kept as extra columns: " + ", ".join(repr(h) for h in unmapped))
        if info.header_index:
            notes.append(f"{info.header_index} line(s) before the header row skipped")
        return notes

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        plan: FilePlan = claim.state["plan"]
        if plan.problem:
            raise ParseError(plan.problem)
        tz, zone_problem = agency_zone(ctx.conn)
        if zone_problem:
            ctx.warn(zone_problem)
        encoding = full_encoding(tree, path)
        if encoding not in ("utf-8", "utf-8-sig"):
            ctx.warn(f"{path}: read as {ENCODING_LABELS[encoding]}")
        ctx.details["csv"] = {
            "encoding": encoding,
            "delimiter": plan.info.delimiter,
            "mapping": plan.mapping,
            "mapping_source": plan.source,
            "preset": ctx.options.mapping_preset,
            "header_row": plan.info.header_index + 1,
            "time_zone": str(tz),
        }
        reader = RowReader(path, plan, ctx.options, tz)
        # rows without an account keep the one the runner chose for the file (if any)
        accounts: dict[tuple[str, str], int | None] = {("", ""): ctx.writer.account_id}
        for number, line, row in rows_of(tree, path, plan, encoding):
            if number % 1000 == 0:
                ctx.check_cancel()
            rec = reader.record(number, line, row)
            if rec is None:
                continue
            self._assign_account(ctx, rec, accounts)
            for item in reader.media_items(row):
                rec.media.append(self._media(ctx, item))
            ctx.writer.add(rec)
        for message in reader.warnings():
            ctx.warn(message)

    @staticmethod
    def _assign_account(
        ctx: FileContext, rec: RecordIn, accounts: dict[tuple[str, str], int | None]
    ) -> None:
        """Records go to the account the person chose, else to the row's account column.

        The writer stamps its current account on records when it flushes, so a change of
        account flushes first (rows of one account are usually together)."""
        handle = (ctx.options.account or rec.extra.get("account") or "").strip().lstrip("@")
        key = (rec.platform, handle) if handle else ("", "")
        account_id = accounts.get(key)
        if key not in accounts:
            account_id = upsert_account(
                ctx.conn, AccountIn(platform=rec.platform, account_key=handle, handle=handle)
            )
            accounts[key] = account_id
        if ctx.writer.account_id != account_id:
            ctx.writer.flush()
            ctx.writer.account_id = account_id

    @staticmethod
    def _media(ctx: FileContext, item: str) -> MediaIn:
        name = item.replace("\\", "/").rsplit("/", 1)[-1]
        if URL.match(item):
            return MediaIn(original_uri=item, filename=name or None)
        parts = [p for p in item.replace("\\", "/").split("/") if p not in ("", ".", "..")]
        # An absolute or Windows path from the vendor's machine: try ever shorter tails of it
        # against the files given (the export's own media folder).
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if ctx.locate(candidate) is not None:
                return ctx.media(candidate, original_uri=item, filename=name)
        return MediaIn(original_uri=item, filename=name or None)


IMPORTER = CsvImporter()
