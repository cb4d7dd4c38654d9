"""Attachments of a Facebook post or comment: media, links, places, events, notes.

Each becomes part of the record: media are stored (or listed missing), links, places and
events are kept in `extra`, personal data (place coordinates, upload IPs) goes to the
sensitive part. An item without text gets the link names and media descriptions as its
searchable words, and what identifies the attachments (media file names, which embed
Facebook's ids, link URLs, events) goes into the item's record key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retention_desk.archive.ingest import MediaIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.meta.files import name_of
from retention_desk.importers.meta.media import add_media, make_media, media_meta
from retention_desk.importers.meta.text import fix_deep, fx, scrub


@dataclass
class Attachments:
    """The parts of one item's attachments."""

    media: list[MediaIn] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # searchable text for items without text
    identity: list[Any] = field(default_factory=list)  # what identifies the item across edits


def attachments_of(ctx: FileContext, raw: dict[str, Any], where: str) -> Attachments:
    """Media, links, places and events of one item, split into shown / sensitive parts."""
    out = Attachments()
    links: list[Any] = []
    places: list[Any] = []
    events: list[Any] = []
    media_shown: list[dict[str, Any]] = []
    other: list[Any] = []
    descriptions: list[str] = []
    for a_i, attachment in enumerate(raw.get("attachments") or []):
        if not isinstance(attachment, dict):
            continue
        for d_i, entry in enumerate(attachment.get("data") or []):
            if not isinstance(entry, dict):
                continue
            here = f"attachments[{a_i}].data[{d_i}]"
            for key, value in entry.items():
                if key == "media" and isinstance(value, dict):
                    _media_entry(ctx, value, where, out, media_shown, descriptions)
                elif key == "external_context" and isinstance(value, dict):
                    shown, hidden = scrub(fix_deep(value))
                    links.append(shown)
                    out.sensitive.update({f"{here}.{key}.{k}": v for k, v in hidden.items()})
                    out.words += [str(shown.get(n)) for n in ("name", "url") if shown.get(n)]
                    if value.get("url"):
                        out.identity.append(["link", fx(value["url"])])
                elif key in ("place", "event") and isinstance(value, dict):
                    shown, hidden = scrub(fix_deep(value))
                    (places if key == "place" else events).append(shown)
                    out.sensitive.update({f"{here}.{key}.{k}": v for k, v in hidden.items()})
                    if key == "event":
                        out.words += [str(shown["name"])] if shown.get("name") else []
                        out.identity.append(
                            ["event", shown.get("name"), value.get("start_timestamp")]
                        )
                elif key == "note" and isinstance(value, dict):
                    for m in value.get("media") or []:
                        if isinstance(m, dict):
                            _media_entry(ctx, m, where, out, media_shown, descriptions)
                    shown, hidden = scrub(
                        fix_deep({k: v for k, v in value.items() if k != "media"})
                    )
                    other.append({"note": shown})
                    out.sensitive.update({f"{here}.note.{k}": v for k, v in hidden.items()})
                    out.words += [str(shown[n]) for n in ("title", "text") if shown.get(n)]
                    out.identity.append(["note", value.get("created_timestamp")])
                elif key in ("name", "text") and isinstance(value, str):
                    other.append({key: fx(value)})
                    out.words.append(fx(value))
                else:
                    for m in _uri_dicts(value):
                        _media_entry(ctx, m, where, out, media_shown, descriptions)
                    shown, hidden = scrub(fix_deep(value))
                    other.append({key: shown})
                    out.sensitive.update({f"{here}.{key}.{k}": v for k, v in hidden.items()})
    out.words = _unique(descriptions + out.words)
    for name, values in (
        ("media", media_shown),
        ("links", links),
        ("places", places),
        ("events", events),
        ("attachments", other),
    ):
        if values:
            out.extra[name] = values
    return out


def _media_entry(
    ctx: FileContext,
    value: dict[str, Any],
    where: str,
    out: Attachments,
    shown: list[dict[str, Any]],
    descriptions: list[str],
) -> None:
    uri = value.get("uri")
    item = make_media(ctx, uri, where, metadata=media_meta(value))
    if item is None:
        return
    thumb = value.get("thumbnail")
    if isinstance(thumb, dict) and isinstance(thumb.get("uri"), str):
        item.metadata["thumbnail"] = thumb["uri"]
    add_media(out.media, item)
    entry = {"uri": item.original_uri}
    for key, label in (("title", "album"), ("description", "description")):
        if value.get(key):
            entry[label] = fx(value[key])
    if value.get("creation_timestamp") is not None:
        entry["creation_timestamp"] = value["creation_timestamp"]
    shown.append(entry)
    if entry.get("description"):
        descriptions.append(entry["description"])
    out.identity.append(["media", name_of(item.original_uri)])


def _uri_dicts(value: Any) -> list[dict[str, Any]]:
    """Media-like objects (with a 'uri') inside attachments of kinds not known here."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if isinstance(value.get("uri"), str):
            found.append(value)
        for child in value.values():
            if isinstance(child, dict | list):
                found += _uri_dicts(child)
    elif isinstance(value, list):
        for child in value:
            found += _uri_dicts(child)
    return found


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result
