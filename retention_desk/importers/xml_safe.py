"""Safe, streaming XML for the XML-based importers (WordPress WXR, MediaWiki export).

XML from an export is hostile input. Everything here goes through defusedxml: entity
declarations (the "billion laughs" bomb), external entities and external DTDs are refused
with a clear error, never expanded or fetched. Parsing streams (iterparse) and callers drop
each element once handled, so a multi-gigabyte export stays bounded in memory.

Also shared by those importers: turning an element into the JSON kept as `raw_json`, and the
"append only newer history" rule both use when a later export repeats old revisions.

`repaired()` is opt-in (WordPress uses it; MediaWiki parses strictly): real exports break XML in
a few well-known, harmless ways (a namespace prefix used but never declared, control characters,
a bare `&`, an HTML entity such as `&nbsp;`). It mends exactly those while streaming and counts
what it mended; anything else (entities declared in a DTD, a truncated file, bad bytes) is left
for the parser to refuse as before.
"""

from __future__ import annotations

import codecs
import html.entities
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
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
        reason = _reason(exc)
        error = UnboundPrefix if reason == "unbound prefix" else BrokenXML
        raise error(f"{name}: broken XML at line {line} column {column}: {reason}") from None


class BrokenXML(ParseError):
    """The file is not well-formed XML (as opposed to refused for safety)."""


class UnboundPrefix(BrokenXML):
    """An element or attribute uses a namespace prefix that is never declared."""


def _reason(exc: XMLSyntaxError) -> str:
    message = str(exc)
    return message.split(":", 1)[0] if ": line" in message else message


# ------------------------------------------------------------------------------ repairs
# Prefixes feeds and WordPress.com exports use, sometimes without declaring them (WordPress.com
# writes `<atom:link>` in the channel of exports whose <rss> declares no `atom`).
KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dsq": "http://www.disqus.com/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "georss": "http://www.georss.org/georss",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
# Namespace given to a prefix that is neither declared nor known: its elements stay readable
# (and recognisably unresolved) instead of failing the whole file.
UNDECLARED_NS = "urn:retention-desk:undeclared-prefix:"

_XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BARE_AMP = re.compile(r"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z_][\w.\-]*;)")
_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_BAD_CHAR_REF = re.compile(
    r"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01])|[xX]0*(?:[0-8]|[bBcCeEfF]|1[0-9a-fA-F]));"
)
_USED_PREFIX = re.compile(rb"<\/?([A-Za-z_][\w.\-]*):[A-Za-z_]|\s([A-Za-z_][\w.\-]*):[\w.\-]+\s*=")
_ENCODING = re.compile(rb"""\A<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


@dataclass
class Repairs:
    """What `repaired()` mended in one file, for the import report."""

    injected: dict[str, str] = field(default_factory=dict)  # prefix -> uri added to the root
    used: set[str] = field(default_factory=set)  # injected prefixes the file really uses
    control_chars: int = 0
    ampersands: int = 0
    entities: dict[str, int] = field(default_factory=dict)

    def notes(self) -> list[str]:
        out = []
        if self.used:
            out.append(
                "namespace prefix(es) used but never declared, declared for reading: "
                + ", ".join(sorted(self.used))
            )
        if self.control_chars:
            out.append(f"{self.control_chars} control character(s) not allowed in XML removed")
        if self.ampersands:
            out.append(f"{self.ampersands} bare '&' read as '&amp;'")
        if self.entities:
            listed = ", ".join(f"&{k}; x{n}" for k, n in sorted(self.entities.items()))
            out.append(f"HTML entities XML does not define read as characters: {listed}")
        return out

    def note_namespace(self, tag: str) -> None:
        """Called per element: an injected declaration counts as a repair only when used."""
        if tag.startswith("{") and self.injected:
            uri = namespace(tag)
            for prefix, declared in self.injected.items():
                if declared == uri:
                    self.used.add(prefix)


def used_prefixes(fh: IO[bytes]) -> set[str]:
    """Every `prefix:` an element or attribute name uses, in one streaming pass (regex, no
    parsing). May over-report (HTML inside CDATA); an unused declaration is harmless."""
    found: set[str] = set()
    tail = b""
    while True:
        chunk = fh.read(1 << 20)
        data = tail + chunk
        for m in _USED_PREFIX.finditer(data):
            found.add((m.group(1) or m.group(2)).decode("ascii", "replace"))
        if not chunk:
            break
        tail = data[-256:]
    return found - {"xml", "xmlns"}


def missing_prefixes(declared: dict[str, str], used: set[str] | None = None) -> dict[str, str]:
    """Declarations to add on the root: every known prefix the root does not declare, plus
    `used` prefixes that are neither declared nor known."""
    extra = {p: uri for p, uri in KNOWN_PREFIXES.items() if p not in declared}
    for prefix in sorted(used or ()):
        if prefix not in declared and prefix not in extra:
            extra[prefix] = UNDECLARED_NS + prefix
    return extra


def repaired(fh: IO[bytes], repairs: Repairs, *, head_size: int = 1 << 16) -> IO[bytes]:
    """`fh` as a stream with `repairs.injected` declared on the root element and, for UTF-8
    files, control characters dropped, bare `&` escaped and HTML named entities turned into
    character references outside CDATA sections. Counts go into `repairs`."""
    return io.BufferedReader(_Repairing(fh, repairs, head_size), buffer_size=1 << 16)


class _Repairing(io.RawIOBase):
    def __init__(self, fh: IO[bytes], repairs: Repairs, head_size: int) -> None:
        self._fh = fh
        self._repairs = repairs
        self._out = bytearray()
        self._pending = ""
        self._in_cdata = False
        self._done = False
        head = fh.read(head_size)
        encoding = _ENCODING.match(head.lstrip(b"\xef\xbb\xbf"))
        name = encoding.group(1).decode("ascii").lower() if encoding else "utf-8"
        # Text repairs only where the bytes are UTF-8; anything else passes through untouched.
        self._text = name.replace("_", "-") in ("utf-8", "utf8") and not head.startswith(
            (b"\xff\xfe", b"\xfe\xff")
        )
        # surrogateescape: invalid bytes go back out unchanged, for the parser to report
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self._feed(self._declare(head), final=False)

    def _declare(self, head: bytes) -> bytes:
        if not self._repairs.injected:
            return head
        start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        prolog = _PROLOG.match(head[start:])
        at = start + (prolog.end() if prolog else 0)
        match = _START.match(head, at)
        if match is None:
            return head
        end = match.end() - (2 if head[match.end() - 2 : match.end()] == b"/>" else 1)
        attrs = b"".join(
            b' xmlns:%s="%s"' % (p.encode("ascii"), uri.encode("ascii"))
            for p, uri in self._repairs.injected.items()
        )
        return head[:end] + attrs + head[end:]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out and not self._done:
            chunk = self._fh.read(1 << 16)
            self._feed(chunk, final=not chunk)
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        del self._out[:n]
        return n

    def _feed(self, data: bytes, *, final: bool) -> None:
        if final:
            self._done = True
        if not self._text:
            self._out += data
            return
        text = self._pending + self._decoder.decode(data, final=final)
        if final:
            cut = len(text)
        else:
            # a '>' never sits inside '<![CDATA[' or an entity reference, and ends ']]>':
            # cutting right after one splits no construct the repairs look at
            cut = text.rfind(">") + 1
            if cut == 0 and len(text) > 1 << 20:
                cut = len(text) - 64
                last = max(text.rfind(c, cut - 64, cut) for c in "&<]")
                cut = last if last > 0 else cut
        self._pending = text[cut:]
        self._out += self._mend(text[:cut]).encode("utf-8", "surrogateescape")

    def _mend(self, text: str) -> str:
        parts: list[str] = []
        pos = 0
        while pos < len(text):
            if self._in_cdata:
                end = text.find("]]>", pos)
                stop = len(text) if end < 0 else end + 3
                parts.append(self._controls(text[pos:stop]))
                self._in_cdata = end < 0
            else:
                start = text.find("<![CDATA[", pos)
                stop = len(text) if start < 0 else start + 9
                parts.append(self._markup(text[pos:stop]))
                self._in_cdata = start >= 0
            pos = stop
        return "".join(parts)

    def _controls(self, text: str) -> str:
        cleaned, count = _CONTROL.subn("", text)
        self._repairs.control_chars += count
        return cleaned

    def _markup(self, text: str) -> str:
        text = self._controls(text)
        text, count = _BAD_CHAR_REF.subn("", text)
        self._repairs.control_chars += count
        text, count = _BARE_AMP.subn("&amp;", text)
        self._repairs.ampersands += count
        return _NAMED_REF.sub(self._entity, text)

    def _entity(self, m: re.Match[str]) -> str:
        name = m.group(1)
        chars = html.entities.html5.get(name + ";")
        if name in _XML_PREDEFINED or chars is None:
            return m.group(0)  # XML's own, or unknown: left for the parser to judge
        self._repairs.entities[name] = self._repairs.entities.get(name, 0) + 1
        return "".join(f"&#{ord(c)};" for c in chars)


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
