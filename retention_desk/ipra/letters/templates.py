"""Letter templates: editable UTF-8 text files, one per kind, in `resources/letters/`.

The format (also described in `resources/letters/README.md`):

    # a line starting with # is a comment for whoever edits the file
    subject: Written explanation of denial (NMSA 1978, Section 14-2-11(B))

    Dear ${requester_name}:

    Lines of one paragraph are joined with a space; a blank line ends the paragraph.

    [if exceptions_list] The exceptions relied on are:
    ${exceptions_list}

- The header is the `key: value` lines before the first blank line; `subject:` is required and
  is printed in bold under the "Re:" line.
- `${name}` (or `$name`) is replaced by a value; `$$` is a dollar sign.
- A list placeholder (`${responsible_list}`, `${exceptions_list}`, `${files_list}`,
  `${fees_list}`) stands alone on its line and becomes one line per item.
- `[if name]` at the start of a paragraph keeps the paragraph only when `name` has a value
  (a list: at least one item); `[unless name]` keeps it only when it has none.

The file is split into paragraphs and lines first and values are substituted into the pieces
afterwards, in one pass, so a value holding `${x}`, a blank line or markup stays text. A file
that uses a placeholder not in `context.SCALARS`/`context.LISTS`, or a stray `$`, is refused
when it is read, naming the file, the line and the placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.letters.context import LISTS, SCALARS

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "resources" / "letters"
HEADER_KEYS = ("subject",)

_CONDITION = re.compile(r"\[(if|unless)\s+([A-Za-z_][A-Za-z0-9_]*)\]\s*")
_LIST_LINE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Block:
    """A paragraph of template text, or (list_name set) a list that becomes one line per item."""

    text: str = ""
    list_name: str | None = None


@dataclass(frozen=True)
class Chunk:
    """What one blank-line-separated paragraph of the file holds, with its condition."""

    blocks: tuple[Block, ...]
    condition: str | None = None
    negated: bool = False


@dataclass(frozen=True)
class LetterTemplate:
    kind: str
    path: Path
    subject: str
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class Line:
    """One line of a letter's body after substitution: a paragraph, or an item of a list."""

    text: str
    item: bool = False


def template_path(kind: str, templates_dir: Path | None = None) -> Path:
    return (templates_dir or TEMPLATES_DIR) / f"{kind}.txt"


def load(kind: str, templates_dir: Path | None = None) -> LetterTemplate:
    """Read and check the template of `kind`; `IpraError` names the file and what is wrong."""
    path = template_path(kind, templates_dir)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IpraError(f"The letter template {path} cannot be read: {exc.strerror}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IpraError(f"The letter template {path} is not UTF-8 text.") from exc
    return parse(kind, path, text)


def parse(kind: str, path: Path, text: str) -> LetterTemplate:
    lines = [
        (n, line.rstrip())
        for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1)
        if not line.startswith("#")
    ]
    while lines and not lines[0][1].strip():
        lines.pop(0)
    header: dict[str, str] = {}
    while lines and lines[0][1].strip():
        n, line = lines.pop(0)
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in HEADER_KEYS:
            raise IpraError(
                f"The letter template {path} has {line.strip()!r} on line {n} where a header"
                f" ({', '.join(k + ':' for k in HEADER_KEYS)}) or a blank line was expected."
            )
        _check_placeholders(path, n, value)
        header[key] = value.strip()
    if not header.get("subject"):
        raise IpraError(f"The letter template {path} has no 'subject:' line at its top.")
    chunks: list[Chunk] = []
    group: list[tuple[int, str]] = []
    for n, line in [*lines, (0, "")]:
        if line.strip():
            group.append((n, line.strip()))
        elif group:
            chunks.append(_chunk(path, group))
            group = []
    return LetterTemplate(kind, path, header["subject"], tuple(chunks))


def _chunk(path: Path, group: list[tuple[int, str]]) -> Chunk:
    condition: str | None = None
    negated = False
    first_n, first = group[0]
    if first.startswith("["):
        match = _CONDITION.match(first)
        if match is None:
            raise IpraError(
                f"The letter template {path} starts line {first_n} with {first[:30]!r}; a"
                " condition is written [if name] or [unless name]."
            )
        condition, negated = match.group(2), match.group(1) == "unless"
        if condition not in SCALARS and condition not in LISTS:
            raise IpraError(
                f"The letter template {path} uses the unknown placeholder {condition!r} in a"
                f" condition on line {first_n}."
            )
        group = [(first_n, first[match.end() :]), *group[1:]]
    blocks: list[Block] = []
    text: list[str] = []
    for n, line in group:
        whole = _LIST_LINE.fullmatch(line)
        name = (whole.group(1) or whole.group(2)) if whole else None
        if name in LISTS:
            if text:
                blocks.append(Block(" ".join(text)))
                text = []
            blocks.append(Block(list_name=name))
            continue
        _check_placeholders(path, n, line)
        if line:
            text.append(line)
    if text:
        blocks.append(Block(" ".join(text)))
    return Chunk(tuple(blocks), condition, negated)


def _check_placeholders(path: Path, n: int, line: str) -> None:
    for match in Template.pattern.finditer(line):
        if match.group("invalid") is not None:
            raise IpraError(
                f"The letter template {path} has a '$' on line {n} that is not a placeholder;"
                " write $$ for a dollar sign."
            )
        name = match.group("named") or match.group("braced")
        if name is None:
            continue
        if name in LISTS:
            raise IpraError(
                f"The letter template {path} uses the list placeholder ${{{name}}} inside a"
                f" line on line {n}; a list must stand alone on its line."
            )
        if name not in SCALARS and name not in LISTS:
            raise IpraError(
                f"The letter template {path} uses the unknown placeholder ${{{name}}} on line {n}."
            )


def fill(
    template: LetterTemplate, scalars: dict[str, str], lists: dict[str, list[str]]
) -> tuple[str, list[Line]]:
    """The subject and the body lines with values in. Each piece of template text is
    substituted once: what a value holds is never read as template syntax."""

    def sub(text: str) -> str:
        return " ".join(Template(text).substitute(scalars).split())

    def present(name: str) -> bool:
        return bool(lists[name]) if name in lists else bool(scalars.get(name))

    body: list[Line] = []
    for chunk in template.chunks:
        if chunk.condition is not None and present(chunk.condition) == chunk.negated:
            continue
        for block in chunk.blocks:
            if block.list_name is not None:
                body += [Line(item, item=True) for item in lists[block.list_name]]
            elif text := sub(block.text):
                body.append(Line(text))
    return sub(template.subject), body
