"""Safe, streaming XML for the XML-based importers (WordPress WXR, MediaWiki export).

XML from an export is hostile input. Everything here goes through defusedxml: entity
declarations (the "billion laughs" bomb), external entities and external DTDs are refused
with a clear error, never expanded or fetched. Parsing streams (iterparse) and callers drop
each element once handled, so a multi-gigabyte export stays bounded in memory.

Also shared by those importers: turning an element into the JSON kept as `raw_json`, and the
"append only newer history" rule both use when a later export repeats old revisions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml.ElementTree as DET
from defusedxml.common import DefusedXmlException, DTDForbidden, EntitiesForbidden
from sqlalchemy import Connection, text

from retention_desk.importers.common import NOT_TABULAR_OR_XML_SUFFIXES, ParseError

# Values of these names (any namespace) never go into raw_json: they are personal data that the
# importer keeps in `sensitive` instead. The original file is kept byte-exact in the archive.
SENSITIVE_MARK = "[sensitive: kept in sensitive_json]"

# Files that cannot be an XML export: detection does not even open them (a Takeout or an X
# archive holds tens of thousands of media and JSON files).
NOT_XML_SUFFIXES = NOT_TABULAR_OR_XML_SUFFIXES | {".csv", ".svg", ".tsv"}


def local(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'post_id'."""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# ------------------------------------------------------------------------------ sniffing
_PROLOG = re.compile(
    rb"""\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*""",
    re.S | re.I,
)
_START = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)((?:\s[^>]*)?)/?>", re.S)
_XMLNS = re.compile(rb"""xmlns(?::([\w.\-]+))?\s*=\s*(["'])(.*?)\2""", re.S)


def sniff_root(head: bytes) -> tuple[str, dict[str, str]] | None:
    """The first element's name and its namespace declarations, read from the head of a file
    with a pattern (nothing is parsed or expanded, so a hostile prolog cannot hurt).

    Returns (qualified name as written, {prefix or '': uri}) or None when it is not XML.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16", "ignore").encode("utf-8")
        except UnicodeError:
            return None
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.lstrip().startswith(b"<"):
        return None
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    match = _START.match(rest)
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace")
    spaces = {
        (m.group(1) or b"").decode("ascii", "replace"): m.group(3).decode("utf-8", "replace")
        for m in _XMLNS.finditer(match.group(2))
    }
    return name, spaces


# ------------------------------------------------------------------------------ parsing
def iterparse(
    fh: IO[bytes], *, name: str, events: tuple[str, ...] = ("start", "end")
) -> Iterator[tuple[str, Element]]:
    """defusedxml iterparse whose every failure is a ParseError naming the file and place."""
    try:
        yield from DET.iterparse(
            fh, events=events, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except EntitiesForbidden as exc:
        raise ParseError(
            f"{name}: refused: the file declares XML entities ({exc.name!r}); exports never do,"
            " and entity expansion is how 'billion laughs' XML bombs work"
        ) from None
    except DTDForbidden:
        raise ParseError(f"{name}: refused: the file carries a document type definition") from None
    except DefusedXmlException as exc:
        raise ParseError(
            f"{name}: refused: the file refers to external resources ({type(exc).__name__})"
        ) from None
    except XMLSyntaxError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ParseError(
            f"{name}: broken XML at line {line} column {column}: {_reason(exc)}"
        ) from None


def _reason(exc: XMLSyntaxError) -> str:
    message = str(exc)
    return message.split(":", 1)[0] if ": line" in message else message


def child_text(elem: Element, tag: str) -> str | None:
    """Text of the first child with this (namespaced) tag; '' for an empty one, None if absent."""
    found = elem.find(tag)
    if found is None:
        return None
    return found.text or ""


# ------------------------------------------------------------------------------ raw JSON
def element_to_json(
    elem: Element,
    prefixes: dict[str, str],
    *,
    skip: frozenset[str] = frozenset(),
    sensitive: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """An element as a JSON-able dict: children by prefixed name ('wp:post_id'), repeated
    children as lists, attributes as '@name', text beside children as '#text'.

    `skip` names children left out (kept as their own records); `sensitive` names children
    whose values are replaced by a marker (the values go to the record's `sensitive`).
    """
    out: dict[str, Any] = {}
    for key, value in elem.attrib.items():
        out["@" + _qualified(key, prefixes)] = value
    grouped: dict[str, list[Any]] = {}
    for child in elem:
        key = _qualified(child.tag, prefixes)
        if key in skip:
            continue
        if key in sensitive:
            value: Any = SENSITIVE_MARK if (child.text or "").strip() or len(child) else ""
        elif len(child) or child.attrib:
            value = element_to_json(child, prefixes, sensitive=sensitive)
        else:
            value = child.text or ""
        grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        out[key] = values[0] if len(values) == 1 else values
    if elem.text and (elem.text.strip() or (elem.attrib and not len(elem))):
        out["#text"] = elem.text
    return out


def _qualified(tag: str, prefixes: dict[str, str]) -> str:
    space = namespace(tag)
    if not space:
        return tag
    prefix = prefixes.get(space)
    return f"{prefix}:{local(tag)}" if prefix else local(tag)


# ------------------------------------------------------------------------------ history
def latest_version_time(conn: Connection, platform: str, record_key: str) -> str | None:
    """The newest platform edit time of any version the archive holds for this record (the
    stored fixed-width UTC text, which sorts like time), or None.

    Revision histories (WordPress revisions, wiki page histories) repeat in every later export;
    versions can only be appended, so an importer writes only revisions newer than this.
    """
    return conn.execute(
        text(
            "SELECT max(v.platform_edited_at) FROM record_versions v JOIN records r"
            " ON r.id = v.record_id WHERE r.platform = :p AND r.record_key = :k"
        ),
        {"p": platform, "k": record_key},
    ).scalar()
