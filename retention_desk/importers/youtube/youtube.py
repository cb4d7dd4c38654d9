"""YouTube from Google Takeout ("YouTube and YouTube Music", any language).

NOT YET CHECKED AGAINST A COMPLETE REAL EXPORT. The layouts follow design/import-formats.md
section 5 and public parsers and their fixtures (see tests/fixtures/platforms/youtube/
README.md): purarue (formerly seanbreckenridge) google_takeout_parser, getBoolean/
youtube_takeout_manager, d3i-infra/data-donation-task.

The modules, by what each reads:
- layout.py        which file is which, from content (names are localised);
- takeout.py       CSV headers, columns by name, `Comment Text` JSON fragments;
- csv_layout.py    the 2023+ CSV files: channel, videos, comments and replies, live chats;
- older.py         before the CSVs: uploads.json, my-comments / my-live-chat-messages HTML
                   (parsed by html.py); and the watch/search history of every Takeout,
                   kept as originals with a summary, not records;
- video_files.py   video files and recording places matched to videos;
- account.py       the channel the records belong to.

Record keys (platform 'youtube') are YouTube's own ids, unprefixed: channel id (UC...) for the
channel page, video id for videos, comment id for comments and replies, live chat id for chat
lines. Top-level comments have the video (or community post) as parent; replies their parent
comment. The comments in a Takeout are the ones the account wrote, so their author is the
account's channel. Comment text is the segments joined; the raw JSON is kept as `text_raw`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers import subscribers
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, clean_record
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.youtube import account, older
from retention_desk.importers.youtube.csv_layout import PLATFORM, csv_records
from retention_desk.importers.youtube.layout import read_layout

_WARNED_UNKNOWN = "warned_unknown_account"


class YouTubeImporter:
    name = "youtube-takeout"
    label = "YouTube (Google Takeout)"
    platform = PLATFORM

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        layout = read_layout(tree)
        if not layout.kinds:
            return []
        files = layout.files()
        channels = account.channels_from_csv(
            tree, [p for p in files if layout.kinds[p] == "channel"]
        )
        inferred = False
        if not channels:
            channels = account.infer_channel(tree, layout.kinds)
            inferred = bool(channels)
        state = {
            "kinds": layout.kinds,
            "channels": channels,
            "channel_inferred": inferred,
            "recordings": layout.recordings,
            "video_files": layout.video_files,
        }
        title = next(iter(channels.values()), "") if channels else ""
        return [
            Claim(
                format=self.name,
                files=files,
                label="YouTube Takeout" + (f" of {title}" if title else ""),
                confidence=90,
                account=account.account_of(channels),
                state=state,
            )
        ]

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        counts: dict[str, int] = {}
        dates: list[datetime] = []
        notes: list[str] = []
        for path in claim.files:
            kind = claim.state["kinds"][path]
            try:
                if kind == "subscriptions":
                    counts[kind] = counts.get(kind, 0) + 1  # one snapshot record
                    continue
                if kind in older.HISTORY_KINDS:
                    summary = older.read_history(tree, path)
                    notes.append(older.history_note(path, summary))
                    continue
                for rec in self._records(tree, claim, path, kind, [], None):
                    counts[kind] = counts.get(kind, 0) + 1
                    if rec.created_at:
                        dates.append(rec.created_at)
            except ParseError as exc:
                notes.append(str(exc))
        notes += [f"{n} {k.replace('_', ' ')}" for k, n in counts.items()]
        channels = claim.state.get("channels") or {}
        if not channels:
            notes.append(account.UNKNOWN)
        cid, title = next(iter(channels.items()), ("", ""))
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=title or cid or None,
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=sum(counts.values()),
            files=claim.files,
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        kind = claim.state["kinds"][path]
        ctx.details["youtube_file"] = kind
        if kind == "subscriptions":
            parsed = subscribers.parse_youtube(tree, path)
            taken = subscribers.export_date(tree, path, None, "")
            subscribers.import_list(ctx, tree, path, PLATFORM, parsed, taken)
            return
        if kind in older.HISTORY_KINDS:
            summary = older.read_history(tree, path)
            ctx.warn(older.history_note(path, summary))
            ctx.details.update(
                kept_as="original, not records",
                entries=summary.entries,
                watched=summary.watched,
                searched=summary.searched,
            )
            return
        added = 0
        for rec in self._records(tree, claim, path, kind, ctx.warnings, ctx):
            ctx.check_cancel()
            ctx.writer.add(clean_record(rec))
            added += 1
        ctx.details["rows"] = added
        # once per import: every file's records are without an account for the same reason
        unknown = added and not claim.account and not ctx.options.account
        if unknown and not claim.state.get(_WARNED_UNKNOWN):
            claim.state[_WARNED_UNKNOWN] = True
            ctx.warn(account.UNKNOWN)

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
            return older.uploads_records(tree, claim, path, warnings, ctx)
        if kind in ("html_comments", "html_live_chats"):
            return older.html_message_records(tree, claim, path, kind, warnings)
        return csv_records(tree, claim, path, kind, warnings, ctx)


IMPORTER = YouTubeImporter()
