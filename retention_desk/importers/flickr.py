"""Flickr account data export ("Request my Flickr data": a metadata zip of JSON files plus
data-download-N.zip files holding the photos and videos).

Flickr publishes no schema. Checked against the structure of real photo files quoted by
public tools and write-ups (myles/flickr-to-sqlite `tests/fixtures.py`: `geo` as a list,
tags as objects with a user URL; a 2019 blog post's complete photo_<id>.json with the older
`exif` block of ExifTool-style "Group:Tag" keys and `license: null`; flickr-to-smugmug's
README: albums.json and the list of account files), and what tools reading real exports use:
tagspaces/flickr-export-organizer `flickr-export.js`
(photo_<id>.json with `name`, `description`, `date_taken`, `date_imported`, `tags[].tag`,
`comments[].user/.comment`, `geo.latitude/longitude`, albums.json `albums[].photos`; media
files named `<name>_<id>_o.<ext>` with the id as the last all-digit part), a third-party
format write-up (account_profile.json with `nsid`, `screen_name`, `real_name`, `email`), and
the field list in our brief (`photopage`, `original`, `privacy`, comments with `date`/`url`).

- Each photo_<id>.json becomes a record (kind 'post', key = the photo id); its comments
  become kind 'comment' records (key 'comment:<id>', parent = the photo) by their authors.
- Files are recognised by their JSON keys, not their names.
- `geo` / `geolocation` (the photo's GPS position) and the GPS entries of the older `exif`
  block ("GPS:GPSLatitude", ...) go to `sensitive` only; they are never in text, extra or
  raw_json. account_profile.json's e-mail is not stored in records at all.
- Tags and album names are searchable: they follow the description in `text` (display and
  search); `text_raw` keeps the description alone, so a changed tag is not a new version.
- The account and the photos' author are the owner: account_profile.json when the export part
  has it, else the owner's path in the photo page URL (`/photos/<alias>/<id>/`), so every part
  of a split export lands in the same account (key: that alias; the nsid is kept beside it).
  An archive that imported the owner under the earlier key (the nsid as written) keeps that
  one account: both key forms are looked up.
- An upload date outside 2004 (Flickr's start) .. tomorrow (Flickr writes e.g. year 9999 for
  unknown dates) is reported and the record kept without a date (the raw value stays).
- The photo or video file is linked as media when a file in any of the import's inputs has
  the photo id in its name; otherwise it is listed missing with its `original` URL.
- Any privacy other than public marks the record restricted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
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
_OWNER_IN_URL = re.compile(r"flickr\.com/(?:photos|people)/([^/?#]+)", re.I)
_PHOTOPAGE = re.compile(r'"photopage"\s*:\s*"([^"]+)"')
FLICKR_START = datetime(2004, 1, 1, tzinfo=UTC)
MASKED = "[sensitive: kept in sensitive_json]"


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
    # pretty-printed with spaces, tabs or newlines: compare without any whitespace
    if re.sub(rb"\s+", b"", head[:256]).startswith(b'{"albums":['):
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
        if account is None:
            account = self._owner_from_photos(tree, sorted(photos))
        screen = (profile or {}).get("screen_name") or (profile or {}).get("real_name")
        if not screen and account is not None:
            screen = account.handle
        return [
            Claim(
                format=self.name,
                files=sorted(photos),
                label="Flickr export" + (f" of {screen}" if screen else ""),
                confidence=90,
                account=account,
                state={
                    # the key an archive imported before the alias came first holds the owner
                    # under (the nsid as written), so re-imports find that account (run.py)
                    "account_aliases": _older_keys(account),
                    "albums": self._albums(tree, albums),
                    "owner": screen or None,
                    "owner_handle": account.handle if account else None,
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
                alias = owner_alias(str(data.get("profile_url") or "")) or nsid
                account = AccountIn(
                    PLATFORM,
                    account_key=alias.lower(),
                    platform_account_id=nsid,
                    handle=str(data.get("screen_name") or "") or alias,
                    display_name=str(data.get("real_name") or "") or None,
                )
                return account, data
        return None, None

    @staticmethod
    def _owner_from_photos(tree: SourceTree, photos: list[str]) -> AccountIn | None:
        """The owner from the first photo page URL (an export part without the profile)."""
        for path in photos[:5]:
            head = (_head_json(tree, path) or b"").decode("utf-8", "ignore")
            page = _PHOTOPAGE.search(head)
            alias = owner_alias(page.group(1)) if page else None
            if alias:
                nsid = alias if "@" in alias else None
                return AccountIn(
                    PLATFORM, account_key=alias.lower(), platform_account_id=nsid, handle=alias
                )
        return None

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
        raw = {k: (MASKED if k in sensitive else v) for k, v in data.items() if k != "comments"}
        exif_gps = _exif_gps(data.get("exif"))
        if exif_gps:
            sensitive["exif_gps"] = exif_gps
            raw["exif"] = {k: (MASKED if k in exif_gps else v) for k, v in data["exif"].items()}
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
        description = clean_text(data.get("description"))
        labels = [
            f"{name}: {', '.join(values)}"
            for name, values in (("Tags", extra["tags"]), ("Albums", albums))
            if values
        ]
        text = "\n\n".join(part for part in (description, "\n".join(labels)) if part)
        plausible_date(data.get("date_taken"), ctx.warnings, f"{where}: date_taken")
        return RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=pid,
            platform_id=pid,
            title=clean_text(data.get("name")) or None,
            text=clean_text(text),
            text_raw=description if labels else None,
            author_name=claim.state.get("owner"),
            author_handle=claim.state.get("owner_handle"),
            author_platform_id=claim.state.get("owner_id"),
            created_at=plausible_date(uploaded, ctx.warnings, f"{where}: date_imported"),
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
            created_at=plausible_date(date, ctx.warnings, where),
            created_at_raw=str(date) if date else None,
            url=url or None,
            extra={"photo_id": photo.record_key},
            raw_json=dumps_raw(comment),
            locator=f"{path}#comments[{index}]",
        )


def _older_keys(account: AccountIn | None) -> list[str]:
    """Earlier importers keyed the account by the profile's nsid exactly as written
    ('12345678@N00'); the key is now the lower-cased alias, which is the nsid when the owner
    has no alias."""
    if account is None or not account.platform_account_id:
        return []
    nsid = account.platform_account_id
    return [nsid] if nsid != account.account_key else []


def owner_alias(url: str) -> str | None:
    """'https://www.flickr.com/photos/<alias>/<id>/' or '/people/<alias>/' -> '<alias>'."""
    found = _OWNER_IN_URL.search(url)
    return found.group(1) if found else None


def plausible_date(value: Any, warnings: list[str], where: str) -> datetime | None:
    """A Flickr date, or None with a warning when unreadable or outside 2004..tomorrow."""
    when = time_or_warn(value, warnings, where)
    if when is None:
        return None
    if not FLICKR_START <= when <= datetime.now(UTC) + timedelta(days=1):
        warnings.append(f"{where}: date {value!r} is not plausible; kept without a date")
        return None
    return when


def _exif_gps(exif: Any) -> dict[str, Any]:
    """The GPS entries of the older `exif` block (ExifTool-style 'GPS:GPSLatitude' keys, or
    entries whose `full` name is such a key)."""
    if not isinstance(exif, dict):
        return {}
    found: dict[str, Any] = {}
    for key, value in exif.items():
        full = value.get("full") if isinstance(value, dict) else None
        names = [str(key), str(full or "")]
        if any(n.upper().startswith("GPS") or ":GPS" in n.upper() for n in names):
            found[key] = value
    return found


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
