"""JSON records that may each be hostile: one nested too deeply fails alone, not its file.

CPython's json parser recurses once per nesting level, so a single item nested 100,000 deep
makes `json.loads` raise RecursionError for the whole file, and one nested a few hundred deep
parses but can break recursive code later (json.dumps, clean_deep) and with it the file.
Real exports nest about ten levels (13 in the deepest sample), so every parsed value is held
to MAX_DEPTH, and a record beyond it is left out and reported by its position instead.

- `too_deep(text, start, end)`: whether a JSON text nests beyond MAX_DEPTH, without parsing it;
- `value_end(text, pos, name)`: where the array or object at `pos` ends, without recursion;
- `loads_records(text, name, warnings)`: a whole file, each too-deep record replaced by null
  (so the positions of the others do not move) and reported in `warnings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from retention_desk.importers.common import JSON_DECODER, ParseError, json_error

# Ten times the deepest real export, and far below the 1,000 frames of Python's recursion
# limit that json.dumps and the recursive clean-up helpers share with their callers.
MAX_DEPTH = 128

TOO_DEEP = (
    f"nested more than {MAX_DEPTH} levels deep (real exports nest about 10: damaged or"
    " hostile data)"
)
SKIPPED = "this record was not imported; it is only in the kept original file"

_KEEP = b'"[]{}'
_DROP = bytes(b for b in range(256) if b not in _KEEP)
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_BRACKET_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]')


def depth(text: str, start: int = 0, end: int | None = None) -> int:
    """How deeply `text[start:end]` nests arrays and objects, for valid JSON.

    Done with bytes operations, at a fraction of a parse's cost: escaped backslashes and
    quotes go first, then everything but quotes and brackets, then the strings (what lies
    between a pair of the remaining quotes), so brackets inside strings do not count.
    """
    data = text[start:end].encode("utf-8", "surrogatepass")
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _DROP)
    brackets = b"".join(data.split(b'"')[0::2])
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def too_deep(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether the JSON in `text[start:end]` nests beyond MAX_DEPTH."""
    stop = len(text) if end is None else end
    # A value cannot nest deeper than it has opening brackets: most records stop here.
    if text.count("[", start, stop) + text.count("{", start, stop) <= MAX_DEPTH:
        return False
    return depth(text, start, stop) > MAX_DEPTH


def value_end(text: str, pos: int, name: str) -> int:
    """The end of the array or object that starts at `pos`, found by counting brackets
    outside strings (no recursion, whatever the depth)."""
    level = 0
    for match in _BRACKET_OR_STRING.finditer(text, pos):
        char = text[match.start()]
        if char in "[{":
            level += 1
        elif char in "]}":
            level -= 1
            if level == 0:
                return match.end()
    raise ParseError(f"{name}: the file ends inside an unclosed value (truncated copy?)")


def loads_records(text: str, *, name: str, warnings: list[str] | None = None) -> Any:
    """The parsed file; a record nested beyond MAX_DEPTH becomes null and is reported.

    A record is the outermost array element on the way to the excess (a post, a comment, a
    message), looking through the one-key wrappers Meta puts around lists of several records
    (`[{"group_comments_v2": [...]}, {"comments_v2": [...]}]`). When no array holds the
    excess, the file fails as a whole.
    """
    try:
        value = JSON_DECODER.decode(text)
    except RecursionError:
        pass
    except ValueError as exc:
        raise json_error(name, exc) from None
    else:
        if not too_deep(text):
            return value
        del value
    cuts = _records_to_cut(text, name)
    pieces, last = [], 0
    for node in cuts:
        # newlines kept, so a later parse error still names the right line
        pieces += [text[last : node.start], "null", "\n" * text.count("\n", node.start, node.end)]
        last = node.end
    pieces.append(text[last:])
    try:
        value = JSON_DECODER.decode("".join(pieces))
    except RecursionError:
        raise ParseError(f"{name}: JSON is nested too deeply to be a real export") from None
    except ValueError as exc:
        raise json_error(name, exc) from None
    if warnings is not None:
        warnings += [f"{node.where(name)}: {TOO_DEEP}; {SKIPPED}" for node in cuts]
    return value


@dataclass(slots=True)
class _Node:
    """An array or object met while scanning, kept only when something in it is too deep."""

    start: int
    is_array: bool
    level: int  # 1 for the top value
    parent: _Node | None
    slot: int | str  # its index in the parent array, or its key in the parent object
    end: int = -1
    deepest: int = 0
    index: int = 0  # arrays: the current element
    key: str = ""  # objects: the current member's key
    keys: int = 0
    expect_key: bool = True
    deep: list[_Node] = field(default_factory=list)

    def where(self, name: str) -> str:
        """A locator in the importers' style: 'f.json[3]', 'f.json#comments_v2[0]'. Built
        only for the few nodes reported: each level's text would make a deep scan quadratic."""
        chain: list[tuple[_Node, _Node]] = []  # (node, its parent), innermost first
        node = self
        while node.parent is not None:
            chain.append((node, node.parent))
            node = node.parent
        text = name
        for node, parent in reversed(chain):
            if parent.is_array:
                text += f"[{node.slot}]"
            else:
                text += f"{'.' if '#' in text else '#'}{node.slot}"
        return text


def _records_to_cut(text: str, name: str) -> list[_Node]:
    """The records to leave out, in file order; ParseError when no record holds the excess."""
    stack: list[_Node] = []
    top: list[_Node] = []
    for match in _TOKEN.finditer(text):
        char = text[match.start()]
        node = stack[-1] if stack else None
        if char == '"':
            if node is not None and not node.is_array and node.expect_key:
                node.key = _key(match.group())
                node.keys += 1
        elif char == ":":
            if node is not None:
                node.expect_key = False
        elif char == ",":
            if node is not None:
                node.index += 1
                node.expect_key = True
        elif char in "[{":
            child = _Node(
                start=match.start(),
                is_array=char == "[",
                level=len(stack) + 1,
                parent=node,
                slot=(node.index if node.is_array else node.key) if node is not None else 0,
            )
            child.deepest = child.level
            stack.append(child)
        elif node is not None:  # a closing bracket
            stack.pop()
            node.end = match.end()
            if node.deepest > MAX_DEPTH:
                (stack[-1].deep if stack else top).append(node)
            if stack:
                stack[-1].deepest = max(stack[-1].deepest, node.deepest)
    if stack:
        raise ParseError(f"{name}: the file ends inside an unclosed value (truncated copy?)")
    cuts: list[_Node] = []
    pending = list(top)
    while pending:
        node = pending.pop()
        # a wrapper around one record is cut whole: the record is all it holds
        wrapper = (
            node.level == 2
            and not node.is_array
            and node.keys == 1
            and len(node.deep) == 1
            and node.deep[0].is_array
            and node.deep[0].index > 0
        )
        in_array = node.parent is not None and node.parent.is_array
        if in_array and not wrapper:
            cuts.append(node)
        elif node.deep:
            pending += node.deep
        else:
            raise ParseError(
                f"{name}: JSON is nested too deeply to be a real export (outside any list of"
                " records, so no single record can be left out)"
            )
    return sorted(cuts, key=lambda n: n.start)


def _key(token: str) -> str:
    try:
        key = JSON_DECODER.decode(token)
    except ValueError:
        return token[1:-1]
    return key if isinstance(key, str) else token[1:-1]
