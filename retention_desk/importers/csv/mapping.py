"""CSV column mappings: which column of a spreadsheet holds which record field.

A mapping is `{field: column header}`. Without one, `auto_map` matches headers against
synonyms, ignoring case, spaces and punctuation ("Post ID", "post_id" and "PostId" are the same
name). Vendor exports (ArchiveSocial/CivicPlus, Pagefreezer) publish no schema, so agencies
save the mapping that fits their vendor once as a named preset, kept in the archive itself
(table `mapping_presets`) and audited like every other change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from retention_desk.archive import Archive, timeutil
from retention_desk.importers.common import ParseError, parse_time

# Field -> what it means, in the order the mapping dialog lists them.
FIELDS: dict[str, str] = {
    "id": "Post/record id (kept exactly as written)",
    "created_at": "Date and time posted",
    "text": "Text / message body",
    "title": "Title or subject",
    "author": "Author's display name",
    "author_handle": "Author's handle (@name)",
    "author_id": "Author's platform id",
    "url": "Link to the post (permalink)",
    "parent": "Id of the post this replies to",
    "conversation": "Conversation / thread id",
    "platform": "Platform (Facebook, X, Instagram...)",
    "kind": "Kind (post, comment, reply, message)",
    "account": "Agency account the record belongs to",
    "deleted": "Deleted (yes/no or the date it was deleted)",
    "hidden": "Hidden (yes/no or the date it was hidden)",
    "media": "Media file paths or URLs (several separated by | ; or new lines)",
}

# Synonyms in normalised form (see normalise_header), best first. Each header is used once;
# fields are matched in FIELDS order, so e.g. "Parent ID" never becomes the id column
# (normalised names must match exactly, not by substring).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "postid", "recordid", "tweetid", "statusid", "messageid", "commentid", "itemid",
        "contentid", "objectid", "guid", "uid", "identifier", "nativeid", "platformid",
    ),
    "created_at": (
        "createdat", "created", "createdtime", "createddate", "datecreated", "creationtime",
        "timestamp", "datetime", "date", "time", "posted", "postedat", "postdate",
        "posteddate", "datetimeposted", "dateposted", "publishedat", "published",
        "publishdate", "publishtime", "sent", "sentat", "senttime", "postedon",
    ),
    "text": (
        "text", "message", "body", "content", "posttext", "postcontent", "postbody",
        "messagetext", "messagebody", "fulltext", "tweettext", "tweet", "commenttext",
        "comment", "caption", "post", "description",
    ),
    "title": ("title", "subject", "headline", "posttitle"),
    "author": (
        "author", "authorname", "from", "fromname", "postedby", "sender", "sendername",
        "displayname", "name", "fullname", "user", "createdby",
    ),
    "author_handle": (
        "handle", "authorhandle", "username", "screenname", "userhandle", "authorusername",
        "fromhandle", "fromusername", "login",
    ),
    "author_id": (
        "authorid", "userid", "fromid", "senderid", "authoruserid", "ownerid", "profileid",
    ),
    "url": (
        "permalink", "url", "link", "posturl", "permalinkurl", "weburl", "uri", "postlink",
        "sourceurl", "originalurl",
    ),
    "parent": (
        "parentid", "inreplyto", "inreplytoid", "inreplytostatusid", "replyto", "replytoid",
        "parentpostid", "parentcommentid", "parent",
    ),
    "conversation": ("conversationid", "conversation", "threadid", "thread"),
    "platform": ("platform", "network", "socialnetwork", "service", "socialplatform", "site"),
    "kind": (
        "type", "kind", "posttype", "recordtype", "itemtype", "contenttype", "messagetype",
    ),
    "account": (
        "account", "accountname", "accounthandle", "page", "pagename", "profile",
        "profilename", "channel", "channelname", "archivedaccount",
    ),
    "deleted": (
        "deleted", "isdeleted", "deletedat", "deletedon", "deleteddate", "deletedtime",
        "removed", "isremoved", "removedat",
    ),
    "hidden": ("hidden", "ishidden", "hiddenat", "hiddenon", "hiddendate"),
    "media": (
        "media", "mediafiles", "mediafile", "mediaurls", "mediaurl", "mediapaths", "attachments",
        "attachment", "images", "image", "photos", "photo", "files", "mediakeys",
    ),
}  # fmt: skip

MAX_PRESET_NAME = 100
MAX_COLUMN_NAME = 500


class MappingError(ValueError):
    """A mapping (or preset name) that cannot be used; the message says why and what is valid."""


def normalise_header(header: str) -> str:
    """Case-, space- and punctuation-insensitive form of a column header."""
    return "".join(ch for ch in header.casefold() if ch.isalnum())


def auto_map(headers: Iterable[str]) -> dict[str, str]:
    """Guess a mapping from header names; each column is used for at most one field."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)  # first of duplicate names wins
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for field in FIELDS:
        for synonym in SYNONYMS[field]:
            header = by_norm.get(synonym)
            if header is not None and header not in used:
                mapping[field] = header
                used.add(header)
                break
    return mapping


def missing_essentials(mapping: Mapping[str, str]) -> list[str]:
    """What a mapping lacks to make records: text (or title), and a time or an id."""
    missing = []
    if not (mapping.get("text") or mapping.get("title")):
        missing.append("a text (or title) column")
    if not (mapping.get("created_at") or mapping.get("id")):
        missing.append("a date/time or id column")
    return missing


def validate_mapping(mapping: Any, headers: Iterable[str] | None = None) -> dict[str, str]:
    """Check a mapping given by a person (CLI JSON, dialog, preset) and return a clean copy.

    Unknown field names are refused with the list of valid ones; columns must be non-empty
    strings; a text or title column is required. With `headers`, every column must exist.
    """
    if not isinstance(mapping, Mapping):
        raise MappingError(
            'a mapping is a JSON object of field -> column, e.g. {"text": "Message",'
            ' "created_at": "Date"}'
        )
    unknown = sorted(str(k) for k in mapping if k not in FIELDS)
    if unknown:
        raise MappingError(
            f"unknown field name(s) {', '.join(repr(u) for u in unknown)}; valid fields: "
            + ", ".join(FIELDS)
        )
    clean: dict[str, str] = {}
    for field, column in mapping.items():
        if not isinstance(column, str) or not column.strip():
            raise MappingError(f"field {field!r}: the column must be a non-empty header name")
        if len(column) > MAX_COLUMN_NAME or any(ord(c) < 32 for c in column):
            raise MappingError(f"field {field!r}: {column[:40]!r} is not a plausible header name")
        clean[str(field)] = column
    if not (clean.get("text") or clean.get("title")):
        raise MappingError("a mapping needs a 'text' (or 'title') column")
    if headers is not None:
        present = set(headers)
        absent = [c for c in clean.values() if c not in present]
        if absent:
            raise MappingError(
                f"column(s) {', '.join(repr(a) for a in absent)} not in the file; its"
                f" columns are: {', '.join(repr(h) for h in present_order(headers))}"
            )
    # Field order as in FIELDS so stored presets and audit rows read the same way every time.
    return {f: clean[f] for f in FIELDS if f in clean}


def present_order(headers: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(headers))


# ------------------------------------------------------------------------------ presets
@dataclass(frozen=True)
class Preset:
    name: str
    mapping: dict[str, str]
    created_at: datetime | None
    created_by: str


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise MappingError("a preset needs a name")
    name = name.strip()
    if len(name) > MAX_PRESET_NAME:
        raise MappingError(f"a preset name is at most {MAX_PRESET_NAME} characters")
    if any(ord(c) < 32 for c in name):
        raise MappingError("a preset name cannot contain control characters")
    if name.startswith("{"):
        # `--mapping` reads a value starting with '{' as JSON, so such a preset is unreachable.
        raise MappingError("a preset name cannot start with '{'")
    return name


def load_preset(archive: Archive, name: str) -> dict[str, str] | None:
    """The saved mapping called `name`, or None when there is none."""
    with archive.read() as conn:
        row = conn.execute(
            text("SELECT mapping_json FROM mapping_presets WHERE name = :n"), {"n": name.strip()}
        ).first()
    return dict(json.loads(row[0])) if row is not None else None


def save_preset(archive: Archive, name: str, mapping: Mapping[str, str]) -> dict[str, str]:
    """Validate and save (or replace) a named mapping; audited as 'csv_mapping.save'."""
    name = _check_name(name)
    clean = validate_mapping(mapping)
    payload = json.dumps(clean, ensure_ascii=False)
    with archive.write() as conn:
        old = conn.execute(
            text("SELECT mapping_json FROM mapping_presets WHERE name = :n"), {"n": name}
        ).first()
        operator = archive.operator(conn)
        conn.execute(
            text(
                "INSERT INTO mapping_presets (name, mapping_json, created_at, created_by)"
                " VALUES (:n, :m, :t, :b) ON CONFLICT(name) DO UPDATE SET"
                " mapping_json = excluded.mapping_json, created_at = excluded.created_at,"
                " created_by = excluded.created_by"
            ),
            {"n": name, "m": payload, "t": timeutil.now_db(), "b": operator[:200]},
        )
        details: dict[str, Any] = {"name": name, "mapping": clean}
        if old is not None:
            details["replaced"] = json.loads(old[0])
        archive.audit(
            conn,
            action="csv_mapping.save",
            object_type="mapping_preset",
            object_ids=[name],
            details=details,
        )
    return clean


def list_presets(archive: Archive) -> list[Preset]:
    """Every saved preset, by name."""
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT name, mapping_json, created_at, created_by FROM mapping_presets"
                " ORDER BY name COLLATE NOCASE"
            )
        ).all()
    return [
        Preset(
            name=row[0],
            mapping=dict(json.loads(row[1])),
            created_at=timeutil.from_db(row[2]) if row[2] else None,
            created_by=row[3] or "",
        )
        for row in rows
    ]


def delete_preset(archive: Archive, name: str) -> bool:
    """Delete a preset; False when there was none. Audited as 'csv_mapping.delete'."""
    name = name.strip()
    with archive.write() as conn:
        row = conn.execute(
            text("SELECT mapping_json FROM mapping_presets WHERE name = :n"), {"n": name}
        ).first()
        if row is None:
            return False
        conn.execute(text("DELETE FROM mapping_presets WHERE name = :n"), {"n": name})
        archive.audit(
            conn,
            action="csv_mapping.delete",
            object_type="mapping_preset",
            object_ids=[name],
            details={"name": name, "mapping": json.loads(row[0])},
        )
    return True


# ------------------------------------------------------------------ what a cell means
_PLATFORMS = {
    "x": "x", "twitter": "x", "xtwitter": "x", "twitterx": "x", "xformerlytwitter": "x",
    "tweet": "x", "facebook": "facebook", "fb": "facebook", "facebookpage": "facebook",
    "instagram": "instagram", "ig": "instagram", "insta": "instagram", "youtube": "youtube",
    "yt": "youtube", "linkedin": "linkedin", "tiktok": "tiktok", "nextdoor": "nextdoor",
    "pinterest": "pinterest", "flickr": "flickr", "threads": "threads", "bluesky": "bluesky",
    "bsky": "bluesky", "reddit": "reddit", "vimeo": "vimeo", "mastodon": "mastodon",
    "snapchat": "snapchat", "whatsapp": "whatsapp",
}  # fmt: skip


@lru_cache(maxsize=1024)
def normalise_platform(value: str | None) -> str | None:
    """'Twitter' -> 'x', 'Facebook Page' -> 'facebook'; other names become a lowercase slug."""
    if value is None or not value.strip():
        return None
    known = _PLATFORMS.get(normalise_header(value))
    if known:
        return known
    slug = re.sub(r"[^a-z0-9]+", "-", value.strip().casefold()).strip("-")[:40]
    return slug or None


_KINDS = {
    "post": "post", "posts": "post", "status": "post", "tweet": "post", "photo": "post",
    "video": "post", "link": "post", "story": "post", "reel": "post", "album": "post",
    "event": "post", "note": "post", "retweet": "post", "repost": "post", "share": "post",
    "comment": "comment", "comments": "comment", "reply": "reply", "replies": "reply",
    "commentreply": "reply", "message": "message", "messages": "message", "dm": "message",
    "directmessage": "message", "privatemessage": "message", "chat": "message",
    "page": "page", "webpage": "page", "capture": "capture",
}  # fmt: skip


@lru_cache(maxsize=1024)
def normalise_kind(value: str | None) -> str | None:
    """A kind column's value as one of the archive's kinds, or None when not recognised."""
    if value is None or not value.strip():
        return None
    return _KINDS.get(normalise_header(value))


_TRUE = {"true", "yes", "y", "1", "x", "t", "deleted", "removed", "hidden", "\u2713", "\u2714"}
_FALSE = {"", "false", "no", "n", "0", "f", "none", "null", "-", "active", "live", "visible"}


def parse_flag(value: str, tz: ZoneInfo) -> tuple[bool, datetime | None]:
    """A deleted/hidden cell: (flagged, when). 'Yes' -> (True, None); a date -> (True, date);
    'No' or empty -> (False, None). Raises ParseError for anything else."""
    word = value.strip().casefold()
    if word in _FALSE or normalise_header(word) in ("notdeleted", "nothidden"):
        return False, None
    if word in _TRUE:
        return True, None
    return True, parse_cell_time(value, tz)


_ISO_NAIVE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*([AaPp]\.?[Mm]\.?)?)?$"
)
_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"\s*([AaPp]\.?[Mm]\.?)?)?$"
)
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NAMED_MONTH_FORMATS = (
    "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p", "%b %d, %Y %I:%M:%S %p",
    "%B %d, %Y %I:%M:%S %p", "%b %d, %Y %H:%M", "%B %d, %Y %H:%M", "%b %d, %Y", "%B %d, %Y",
    "%d %b %Y %H:%M", "%d %B %Y %H:%M", "%d %b %Y %H:%M:%S", "%d %b %Y", "%d %B %Y",
    "%A, %B %d, %Y %I:%M %p", "%A, %B %d, %Y at %I:%M %p", "%B %d, %Y at %I:%M %p",
)  # fmt: skip


_MONTH_WORD = re.compile(r"[A-Za-z]{3}")
_TWITTER_SHAPE = re.compile(r"^[A-Za-z]{3} [A-Za-z]{3} \d")  # parse_time's, with a zone


def _clock(hh: str | None, mm: str | None, ss: str | None, ampm: str | None) -> tuple[int, ...]:
    hour, minute, second = int(hh or 0), int(mm or 0), int(ss or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {ampm}")
        pm = ampm.casefold().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    return hour, minute, second


def _naive(value: str) -> datetime | None:
    """Spreadsheet shapes without a zone (or None when the value is not one of them)."""
    m = _ISO_NAIVE.match(value)
    if m:
        y, mo, d, hh, mm, ss, frac, ampm = m.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        return datetime(int(y), int(mo), int(d), *_clock(hh, mm, ss, ampm), micro)
    m = _US.match(value)
    if m:
        mo, d, y, hh, mm, ss, frac, ampm = m.groups()
        year = int(y) + (2000 if len(y) == 2 else 0)  # Excel's M/D/YY: social media is 20YY
        micro = int((frac or "0")[:6].ljust(6, "0"))
        return datetime(year, int(mo), int(d), *_clock(hh, mm, ss, ampm), micro)
    m = _DOTTED.match(value)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
        return datetime(int(y), int(mo), int(d), *_clock(hh, mm, ss, None))
    if _MONTH_WORD.search(value) and not _TWITTER_SHAPE.match(value):
        for fmt in _NAMED_MONTH_FORMATS:
            try:
                return datetime.strptime(value, fmt)
            except ValueError:
                continue
    return None


def parse_cell_time(value: str, tz: ZoneInfo) -> datetime | None:
    """A spreadsheet date/time -> aware UTC datetime (None for an empty cell).

    Times without a zone are the agency's local time (`tz`): that is what a person or a vendor
    tool writes into a spreadsheet. US order (MM/DD/YYYY) is assumed for slashes; dotted dates
    (DD.MM.YYYY) are European. Zoned ISO, X's format and epoch numbers go to parse_time.
    Raises ParseError for a value that is not a time.
    """
    stripped = " ".join(value.split())
    if not stripped:
        return None
    try:
        naive = _naive(stripped)
    except ValueError as exc:
        raise ParseError(f"{stripped!r}: {exc}") from None
    if naive is not None:
        # fold=0: an ambiguous time in the autumn DST overlap is read as the first (daylight)
        # occurrence; a time in the spring gap comes out shifted by the offset change.
        return naive.replace(tzinfo=tz).astimezone(UTC)
    return parse_time(stripped)
