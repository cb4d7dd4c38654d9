"""Media of a Meta (Facebook, Instagram) download: files referenced by export-relative uris.

A uri is stored when the download holds the file and listed as missing when it does not; a
uri pointing outside the export is refused. EXIF, GPS and upload IPs stay in the media's
metadata, never shown by default.
"""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from retention_desk.archive.ingest import MediaIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import clean_text
from retention_desk.importers.meta.files import name_of
from retention_desk.importers.meta.text import fix_deep
from retention_desk.importers.tree import safe_member_name

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_TYPES = {
    "photo": (".jpg", ".jpeg", ".png", ".webp", ".heic", ".bmp", ".tif", ".tiff"),
    "video": (".mp4", ".mov", ".m4v", ".webm", ".avi", ".3gp"),
    "gif": (".gif",),
    "audio": (".m4a", ".aac", ".mp3", ".wav", ".ogg", ".opus", ".amr"),
}


def media_type_for(uri: str, default: str | None = None) -> str | None:
    """'photo', 'video', 'gif' or 'audio' by the uri's extension, else `default`."""
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
    # In this input or another of the same import (split downloads), also when the export
    # sits under a root folder.
    found = ctx.locate(safe)
    if found is None:  # not in the download: listed as missing
        return MediaIn(**fields)
    return ctx.media(found[1], **fields)


def add_media(media: list[MediaIn], item: MediaIn | None) -> None:
    """Append unless the same uri is already attached (a thumbnail can repeat the video)."""
    if item is not None and all(m.original_uri != item.original_uri for m in media):
        media.append(item)


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
