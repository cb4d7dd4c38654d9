"""The classic Twitter archive ("Grailbird", about 2012-2018, and tools that imitate it).

Layout: `data/js/tweet_index.js` (month index), `data/js/tweets/YYYY_MM.js` (each
`Grailbird.data.tweets_YYYY_MM =` then a JSON array), `data/js/user_details.js` (the account)
and `tweets.csv` (every tweet again, one row each). `payload_details.js` is not trusted (its
tweet total disagrees with the files). All of it is detected by content.

Records are platform 'x' keyed by `id_str` (never the numeric `id`: 2087 of 6966 ids in a real
archive do not survive a float), so month files, tweets.csv and a later X archive of the same
account merge into one record per tweet. The display text is the same in both paths (HTML
entities decoded once, links left as written: the CSV cannot tell which t.co link is which
expanded URL), so a tweet read from a month file and from tweets.csv is one unchanged record.
Dates are parsed per tweet: tools that appended API-style tweets wrote `Tue Jun 13 19:23:55
+0000 2023` and `full_text` into the same files.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive.ingest import AccountIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import (
    ParseError,
    parse_time,
)
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    exact_id,
    iter_js_array,
    load_js_object,
)
from retention_desk.importers.x.grailbird_records import CSV_HEADER, csv_record, json_record

_MONTH = re.compile(rb"^(?:\xef\xbb\xbf)?\s*Grailbird\.data\.tweets_(\d{4})_(\d{1,2})\s*=")
_INDEX = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:var\s+)?tweet_index\s*=")
_USER = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:var\s+)?user_details\s*=")
_PAYLOAD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:var\s+)?payload_details\s*=")
_CANCEL_EVERY = 500


def _parent(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent


def _js_dir(path: str, kind: str) -> str:
    """The folder that plays `data/js/` for a Grailbird file; it groups the files of one
    archive whether the user gave the archive folder, its `data` folder or a zip of either.
    tweets.csv sits two levels above it."""
    parent = _parent(path)
    if kind == "month" and PurePosixPath(parent).name == "tweets":
        return _parent(parent)
    if kind == "csv":
        return _join(parent, "data/js")
    return parent


def _listed_path(js_dir: str, file_name: str) -> str:
    """tweet_index.js names files from the archive root ('data/js/tweets/2015_10.js')."""
    name = file_name.replace("\\/", "/")
    if name.startswith("data/js/"):
        return _join(js_dir, name[len("data/js/") :])
    return _join(js_dir, name)


def _join(root: str, rel: str) -> str:
    return f"{root}/{rel}" if root else rel


def is_grailbird_csv(head: bytes) -> bool:
    """True when the first line is exactly the Grailbird tweets.csv header (any quoting)."""
    first = head.decode("utf-8-sig", "replace").splitlines()[:1]
    if not first:
        return False
    try:
        fields = next(csv.reader(first))
    except csv.Error:
        return False
    return tuple(f.strip() for f in fields) == CSV_HEADER


class GrailbirdImporter:
    name = "x-grailbird"
    label = "Twitter classic archive (Grailbird)"
    platform = PLATFORM

    # ----------------------------------------------------------------------- detect
    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        """One claim per archive root: index, month files (oldest first), then tweets.csv."""
        roots: dict[str, dict[str, Any]] = {}
        for entry in tree.files:
            lower = entry.path.lower()
            if entry.size == 0 or not lower.endswith((".js", ".csv")):
                continue
            head = tree.head(entry.path, 4096)
            month = _MONTH.match(head)
            if lower.endswith(".csv"):
                kind = "csv" if is_grailbird_csv(head) else None
            elif month:
                kind = "month"
            elif _INDEX.match(head):
                kind = "index"
            elif _USER.match(head):
                kind = "user"
            elif _PAYLOAD.match(head):
                kind = "payload"
            else:
                kind = None
            if kind is None:
                continue
            root = roots.setdefault(
                _js_dir(entry.path, kind),
                {"index": None, "user": None, "payload": None, "months": {}, "csv": []},
            )
            if kind == "csv":
                root["csv"].append(entry.path)
            elif month:
                root["months"][entry.path] = (int(month.group(1)), int(month.group(2)))
            else:
                root[kind] = entry.path
        claims = []
        for root, found in sorted(roots.items()):
            if not (found["months"] or found["csv"] or found["index"]):
                continue
            claims.append(self._claim(tree, root, found))
        return claims

    def _claim(self, tree: SourceTree, root: str, found: dict[str, Any]) -> Claim:
        state: dict[str, Any] = {"root": root, "index_counts": {}, "listed": [], "notes": []}
        state["kinds"] = {p: "month" for p in found["months"]}
        state["kinds"].update({p: "csv" for p in found["csv"]})
        if found["index"]:
            state["kinds"][found["index"]] = "index"
            state["payload"] = found["payload"]
            try:
                index = load_js_object(tree.read_bytes(found["index"]), name=found["index"])
            except ParseError as exc:
                index = []
                state["notes"].append(str(exc))
            for entry in index if isinstance(index, list) else []:
                if not isinstance(entry, dict) or not isinstance(entry.get("file_name"), str):
                    continue
                path = _listed_path(root, entry["file_name"])
                count = entry.get("tweet_count")
                state["listed"].append((path, count if isinstance(count, int) else None))
                if isinstance(count, int) and path in found["months"]:
                    state["index_counts"][path] = count
        account = self._account(tree, found["user"])
        months = sorted(found["months"], key=lambda p: (found["months"][p], p))
        files = ([found["index"]] if found["index"] else []) + months + sorted(found["csv"])
        label = f"Twitter classic archive (@{account.handle})" if account else self.label
        return Claim(
            format=self.name,
            files=files,
            label=label,
            confidence=90,  # above generic CSV (<= 30): tweets.csv is ours
            account=account,
            state=state,
        )

    @staticmethod
    def _account(tree: SourceTree, path: str | None) -> AccountIn | None:
        if path is None:
            return None
        try:
            user = load_js_object(tree.read_bytes(path), name=path)
        except ParseError:
            return None
        if not isinstance(user, dict):
            return None
        account_id = exact_id(user.get("id_str")) or exact_id(user.get("id"))
        handle = as_text(user.get("screen_name")) or None
        if account_id is None and handle is None:
            return None
        return AccountIn(
            platform=PLATFORM,
            account_key=account_id or handle or "",
            platform_account_id=account_id,
            handle=handle,
            display_name=as_text(user.get("full_name") or user.get("name")) or None,
        )

    # ---------------------------------------------------------------------- preview
    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        """Counts and date span from tweet_index.js; tweets.csv rows are counted."""
        state = claim.state
        months = [p for p in claim.files if state["kinds"][p] == "month"]
        csv_files = [p for p in claim.files if state["kinds"][p] == "csv"]
        approx = sum(state["index_counts"].get(p, 0) for p in months)
        dates: list[datetime] = []
        for path in months:
            match = re.search(r"(\d{4})_(\d{1,2})\.js$", path)
            if match:
                dates.append(
                    datetime.fromisoformat(
                        f"{match.group(1)}-{int(match.group(2)):02d}-01T00:00:00+00:00"
                    )
                )
        rows = 0
        for path in csv_files:
            with io.TextIOWrapper(
                tree.open(path), encoding="utf-8-sig", errors="replace", newline=""
            ) as fh:
                reader = csv.reader(fh)
                next(reader, None)
                for row in reader:
                    rows += 1
                    if len(row) > 3 and row[3]:
                        try:
                            when = parse_time(row[3])
                        except ParseError:
                            continue
                        if when is not None:
                            dates.append(when)
        missing = [p for p, _ in state["listed"] if not tree.exists(p)]
        notes = list(state["notes"])
        if missing:
            notes.append(
                f"{len(missing)} of {len(state['listed'])} month files listed in"
                " tweet_index.js are not in this export"
            )
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=f"@{claim.account.handle}" if claim.account and claim.account.handle else None,
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=max(approx, rows),
            files=list(claim.files),
            notes=notes,
        )

    # ----------------------------------------------------------------------- import
    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        """tweet_index.js: checks only (warnings); month files and tweets.csv: records."""
        kind = claim.state["kinds"][path]
        if kind == "index":
            self._import_index(ctx, tree, claim, path)
        elif kind == "month":
            count = 0
            handle = claim.account.handle if claim.account else None
            skipped: list[str] = []
            for index, item in iter_js_array(tree.read_bytes(path), name=path, skipped=skipped):
                count += 1
                if count % _CANCEL_EVERY == 0:
                    ctx.check_cancel()
                ctx.writer.add(json_record(item, f"{path}[{index}]", handle, ctx.warnings))
            ctx.warnings += skipped
            count += len(skipped)
            expected = claim.state["index_counts"].get(path)
            if expected is not None and expected != count:
                ctx.warn(
                    f"{path}: tweet_index.js says {expected} tweets, the file holds {count};"
                    " all were imported"
                )
            ctx.details["items"] = count
        else:
            ctx.details["rows"] = self._import_csv(ctx, tree, claim, path)

    def _import_index(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        listed = claim.state["listed"]
        missing = [(p, n) for p, n in listed if not tree.exists(p)]
        for month, count in missing:
            ctx.warn(
                f"{month} ({count if count is not None else '?'} tweets) is listed in"
                " tweet_index.js but is not in this export"
            )
        total = sum(n for _, n in listed if isinstance(n, int))
        ctx.details.update({"months_listed": len(listed), "months_missing": len(missing)})
        ctx.details["tweets_listed"] = total
        payload = claim.state.get("payload")
        if payload:
            try:
                declared = load_js_object(tree.read_bytes(payload), name=payload)
            except ParseError:
                declared = None
            if isinstance(declared, dict) and declared.get("tweets") not in (None, total):
                ctx.warn(
                    f"{payload} says {declared.get('tweets')} tweets but tweet_index.js lists"
                    f" {total}; payload_details.js is not used"
                )

    def _import_csv(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> int:
        encoding = _csv_encoding(tree, path)
        if encoding != "utf-8-sig":
            ctx.warn(f"{path}: not UTF-8; read as Windows-1252 (check accented characters)")
        handle = claim.account.handle if claim.account else None
        rows = 0
        with io.TextIOWrapper(tree.open(path), encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader, None)
                if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
                    raise ParseError(f"{path}: not a Twitter tweets.csv (unexpected header)")
                for row in reader:
                    rows += 1
                    if rows % _CANCEL_EVERY == 0:
                        ctx.check_cancel()
                    locator = f"{path}:row {rows}"
                    ctx.writer.add(csv_record(row, locator, handle, ctx.warnings))
            except csv.Error as exc:
                raise ParseError(
                    f"{path}: CSV is broken near line {reader.line_num}: {exc}"
                ) from None
        return rows


def _csv_encoding(tree: SourceTree, path: str) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with tree.open(path) as fh:
        try:
            while block := fh.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


IMPORTER = GrailbirdImporter()
