"""YouTube from Google Takeout ("YouTube and YouTube Music").

NOT YET CHECKED AGAINST A REAL EXPORT (none is available to the team). The layout and columns
follow design/import-formats.md section 5 and the public parsers it cites: purarue (formerly
seanbreckenridge) google_takeout_parser `parse_csv.py` and its tests (7-column comments before
June 2024, columns re-ordered after; `Comment Text` as `{"takeoutSegments":[...]}` or as
comma-separated `{"text":...}` fragments), and several Takeout readers' fixtures for the
9-column shape (`Post ID`, `Top-Level Comment ID`) and for `channel.csv`/`videos.csv`.

The Takeout folder name is localised and headers change case between exports, so files are
recognised by their header row and columns are mapped by name, case- and space-insensitively:

- channel.csv         Channel ID, Channel Title (Original), Channel Visibility[, description...]
- videos.csv          Video ID, Video Title (Original), Video Description (Original), Privacy,
                      Video State, Video Create/Publish Timestamp, Tag 1..10, ...
- video recordings.csv  recording place/latitude/longitude per video: sensitive, merged into
                      the video's `sensitive`
- comments.csv        Comment ID, Channel ID, Comment Create Timestamp, Price,
                      [Parent Comment ID,] [Post ID,] Video ID, Comment Text[, Top-Level Comment ID]
- live chats.csv      Live Chat ID, Channel ID, Live Chat Create Timestamp, Price, Video ID,
                      Live Chat Text
- uploads.json        older Takeouts: the uploads playlist as YouTube Data API playlistItems
                      (`snippet.title/description/publishedAt`, `contentDetails.videoId`); the
                      same shape is used for likes/favourites, so only `uploads` is read

- my-comments.html, my-live-chat-messages.html   older Takeouts (before the CSVs): one `<li>`
                      per message; read by youtube_html (recognised by content, any language)

Watch/search history (JSON or HTML only) is the user's activity, not published content: it is
kept as an original, not imported.

Record keys (platform 'youtube') are YouTube's own ids, unprefixed: channel id (UC...) for the
channel page, video id for videos, comment id for comments and replies, live chat id for chat
lines. Top-level comments have the video (or community post) as parent; replies their parent
comment. The comments in a Takeout are the ones the account wrote, so their author is the
account's channel. Comment text is the segments joined; the raw JSON is kept as `text_raw`.
Video files in `videos/` are named after the title, so a video is linked to the one file
whose name is its id or its title; ambiguous titles are reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import (
    ParseError,
    clean_record,
    dumps_raw,
    loads,
    time_or_warn,
)
from retention_desk.importers.csv.export import csv_header, read_export_csv
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.youtube.html import looks_like_message_list, parse_messages
from retention_desk.importers.youtube.takeout import (
    Row,
    classify,
    compact_header,
    is_uploads_json,
    norm_title,
    parse_comment_text,
)

PLATFORM = "youtube"
WATCH = "https://www.youtube.com/watch?v="
VIDEO_SUFFIXES = frozenset(
    [".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".flv", ".3gp", ".wmv", ".mpg", ".mpeg"]
)


class YouTubeImporter:
    name = "youtube-takeout"
    label = "YouTube (Google Takeout)"
    platform = PLATFORM

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        kinds: dict[str, str] = {}
        recordings: list[str] = []
        video_files: list[str] = []
        for item in tree.files:
            suffix = PurePosixPath(item.path).suffix.lower()
            if suffix in VIDEO_SUFFIXES:
                video_files.append(item.path)
                continue
            if suffix == ".json":
                if is_uploads_json(tree, item.path):
                    kinds[item.path] = "uploads_json"
                continue
            if suffix in (".html", ".htm"):
                try:
                    head = tree.head(item.path, 16384)
                except OSError:
                    continue
                if looks_like_message_list(head):
                    # comments and chats share one layout; only the file name tells them apart
                    chat = "chat" in PurePosixPath(item.path).name.lower()
                    kinds[item.path] = "html_live_chats" if chat else "html_comments"
                continue
            kind = classify(csv_header(tree, item.path))
            if kind == "recordings":
                recordings.append(item.path)
            elif kind:
                kinds[item.path] = kind
        if not kinds:
            return []
        order = (
            "channel",
            "videos",
            "uploads_json",
            "comments",
            "html_comments",
            "live_chats",
            "html_live_chats",
        )
        files = sorted(kinds, key=lambda p: (order.index(kinds[p]), p))
        channels = self._channels(tree, [p for p in files if kinds[p] == "channel"])
        account = None
        if channels:
            cid, title = next(iter(channels.items()))
            account = AccountIn(
                PLATFORM, account_key=cid, platform_account_id=cid, display_name=title or None
            )
        state = {
            "kinds": kinds,
            "channels": channels,
            "recordings": recordings,
            "video_files": video_files,
        }
        title = next(iter(channels.values()), "") if channels else ""
        return [
            Claim(
                format=self.name,
                files=files,
                label="YouTube Takeout" + (f" of {title}" if title else ""),
                confidence=90,
                account=account,
                state=state,
            )
        ]

    @staticmethod
    def _channels(tree: SourceTree, paths: list[str]) -> dict[str, str]:
        """Channel id -> title from channel.csv, read during detection (a few lines)."""
        channels: dict[str, str] = {}
        for path in paths:
            try:
                for row in read_export_csv(tree, path, required=("channel id",)):
                    r = Row(row)
                    if r.get("channel id"):
                        channels[r.get("channel id")] = r.get(
                            "channel title (original)", "channel title"
                        )
            except (ParseError, OSError):
                continue
        return channels

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        counts: dict[str, int] = {}
        dates: list[datetime] = []
        notes: list[str] = []
        for path in claim.files:
            kind = claim.state["kinds"][path]
            try:
                for rec in self._records(tree, claim, path, kind, [], None):
                    counts[kind] = counts.get(kind, 0) + 1
                    if rec.created_at:
                        dates.append(rec.created_at)
            except ParseError as exc:
                notes.append(str(exc))
        notes += [f"{n} {k.replace('_', ' ')}" for k, n in counts.items()]
        channels = claim.state.get("channels") or {}
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=next(iter(channels.values()), None),
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=sum(counts.values()),
            files=claim.files,
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        kind = claim.state["kinds"][path]
        added = 0
        for rec in self._records(tree, claim, path, kind, ctx.warnings, ctx):
            ctx.check_cancel()
            ctx.writer.add(clean_record(rec))
            added += 1
        ctx.details["youtube_file"] = kind
        ctx.details["rows"] = added

    # ------------------------------------------------------------------ file -> records
    def _records(
        self,
        tree: SourceTree,
        claim: Claim,
        path: str,
        kind: str,
        warnings: list[str],
        ctx: FileContext | None,
    ) -> Iterator[RecordIn]:
        if kind == "uploads_json":
            yield from self._uploads(tree, claim, path, warnings, ctx)
            return
        if kind in ("html_comments", "html_live_chats"):
            yield from self._html_messages(tree, claim, path, kind, warnings)
            return
        required = {
            "channel": ("channel id",),
            "videos": ("video id",),
            "comments": ("comment id",),
            "live_chats": ("live chat id",),
        }[kind]
        build = {
            "channel": self._channel,
            "videos": self._video,
            "comments": self._comment,
            "live_chats": self._live_chat,
        }[kind]
        extra_state: dict[str, Any] = {}
        if kind == "videos":
            extra_state["places"] = self._places(tree, claim, warnings)
            extra_state["files"] = self._video_index(claim, ctx)
            extra_state["title_counts"] = self._title_counts(tree, path)
        for row in read_export_csv(tree, path, required=required):
            rec = build(Row(row), path, claim, warnings)
            if rec is None:
                continue
            if kind == "videos":
                self._video_extras(rec, extra_state, warnings, ctx)
            yield rec

    @staticmethod
    def _author(claim: Claim, channel_id: str) -> str | None:
        return (claim.state.get("channels") or {}).get(channel_id) or None

    def _channel(self, r: Row, path: str, claim: Claim, warnings: list[str]) -> RecordIn | None:
        cid = r.get("channel id")
        if not cid:
            warnings.append(f"{path} line {r.row.line}: no Channel ID; row skipped")
            return None
        title = r.get("channel title (original)", "channel title")
        return RecordIn(
            platform=PLATFORM,
            kind="page",
            record_key=cid,
            platform_id=cid,
            title=title or None,
            text=r.get("channel description (original)", "channel description"),
            author_name=title or None,
            author_platform_id=cid,
            url=f"https://www.youtube.com/channel/{cid}",
            extra={
                "visibility": r.get("channel visibility"),
                "country": r.get("channel country"),
            },
            raw_json=dumps_raw(r.row.raw),
            locator=f"{path}:{r.row.line}",
        )

    def _video(self, r: Row, path: str, claim: Claim, warnings: list[str]) -> RecordIn | None:
        vid = r.get("video id")
        if not vid:
            warnings.append(f"{path} line {r.row.line}: no Video ID; row skipped")
            return None
        where = f"{path} line {r.row.line}"
        created_raw = r.get("video create timestamp")
        published_raw = r.get("video publish timestamp")
        when_raw = published_raw or created_raw
        channel = r.get("channel id")
        privacy = r.get("privacy")
        return RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=vid,
            platform_id=vid,
            title=r.get("video title (original)", "video title") or None,
            text=r.get("video description (original)", "video description"),
            author_name=self._author(claim, channel),
            author_platform_id=channel or None,
            created_at=time_or_warn(when_raw, warnings, where),
            created_at_raw=when_raw or None,
            url=WATCH + vid,
            restricted=privacy.lower() == "private",
            extra={
                "privacy": privacy,
                "state": r.get("video state"),
                "created": created_raw,
                "published": published_raw,
                "duration_ms": r.get("approx duration (ms)"),
                "category": r.get("video category"),
                "audio_language": r.get("video audio language"),
                "tags": r.prefixed("tag "),
            },
            raw_json=dumps_raw(r.row.raw),
            locator=f"{path}:{r.row.line}",
        )

    def _comment(self, r: Row, path: str, claim: Claim, warnings: list[str]) -> RecordIn | None:
        cid = r.get("comment id")
        if not cid:
            warnings.append(f"{path} line {r.row.line}: no Comment ID; row skipped")
            return None
        where = f"{path} line {r.row.line}"
        raw_text = r.row.values.get("comment text", "")
        text, segments = parse_comment_text(raw_text)
        video, post = r.get("video id"), r.get("post id")
        parent_comment = r.get("parent comment id")
        channel = r.get("channel id")
        when_raw = r.get("comment create timestamp")
        if video:
            url = f"{WATCH}{video}&lc={cid}"
        elif post:
            url = f"https://www.youtube.com/post/{post}?lc={cid}"
        else:
            url = None
        return RecordIn(
            platform=PLATFORM,
            kind="reply" if parent_comment else "comment",
            record_key=cid,
            platform_id=cid,
            parent_key=parent_comment or video or post or None,
            text=text,
            text_raw=raw_text if segments is not None else None,
            author_name=self._author(claim, channel),
            author_platform_id=channel or None,
            created_at=time_or_warn(when_raw, warnings, where),
            created_at_raw=when_raw or None,
            url=url,
            extra={
                "video_id": video,
                "post_id": post,
                "top_level_comment_id": r.get("top-level comment id"),
                "price": r.get("price"),
            },
            raw_json=dumps_raw(r.row.raw),
            locator=f"{path}:{r.row.line}",
        )

    def _live_chat(self, r: Row, path: str, claim: Claim, warnings: list[str]) -> RecordIn | None:
        lid = r.get("live chat id")
        if not lid:
            warnings.append(f"{path} line {r.row.line}: no Live Chat ID; row skipped")
            return None
        where = f"{path} line {r.row.line}"
        raw_text = r.row.values.get("live chat text", "")
        text, segments = parse_comment_text(raw_text)
        video = r.get("video id")
        channel = r.get("channel id")
        when_raw = r.get("live chat create timestamp")
        return RecordIn(
            platform=PLATFORM,
            kind="comment",
            record_key=lid,
            platform_id=lid,
            parent_key=video or None,
            text=text,
            text_raw=raw_text if segments is not None else None,
            author_name=self._author(claim, channel),
            author_platform_id=channel or None,
            created_at=time_or_warn(when_raw, warnings, where),
            created_at_raw=when_raw or None,
            url=WATCH + video if video else None,
            extra={"live_chat": True, "video_id": video, "price": r.get("price")},
            raw_json=dumps_raw(r.row.raw),
            locator=f"{path}:{r.row.line}",
        )

    def _uploads(
        self,
        tree: SourceTree,
        claim: Claim,
        path: str,
        warnings: list[str],
        ctx: FileContext | None,
    ) -> Iterator[RecordIn]:
        data = loads(tree.read_bytes(path), name=path)
        if not isinstance(data, list):
            raise ParseError(f"{path}: expected a list of playlist items")
        titles: dict[str, int] = {}
        for item in data:
            snippet = item.get("snippet") if isinstance(item, dict) else None
            if isinstance(snippet, dict):
                title = norm_title(str(snippet.get("title") or ""))
                titles[title] = titles.get(title, 0) + 1
        state = {"places": {}, "files": self._video_index(claim, ctx), "title_counts": titles}
        for index, item in enumerate(data):
            where = f"{path}[{index}]"
            snippet = item.get("snippet") if isinstance(item, dict) else None
            details = item.get("contentDetails") if isinstance(item, dict) else None
            if not isinstance(snippet, dict):
                warnings.append(f"{where}: not a playlist item; skipped")
                continue
            resource = (
                snippet.get("resourceId") if isinstance(snippet.get("resourceId"), dict) else {}
            )
            vid = str((details or {}).get("videoId") or resource.get("videoId") or "")
            if not vid:
                warnings.append(f"{where}: playlist item without a video id; skipped")
                continue
            when_raw = (details or {}).get("videoPublishedAt") or snippet.get("publishedAt")
            status = item.get("status") if isinstance(item.get("status"), dict) else {}
            privacy = str(status.get("privacyStatus") or "")
            rec = RecordIn(
                platform=PLATFORM,
                kind="post",
                record_key=vid,
                platform_id=vid,
                title=str(snippet.get("title") or "") or None,
                text=str(snippet.get("description") or ""),
                author_name=self._author(claim, str(snippet.get("channelId") or "")),
                author_platform_id=str(snippet.get("channelId") or "") or None,
                created_at=time_or_warn(when_raw, warnings, where),
                created_at_raw=str(when_raw) if when_raw else None,
                url=WATCH + vid,
                restricted=privacy.lower() == "private",
                extra={"privacy": privacy, "source": "uploads playlist (older Takeout)"},
                raw_json=dumps_raw(item),
                locator=where,
            )
            self._video_extras(rec, state, warnings, ctx)
            yield rec

    def _html_messages(
        self, tree: SourceTree, claim: Claim, path: str, kind: str, warnings: list[str]
    ) -> Iterator[RecordIn]:
        """Older Takeouts' HTML comment/chat lists. Keys are the same as the CSV's where the
        item links its comment (`lc=`), so a later CSV export lands on the same records."""
        chat = kind == "html_live_chats"
        channels = claim.state.get("channels") or {}
        channel_id, channel_title = next(iter(channels.items()), ("", ""))
        for msg in parse_messages(tree.read_bytes(path)):
            where = f"{path} item {msg.index + 1}"
            if not msg.video_id and not msg.comment_id:
                warnings.append(f"{where}: no video link; skipped")
                continue
            if msg.when is None:
                warnings.append(f"{where}: no readable time; kept undated")
            stamp = msg.when.strftime("%Y%m%dT%H%M%S") if msg.when else f"item{msg.index + 1}"
            prefix = "html-live-chat" if chat else "html-comment"
            key = msg.comment_id or f"{prefix}:{msg.video_id}:{stamp}"
            if msg.parent_id:
                rec_kind, parent = "reply", msg.parent_id
            else:
                rec_kind, parent = "comment", msg.video_id
            url = None
            if msg.video_id:
                url = WATCH + msg.video_id + (f"&lc={msg.comment_id}" if msg.comment_id else "")
            yield RecordIn(
                platform=PLATFORM,
                kind=rec_kind,
                record_key=key,
                platform_id=msg.comment_id or None,
                parent_key=parent or None,
                text=msg.text,
                text_raw=msg.html,
                author_name=channel_title or None,
                author_platform_id=channel_id or None,
                created_at=msg.when,
                created_at_raw=msg.when_raw or None,
                url=url,
                extra={
                    k: v
                    for k, v in {
                        "live_chat": chat,
                        "video_id": msg.video_id,
                        "video_link_text": msg.video_title,
                        "source": "Takeout HTML (before the CSV files)",
                    }.items()
                    if v
                },
                raw_json=dumps_raw({"html": msg.html, "links": msg.urls}),
                locator=where,
            )

    # ------------------------------------------------------------------ video extras
    @staticmethod
    def _title_counts(tree: SourceTree, path: str) -> dict[str, int]:
        """How many videos share each title (files are named by title: shared ones are
        ambiguous). Problems surface in the main pass, which reads the same file."""
        counts: dict[str, int] = {}
        try:
            for row in read_export_csv(tree, path, required=("video id",)):
                title = norm_title(Row(row).get("video title (original)", "video title"))
                if title:
                    counts[title] = counts.get(title, 0) + 1
        except ParseError:
            pass
        return counts

    def _places(self, tree: SourceTree, claim: Claim, warnings: list[str]) -> dict[str, Any]:
        """Video id -> recording location columns (GPS): personal data, kept in `sensitive`."""
        places: dict[str, Any] = {}
        for path in claim.state.get("recordings", []):
            try:
                for row in read_export_csv(tree, path, required=("video id",)):
                    r = Row(row)
                    values = {
                        k: v for k, v in row.raw.items() if v and compact_header(k) != "videoid"
                    }
                    if r.get("video id") and values:
                        places[r.get("video id")] = values
            except ParseError as exc:
                warnings.append(f"recording locations not read: {exc}")
        return places

    @staticmethod
    def _video_index(claim: Claim, ctx: FileContext | None) -> dict[str, dict[str, list[str]]]:
        """Video files by exact name (an id is case-sensitive) and by normalised title, in
        every input of the import: big Takeouts split the videos into other zip files."""
        paths = list(claim.state.get("video_files", []))
        if ctx is not None:
            paths += [
                f.path
                for tree in ctx.other_trees
                for f in tree.files
                if PurePosixPath(f.path).suffix.lower() in VIDEO_SUFFIXES
            ]
        exact: dict[str, list[str]] = {}
        titled: dict[str, list[str]] = {}
        for path in paths:
            stem = PurePosixPath(path).stem
            exact.setdefault(stem, []).append(path)
            titled.setdefault(norm_title(stem), []).append(path)
        return {"exact": exact, "title": titled}

    def _video_extras(
        self,
        rec: RecordIn,
        state: dict[str, Any],
        warnings: list[str],
        ctx: FileContext | None,
    ) -> None:
        place = state["places"].get(rec.record_key)
        if place:
            rec.sensitive["recording_location"] = place
        files: dict[str, dict[str, list[str]]] = state["files"]
        hits = files["exact"].get(rec.record_key)
        title = norm_title(rec.title or "")
        if not hits and title:
            hits = files["title"].get(title)
            if hits and state.get("title_counts", {}).get(title, 1) > 1:
                warnings.append(
                    f"video {rec.record_key}: several videos are titled {rec.title!r};"
                    " its file is not linked (every video file is kept as an original)"
                )
                return
        if not hits:
            return
        if len(hits) > 1:
            warnings.append(
                f"video {rec.record_key}: {len(hits)} video files match {rec.title!r};"
                " none linked (each is kept as an original file)"
            )
            return
        if ctx is not None:
            name = PurePosixPath(hits[0]).name
            rec.media.append(ctx.media(hits[0], filename=name, media_type="video"))


IMPORTER = YouTubeImporter()
