"""WARC digests (`WARC-Block-Digest`, `WARC-Payload-Digest`): parsing and checking.

Writers disagree on how to spell a digest: the standard form is `sha1:` + base32, warcprox
writes hex, some tools base64 or base64url, and newer crawlers use `sha256:`. Every form is
normalised to the raw digest bytes before comparing, so a correct digest is never reported as
a mismatch because of its spelling. warcio does not verify digests while reading (warcio#18),
so the importer computes them itself while it streams each block.

Status of one digest on one record:
- ``ok``: declared and equal to what the bytes hash to;
- ``mismatch``: declared, readable, and different (the bytes changed or the record is cut);
- ``unverifiable``: declared but unusable (unknown algorithm, value in no known encoding);
- ``absent``: not declared.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

OK = "ok"
MISMATCH = "mismatch"
UNVERIFIABLE = "unverifiable"
ABSENT = "absent"

# digest sizes in bytes; names as WARC writers spell them, lower-cased, without '-' or '_'
_ALGORITHMS: dict[str, tuple[str, int]] = {
    "sha1": ("sha1", 20),
    "sha": ("sha1", 20),
    "sha256": ("sha256", 32),
    "sha512": ("sha512", 64),
    "md5": ("md5", 16),
}
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_B32 = re.compile(r"^[A-Z2-7]+=*$")
_B64 = re.compile(r"^[A-Za-z0-9+/]+=*$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]+=*$")


@dataclass(frozen=True)
class Digest:
    """A declared digest: the header value as written and, when readable, its raw bytes."""

    declared: str
    algorithm: str | None  # hashlib name, or None when the algorithm is unknown
    value: bytes | None  # raw digest, or None when the value is in no known encoding
    encoding: str | None  # hex | base32 | base64 | base64url

    @property
    def usable(self) -> bool:
        return self.algorithm is not None and self.value is not None

    @property
    def normalised(self) -> str | None:
        """`algo:hex`, the one spelling used for lookups (revisits by payload digest)."""
        if not self.usable:
            return None
        assert self.value is not None
        return f"{self.algorithm}:{self.value.hex()}"


def algorithm_name(label: str) -> tuple[str, int] | None:
    """('sha1', 20) for 'SHA-1', 'sha1', 'sha'...; None for an algorithm we do not know."""
    return _ALGORITHMS.get(label.strip().lower().replace("-", "").replace("_", ""))


def decode_digest_value(value: str, size: int) -> tuple[bytes, str] | None:
    """The raw digest of `size` bytes spelt as hex, base32, base64 or base64url, or None."""
    value = value.strip()
    if not value:
        return None
    # hex first: a hex string of the right length is never valid base32/base64 of that size
    if len(value) == 2 * size and _HEX.match(value):
        return bytes.fromhex(value), "hex"
    upper = value.upper()
    if _B32.match(upper):
        bare = upper.rstrip("=")
        if len(bare) == -(-size * 8 // 5):
            return _b32decode(bare, size), "base32"
    bare = value.rstrip("=")
    if len(bare) == -(-size * 4 // 3):
        padded = bare + "=" * (-len(bare) % 4)
        for pattern, name, altchars in (
            (_B64, "base64", None),
            (_B64URL, "base64url", b"-_"),
        ):
            if pattern.match(value):
                try:
                    raw = base64.b64decode(padded, altchars=altchars, validate=True)
                except (binascii.Error, ValueError):
                    continue
                if len(raw) == size:
                    return raw, name
    return None


_B32_TO_INT_DIGITS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHIJKLMNOPQRSTUV"
)


def _b32decode(bare: str, size: int) -> bytes:
    """RFC 4648 base32 (no padding) -> `size` bytes; spare low bits are ignored, as
    base64.b32decode ignores them.

    base64.b32decode is pure Python and showed up in profiles (one call per record and
    digest); int(..., 32) does the same arithmetic in C once the alphabet is mapped to
    int()'s digits.
    """
    number = int(bare.translate(_B32_TO_INT_DIGITS), 32)
    spare = len(bare) * 5 - size * 8
    return (number >> spare).to_bytes(size, "big")


def parse_digest(header: str | None) -> Digest | None:
    """Parse a `WARC-*-Digest` header value; None when the header is absent or empty."""
    if header is None or not header.strip():
        return None
    declared = header.strip()
    label, sep, value = declared.partition(":")
    if not sep:
        return Digest(declared, None, None, None)
    known = algorithm_name(label)
    if known is None:
        return Digest(declared, None, None, None)
    algorithm, size = known
    decoded = decode_digest_value(value, size)
    if decoded is None:
        return Digest(declared, algorithm, None, None)
    return Digest(declared, algorithm, decoded[0], decoded[1])


def encode_digest(raw: bytes, encoding: str) -> str:
    """Spell raw digest bytes in one of the encodings WARC writers use (tests, synthetic WARCs)."""
    if encoding == "hex":
        return raw.hex()
    if encoding == "base32":
        return base64.b32encode(raw).decode("ascii")
    if encoding == "base64":
        return base64.b64encode(raw).decode("ascii")
    if encoding == "base64url":
        return base64.urlsafe_b64encode(raw).decode("ascii")
    raise ValueError(f"unknown digest encoding {encoding!r}")


class Hashers:
    """hashlib objects for the algorithms a record needs, fed once per chunk."""

    def __init__(self, algorithms: set[str]) -> None:
        self._hashers = {name: hashlib.new(name) for name in sorted(algorithms)}

    def update(self, data: bytes) -> None:
        for hasher in self._hashers.values():
            hasher.update(data)

    def digest(self, algorithm: str) -> bytes | None:
        hasher = self._hashers.get(algorithm)
        return hasher.digest() if hasher is not None else None


def check(declared: Digest | None, computed: bytes | None) -> str:
    """Status of a declared digest against the bytes' digest in the same algorithm."""
    if declared is None:
        return ABSENT
    if not declared.usable or computed is None:
        return UNVERIFIABLE
    return OK if declared.value == computed else MISMATCH
