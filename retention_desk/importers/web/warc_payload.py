"""HTTP inside WARC records: header blocks, payload decoding, content types, secret masking.

Decoding order follows import-formats.md §6.4: transfer (chunked) framing first, then
Content-Encoding. Capture tools are inconsistent: some keep the chunk framing, some remove it
but keep the header; Social Feed Manager stores already-decoded JSON still labelled `gzip`. So
every step checks the bytes before trusting the label and keeps the bytes as they were when
the step does not apply.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import brotli

MASK = "***"
# The HTTP header block of a record is small; past this we stop looking for its end.
MAX_HTTP_HEADER_BYTES = 256 * 1024
# Decompressed payloads are capped: a page bigger than this is cut (and noted), not loaded.
MAX_DECODED_BYTES = 64 * 1024 * 1024


@dataclass
class HttpHead:
    """The status line and headers of an HTTP message, in order, duplicates kept."""

    status_line: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    status: int | None = None

    def get(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None


def find_header_end(data: bytes) -> int | None:
    """Offset where the payload starts (after the blank line), or None if no blank line yet.

    Some tools write the HTTP header block with bare LF line ends, so both are accepted; the
    earliest blank line wins.
    """
    crlf = data.find(b"\r\n\r\n")
    lf = data.find(b"\n\n")
    ends = [i + 4 for i in (crlf,) if i >= 0] + [i + 2 for i in (lf,) if i >= 0]
    return min(ends) if ends else None


def _decode_header_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_http_head(data: bytes) -> HttpHead | None:
    """Parse `HTTP/1.1 200 OK` + headers; None when the bytes are not an HTTP response head."""
    lines = _decode_header_text(data).replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return None
    status_line = lines[0].strip()
    head = HttpHead(status_line=status_line)
    parts = status_line.split(None, 2)
    if parts and parts[0].upper().startswith("HTTP/") and len(parts) > 1 and parts[1].isdigit():
        head.status = int(parts[1])
    elif parts and parts[0].upper().startswith("HTTP/"):
        head.status = None
    else:
        return None
    for line in lines[1:]:
        if not line.strip():
            break
        if line[0] in " \t" and head.headers:
            # obsolete line folding: a continuation of the previous header
            name, value = head.headers[-1]
            head.headers[-1] = (name, value + " " + line.strip())
            continue
        name, sep, value = line.partition(":")
        if sep:
            head.headers.append((name.strip(), value.strip()))
    return head


# ---------------------------------------------------------------------------------- decoding
def dechunk(data: bytes) -> bytes | None:
    """Remove HTTP/1.1 chunk framing; None when the bytes are not validly chunked.

    A missing final zero-size chunk (the capture was cut) still yields the chunks read.
    """
    out = bytearray()
    pos = 0
    size_line = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")
    while pos < len(data):
        match = size_line.match(data, pos)
        if match is None:
            return None if not out else bytes(out)
        size = int(match.group(1), 16)
        pos = match.end()
        if size == 0:
            return bytes(out)
        chunk = data[pos : pos + size]
        out += chunk
        pos += size
        if len(chunk) < size:
            return bytes(out)  # cut inside a chunk: keep what there is
        if data.startswith(b"\r\n", pos):
            pos += 2
        elif data.startswith(b"\n", pos):
            pos += 1
        elif pos < len(data):
            return None  # a chunk not followed by its line end: not chunked after all
    return bytes(out)


def _inflate(decompressor: zlib._Decompress, data: bytes) -> tuple[bytes, bool]:
    out = decompressor.decompress(data, MAX_DECODED_BYTES)
    return out, decompressor.eof


def gunzip(data: bytes) -> tuple[bytes, bool] | None:
    """(decompressed, complete) for gzip bytes (one or more members); None if not gzip."""
    if not data.startswith(b"\x1f\x8b"):
        return None
    out = bytearray()
    rest = data
    complete = False
    while rest.startswith(b"\x1f\x8b") and len(out) < MAX_DECODED_BYTES:
        decompressor = zlib.decompressobj(31)
        try:
            chunk, complete = _inflate(decompressor, rest)
        except zlib.error:
            if not out:
                return None
            complete = False
            break
        out += chunk
        rest = decompressor.unused_data
        if not complete:
            break
    return bytes(out), complete


def inflate(data: bytes) -> tuple[bytes, bool] | None:
    """Deflate as servers send it: zlib-wrapped (RFC 1950) or, wrongly but often, raw."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        decompressor = zlib.decompressobj(wbits)
        try:
            out, complete = _inflate(decompressor, data)
        except zlib.error:
            continue
        if out or complete:
            return out, complete
    return None


def unbrotli(data: bytes) -> tuple[bytes, bool] | None:
    decompressor = brotli.Decompressor()
    try:
        out = decompressor.process(data)
    except brotli.error:
        return None
    return out[:MAX_DECODED_BYTES], decompressor.is_finished()


_DECODERS = {
    "gzip": gunzip,
    "x-gzip": gunzip,
    "deflate": inflate,
    "br": unbrotli,
}


@dataclass
class Decoded:
    data: bytes
    steps: list[str] = field(default_factory=list)  # what was undone, in order
    notes: list[str] = field(default_factory=list)  # labels that did not match the bytes
    incomplete: bool = False  # a compressed stream ended early (cut capture)


def decode_payload(raw: bytes, head: HttpHead | None) -> Decoded:
    """Undo transfer and content encodings, checking the bytes before trusting each label."""
    result = Decoded(raw)
    if head is None:
        return result
    transfer = (head.get("Transfer-Encoding") or "").lower()
    if "chunked" in transfer:
        plain = dechunk(result.data)
        if plain is None:
            result.notes.append("labelled chunked but not validly chunked; raw bytes used")
        else:
            result.data = plain
            result.steps.append("chunked")
    encodings = [e.strip().lower() for e in (head.get("Content-Encoding") or "").split(",")]
    # Encodings are listed in the order applied, so they are undone from the last one.
    for encoding in reversed([e for e in encodings if e and e != "identity"]):
        decoder = _DECODERS.get(encoding)
        if decoder is None:
            result.notes.append(f"content encoding {encoding!r} not supported; raw bytes used")
            break
        decoded = decoder(result.data)
        if decoded is None:
            # SFM and others store the decoded body but keep the header: keep the bytes.
            result.notes.append(f"labelled {encoding} but not {encoding} data; kept as stored")
            break
        result.data, complete = decoded
        result.steps.append(encoding)
        if not complete:
            result.incomplete = True
            result.notes.append(f"{encoding} stream ends early (cut capture); partial body used")
            break
    return result


# ----------------------------------------------------------------------------- content types
def media_type(content_type: str | None) -> str:
    """'text/html; charset=utf-8' -> 'text/html' (lower case, '' when absent)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def content_type_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    return match.group(1) if match else None


_NOT_TEXT = {
    "text/css",
    "text/javascript",
    "text/ecmascript",
    "text/dns",
    "application/javascript",
    "application/x-javascript",
    "application/ecmascript",
    "application/manifest+json",
    "text/vtt",
    "image/svg+xml",
}
_HTML = {"text/html", "application/xhtml+xml"}


def classify(mtype: str, head_bytes: bytes) -> str | None:
    """'html' | 'json' | 'text' for payloads that become captures; None for other resources.

    With no usable Content-Type the first bytes decide (an HTML document announces itself).
    """
    if mtype in _HTML:
        return "html"
    if mtype in _NOT_TEXT:
        return None
    if mtype in ("application/json", "text/json") or mtype.endswith("+json"):
        return "json"
    if mtype.startswith("text/") or mtype in ("application/xml",) or mtype.endswith("+xml"):
        return "text"
    if mtype in ("", "application/octet-stream", "unk", "unknown", "no-type"):
        sniff = head_bytes[:512].lstrip().lower()
        if sniff.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype html")):
            return "html"
    return None


# ---------------------------------------------------------------------------------- secrets
_SECRET_NAMES = {
    "auth",
    "authorization",
    "code",
    "key",
    "apikey",
    "api_key",
    "api-key",
    "sig",
    "signature",
    "sid",
    "session",
    "sessionid",
    "session_id",
    "jsessionid",
    "phpsessid",
    "password",
    "passwd",
    "pwd",
    "x-amz-credential",
    "x-amz-signature",
    "x-goog-signature",
    "x-goog-credential",
}


def is_secret_param(name: str) -> bool:
    """Query parameter names that carry credentials (access_token, client_secret, sig...)."""
    lower = name.strip().lower()
    return (
        lower in _SECRET_NAMES
        or lower.endswith("token")
        or "secret" in lower
        or "password" in lower
        or lower.startswith("oauth_")
    )


_SENSITIVE_HEADERS = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "set-cookie2",
    "x-csrf-token",
    "x-xsrf-token",
    "x-api-key",
    "x-auth-token",
    "x-access-token",
}


def mask_url(url: str | None) -> str | None:
    """The URL with credentials and secret-looking query values replaced by ***.

    Tokens in URLs (`?access_token=...`) are common in API captures; the unmasked URL stays
    in the stored original WARC, never in the archive's text columns.
    """
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_param(k) for k, _ in pairs):
            masked = [(k, MASK if is_secret_param(k) and v else v) for k, v in pairs]
            query = urlencode(masked, safe="*/:,")
    fragment = parts.fragment
    if fragment and "=" in fragment:
        # OAuth implicit flows put the token in the fragment (#access_token=...)
        pairs = parse_qsl(fragment, keep_blank_values=True)
        if any(is_secret_param(k) for k, _ in pairs):
            fragment = urlencode(
                [(k, MASK if is_secret_param(k) and v else v) for k, v in pairs], safe="*/:,"
            )
    if netloc == parts.netloc and query == parts.query and fragment == parts.fragment:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def mask_headers(headers: list[tuple[str, str]]) -> list[list[str]]:
    """Headers for raw_json: cookie and credential values masked, URLs in values masked."""
    out: list[list[str]] = []
    for name, value in headers:
        lower = name.lower()
        if lower in _SENSITIVE_HEADERS:
            out.append([name, MASK])
        elif lower in ("location", "content-location", "link", "refresh") or lower.startswith(
            "warc-"
        ):
            out.append([name, _mask_urls_in(value)])
        else:
            out.append([name, value])
    return out


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")


def _mask_urls_in(value: str) -> str:
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)) or m.group(0), value)
