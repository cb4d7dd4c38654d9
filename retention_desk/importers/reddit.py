"""Reddit "request a copy of your data" export (a flat zip of CSV files).

NOT YET CHECKED AGAINST A REAL EXPORT. The columns follow the published descriptions Reddit's
help pages point to, as confirmed by several independent open-source parsers (EpicenterHQ
epicenter `csv-schemas.ts`, abrignoni/RLEAPP `reddit.py`, DoubleGremlin181/potluck):

- posts.csv     id,permalink,date,ip,subreddit,gildings,title,url,body
- comments.csv  id,permalink,date,ip,subreddit,gildings,link,parent,body,media
- messages.csv / messages_archive.csv  id,permalink,thread_id,date,ip,from,to,subject,body
- chat_history.csv  message_id,created_at,updated_at,username,message,
  thread_parent_message_id,channel_url,subreddit,channel_name,conversation_type

Files are recognised by their header row (names are never relied on), so a renamed file is
still found and a CSV that merely shares a column name is not. `*_headers.csv` files (the same
rows without bodies) are deliberately not imported: they would only add empty versions.

Record keys are Reddit "fullnames": t3_<id> posts, t1_<id> comments, t4_<id> messages, so a
comment's `parent` (t1_/t3_) links threads directly. `ip` is personal data: it goes to
`sensitive` only (never text, extra or raw_json). '[deleted]' bodies flag the record deleted,
'[removed]' (by moderators) flags it hidden; the text is kept exactly as exported. The export
does not say when that happened, so the flag carries the time of the import that saw it.
Dates look like '2024-05-02 18:11:04 UTC'.

CSV files are read with export_csv (strict, UTF-8, errors with their line numbers).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, clean_record, dumps_raw, time_or_warn
from retention_desk.importers.export_csv import CsvRow, csv_header, norm_header, read_export_csv
from retention_desk.importers.tree import SourceTree

# ---------------------------------------------------------------------------------- Reddit
PLATFORM = "reddit"
SITE = "https://www.reddit.com"
_KINDS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (columns that must all be there, columns of which one must be there)
    "posts": ({"id", "permalink", "date", "subreddit", "title", "body"}, {"gildings", "url"}),
    "comments": ({"id", "permalink", "date", "subreddit", "link", "parent", "body"}, set()),
    "messages": ({"id", "permalink", "thread_id", "date", "from", "to", "body"}, set()),
    "chat": ({"message_id", "created_at", "username", "message", "channel_url"}, set()),
}
_ORDER = ("posts", "comments", "messages", "chat")
DELETED, REMOVED = "[deleted]", "[removed]"
_POST_IN_LINK = re.compile(r"/comments/([0-9a-z]+)", re.I)


def classify(header: list[str] | None) -> str | None:
    """Which Reddit file a header row belongs to, or None."""
    if not header:
        return None
    cols = set(header)
    for kind in _ORDER:
        needed, one_of = _KINDS[kind]
        if needed <= cols and (not one_of or one_of & cols):
            return kind
    return None


def reddit_time(value: str, warnings: list[str], where: str) -> datetime | None:
    """'2024-05-02 18:11:04 UTC' (the export's shape) or any shape parse_time knows."""
    text = value.strip()
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    return time_or_warn(text, warnings, where)


def _absolute(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    return SITE + url if url.startswith("/") else url


def _raw(row: CsvRow, sensitive: tuple[str, ...] = ("ip",)) -> str:
    clean = {
        k: ("[sensitive: kept in sensitive_json]" if norm_header(k) in sensitive and v else v)
        for k, v in row.raw.items()
    }
    return dumps_raw(clean)


class RedditImporter:
    name = "reddit"
    label = "Reddit data request export"
    platform = PLATFORM

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        found: dict[str, list[str]] = {k: [] for k in _ORDER}
        for item in tree.files:
            kind = classify(csv_header(tree, item.path))
            if kind:
                found[kind].append(item.path)
        files = [p for k in _ORDER for p in found[k]]
        if not files:
            return []
        state = {"kinds": {p: k for k in _ORDER for p in found[k]}}
        username = _infer_username(tree, found["messages"])
        account = None
        if username:
            state["username"] = username
            account = AccountIn(PLATFORM, account_key=username.lower(), handle=username)
        label = "Reddit export" + (f" of u/{username}" if username else "")
        return [
            Claim(
                format=self.name,
                files=files,
                label=label,
                confidence=90,
                account=account,
                state=state,
            )
        ]

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        count = 0
        dates: list[datetime] = []
        notes: list[str] = []
        for path in claim.files:
            kind = claim.state["kinds"][path]
            date_col = "created_at" if kind == "chat" else "date"
            try:
                for row in read_export_csv(tree, path, required=()):
                    count += 1
                    when = reddit_time(row.values.get(date_col, ""), [], path)
                    if when:
                        dates.append(when)
            except ParseError as exc:
                notes.append(str(exc))
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=claim.state.get("username"),
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=count,
            files=claim.files,
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        kind = claim.state["kinds"][path]
        username = claim.state.get("username")
        if username is None and ctx.options.account:
            # no messages to tell who the account is: the user said so
            username = ctx.options.account.lstrip("@")
        needed = tuple(sorted(_KINDS[kind][0]))
        build = {
            "posts": self._post,
            "comments": self._comment,
            "messages": self._message,
            "chat": self._chat,
        }[kind]
        rows = 0
        for row in read_export_csv(tree, path, required=needed):
            ctx.check_cancel()
            rec = build(row, path, username, ctx.warnings)
            ctx.writer.add(clean_record(rec))
            rows += 1
        ctx.details["reddit_file"] = kind
        ctx.details["rows"] = rows

    # ------------------------------------------------------------------ rows -> records
    @staticmethod
    def _flags(rec: RecordIn, body: str) -> None:
        marker = body.strip()
        if marker in (DELETED, REMOVED):
            observed = datetime.now(UTC)
            if marker == DELETED:
                rec.deleted_at, rec.deleted_at_raw = observed, marker
            else:
                rec.hidden_at = observed
            rec.extra["body_marker"] = marker

    @staticmethod
    def _sensitive(row: CsvRow) -> dict[str, Any]:
        ip = row.values.get("ip", "").strip()
        return {"ip": ip} if ip else {}

    def _post(self, row: CsvRow, path: str, user: str | None, warnings: list[str]) -> RecordIn:
        v = row.values
        where = f"{path} line {row.line}"
        link = v.get("url", "").strip()
        permalink = _absolute(v.get("permalink", ""))
        rec = RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=f"t3_{v['id'].strip()}",
            platform_id=v["id"].strip(),
            title=v.get("title") or None,
            text=v.get("body", ""),
            author_handle=user,
            author_name=user,
            created_at=reddit_time(v.get("date", ""), warnings, where),
            created_at_raw=v.get("date") or None,
            url=permalink,
            extra={
                "subreddit": v.get("subreddit", ""),
                "gildings": v.get("gildings", ""),
                **({"link_url": link} if link and _absolute(link) != permalink else {}),
            },
            sensitive=self._sensitive(row),
            raw_json=_raw(row),
            locator=f"{path}:{row.line}",
        )
        self._flags(rec, rec.text)
        return rec

    def _comment(self, row: CsvRow, path: str, user: str | None, warnings: list[str]) -> RecordIn:
        v = row.values
        where = f"{path} line {row.line}"
        parent = v.get("parent", "").strip()
        if not parent:
            # top-level comments may come without `parent`: their post is in `link`
            post = _POST_IN_LINK.search(v.get("link", ""))
            parent = f"t3_{post.group(1).lower()}" if post else ""
        media_url = v.get("media", "").strip()
        rec = RecordIn(
            platform=PLATFORM,
            kind="reply" if parent.startswith("t1_") else "comment",
            record_key=f"t1_{v['id'].strip()}",
            platform_id=v["id"].strip(),
            parent_key=parent or None,
            text=v.get("body", ""),
            author_handle=user,
            author_name=user,
            created_at=reddit_time(v.get("date", ""), warnings, where),
            created_at_raw=v.get("date") or None,
            url=_absolute(v.get("permalink", "")),
            extra={
                "subreddit": v.get("subreddit", ""),
                "gildings": v.get("gildings", ""),
                "post_url": v.get("link", ""),
            },
            sensitive=self._sensitive(row),
            raw_json=_raw(row),
            locator=f"{path}:{row.line}",
            # the export links to the media, it does not contain it: listed as missing
            media=[MediaIn(original_uri=media_url)] if media_url else [],
        )
        self._flags(rec, rec.text)
        return rec

    def _message(self, row: CsvRow, path: str, user: str | None, warnings: list[str]) -> RecordIn:
        v = row.values
        where = f"{path} line {row.line}"
        mid = v["id"].strip()
        thread = v.get("thread_id", "").strip()
        rec = RecordIn(
            platform=PLATFORM,
            kind="message",
            record_key=f"t4_{mid}",
            platform_id=mid,
            conversation_key=f"thread:{thread}" if thread else f"t4_{mid}",
            title=v.get("subject") or None,
            text=v.get("body", ""),
            author_handle=v.get("from") or None,
            author_name=v.get("from") or None,
            created_at=reddit_time(v.get("date", ""), warnings, where),
            created_at_raw=v.get("date") or None,
            url=_absolute(v.get("permalink", "")),
            restricted=True,
            extra={"to": v.get("to", ""), "thread_id": thread},
            sensitive=self._sensitive(row),
            raw_json=_raw(row),
            locator=f"{path}:{row.line}",
        )
        self._flags(rec, rec.text)
        return rec

    def _chat(self, row: CsvRow, path: str, user: str | None, warnings: list[str]) -> RecordIn:
        v = row.values
        where = f"{path} line {row.line}"
        created = reddit_time(v.get("created_at", ""), warnings, where)
        updated = reddit_time(v.get("updated_at", ""), warnings, where)
        parent = v.get("thread_parent_message_id", "").strip()
        rec = RecordIn(
            platform=PLATFORM,
            kind="message",
            record_key=f"chat:{v['message_id'].strip()}",
            platform_id=v["message_id"].strip(),
            parent_key=f"chat:{parent}" if parent else None,
            conversation_key=f"chat:{v.get('channel_url', '').strip()}",
            text=v.get("message", ""),
            author_handle=v.get("username") or None,
            author_name=v.get("username") or None,
            created_at=created,
            created_at_raw=v.get("created_at") or None,
            edited_at=updated if updated and created and updated > created else None,
            restricted=True,
            extra={
                "subreddit": v.get("subreddit", ""),
                "channel_name": v.get("channel_name", ""),
                "conversation_type": v.get("conversation_type", ""),
            },
            raw_json=_raw(row),
            locator=f"{path}:{row.line}",
        )
        self._flags(rec, rec.text)
        return rec


def _infer_username(tree: SourceTree, message_files: list[str]) -> str | None:
    """The account holder: the one name in every message's from/to (read from the head of
    the message files only, so detection stays cheap)."""
    counts: Counter[str] = Counter()
    rows = 0
    for path in message_files:
        try:
            head = tree.head(path, 64 * 1024)
        except OSError:
            continue
        text = head.decode("utf-8", "ignore").lstrip("\ufeff")
        lines = text.splitlines()[:-1] if len(head) == 64 * 1024 else text.splitlines()
        try:
            parsed = list(csv.reader(lines))
        except csv.Error:
            continue
        if not parsed:
            continue
        keys = [norm_header(h) for h in parsed[0]]
        for row in parsed[1:]:
            values = dict(zip(keys, row, strict=False))
            names = {values.get("from", "").strip(), values.get("to", "").strip()} - {""}
            if names:
                rows += 1
                counts.update(names)
    if not rows:
        return None
    ranked = counts.most_common(2)
    name, seen = ranked[0]
    # one message alone names two people equally often: that says nothing
    if seen != rows or (len(ranked) > 1 and ranked[1][1] == seen):
        return None
    return name


IMPORTER = RedditImporter()
