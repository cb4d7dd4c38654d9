"""Which index answers each text term, and the SQL that finds the versions matching them.

Two full-text indexes cover every version's title and text (both external content over
`record_versions`, kept in step by triggers; see archive/fts.py for the list of tables that
hold text):
- `record_fts` (unicode61): words, phrases and prefixes in spaced scripts, ranked by bm25.
  This is every query the archive answered before substring search existed, unchanged.
- `record_fts_trigram` (trigram, detail=none): substrings. A term goes there when it holds a
  character of a script written without spaces (Chinese, Japanese, Korean, Thai, Lao, Khmer,
  Myanmar...), where unicode61 makes a whole run of characters one token, so `政治` inside
  `关于政治的讨论` is no word of its own; or when it has no letters or digits at all (`🔥`,
  `?!`), which unicode61 does not index.

detail=none keeps the trigram index about the size of the word index (measured on 100k
records: 14 MB against 77 MB for detail=full, built 4x faster), which matters for the
five-million-record target; the price is that FTS5 cannot check a phrase of trigrams, so
the index gives candidates (every version holding all of the term's trigrams) and each is
confirmed by `instr` on the version's own text. Case: the index folds case; the confirmation
folds ASCII only (SQLite's lower()), like LIKE.

Since migration 0017 the index holds only the versions whose title or text has a character
outside ASCII (the view `record_versions_non_ascii`): a term holding such a character can
match nothing else, and most English text never enters the index, which was the costliest
part of an import.

A term of 1-2 characters has no trigram, and a term of ASCII punctuation alone (`?!`, `:-)`)
may match versions the index does not hold: both are found by `instr` over every version's
text, a scan (tens of milliseconds per 100k versions; date-sorted pages of frequent terms stop
early through the walk plan). A single emoji is a common comment, so it must be found at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.query import Term, has_token_chars

# (first, last) code points of scripts written without spaces between words. Hangul is spaced
# but glues particles to words (정치는), so a word is found inside its run too.
_UNSPACED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x303C),  # kana repeat marks, 〻
    (0x3040, 0x30FF),  # Hiragana, Katakana (ー included)
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility Jamo, Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA000, 0xA4CF),  # Yi
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x323AF),  # CJK extensions B-H
)

MAX_TRIGRAMS = 16  # trigrams of one term asked of the index; instr confirms the rest
TRIGRAM_TABLE = "record_fts_trigram"


def _unspaced(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _UNSPACED_RANGES)


def is_substring_term(term: Term) -> bool:
    """Whether `term` is searched as a substring (trigram index) rather than as words."""
    return not has_token_chars(term.text) or any(_unspaced(ch) for ch in term.text)


def substring_text(term: Term) -> str:
    """What a substring term looks for: its text as typed (a trailing `*` of a prefix was
    already removed by the parser, and a substring needs none)."""
    return term.text


def trigram_expression(text: str) -> str | None:
    """AND of the distinct trigrams of `text` as FTS5 strings (None under 3 characters).

    Each string is exactly three characters, so the trigram tokenizer reads it as one token:
    no phrase, which a detail=none index cannot answer. `"` is doubled, so nothing typed is
    FTS syntax.
    """
    grams = list(dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2)))
    if not grams:
        return None
    if len(grams) > MAX_TRIGRAMS:
        # spread over the whole term: the confirmation checks everything anyway
        step = (len(grams) - 1) / (MAX_TRIGRAMS - 1)
        grams = list(dict.fromkeys(grams[round(i * step)] for i in range(MAX_TRIGRAMS)))
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _ascii_lower(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def _folds(text: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in text)


Bind = Callable[[Any], str]  # value -> bare parameter name


def _contains(column: str, param: str, fold: bool) -> str:
    value = f"lower({column})" if fold else column
    return f"instr({value}, :{param}) > 0"


def _substring_parts(term: Term, bind: Bind) -> tuple[str, str]:
    """(versions SQL selecting `vid`, probe over version alias `v`) for one substring term."""
    text = substring_text(term)
    fold = _folds(text)
    needle = bind(_ascii_lower(text) if fold else text)
    probe = f"({_contains('v.text', needle, fold)} OR {_contains('v.title', needle, fold)})"
    # an ASCII term may match versions outside the index (0017): read every version's text
    grams = None if text.isascii() else trigram_expression(text)
    if grams is None:
        # no trigram to look up: every version's text is read (see the module docstring)
        return f"SELECT v.id AS vid FROM record_versions v WHERE {probe}", probe
    match = bind(grams)
    versions = (
        f"SELECT v.id AS vid FROM {TRIGRAM_TABLE} t JOIN record_versions v ON v.id = t.rowid"
        f" WHERE {TRIGRAM_TABLE} MATCH :{match} AND {probe}"
    )
    return versions, probe


@dataclass(frozen=True)
class TextMatch:
    """The text part of a query, as SQL over version ids (parameters already bound)."""

    # unicode61 MATCH expression for the clauses made only of words (bound as `word_param`)
    fts: str | None
    # SELECT of matching version ids, one column `vid`
    versions_sql: str
    # boolean SQL: does the version aliased `v` (record_versions) match?
    probe_sql: str
    # (vid, score) for matching versions, a lower score better; substring-only queries have
    # no score of their own (0 for all: relevance then falls back to date order)
    ranked_sql: str
    # any substring term (the walk's cost model treats those probes as phrases)
    has_substrings: bool
    # ranked_sql limited to version ids between :rd_lo and :rd_hi (pure word queries only)
    ranked_in_range_sql: str | None = None


def build_text_match(
    clauses: Sequence[Sequence[Term]], backend: SqliteBackend, bind: Bind, word_param: str
) -> TextMatch:
    """SQL for the AND of `clauses` (each an OR of terms). The caller binds the returned
    `fts` expression under `word_param`; substring values are bound through `bind`."""
    word_clauses: list[Sequence[Term]] = []
    mixed: list[Sequence[Term]] = []
    for terms in clauses:
        (mixed if any(is_substring_term(t) for t in terms) else word_clauses).append(terms)
    fts = backend.match_expression(word_clauses) if word_clauses else None
    word_versions = backend.matching_versions_sql(word_param)
    sets: list[str] = [word_versions] if fts is not None else []
    probes: list[str] = [backend.probe_sql(word_param, "v")] if fts is not None else []
    sub_sets: list[str] = []
    for terms in mixed:
        words = [t for t in terms if not is_substring_term(t)]
        parts: list[str] = []
        alternatives: list[str] = []
        if words:
            param = bind(backend.match_expression([words]))
            parts.append(backend.matching_versions_sql(param))
            alternatives.append(backend.probe_sql(param, "v"))
        for term in terms:
            if is_substring_term(term):
                versions, probe = _substring_parts(term, bind)
                parts.append(versions)
                alternatives.append(probe)
        # a compound of compounds needs a subquery: SQLite's UNION/INTERSECT bind left to right
        one = parts[0] if len(parts) == 1 else "SELECT vid FROM (" + " UNION ".join(parts) + ")"
        sub_sets.append(one)
        either = " OR ".join(alternatives)
        probes.append(alternatives[0] if len(alternatives) == 1 else f"({either})")
    versions_sql = " INTERSECT ".join(sets + sub_sets)
    if not sub_sets:
        ranked = backend.ranked_versions_sql(word_param)
    elif fts is not None:
        subs = " INTERSECT ".join(sub_sets)
        ranked = (
            f"SELECT m.vid, m.score FROM ({backend.ranked_versions_sql(word_param)}) m"
            f" WHERE m.vid IN ({subs})"
        )
    else:
        ranked = f"SELECT vid, 0.0 AS score FROM ({versions_sql})"
    return TextMatch(
        fts=fts,
        versions_sql=versions_sql,
        probe_sql=" AND ".join(probes),
        ranked_sql=ranked,
        has_substrings=bool(sub_sets),
        ranked_in_range_sql=(
            backend.ranked_versions_sql(word_param, ("rd_lo", "rd_hi")) if not sub_sets else None
        ),
    )
