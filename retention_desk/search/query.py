"""The query language: text -> a small syntax tree. No SQL here.

Grammar (whitespace separates items; everything is implicitly AND-ed):

    query   := clause*
    clause  := atom ("OR" atom)*          -- OR binds tighter than the implicit AND
    atom    := ["-"] (filter | phrase | prefix | word)
    filter  := name ":" (value | '"' value '"')   -- name from the filter registry
    phrase  := '"' text '"'              -- an unbalanced quote runs to the end
    prefix  := word "*"

Decisions, so the behaviour is predictable whatever a person types:
- `OR` must be upper case and stand between two atoms; anywhere else it is the word "or".
- `name:value` is a filter only when `name` is letters/underscore and `value` is not empty.
  An unknown name raises QueryError listing the known filters (a typo must not silently search
  for something else). `word:` with nothing after it is the word itself, and `http://...`
  (value starting with `//`) is text, so a pasted URL or "Note: closed" still searches.
- Control characters (NUL included) and lone surrogates become spaces: they cannot be typed
  meaningfully and would otherwise reach SQLite as bytes it treats specially.
- A text atom with no letters or digits is searched as a substring (`🔥`, `?!`, `...`) when
  it holds an emoji or another non-ASCII symbol (`€`, `©`, `→`), or when the query has no
  other text: what someone typed on its own is what they look for. ASCII punctuation and
  symbols beside words (`^`, `%`, `(`) still contribute nothing, so `a ( b` equals `a b`.
- Which index answers a term (words, or substrings for unspaced scripts such as Chinese and
  Japanese) is decided later, in textmatch.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from retention_desk.search.errors import QueryError

MAX_QUERY_CHARS = 20_000
_FILTER_RE = re.compile(r"([A-Za-z_]+):(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Term:
    """Text to find: one word, an exact phrase, or a word prefix."""

    text: str
    mode: Literal["word", "phrase", "prefix"] = "word"


@dataclass(frozen=True)
class FilterTerm:
    """`name:value`; the name is lower-cased, the value kept as typed."""

    name: str
    value: str


@dataclass(frozen=True)
class Atom:
    item: Term | FilterTerm
    negated: bool = False

    @property
    def is_text(self) -> bool:
        return isinstance(self.item, Term)


@dataclass(frozen=True)
class Clause:
    """Atoms joined by OR; a query is the AND of its clauses."""

    atoms: tuple[Atom, ...]


@dataclass(frozen=True)
class QueryTree:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def is_empty(self) -> bool:
        return not self.clauses


def clean(text: str) -> str:
    """The query with control characters and lone surrogates replaced by spaces."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})."
        )
    out = []
    for ch in text:
        code = ord(ch)
        if code < 32 or code == 127 or 0xD800 <= code <= 0xDFFF:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def has_token_chars(text: str) -> bool:
    """Whether the index tokenizer (unicode61: letters, numbers, private use) sees a token."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or cat == "Co":
            return True
    return False


def has_symbol_chars(text: str) -> bool:
    """Whether `text` holds an emoji or another non-ASCII symbol (Unicode category S*)."""
    return any(ord(ch) > 127 and unicodedata.category(ch)[0] == "S" for ch in text)


def _searchable(atom: Atom, bare_symbols: bool) -> bool:
    if not isinstance(atom.item, Term):
        return True
    text = atom.item.text
    if has_token_chars(text) or has_symbol_chars(text):
        return True
    return bare_symbols and bool(text.strip())


# ---------------------------------------------------------------- tokenizer
@dataclass(frozen=True)
class _Tok:
    kind: Literal["atom", "or"]
    atom: Atom | None = None


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """Text from after the quote at `i` to the closing quote (or the end); index after it."""
    end = text.find('"', i + 1)
    if end < 0:
        return text[i + 1 :], len(text)
    return text[i + 1 : end], end + 1


def _tokens(text: str, known_filters: frozenset[str]) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
            ch = text[i]
        if ch == '"':
            phrase, i = _read_quoted(text, i)
            toks.append(_Tok("atom", Atom(Term(phrase, "phrase"), negated)))
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        word = text[start:i]
        match = _FILTER_RE.match(word)
        if match and (match.group(2) or (i < n and text[i] == '"')):
            name = match.group(1).lower()
            value = match.group(2)
            if not value:  # name:"quoted value"
                value, i = _read_quoted(text, i)
            if value.startswith("//"):  # a pasted URL: text, not a filter named "http"
                toks.append(_Tok("atom", Atom(Term(word, "word"), negated)))
                continue
            if name not in known_filters:
                raise QueryError(
                    f"Unknown filter '{match.group(1)}:'. Known filters: "
                    + ", ".join(f"{f}:" for f in sorted(known_filters))
                    + '. To search for the text itself, put it in quotes: "'
                    + word.replace('"', "")
                    + '".'
                )
            toks.append(_Tok("atom", Atom(FilterTerm(name, value), negated)))
            continue
        if word == "OR" and not negated:
            toks.append(_Tok("or"))
            continue
        if word.endswith("*") and has_token_chars(word):
            toks.append(_Tok("atom", Atom(Term(word.rstrip("*"), "prefix"), negated)))
        else:
            toks.append(_Tok("atom", Atom(Term(word, "word"), negated)))
    return toks


def parse(text: str, known_filters: frozenset[str]) -> QueryTree:
    """Parse `text`; raises QueryError only for unknown filter names or an over-long query."""
    cleaned = clean(text)
    toks = _tokens(cleaned, known_filters)
    clauses: list[list[Atom]] = []
    pending_or = False
    for pos, tok in enumerate(toks):
        if tok.kind == "or":
            joins = (
                clauses
                and not pending_or
                and pos + 1 < len(toks)
                and toks[pos + 1].kind == "atom"
                and toks[pos - 1].kind == "atom"
            )
            if joins:
                pending_or = True
            else:  # a stray OR is just the word
                clauses.append([Atom(Term("OR", "word"))])
            continue
        assert tok.atom is not None
        if pending_or:
            clauses[-1].append(tok.atom)
            pending_or = False
        else:
            clauses.append([tok.atom])
    kept: list[Clause] = []
    # punctuation is looked for only when it is all the text the query has (`?!`)
    bare_symbols = not any(
        _searchable(a, False) for atoms in clauses for a in atoms if isinstance(a.item, Term)
    )
    for atoms in clauses:
        # `a OR ^`: punctuation beside words is dropped; a clause left empty (`a -%`)
        # constrains nothing and is dropped too.
        useful = tuple(a for a in atoms if _searchable(a, bare_symbols))
        if useful:
            kept.append(Clause(useful))
    return QueryTree(text=text, clauses=tuple(kept))
