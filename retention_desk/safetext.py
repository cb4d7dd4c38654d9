"""Text from inputs, made safe to print: file names, member names and error messages that came
from an export or a web capture can hold control characters and terminal escape sequences
(ESC [ ... which a terminal obeys: clear the screen, rewrite the line, set the title).

`printable()` is used wherever such text reaches a terminal, a log line or a one-line error:
import summaries, verify failures, CLI errors. Qt widgets show text as plain text already;
this only keeps a name on one visible line.
"""

from __future__ import annotations

import re
import unicodedata

# CSI and OSC sequences first (so their parameters go with them), then any lone C0/C1 control,
# DEL, and the Unicode format characters that reorder or hide text (bidi overrides, zero-width).
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x1b[@-_]?"  # other two-byte escapes, or a lone ESC
)


def _visible(ch: str) -> str:
    if ch in "\t":
        return " "
    category = unicodedata.category(ch)
    if category == "Cc" or (category == "Cf" and ch not in "\u200d"):
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    if category in ("Zl", "Zp"):
        return " "
    if category == "Cs":  # lone surrogate from a broken name
        return "\ufffd"
    return ch


def printable(value: object, *, limit: int = 500) -> str:
    """`value` as one line of visible text: escapes removed, controls shown as \\xNN."""
    text = str(value)
    text = _ESCAPES.sub(lambda m: "\\x1b" if m.group(0) else "", text)
    cleaned = "".join(_visible(ch) for ch in text)
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned
