"""The query parser: structure of what people type, and errors only where promised."""

from __future__ import annotations

import pytest

from retention_desk.search import QueryError
from retention_desk.search.filters import known_filters
from retention_desk.search.query import Atom, FilterTerm, Term, parse


def clauses(text: str) -> list[list[Atom]]:
    return [list(c.atoms) for c in parse(text, known_filters()).clauses]


def test_words_are_anded_and_or_binds_tighter() -> None:
    tree = clauses("police road OR street fire")
    assert [[a.item for a in c] for c in tree] == [
        [Term("police")],
        [Term("road"), Term("street")],
        [Term("fire")],
    ]


def test_phrase_prefix_negation_and_filters() -> None:
    tree = clauses('"road closure" traf* -snow platform:x -is:deleted author:"Maria Garcia"')
    items = [(c[0].item, c[0].negated) for c in tree]
    assert items == [
        (Term("road closure", "phrase"), False),
        (Term("traf", "prefix"), False),
        (Term("snow"), True),
        (FilterTerm("platform", "x"), False),
        (FilterTerm("is", "deleted"), True),
        (FilterTerm("author", "Maria Garcia"), False),
    ]


def test_unbalanced_quote_runs_to_the_end() -> None:
    assert clauses('a "b c') == [[Atom(Term("a"))], [Atom(Term("b c", "phrase"))]]


def test_stray_or_is_a_word() -> None:
    assert clauses("OR a OR") == [[Atom(Term("OR"))], [Atom(Term("a"))], [Atom(Term("OR"))]]
    assert clauses("a or b") == [[Atom(Term("a"))], [Atom(Term("or"))], [Atom(Term("b"))]]


def test_unknown_filter_is_an_error_listing_the_known_ones() -> None:
    with pytest.raises(QueryError) as err:
        parse("foo:bar", known_filters())
    message = str(err.value)
    assert "foo:" in message and "platform:" in message and "is:" in message
    assert "\n" not in message


def test_text_that_only_looks_like_a_filter_is_text() -> None:
    # a URL, a trailing colon, digits before the colon
    assert clauses("http://x.com/a") == [[Atom(Term("http://x.com/a"))]]
    assert clauses("Note: closed") == [[Atom(Term("Note:"))], [Atom(Term("closed"))]]
    assert clauses("10:30") == [[Atom(Term("10:30"))]]


def test_filter_names_ignore_case() -> None:
    assert clauses("Platform:X") == [[Atom(FilterTerm("platform", "X"))]]


def test_punctuation_beside_words_is_dropped() -> None:
    assert clauses("^ % ( a -!") == [[Atom(Term("a"))]]
    assert clauses("a OR ^") == [[Atom(Term("a"))]]
    assert parse("   ", known_filters()).is_empty


def test_punctuation_alone_and_emoji_anywhere_are_searched() -> None:
    # issue 9: a query made only of punctuation looks for that punctuation
    assert clauses("^^^") == [[Atom(Term("^^^"))]]
    assert clauses("?! platform:x") == [
        [Atom(Term("?!"))],
        [Atom(FilterTerm("platform", "x"))],
    ]
    assert clauses("-?!") == [[Atom(Term("?!"), negated=True)]]
    # an emoji or another non-ASCII symbol counts beside words too
    assert clauses("fire 🔥 (") == [[Atom(Term("fire"))], [Atom(Term("🔥"))]]
    assert clauses("a OR €") == [[Atom(Term("a")), Atom(Term("€"))]]


def test_control_characters_and_surrogates_become_spaces() -> None:
    assert clauses("a\x00b\ud800c") == [[Atom(Term("a"))], [Atom(Term("b"))], [Atom(Term("c"))]]


def test_overlong_query_is_refused() -> None:
    with pytest.raises(QueryError):
        parse("a " * 20_000, known_filters())
