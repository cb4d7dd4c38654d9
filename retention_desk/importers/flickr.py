"""Flickr account data export ("Request my Flickr data": a metadata zip of JSON files plus
data-download-N.zip files holding the photos and videos).

NOT YET CHECKED AGAINST A REAL EXPORT. Flickr publishes no schema; the fields follow what
public tools that read real exports use: tagspaces/flickr-export-organizer `flickr-export.js`
(photo_<id>.json with `name`, `description`, `date_taken`, `date_imported`, `tags[].tag`,
`comments[].user/.comment`, `geo.latitude/longitude`, albums.json `albums[].photos`; media
files named `<name>_<id>_o.<ext>` with the id as the last all-digit part), a third-party
format write-up (account_profile.json with `nsid`, `screen_name`, `real_name`, `email`), and
the field list in our brief (`photopage`, `original`, `privacy`, comments with `date`/`url`).

- Each photo_<id>.json becomes a record (kind 'post', key = the photo id); its comments
  become kind 'comment' records (key 'comment:<id>', parent = the photo) by their authors.
- Files are recognised by their JSON keys, not their names.
- `geo` / `geolocation` (the photo's GPS position) goes to `sensitive` only; it is never in
  text, extra or raw_json. account_profile.json's e-mail is not stored in records at all.
- The photo or video file is linked as media when a file in any of the import's inputs has
  the photo id in its name; otherwise it is listed missing with its `original` URL.
- Any privacy other than public marks the record restricted.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import (
    ParseError,
    clean_record,
    clean_text,
    dumps_raw,
    loads,
    time_or_warn,
)
from retention_desk.importers.tree import SourceTree

PLATFORM = "flickr"
SENSITIVE_KEYS = ("geo", "geolocation")
_COMMENT_IN_URL = re.compile(r"comment(\d+)")
_DIGITS = re.compile(r"(?<![0-9])([0-9]{4,})(?![0-9])")
_MEDIA_SUFFIXES = frozenset(
    [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".heic",
        ".tif",
        ".tiff",
        ".bmp",
        ".mp4",
        ".mov",
        ".m4v",
        ".avi",
        ".3gp",
        ".mpg",
        ".wmv",
    ]
)
_NOT_JSON = _MEDIA_SUFFIXES | {".js", ".csv", ".tsv", ".html", ".htm", ".xml", ".zip", ".gz"}
_PUBLIC = ("public", "")


def _head_json(tree: SourceTree, path: str, size: int = 4096) -> bytes | None:
    if PurePosixPath(path).suffix.lower() in _NOT_JSON:
        return None
    try:
        head = tree.head(path, size)
    except OSError:
        return None
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")


def kind_of(head: bytes | None) -> str | None:
    """'photo', 'profile' or 'albums' from the first bytes of a Flickr JSON file."""
    if not head or not head.startswith(b"{"):
        return None
    if b'"photopage"' in head and (b'"date_imported"' in head or b"flickr.com" in head):
        return "photo"
    if b'"nsid"' in head and (b'"screen_name"' in head or b'"real_name"' in head):
        return "profile"
    if head.replace(b" ", b"").startswith(b'{"albums":['):
        return "albums"
    return None


def _sensitive_value(value: Any) -> bool:
    return value not in (None, "", [], {}, "0") and not (
        isinstance(value, dict) and not any(v not in (None, "", 0, "0") for v in value.values())
    )


class FlickrImporter:
    name = "flickr"
    label = "Flickr account data export"
    platform = PLATFORM

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        photos: list[str] = []
        profiles: list[str] = []
        albums: list[str] = []
        for item in tree.files:
            kind = kind_of(_head_json(tree, item.path))
            if kind == "photo":
                photos.append(item.path)
            elif kind == "profile":
                profiles.append(item.path)
            elif kind == "albums":
                albums.append(item.path)
        if not photos:
            return []
        account, profile = self._profile(tree, profiles)
        screen = (profile or {}).get("screen_name") or (profile or {}).get("real_name")
        return [
            Claim(
                format=self.name,
                files=sorted(photos),
                label="Flickr export" + (f" of {screen}" if screen else ""),
                confidence=90,
                account=account,
                state={
                    "albums": self._albums(tree, albums),
                    "owner": screen or None,
                    "owner_id": (profile or {}).get("nsid"),
                },
            )
        ]

    @staticmethod
    def _profile(tree: SourceTree, paths: list[str]) -> tuple[AccountIn | None, dict | None]:
        for path in paths:
            try:
                data = loads(tree.read_bytes(path), name=path)
            except (ParseError, OSError):
                continue
            if isinstance(data, dict) and data.get("nsid"):
                nsid = str(data["nsid"])
                account = AccountIn(
                    PLATFORM,
                    account_key=nsid,
                    platform_account_id=nsid,
                    handle=str(data.get("screen_name") or "") or None,
                    display_name=str(data.get("real_name") or "") or None,
                )
                return account, data
        return None, None

    @staticmethod
    def _albums(tree: SourceTree, paths: list[str]) -> dict[str, list[str]]:
        """Photo id -> titles of the albums holding it (albums.json)."""
        by_photo: dict[str, list[str]] = {}
        for path in paths:
            try:
                data = loads(tree.read_bytes(path), name=path)
            except (ParseError, OSError):
                continue
            albums = data.get("albums") if isinstance(data, dict) else None
            for album in albums if isinstance(albums, list) else []:
                if not isinstance(album, dict):
                    continue
                title = str(album.get("title") or album.get("id") or "")
                for pid in album.get("photos") or []:
                    by_photo.setdefault(str(pid), []).append(title)
        return by_photo

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        dates: list[datetime] = []
        comments = 0
        notes: list[str] = []
        for path in claim.files:
            try:
                data = loads(tree.read_bytes(path), name=path)
            except ParseError as exc:
                notes.append(str(exc))
                continue
            if isinstance(data, dict):
                when = time_or_warn(data.get("date_imported"), [], path)
                if when:
                    dates.append(when)
                comments += len(data.get("comments") or [])
        notes.append(f"{len(claim.files)} photos, {comments} comments")
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=claim.state.get("owner"),
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=len(claim.files) + comments,
            files=claim.files,
            notes=notes,
        )

    # ------------------------------------------------------------------------ import
    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        data = loads(tree.read_bytes(path), name=path)
        if not isinstance(data, dict) or not str(data.get("id") or "").strip():
            raise ParseError(f"{path}: not a Flickr photo file (no photo id)")
        photo = self._photo(ctx, claim, data, path)
        ctx.writer.add(clean_record(photo))
        comments = data.get("comments") or []
        if not isinstance(comments, list):
            ctx.warn(f"{path}: 'comments' is not a list; comments not read")
            comments = []
        for index, comment in enumerate(comments):
            if not isinstance(comment, dict):
                ctx.warn(f"{path}: comments[{index}] is not an object; skipped")
                continue
            ctx.writer.add(clean_record(self._comment(ctx, photo, comment, path, index)))
        ctx.details["comments"] = len(comments)

    def _photo(self, ctx: FileContext, claim: Claim, data: dict, path: str) -> RecordIn:
        pid = str(data["id"]).strip()
        where = f"{path}"
        privacy = str(data.get("privacy") or "")
        uploaded = data.get("date_imported")
        sensitive = {k: data[k] for k in SENSITIVE_KEYS if _sensitive_value(data.get(k))}
        raw = {
            k: ("[sensitive: kept in sensitive_json]" if k in sensitive else v)
            for k, v in data.items()
            if k != "comments"
        }
        raw["comments"] = f"[{len(data.get('comments') or [])} comments: separate records]"
        albums = _names(data.get("albums")) or claim.state.get("albums", {}).get(pid, [])
        extra = {
            "date_taken": data.get("date_taken"),
            "privacy": privacy,
            "license": data.get("license"),
            "safety": data.get("safety"),
            "views": data.get("count_views"),
            "faves": data.get("count_faves"),
            "comment_count": data.get("count_comments"),
            "tags": _names(data.get("tags"), "tag"),
            "albums": albums,
            "groups": _names(data.get("groups"), "name"),
            "people": _names(data.get("people"), "name"),
            "original": data.get("original"),
            "comment_permissions": data.get("comment_permissions"),
        }
        return RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=pid,
            platform_id=pid,
            title=clean_text(data.get("name")) or None,
            text=clean_text(data.get("description")),
            author_name=claim.state.get("owner"),
            author_platform_id=claim.state.get("owner_id"),
            created_at=time_or_warn(uploaded, ctx.warnings, where),
            created_at_raw=str(uploaded) if uploaded else None,
            url=str(data.get("photopage") or "") or None,
            restricted=privacy.strip().lower() not in _PUBLIC,
            extra={k: v for k, v in extra.items() if v not in (None, "", [])},
            sensitive=sensitive,
            raw_json=dumps_raw(raw),
            locator=path,
            media=[self._media(ctx, claim, pid, data)],
        )

    def _media(self, ctx: FileContext, claim: Claim, pid: str, data: dict) -> MediaIn:
        index = claim.state.get("_media_index")
        if index is None:
            index = _media_index(ctx)
            claim.state["_media_index"] = index
        hits = index.get(pid, [])
        original = str(data.get("original") or "")
        if len(hits) == 1:
            # keyed by the photo's URL so a later export without the file merges with it
            return ctx.media(
                hits[0],
                original_uri=original or hits[0],
                filename=PurePosixPath(hits[0]).name,
                metadata={"path_in_export": hits[0]},
            )
        if len(hits) > 1:
            ctx.warn(f"photo {pid}: {len(hits)} files carry its id; none linked")
        return MediaIn(original_uri=original or f"flickr photo {pid}")

    def _comment(
        self, ctx: FileContext, photo: RecordIn, comment: dict, path: str, index: int
    ) -> RecordIn:
        where = f"{path} comments[{index}]"
        url = str(comment.get("url") or "")
        cid = str(comment.get("id") or "").strip()
        if not cid:
            found = _COMMENT_IN_URL.search(url)
            cid = found.group(1) if found else ""
        date = comment.get("date") or comment.get("date_create")
        if not cid:
            # no id in this export: the photo, author and time identify the comment, so an
            # edited comment in a later export becomes a new version of the same record
            cid = f"{photo.record_key}:{comment.get('user')}:{date}"
        text = comment.get("comment", comment.get("message"))
        user = str(comment.get("user") or "") or None
        return RecordIn(
            platform=PLATFORM,
            kind="comment",
            record_key=f"comment:{cid}",
            platform_id=cid,
            parent_key=photo.record_key,
            text=clean_text(text),
            author_name=user,
            author_handle=user,
            created_at=time_or_warn(date, ctx.warnings, where),
            created_at_raw=str(date) if date else None,
            url=url or None,
            extra={"photo_id": photo.record_key},
            raw_json=dumps_raw(comment),
            locator=f"{path}#comments[{index}]",
        )


def _names(value: Any, key: str = "title") -> list[str]:
    """Tags, albums, groups: lists of strings or of objects naming them."""
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        if isinstance(item, dict):
            name = item.get(key) or item.get("title") or item.get("name") or item.get("id")
            if name:
                out.append(str(name))
        elif item not in (None, ""):
            out.append(str(item))
    return out


def _media_index(ctx: FileContext) -> dict[str, list[str]]:
    """Photo id -> media files (in every input of the import) whose names carry that id."""
    index: dict[str, list[str]] = {}
    for tree in (ctx.tree, *ctx.other_trees):
        for item in tree.files:
            pure = PurePosixPath(item.path)
            if pure.suffix.lower() not in _MEDIA_SUFFIXES:
                continue
            for digits in set(_DIGITS.findall(pure.stem)):
                index.setdefault(digits, []).append(item.path)
    return index


IMPORTER = FlickrImporter()
