"""Reddit "request a copy of your data" export (a flat zip of CSV files).

Checked against real exports published on GitHub (Iceblade02/reddit-u-iceblade02, 2023:
posts, comments, statistics; GroovyJeff/reddit, 2024: comments and comment headers;
lyststen/stenly, 2024: messages, statistics, checkfile and account files) and the column lists
of open-source parsers (EpicenterHQ epicenter, abrignoni/RLEAPP, DoubleGremlin181/potluck):

- posts.csv     id,permalink,date,ip,subreddit,gildings,title,url,body
- comments.csv  id,permalink,date,ip,subreddit,gildings,link,parent,body,media
- messages.csv / messages_archive.csv  id,permalink,thread_id,date,ip,from,to,subject,body
- chat_history.csv  message_id,created_at,updated_at,username,message,
  thread_parent_message_id,channel_url,subreddit,channel_name,conversation_type

Files are recognised by their header row (names are never relied on; files.py), so a
renamed file is still found and a CSV that merely shares a column name is not. Every other
file of the export (`*_headers.csv`, votes, saves, statistics, settings, ...) is claimed as a
file kept only as its original: the import reports it `kept` with the reason. A CSV of the
export's folder no rule knows is claimed the same way, below every other importer, so it is
named rather than stored silently.

The account is `statistics.csv`'s "account name" (else the one name in every message, else
--account); the user's own posts and comments are authored by it.

Record keys are Reddit "fullnames": t3_<id> posts, t1_<id> comments, t4_<id> messages. Real
exports write `parent` as a bare comment id (empty for a top-level comment, whose post is in
`link`); a parent is normalised to its fullname (bare -> t1_), so replies thread whichever way
the export writes it. Permalinks are relative in some exports and absolute in others; the
`ip` column is missing from older exports. Message senders and recipients lose their `/u/`
prefix (the recipient is written with it). `ip` is personal data: it goes to
`sensitive` only (never text, extra or raw_json). '[deleted]' bodies flag the record deleted,
'[removed]' (by moderators) flags it hidden; the text is kept exactly as exported. The export
does not say when that happened, so the flag carries the time of the import that saw it.
Dates look like '2024-05-02 18:11:04 UTC'.

CSV files are read with read_export_csv (importers/csv/export.py: strict, UTF-8, errors with
their line numbers).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers import subscribers
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, clean_record, dumps_raw, time_or_warn
from retention_desk.importers.csv.export import CsvRow, norm_header, read_export_csv
from retention_desk.importers.reddit.files import (
    RECORD_KINDS,
    RECORD_ORDER,
    export_files,
    strip_user_prefix,
)
from retention_desk.importers.tree import SourceTree

# ---------------------------------------------------------------------------------- Reddit
PLATFORM = "reddit"
SITE = "https://www.reddit.com"
KEPT = "kept"  # claim state kind of files kept as originals only
UNKNOWN_CONFIDENCE = 5
DELETED, REMOVED = "[deleted]", "[removed]"
_POST_IN_LINK = re.compile(r"/comments/([0-9a-z]+)", re.I)
_FULLNAME = re.compile(r"t[1-6]_[0-9a-z]+", re.I)


def fullname(parent: str) -> str:
    """A parent as a fullname: real exports write a bare comment id ('kq1aaaa' -> 't1_kq1aaaa');
    a value that already is a fullname is kept."""
    parent = parent.strip()
    if not parent or _FULLNAME.fullmatch(parent):
        return parent.lower()
    return f"t1_{parent.lower()}"


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
        found = export_files(tree)
        records, kept, username = found.records, found.kept, found.username
        if not records:
            return []
        files = [p for k in RECORD_ORDER for p in sorted(records) if records[p] == k]
        files += sorted(kept)
        every_kept = {**kept, **found.unknown}
        state: dict[str, Any] = {
            "kinds": {**records, **{p: KEPT for p in every_kept}},
            "kept": every_kept,
        }
        account = None
        if username:
            state["username"] = username
            account = AccountIn(PLATFORM, account_key=username.lower(), handle=username)
        label = "Reddit export" + (f" of u/{username}" if username else "")
        claims = [
            Claim(
                format=self.name,
                files=files,
                label=label,
                confidence=90,
                account=account,
                state=state,
            )
        ]
        if found.unknown:
            # below every other importer (generic CSV claims at 10-30): a CSV someone put
            # beside the export and another importer reads is that importer's; what no one
            # reads is kept and named here instead of being stored unnamed
            claims.append(
                Claim(
                    format=self.name,
                    files=sorted(found.unknown),
                    label=f"{label}: other files",
                    confidence=UNKNOWN_CONFIDENCE,
                    account=account,
                    state=state,
                )
            )
        return claims

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        count = 0
        dates: list[datetime] = []
        notes: list[str] = []
        kept = [p for p in claim.files if claim.state["kinds"][p] == KEPT]
        if kept:
            notes.append(f"{len(kept)} file(s) kept as originals only (no records in them)")
        for path in claim.files:
            kind = claim.state["kinds"][path]
            if kind == KEPT:
                continue
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
        if kind == KEPT and subscribers.is_reddit_subscriptions(path):
            # the subreddits the account subscribes to: a dated snapshot record
            parsed = subscribers.parse_reddit(tree, path)
            taken = subscribers.export_date(tree, path, None, "")
            subscribers.import_list(ctx, tree, path, PLATFORM, parsed, taken)
            return
        if kind == KEPT:
            ctx.details["reddit_file"] = KEPT
            ctx.keep_only(claim.state["kept"][path])
            return
        username = claim.state.get("username")
        if username is None and ctx.options.account:
            # no messages to tell who the account is: the user said so
            username = strip_user_prefix(ctx.options.account.lstrip("@"))
        needed = tuple(sorted(RECORD_KINDS[kind][0]))
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
            record_key=f"t3_{v['id'].strip().lower()}",
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
        parent = fullname(v.get("parent", ""))
        if not parent:
            # top-level comments may come without `parent`: their post is in `link`
            post = _POST_IN_LINK.search(v.get("link", ""))
            parent = f"t3_{post.group(1).lower()}" if post else ""
        media_url = v.get("media", "").strip()
        rec = RecordIn(
            platform=PLATFORM,
            kind="reply" if parent.startswith("t1_") else "comment",
            record_key=f"t1_{v['id'].strip().lower()}",
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
        sender = strip_user_prefix(v.get("from", "")) or None
        rec = RecordIn(
            platform=PLATFORM,
            kind="message",
            record_key=f"t4_{mid}",
            platform_id=mid,
            conversation_key=f"thread:{thread}" if thread else f"t4_{mid}",
            title=v.get("subject") or None,
            text=v.get("body", ""),
            author_handle=sender,
            author_name=sender,
            created_at=reddit_time(v.get("date", ""), warnings, where),
            created_at_raw=v.get("date") or None,
            url=_absolute(v.get("permalink", "")),
            restricted=True,
            extra={"to": strip_user_prefix(v.get("to", "")), "thread_id": thread},
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


IMPORTER = RedditImporter()
