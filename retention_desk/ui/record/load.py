"""Worker-side loading for the record viewer: the record's detail, its media decoded into
thumbnails, and the details its source files recorded (a WACZ's signature).

Runs on a task runner thread: `record_detail` walks the whole thread, and decoding images
is too slow for the GUI thread. Images are decoded with QImage (safe off the GUI thread,
unlike QPixmap) from blob bytes stored in the archive; nothing is ever loaded from a URL.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from sqlalchemy import text

from retention_desk.archive import Archive, Cancelled, blobs
from retention_desk.search import RecordDetail, RecordNotFound, record_detail
from retention_desk.search.detail import MediaInfo

THUMB_SIZE = 96
PREVIEW_SIZE = 640
MAX_PREVIEWS = 24  # a post with hundreds of images previews the first ones, lists the rest
MAX_PREVIEW_BYTES = 40 * 1024 * 1024
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")
# What the viewer shows of a source file's import details (the rest is import bookkeeping).
SOURCE_KEYS = ("format", "wacz_version", "software", "created", "title", "resources_verified")


@dataclass(frozen=True)
class MediaPreview:
    info: MediaInfo
    thumbnail: QImage | None = None
    preview: QImage | None = None
    note: str = ""  # why there is no picture: missing, not an image, unreadable, too large


@dataclass(frozen=True)
class RecordViewData:
    detail: RecordDetail
    media: tuple[MediaPreview, ...]
    # source_file_id -> what that file's import recorded worth showing (incl. its container's)
    sources: dict[int, dict[str, Any]] = field(default_factory=dict)
    time_zone: str = ""
    matched_versions: tuple[int, ...] = ()


@dataclass(frozen=True)
class RecordGone:
    """The record is no longer in the archive (or never was): the message says so."""

    record_id: int
    message: str


def is_image(info: MediaInfo) -> bool:
    mime = (info.mime_type or "").lower()
    if mime.startswith("image/"):
        return True
    if (info.media_type or "").lower() in ("photo", "image", "animated_gif"):
        return True
    name = (info.filename or info.original_uri or "").lower()
    return name.endswith(IMAGE_SUFFIXES)


def decode_image(data: bytes) -> tuple[QImage, QImage] | None:
    """(thumbnail, preview) from image bytes, or None when Qt cannot read them."""
    image = QImage()
    if not image.loadFromData(data) or image.isNull():
        return None
    mode = Qt.TransformationMode.SmoothTransformation
    keep = Qt.AspectRatioMode.KeepAspectRatio
    thumb = image.scaled(QSize(THUMB_SIZE, THUMB_SIZE), keep, mode)
    if image.width() > PREVIEW_SIZE or image.height() > PREVIEW_SIZE:
        image = image.scaled(QSize(PREVIEW_SIZE, PREVIEW_SIZE), keep, mode)
    return thumb, image


def _media(
    archive: Archive, media: tuple[MediaInfo, ...], cancel: threading.Event
) -> list[MediaPreview]:
    out: list[MediaPreview] = []
    previews = 0
    for info in media:
        if cancel.is_set():
            raise Cancelled()
        if info.missing or not info.sha256:
            out.append(MediaPreview(info, note="missing: the export did not contain this file"))
        elif not is_image(info):
            kind = info.media_type or info.mime_type or "file"
            out.append(MediaPreview(info, note=f"{kind}: stored, no preview"))
        elif previews >= MAX_PREVIEWS:
            out.append(MediaPreview(info, note="stored; not previewed (too many images)"))
        elif info.size is not None and info.size > MAX_PREVIEW_BYTES:
            out.append(MediaPreview(info, note="stored; too large to preview"))
        else:
            previews += 1
            with archive.read() as conn:
                data = blobs.read_bytes(conn, info.sha256)
            images = decode_image(data)
            if images is None:
                out.append(MediaPreview(info, note="stored; not an image Qt can read"))
            else:
                out.append(MediaPreview(info, images[0], images[1]))
    return out


def _sources(archive: Archive, detail: RecordDetail) -> dict[int, dict[str, Any]]:
    ids = sorted({p.source_file_id for p in detail.provenance})
    if not ids:
        return {}
    marks = ",".join(str(int(i)) for i in ids)  # our own integers: no binding needed
    out: dict[int, dict[str, Any]] = {}
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT s.id, s.details_json, c.name, c.details_json FROM source_files s"
                f" LEFT JOIN source_files c ON c.id = s.container_id WHERE s.id IN ({marks})"
            )
        ).all()
    for sid, details_json, container_name, container_json in rows:
        shown: dict[str, Any] = {}
        for label, raw in (("", details_json), ("container ", container_json)):
            details = _loads(raw)
            for key in SOURCE_KEYS:
                if details.get(key) not in (None, "", [], {}):
                    shown[label + key] = details[key]
            if isinstance(details.get("signature"), dict):
                shown[label + "signature"] = details["signature"]
        if container_name and shown and any(k.startswith("container ") for k in shown):
            shown["container name"] = container_name
        if shown:
            out[int(sid)] = shown
    return out


def _loads(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def load_record(
    archive: Archive,
    record_id: int,
    matched_versions: tuple[int, ...] = (),
    *,
    cancel: threading.Event,
) -> RecordViewData | RecordGone:
    """Everything the viewer shows for one record, or RecordGone."""
    try:
        detail = record_detail(archive, record_id)
    except RecordNotFound as exc:
        return RecordGone(record_id, str(exc))
    if cancel.is_set():
        raise Cancelled()
    media = _media(archive, detail.media, cancel)
    return RecordViewData(
        detail=detail,
        media=tuple(media),
        sources=_sources(archive, detail),
        time_zone=archive.settings().time_zone or "",
        matched_versions=tuple(matched_versions),
    )
