"""Captured web pages -> title and visible text (for display and full-text search).

Charset, in this order: a byte-order mark (decisive), the HTTP `Content-Type` charset, the
document's own `<meta charset>` / `http-equiv`, then valid UTF-8, then charset-normalizer's
guess, then windows-1252 (what browsers fall back to). Labels follow the WHATWG habit of
reading `iso-8859-1` and `ascii` as windows-1252, which is what servers mean by them.

Visible text drops script, style, noscript, template and svg, and keeps block structure: each
block element starts a new line, runs of whitespace (including the source's own line breaks
inside a paragraph) become one space.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

_HIDDEN_TAGS = ["script", "style", "noscript", "template", "svg"]
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|caption|dd|details|dialog|div|dl|dt|fieldset|"
    "figcaption|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|option|p|pre|section|"
    "summary|table|td|th|tr|ul"
)
# A marker put before every block tag in the source; lexbor keeps it as a character, and it
# becomes the line break after whitespace is collapsed. Marking the source with one regex pass
# is several times faster than walking the DOM in Python.
_MARK = "\x1e"
_BLOCK_RE = re.compile(rf"<(?=/?(?:{_BLOCK_TAGS})[\s/>])", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I | re.S)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WINDOWS_1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"}
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class PageText:
    title: str | None
    text: str
    charset: str  # the codec used
    charset_source: str  # bom | http | meta | utf-8 | sniff | fallback


def codec_for(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when Python has no such codec."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    if name in ("x-user-defined", "binary", "none", "unknown"):
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, http_charset: str | None, *, html: bool) -> tuple[str, str, str]:
    """(text, codec, source) for payload bytes; never raises (undecodable bytes become U+FFFD)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace"), codec, "bom"
    codec = codec_for(http_charset)
    source = "http"
    if codec is None and html:
        match = _META_CHARSET.search(data[:4096])
        codec = codec_for(match.group(1).decode("ascii", "replace")) if match else None
        source = "meta"
        if codec in ("utf-16", "utf-16-le", "utf-16-be"):
            # a meta tag readable as ASCII cannot be in UTF-16: the label is wrong (HTML spec)
            codec = "utf-8"
    if codec is not None:
        return data.decode(codec, "replace"), codec, source
    try:
        return data.decode("utf-8"), "utf-8", "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:SNIFF_BYTES]).best()
    if best is not None and codec_for(best.encoding):
        codec = codec_for(best.encoding) or "cp1252"
        return data.decode(codec, "replace"), codec, "sniff"
    return data.decode("cp1252", "replace"), "cp1252", "fallback"


def normalise_space(text: str) -> str:
    """Collapse whitespace inside lines, drop empty lines, keep line breaks."""
    return "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))


def html_to_text(source: str) -> tuple[str | None, str]:
    """(title, visible text) of an HTML document."""
    tree = LexborHTMLParser(_BLOCK_RE.sub(_MARK + "<", source))
    title_node = tree.css_first("title")
    title = None
    if title_node is not None:
        title = " ".join(title_node.text(deep=True).replace(_MARK, " ").split()) or None
    tree.strip_tags(_HIDDEN_TAGS)
    body = tree.body
    raw = body.text(separator="") if body is not None else ""
    text = "\n".join(filter(None, (" ".join(part.split()) for part in raw.split(_MARK))))
    return title, text


def page_text(data: bytes, content_type_charset: str | None, kind: str) -> PageText:
    """Title and text of a payload classified as 'html', 'json' or 'text'."""
    source, codec, how = decode_bytes(data, content_type_charset, html=kind == "html")
    if kind == "html":
        title, text = html_to_text(source)
        return PageText(title, text, codec, how)
    if kind == "json":
        # JSON is kept as written (tokens stay searchable); only stray whitespace is trimmed.
        return PageText(None, source.strip(), codec, how)
    return PageText(None, normalise_space(source), codec, how)
