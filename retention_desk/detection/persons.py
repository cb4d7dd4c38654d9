"""Named people a custodian asked to redact across a request: their mentions and their own
records.

Matching is case- and accent-insensitive (the text is folded with an index map back to the
original, so "José" matches "JOSE" and "jose" and the range still points at the original).
Variants of a name "First [Middle...] Last": the full name, "First Last", "Last, First",
"First Middle" (Spanish paternal surname when there are two surnames), and the last name
alone only after a title ("Mr.", "Ms.", "Sr.", "Sra.", "Don"…) — a last name alone is too
common to redact everywhere. A first name alone is never matched. Handles match as
"@handle" (and the bare handle if it has a digit or underscore, which ordinary words do not).
"""

from __future__ import annotations

import re
import unicodedata

from retention_desk.detection.model import Candidate, Person

TITLES = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sr",
    "sra",
    "srta",
    "don",
    "dona",
    "senor",
    "senora",
    "senorita",
    "mister",
)


def fold(text: str) -> tuple[str, list[int] | None]:
    """Casefolded text without accents, and for each folded character its original index
    (None when the text is ASCII: folding keeps every index)."""
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch.lower())
            index.append(i)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                out.append(folded)
                index.append(i)
    return "".join(out), index


def _fold_plain(text: str) -> str:
    return fold(text)[0]


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s,]+", _fold_plain(name).strip()) if t]


def name_variants(name: str) -> list[str]:
    """Folded variants of a name, longest first. With three or more words any later word may
    be a surname (Spanish names carry two), so "First Word" and "Word, First" for each."""
    tokens = _tokens(name)
    if not tokens:
        return []
    if len(tokens) == 1:
        return [tokens[0]]
    first, rest = tokens[0], tokens[1:]
    variants = {" ".join(tokens), f"{' '.join(rest)}, {first}", f"{' '.join(rest)} {first}"}
    for word in rest:
        variants.add(f"{first} {word}")
        variants.add(f"{word}, {first}")
    if len(rest) >= 2:
        variants.add(f"{first} {' '.join(rest[-2:])}")
        variants.add(f"{' '.join(rest[-2:])}, {first}")
        variants.add(f"{' '.join(tokens[:2])} {rest[-2]}")
    return sorted(variants, key=len, reverse=True)


def _surnames(name: str) -> list[str]:
    tokens = _tokens(name)
    if len(tokens) < 2:
        return []
    words = set(tokens[1:])
    if len(tokens) >= 3:
        words.add(" ".join(tokens[-2:]))
    return sorted(words, key=len, reverse=True)


def _word_pattern(phrase: str) -> str:
    parts = [re.escape(p) for p in re.split(r"\s+", phrase)]
    return r"\s+".join(parts).replace(r",\s+", r",\s*")


def _person_regex(person: Person) -> re.Pattern[str] | None:
    alts = [_word_pattern(v) for v in name_variants(person.name)]
    surnames = _surnames(person.name)
    if surnames:
        # a surname alone only right after a title; the title itself stays visible
        after_title = "|".join(f"(?<=(?<![\\w]){t}\\.\\s)|(?<=(?<![\\w]){t}\\s)" for t in TITLES)
        alts.append(f"(?:{after_title})(?:{'|'.join(_word_pattern(s) for s in surnames)})")
    handles = [_fold_plain(h.strip().lstrip("@")) for h in person.handles if h.strip("@ ")]
    for h in handles:
        alts.append(r"@" + re.escape(h))
        if re.search(r"[\d_]", h):
            alts.append(re.escape(h))
    if not alts:
        return None
    return re.compile(r"(?<![\w@])(?:" + "|".join(alts) + r")(?![\w]|\.\w)")


_CACHE: dict[Person, tuple[re.Pattern[str] | None, tuple[str, ...]]] = {}


def _regex(person: Person) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """The person's regex, and the words one of which every mention contains (a substring
    test on them skips the regex for the texts that cannot mention the person)."""
    if person not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        words = {*_tokens(person.name)[1:]} or {*_tokens(person.name)}
        words |= {_fold_plain(h.strip().lstrip("@")) for h in person.handles if h.strip("@ ")}
        _CACHE[person] = (_person_regex(person), tuple(sorted(w for w in words if w)))
    return _CACHE[person]


def person_mentions(
    text: str, person: Person, *, folded: tuple[str, list[int] | None] | None = None
) -> list[Candidate]:
    """Every mention of the person in `text`. `folded` is `fold(text)` when the caller has it
    already (one fold per text for any number of persons)."""
    regex, words = _regex(person)
    if regex is None or not text:
        return []
    flat, index = folded if folded is not None else fold(text)
    if not any(w in flat for w in words):
        return []
    found: list[Candidate] = []
    for m in regex.finditer(flat):
        if m.end() <= m.start():
            continue
        if index is None:
            start, end = m.start(), m.end()
        else:
            start, end = index[m.start()], index[m.end() - 1] + 1
        rule = "person-handle" if m.group().startswith("@") else "person-name"
        found.append(Candidate("person", start, end, ((start, end),), person.code, False, rule))
    return found


def matches_author(author_name: str, author_handle: str, person: Person) -> bool:
    """Whether a record's author is the person: the same name (any variant, folded) or the
    same handle (without "@", case-insensitive)."""
    handle = author_handle.strip().lstrip("@").lower()
    if handle and handle in {h.strip().lstrip("@").lower() for h in person.handles}:
        return True
    name = " ".join(_tokens(author_name))
    if not name:
        return False
    return name in {" ".join(_tokens(v)) for v in name_variants(person.name)} and (
        len(_tokens(author_name)) >= 2 or len(_tokens(person.name)) == 1
    )
