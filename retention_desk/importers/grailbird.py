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

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import (
    ParseError,
    clean_record,
    dumps_raw,
    parse_time,
    time_or_warn,
)
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.x_common import (
    PLATFORM,
    as_text,
    clean_deep,
    content_key,
    display_text,
    exact_id,
    has_surrogate,
    iter_js_array,
    load_js_object,
    source_app,
    tweet_id,
)

CSV_HEADER = (
    "tweet_id",
    "in_reply_to_status_id",
    "in_reply_to_user_id",
    "timestamp",
    "source",
    "text",
    "retweeted_status_id",
    "retweeted_status_user_id",
    "retweeted_status_timestamp",
    "expanded_urls",
)
_MONTH = re.compile(rb"^(?:\xef\xbb\xbf)?\s*Grailbird\.data\.tweets_(\d{4})_(\d{1,2})\s*=")
_INDEX = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:var\s+)?tweet_index\s*=")
_USER = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:var\s+)?user_details\s*=")
_PAYLOAD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:var\s+)?payload_details\s*=")
_EXCEL_NUMBER = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.I)
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
            for index, item in iter_js_array(tree.read_bytes(path), name=path):
                count += 1
                if count % _CANCEL_EVERY == 0:
                    ctx.check_cancel()
                ctx.writer.add(json_record(item, f"{path}[{index}]", handle, ctx.warnings))
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


# ----------------------------------------------------------------------------- records
def _base_record(
    key: str,
    raw_text: str,
    *,
    parent: str | None,
    repost: bool,
    created_raw: Any,
    handle: str | None,
    locator: str,
    warnings: list[str],
) -> RecordIn:
    """The fields both paths (month file, CSV row) must agree on, built the same way."""
    usable = not key.startswith("sha256:")
    return RecordIn(
        platform=PLATFORM,
        kind="reply" if parent else "post",
        record_key=key,
        text=display_text(raw_text, ()),
        text_raw=raw_text,
        platform_id=key if usable else None,
        parent_key=parent,
        created_at=time_or_warn(created_raw, warnings, locator),
        created_at_raw=as_text(created_raw) if created_raw not in (None, "") else None,
        url=f"https://x.com/{handle or 'i'}/status/{key}" if usable else None,
        is_repost=repost or raw_text.startswith("RT @"),
        locator=locator,
    )


def json_record(item: Any, locator: str, handle: str | None, warnings: list[str]) -> RecordIn:
    """One tweet of a month file (Grailbird or API style) as a RecordIn."""
    raw = dumps_raw(item)
    if has_surrogate(raw):
        item = clean_deep(item)
    if not isinstance(item, dict):
        raise ParseError(f"{locator}: not a tweet object")
    key = tweet_id(item, warnings, locator) or content_key(raw)
    raw_text = as_text(item.get("full_text") if "full_text" in item else item.get("text"))
    parent = exact_id(item.get("in_reply_to_status_id_str")) or exact_id(
        item.get("in_reply_to_status_id")
    )
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    author = as_text(user.get("screen_name")) or handle
    retweeted = item.get("retweeted_status")
    rec = _base_record(
        key,
        raw_text,
        parent=parent,
        repost=isinstance(retweeted, dict),
        created_raw=item.get("created_at"),
        handle=author,
        locator=locator,
        warnings=warnings,
    )
    entities = item.get("entities") if isinstance(item.get("entities"), dict) else {}
    links = [u for u in (entities.get("urls") or []) if isinstance(u, dict)]
    media = [m for m in (entities.get("media") or []) if isinstance(m, dict)]
    extended = item.get("extended_entities")
    if isinstance(extended, dict) and isinstance(extended.get("media"), list):
        media = [m for m in extended["media"] if isinstance(m, dict)]
    app, app_url = source_app(item.get("source"))
    extra: dict[str, Any] = {
        "source": app,
        "source_url": app_url,
        "hashtags": [
            as_text(h.get("text")) for h in entities.get("hashtags") or [] if isinstance(h, dict)
        ],
        "mentions": [
            as_text(m.get("screen_name"))
            for m in entities.get("user_mentions") or []
            if isinstance(m, dict)
        ],
        "urls": [as_text(u.get("expanded_url")) for u in links + media if u.get("expanded_url")],
        "in_reply_to_screen_name": item.get("in_reply_to_screen_name"),
        "in_reply_to_user_id": exact_id(item.get("in_reply_to_user_id_str"))
        or exact_id(item.get("in_reply_to_user_id")),
        "lang": item.get("lang"),
    }
    if isinstance(retweeted, dict):
        extra["retweeted_status"] = retweeted
        original = retweeted.get("user") if isinstance(retweeted.get("user"), dict) else {}
        if original.get("screen_name"):
            extra["repost_of"] = f"@{as_text(original['screen_name'])}"
    rec.extra = {k: v for k, v in extra.items() if v not in (None, [], "")}
    rec.lang = as_text(item.get("lang"))[:20] or None
    rec.author_handle = author
    rec.author_name = as_text(user.get("name")) or None
    rec.author_platform_id = exact_id(user.get("id_str")) or exact_id(user.get("id"))
    location = {k: item[k] for k in ("geo", "coordinates", "place") if item.get(k)}
    if location:
        rec.sensitive = {"location": location}  # GPS points: kept, not shown by default
    rec.raw_json = raw
    # The classic archive never held media files: list each one as missing, with its URL.
    rec.media = [
        MediaIn(
            original_uri=as_text(m.get("media_url_https") or m.get("media_url")),
            media_type=as_text(m.get("type")) or None,
            metadata={"expanded_url": m.get("expanded_url"), "media_id": m.get("id_str")},
        )
        for m in media
        if m.get("media_url_https") or m.get("media_url")
    ]
    return clean_record(rec)


def csv_record(row: list[str], locator: str, handle: str | None, warnings: list[str]) -> RecordIn:
    """One tweets.csv row as a RecordIn that matches the month-file record of the same tweet."""
    if len(row) != len(CSV_HEADER):
        warnings.append(
            f"{locator}: {len(row)} fields instead of {len(CSV_HEADER)}; read what is there"
        )
        row = (row + [""] * len(CSV_HEADER))[: len(CSV_HEADER)]
    values = dict(zip(CSV_HEADER, row, strict=True))
    raw = dumps_raw(values)
    if has_surrogate(raw):
        values = clean_deep(values)
    key = exact_id(values["tweet_id"])
    if key is None:
        shown = values["tweet_id"][:30]
        reason = (
            "was turned into a rounded number by a spreadsheet and cannot be recovered"
            if _EXCEL_NUMBER.match(shown.strip())
            else "is not a valid id"
        )
        warnings.append(f"{locator}: tweet_id {shown!r} {reason}; kept under a content key")
        key = content_key(raw)
    parent = exact_id(values["in_reply_to_status_id"])
    rec = _base_record(
        key,
        values["text"],
        parent=parent,
        repost=bool(values["retweeted_status_id"]),
        created_raw=values["timestamp"],
        handle=handle,
        locator=locator,
        warnings=warnings,
    )
    app, app_url = source_app(values["source"])
    extra = {
        "source": app,
        "source_url": app_url,
        "urls": [u for u in values["expanded_urls"].split(",") if u] or None,
        "in_reply_to_user_id": exact_id(values["in_reply_to_user_id"]),
        "retweeted_status_id": exact_id(values["retweeted_status_id"]),
        "retweeted_status_user_id": exact_id(values["retweeted_status_user_id"]),
        "retweeted_status_timestamp": values["retweeted_status_timestamp"] or None,
    }
    rec.extra = {k: v for k, v in extra.items() if v not in (None, [], "")}
    rec.author_handle = handle
    rec.raw_json = raw
    return clean_record(rec)


IMPORTER = GrailbirdImporter()
