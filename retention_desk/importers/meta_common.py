"""Helpers shared by the Facebook and Instagram "Download Your Information" importers.

Both Meta exports have the same habits: UTF-8 written as `\\u00XX` escapes (mojibake), no ids
or permalinks, media referenced by paths relative to the export root, Messenger-style
`message_N.json` threads, and an HTML variant users pick by mistake. What is common lives here:
reading and sniffing files, text repair, stable keys, media, threads and the HTML check.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, upsert_account
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import (
    ParseError,
    clean_record,
    clean_text,
    dumps_raw,
    fix_mojibake,
    loads,
    parse_time,
    time_or_warn,
)
from retention_desk.importers.tree import SourceTree, safe_member_name

HEAD_BYTES = 8192
MAX_PARTICIPANTS_PER_MESSAGE = 50

# Keys whose values are personal data (device IPs, GPS, contact details): they never go into
# `text` or `extra`; `scrub` moves them to the record's sensitive part.
SENSITIVE_KEYS = frozenset(
    {
        "upload_ip",
        "ip",
        "ip_address",
        "latitude",
        "longitude",
        "coordinate",
        "exif_data",
        "media_metadata",
        "email",
        "emails",
        "phone_number",
        "phone_numbers",
    }
)


# ------------------------------------------------------------------------------- text
def fx(value: Any) -> str:
    """Display form of one export string: SQLite-safe and with Meta's mojibake undone once.

    `fix_mojibake` leaves text alone that is not valid mojibake (anything beyond U+00FF, or
    Latin-1 that is not UTF-8), so genuine text that was already fixed is not fixed twice.
    """
    return fix_mojibake(clean_text(value)) if value is not None else ""


def fx_opt(value: Any) -> str | None:
    """`fx` for optional values: None or empty stays None."""
    if value is None:
        return None
    fixed = fx(value)
    return fixed or None


def fix_deep(value: Any) -> Any:
    """`fx` applied to every string (keys too) at any depth; other values unchanged."""
    if isinstance(value, str):
        return fx(value)
    if isinstance(value, list):
        return [fix_deep(v) for v in value]
    if isinstance(value, dict):
        return {fx(k): fix_deep(v) for k, v in value.items()}
    return value


def scrub(value: Any) -> tuple[Any, dict[str, Any]]:
    """Split `value` into (safe to show, sensitive parts keyed by their JSON path)."""
    found: dict[str, Any] = {}

    def walk(node: Any, where: str) -> Any:
        if isinstance(node, dict):
            kept = {}
            for key, child in node.items():
                here = f"{where}.{key}" if where else str(key)
                if key in SENSITIVE_KEYS:
                    found[here] = child
                else:
                    kept[key] = walk(child, here)
            return kept
        if isinstance(node, list):
            return [walk(child, f"{where}[{i}]") for i, child in enumerate(node)]
        return node

    return walk(value, ""), found


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def short_hash(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def normalise(value: Any) -> Any:
    """The content of an item for de-duplication: empty `{}` / `[]` entries in lists dropped
    (real exports repeat an item with an extra `{}` in `data`). Strings are compared as
    parsed: the escaped and the re-saved literal mojibake parse to the same strings."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value if v != {} and v != []]
    return value


# ------------------------------------------------------------------------------- files
@dataclass(frozen=True)
class Head:
    """What the first bytes of a file look like, without parsing the whole file."""

    shape: str  # object | array | empty_array | html | other
    keys: tuple[str, ...]  # quoted JSON keys seen in the head, in order
    encoding_problem: str | None = None  # 'utf-16' | 'not utf-8' | None

    @property
    def first_key(self) -> str | None:
        return self.keys[0] if self.keys else None


_KEY_RE = re.compile(r'"((?:[^"\\]|\\.){1,200})"\s*:')


def sniff(tree: SourceTree, path: str, n: int = HEAD_BYTES) -> Head:
    data = tree.head(path, n)
    problem = None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        problem = "utf-16"
        codec = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_guess(data)
        text = data[: len(data) // 2 * 2].decode(codec, "replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the head is not an encoding problem
            if exc.start < len(data) - 4:
                problem = "not utf-8"
            text = data.decode("utf-8", "replace")
    stripped = text.lstrip("\ufeff \t\r\n")
    lowered = stripped[:200].lower()
    if stripped.startswith("["):
        shape = "empty_array" if stripped[1:].lstrip().startswith("]") else "array"
    elif stripped.startswith("{"):
        shape = "object"
    elif lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered:
        shape = "html"
    else:
        shape = "other"
    return Head(shape, tuple(m.group(1) for m in _KEY_RE.finditer(stripped)), problem)


def _utf16_guess(data: bytes) -> str:
    # ASCII text in UTF-16 without a BOM: the zero byte comes second (LE) or first (BE)
    return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"


def load_json(tree: SourceTree, path: str) -> Any:
    """The parsed file, or ParseError naming the file with a reason a user can act on."""
    data = tree.read_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        raise ParseError(
            f"{path}: the file is UTF-16 text, but Meta exports are UTF-8; it was probably"
            " re-saved by another program. Use the file from the original download"
        )
    return loads(data, name=path)


def name_of(path: str) -> str:
    return PurePosixPath(path).name


def json_paths(tree: SourceTree) -> list[str]:
    return [f.path for f in tree.files if f.path.lower().endswith(".json")]


# ------------------------------------------------------------------------- families
_IG_MARKERS = (
    "your_instagram_activity/",
    "personal_information/personal_information.",
    "followers_and_following/",
    "media/posts/",
    "content/posts_",
)
_FB_MARKERS = (
    "your_facebook_activity/",
    "your_activity_across_facebook/",
    "this_profile's_activity_across_facebook/",
    "profile_information/profile_information.",
    "posts/your_posts",
    "posts/media/",
    "comments_and_reactions/",
    "messages/stickers_used/",
)


def _marks(path: str) -> tuple[bool, bool]:
    lower = "/" + path.lower().replace("\u2019", "'")
    top = lower.split("/")[1] if lower.count("/") > 1 else ""
    ig = any("/" + m in lower or lower.startswith("/" + m) for m in _IG_MARKERS) or (
        "instagram" in top
    )
    fb = any("/" + m in lower for m in _FB_MARKERS) or "facebook" in top
    return ig, fb


class FamilyIndex:
    """Tells Facebook and Instagram files apart where their layouts overlap (Messenger-style
    threads). Decided by the folders around a file: an Instagram export has
    `your_instagram_activity/`, `media/posts/`, `personal_information/personal_information.json`;
    a Facebook one `your_facebook_activity/`, `posts/your_posts_*`, `profile_information/`..."""

    def __init__(self, tree: SourceTree) -> None:
        self._paths = [f.path for f in tree.files]
        self._cache: dict[str, str] = {}

    def family(self, path: str) -> str:
        """'instagram' or 'facebook' (the default: Messenger threads are the common case)."""
        ig, fb = _marks(path)
        if ig != fb:
            return "instagram" if ig else "facebook"
        lower = path.lower()
        cut = lower.rfind("messages/")
        prefix = path[:cut] if cut >= 0 else str(PurePosixPath(path).parent) + "/"
        if prefix in self._cache:
            return self._cache[prefix]
        any_ig = any_fb = False
        for other in self._paths:
            if other.startswith(prefix):
                oig, ofb = _marks(other)
                any_ig |= oig
                any_fb |= ofb
        result = "instagram" if any_ig and not any_fb else "facebook"
        self._cache[prefix] = result
        return result


# ---------------------------------------------------------------------------- writing
def emit(ctx: FileContext, rec: RecordIn) -> None:
    """Write one record, every string made safe for SQLite first: JSON allows lone
    surrogates (`"\ud83d"`), which would otherwise fail the whole file at insert."""
    clean_record(rec)
    rec.record_key = clean_text(rec.record_key)
    if rec.conversation_key is not None:
        rec.conversation_key = clean_text(rec.conversation_key)
    if rec.parent_key is not None:
        rec.parent_key = clean_text(rec.parent_key)
    rec.extra = _clean_deep(rec.extra)
    rec.sensitive = _clean_deep(rec.sensitive)
    for media in rec.media:
        media.original_uri = clean_text(media.original_uri)
        media.metadata = _clean_deep(media.metadata)
    ctx.writer.add(rec)


def _clean_deep(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_deep(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): _clean_deep(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------- account
def claim_owner(
    ctx: FileContext, claim: Claim, find: Callable[[SourceTree], AccountIn | None]
) -> AccountIn | None:
    """The export's account: from this input (found while detecting) or, for a download
    split over several zips, from another input of the same import (`find` looks in one).
    Records of the file get it as their account unless the user named one."""
    if "owner_account" not in claim.state:
        account = claim.account
        for other in ctx.other_trees if account is None else ():
            account = find(other)
            if account is not None:
                break
        claim.state["owner_account"] = account
    account = claim.state["owner_account"]
    if account is not None and ctx.writer.account_id is None and not ctx.options.account:
        ctx.writer.account_id = upsert_account(ctx.conn, account)
    return account


# ------------------------------------------------------------------------- time, keys
def when(
    value: Any, ctx: FileContext, where: str, *, required: bool = False
) -> tuple[datetime | None, str | None]:
    """(UTC time, original value as text); a bad value, or a missing `required` one, is a
    warning and no time (the record is still kept)."""
    if value is None or value == "":
        if required:
            ctx.warn(f"{where}: no time (or not a number); kept without a date")
        return None, None
    return time_or_warn(value, ctx.warnings, where), str(value)


@dataclass
class KeyedItem:
    """One item of a file with the parts that identify it."""

    index: int
    base: Any  # what identifies the item and survives an edit (time, attachment ids)
    content: Any  # the normalised item, to tell apart items sharing a base
    key: str = ""
    duplicates: list[int] = field(default_factory=list)  # later identical items


def assign_keys(
    prefix: str, items: list[KeyedItem], label: Callable[[Any], str]
) -> list[KeyedItem]:
    """Give every distinct item a stable key and fold identical repeats into the first.

    The key is a hash of `base` only (so an edited text stays the same record, a new version);
    only when several *different* items share a base in one file is their content added to
    tell them apart. Items with the same base and the same normalised content are one record.
    Returns the first occurrence of each record, in file order.
    """
    groups: dict[str, dict[str, KeyedItem]] = {}
    for item in items:
        base = canonical(item.base)
        content = canonical(item.content)
        group = groups.setdefault(base, {})
        if content in group:
            group[content].duplicates.append(item.index)
        else:
            group[content] = item
    firsts: list[KeyedItem] = []
    for base, group in groups.items():
        for content, item in group.items():
            ident = short_hash(base if len(group) == 1 else [base, content])
            item.key = f"{prefix}:{label(item.base)}:{ident}"
            firsts.append(item)
    firsts.sort(key=lambda it: it.index)
    return firsts


# ------------------------------------------------------------------------------ media
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_TYPES = {
    "photo": (".jpg", ".jpeg", ".png", ".webp", ".heic", ".bmp", ".tif", ".tiff"),
    "video": (".mp4", ".mov", ".m4v", ".webm", ".avi", ".3gp"),
    "gif": (".gif",),
    "audio": (".m4a", ".aac", ".mp3", ".wav", ".ogg", ".opus", ".amr"),
}


def media_type_for(uri: str, default: str | None = None) -> str | None:
    lower = uri.lower().split("?")[0]
    for kind, exts in _TYPES.items():
        if lower.endswith(exts):
            return kind
    return default


def make_media(
    ctx: FileContext,
    uri: Any,
    where: str,
    *,
    metadata: dict[str, Any] | None = None,
    media_type: str | None = None,
) -> MediaIn | None:
    """A MediaIn for a `uri` of the export (stored if present, listed missing if not).

    The uri is relative to the export root; the tree already keeps reads inside the inputs,
    but a uri that is absolute, has `..` or a scheme other than http(s) is refused here too,
    with a warning, and listed as missing so the reference is not lost.
    """
    if not isinstance(uri, str) or not uri.strip():
        return None
    uri = clean_text(uri).strip()
    meta = dict(metadata or {})
    mtype = media_type or media_type_for(uri)
    if uri.lower().startswith(("http://", "https://")):
        meta["remote"] = True
        return MediaIn(original_uri=uri, media_type=mtype, metadata=meta)
    # `_SCHEME` also matches drive letters (C:) and file:, data: or javascript: uris
    safe = None if _SCHEME.match(uri) else safe_member_name(uri)
    if safe is None:
        ctx.warn(f"{where}: media path {uri!r} points outside the export; refused")
        meta["refused"] = "path outside the export"
        return MediaIn(original_uri=uri, media_type=mtype, metadata=meta)
    fields: dict[str, Any] = {
        "original_uri": uri,
        "filename": name_of(safe),
        "mime_type": mimetypes.guess_type(safe)[0],
        "media_type": mtype,
        "metadata": meta,
    }
    real = _resolve(ctx, safe)
    if real is None:  # not in the download: listed as missing
        return MediaIn(**fields)
    return ctx.media(real, **fields)


def _resolve(ctx: FileContext, path: str) -> str | None:
    """The tree path of an export-relative `path`, in this input or another input of the
    same import (split downloads), also when the export sits under a root folder.

    Same rule as FileContext.locate, but through an index: `SourceTree.find` scans every file,
    which made each lookup linear and an export with tens of thousands of media quadratic.
    """
    trees = (ctx.tree, *ctx.other_trees)
    for tree in trees:
        if tree.exists(path):
            return path
    for tree in trees:
        hits = _suffix_index(tree).get(path, ())
        if len(hits) == 1:
            return hits[0]
    return None


def _suffix_index(tree: SourceTree) -> dict[str, list[str]]:
    cached = tree.__dict__.get("_meta_suffix_index")
    if cached is not None and cached[0] == len(tree.files):
        return cached[1]
    index: dict[str, list[str]] = {}
    for f in tree.files:
        path = f.path
        index.setdefault(path, []).append(path)
        start = path.find("/")
        while start >= 0:
            index.setdefault(path[start + 1 :], []).append(path)
            start = path.find("/", start + 1)
    tree.__dict__["_meta_suffix_index"] = (len(tree.files), index)
    return index


def add_media(media: list[MediaIn], item: MediaIn | None) -> None:
    """Append unless the same uri is already attached (a thumbnail can repeat the video)."""
    if item is not None and all(m.original_uri != item.original_uri for m in media):
        media.append(item)


# ---------------------------------------------------------------------------- threads
_MESSAGE_MEDIA = {
    "photos": "photo",
    "videos": "video",
    "gifs": "gif",
    "audio_files": "audio",
    "files": "file",
}
_MESSAGE_KNOWN = {
    "sender_name",
    "timestamp_ms",
    "content",
    "reactions",
    "is_unsent",
    "share",
    "sticker",
    "type",
    "call_duration",
    *_MESSAGE_MEDIA,
}


def thread_name(path: str) -> str:
    """The thread's folder (`messages/inbox/<thread>/message_1.json`): stable when a thread
    moves between inbox, archived_threads and e2ee_cutover."""
    parent = PurePosixPath(path).parent
    return parent.name or path


def import_thread(ctx: FileContext, path: str, data: Any, platform: str) -> None:
    """Write one Messenger-style `message_N.json` (Facebook Messenger or Instagram Direct).

    Every message becomes a restricted 'message' record in the conversation named after the
    thread folder. An unsent message (`is_unsent`) is recorded as deleted: the export does not
    say when it was unsent, so the time is when this archive first saw it, and the raw value
    says so.
    """
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ParseError(f"{path}: expected a message thread with a 'messages' list")
    thread = thread_name(path)
    participants = [
        fx(p.get("name")) for p in data.get("participants") or [] if isinstance(p, dict)
    ]
    thread_extra: dict[str, Any] = {
        "thread": thread,
        "thread_title": fx_opt(data.get("title")),
        "thread_path": fx_opt(data.get("thread_path")),
    }
    # Each message names the people in its thread; a very large group keeps the list once,
    # on the source file, instead of in every one of its messages.
    if len(participants) <= MAX_PARTICIPANTS_PER_MESSAGE:
        thread_extra["participants"] = participants
    else:
        thread_extra["participant_count"] = len(participants)
        ctx.details["participants"] = participants
    seen: dict[tuple[Any, str], int] = {}
    for index, msg in enumerate(data["messages"]):
        ctx.check_cancel()
        where = f"{path} message {index}"
        if not isinstance(msg, dict):
            ctx.warn(f"{where}: not an object ({type(msg).__name__}); skipped")
            continue
        sender = fx_opt(msg.get("sender_name"))
        stamp = msg.get("timestamp_ms", msg.get("timestamp"))
        created, created_raw = when(stamp, ctx, where, required=True)
        # Same sender, same millisecond: told apart by their order in the file.
        ordinal = seen.get((stamp, sender or ""), 0)
        seen[(stamp, sender or "")] = ordinal + 1
        key = f"message:{thread}:{stamp}:{short_hash([sender, ordinal])}"
        raw_text = msg.get("content") if isinstance(msg.get("content"), str) else None
        text = fx(raw_text) if raw_text is not None else ""
        extra: dict[str, Any] = {k: v for k, v in thread_extra.items() if v}
        media: list[MediaIn] = []
        for field_name, mtype in _MESSAGE_MEDIA.items():
            for entry in msg.get(field_name) or []:
                if isinstance(entry, dict):
                    item = make_media(
                        ctx, entry.get("uri"), where, media_type=mtype, metadata=media_meta(entry)
                    )
                    add_media(media, item)
        sticker = msg.get("sticker")
        if isinstance(sticker, dict):
            add_media(media, make_media(ctx, sticker.get("uri"), where, media_type="sticker"))
        share = msg.get("share")
        if isinstance(share, dict):
            shown, _hidden = scrub(fix_deep(share))
            extra["share"] = shown
            if not text and shown.get("link"):
                text = str(shown["link"])
        if msg.get("reactions"):
            extra["reactions"] = fix_deep(msg["reactions"])
        for name in ("type", "call_duration"):
            if msg.get(name) not in (None, "", "Generic"):
                extra[name] = fix_deep(msg[name])
        others = {k: v for k, v in msg.items() if k not in _MESSAGE_KNOWN}
        shown_others, sensitive = scrub(fix_deep(others))
        if shown_others:
            extra["other"] = shown_others
        rec = RecordIn(
            platform=platform,
            kind="message",
            record_key=key,
            text=text,
            text_raw=raw_text,
            conversation_key=thread,
            author_name=sender,
            created_at=created,
            created_at_raw=created_raw,
            restricted=True,
            extra=extra,
            sensitive=sensitive,
            raw_json=dumps_raw(msg),
            locator=f"{path}#messages[{index}]",
            media=media,
        )
        if msg.get("is_unsent") is True:
            rec.deleted_at = timeutil.utcnow()
            rec.deleted_at_raw = "is_unsent: true (the export does not say when)"
            extra["unsent"] = True
        emit(ctx, rec)


def media_meta(entry: dict[str, Any]) -> dict[str, Any]:
    """Metadata of one export media entry (EXIF, upload IP, GPS, camera, times): kept with the
    media, never shown by default."""
    meta: dict[str, Any] = {}
    for name in ("creation_timestamp", "taken_at"):
        if entry.get(name) is not None:
            meta[name] = entry[name]
    if entry.get("media_metadata") is not None:
        meta["media_metadata"] = fix_deep(entry["media_metadata"])
    return meta


def count_thread(data: Any) -> tuple[int, list[Any]]:
    """(messages, timestamps) for previews."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return 0, []
    msgs = [m for m in data["messages"] if isinstance(m, dict)]
    return len(msgs), [m.get("timestamp_ms") for m in msgs]


# ------------------------------------------------------------------------------- HTML
def html_variant(tree: SourceTree, names: re.Pattern[str], platform: str) -> str | None:
    """The file to report when the export is the HTML variant (data pages, no JSON).

    `names` matches file names of data pages. Only a tree with the platform's own folders
    (`posts/your_posts_*`, `your_facebook_activity/`, `your_instagram_activity/`...) counts, so
    a stray `index.html` is not taken for an export. The user has to download again in JSON
    format; one claimed file carries the message, every other file is still kept as an
    original by the runner.
    """
    which = 0 if platform == "instagram" else 1
    if not any(_marks(f.path)[which] for f in tree.files):
        return None
    families = FamilyIndex(tree)
    pages = [
        f.path
        for f in tree.files
        if f.path.lower().endswith((".html", ".htm")) and names.match(name_of(f.path).lower())
    ]
    pages = [p for p in pages if families.family(p) == platform]
    if not pages:
        return None
    pages.sort(key=lambda p: (not re.match(r"^(your_|profile_)?posts", name_of(p)), len(p), p))
    for page in pages[:20]:
        try:
            if sniff(tree, page, 2048).shape == "html":
                return page
        except OSError:
            continue
    return None


def html_error(path: str, platform_label: str) -> ParseError:
    return ParseError(
        f"{path}: this is the HTML version of a {platform_label} 'Download Your Information'"
        " export, which cannot be imported as records. Request the download again with"
        " Format: JSON (Accounts Center > Your information and permissions > Download your"
        " information), then import that download."
    )


# ------------------------------------------------------------------------------ misc
def timestamps_range(values: Iterable[Any]) -> tuple[datetime | None, datetime | None]:
    """(earliest, latest) of the parseable values, for previews."""
    found: list[datetime] = []
    for value in values:
        try:
            parsed = parse_time(value)
        except ParseError:
            continue
        if parsed is not None:
            found.append(parsed)
    return (min(found), max(found)) if found else (None, None)
