"""Issue 9: search in every script and symbol (trigram substring index beside the word index)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retention_desk.archive import Archive
from retention_desk.search import QueryError, SearchEngine
from retention_desk.search import walk as walk_mod
from retention_desk.search.query import Term
from retention_desk.search.textmatch import is_substring_term, trigram_expression
from tests.search.conftest import rec, utc, write

TEXTS = {
    "zh": "关于政治的讨论很多，大家都很关心",  # 政治 in the middle of a run
    "zh_end": "今天我们讨论政治",  # 政治 at the very end (no trigram starts there)
    "ja": "今日は政治についての議論です",  # Japanese, kanji and kana in one run
    "ja_kana": "アルバカーキ市の道路工事のお知らせ",  # katakana word inside a run
    "ko": "시민들은 정치는 중요하다고 말했다",  # Hangul with a particle glued on
    "fire": "Great parade today 🔥🔥",
    "fire_alone": "🔥",
    "what": "What?! The road is closed again",
    "plain": "Road closure on Main Street, thank you for your patience",
    "police": "Police report: road closure near the river",
    "fb_zh": "政治集会在广场举行",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchEngine, dict]]:
    archive = Archive.create(tmp_path_factory.mktemp("substr") / "s.rdesk", operator="pytest")
    records = [
        rec(
            key,
            text,
            platform="facebook" if key.startswith("fb_") else "x",
            created_at=utc(2022, 1, 1 + i, 12),
        )
        for i, (key, text) in enumerate(TEXTS.items())
    ]
    keys = write(archive, records)
    engine = SearchEngine(archive)
    yield engine, {rid: key for key, rid in keys.items()}
    engine.close()
    archive.close()


def found(built: tuple[SearchEngine, dict], query: str, **kw: object) -> set[str]:
    engine, names = built
    ids = engine.search_ids(query, **kw)  # type: ignore[arg-type]
    # every entry point agrees
    assert engine.count(query) == len(ids) == engine.facets(query).total
    assert sorted(r.id for r in engine.page(query, limit=100).rows) == sorted(ids)
    assert sorted(r.id for r in engine.page(query, sort="relevance", limit=100).rows) == sorted(ids)
    return {names[i] for i in ids}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("政治", {"zh", "zh_end", "ja", "fb_zh"}),  # 2 characters: no trigram
        ("治的讨", {"zh"}),  # exactly one trigram
        ("政治について", {"ja"}),  # several trigrams, middle of a run
        ("道路工事", {"ja_kana"}),
        ("カーキ", {"ja_kana"}),
        ("정치", {"ko"}),
        ("政讨", set()),  # both characters occur, never side by side
        ("治に", {"ja"}),
    ],
)
def test_cjk_substring_in_the_middle_of_a_run(
    built: tuple[SearchEngine, dict], query: str, expected: set[str]
) -> None:
    assert found(built, query) == expected


def test_only_emoji_finds_the_records_with_it(built: tuple[SearchEngine, dict]) -> None:
    assert found(built, "🔥") == {"fire", "fire_alone"}
    assert found(built, "🔥🔥") == {"fire"}
    assert found(built, "today 🔥") == {"fire"}


def test_only_punctuation_finds_the_records_with_it(built: tuple[SearchEngine, dict]) -> None:
    assert found(built, "?!") == {"what"}
    assert found(built, "t?! t") == set()  # searched with the word t beside it: none has both
    assert found(built, '"What?!"') == {"what"}  # a phrase is still words: what
    assert found(built, "-?!") == set(TEXTS) - {"what"}


def test_mixed_queries(built: tuple[SearchEngine, dict]) -> None:
    assert found(built, "政治 platform:facebook") == {"fb_zh"}
    assert found(built, "政治 platform:x") == {"zh", "zh_end", "ja"}
    assert found(built, "政治 -platform:x") == {"fb_zh"}
    assert found(built, "政治 -について") == {"zh", "zh_end", "fb_zh"}
    assert found(built, "政治 OR parade") == {"zh", "zh_end", "ja", "fb_zh", "fire"}
    assert found(built, "road 政治") == set()
    # ASCII punctuation beside words is still dropped (`a ( b` is `a b`); an emoji is not
    assert found(built, "road -?!") == {"what", "plain", "police"}
    assert found(built, "parade -🔥") == set()
    assert found(built, "政治 kind:post on:2022-01") == {"zh", "zh_end", "ja", "fb_zh"}


def test_word_search_behaves_as_before(built: tuple[SearchEngine, dict]) -> None:
    assert found(built, "road") == {"what", "plain", "police"}
    assert found(built, "roa") == set()  # words are whole words, not substrings
    assert found(built, "roa*") == {"what", "plain", "police"}
    assert found(built, '"road closure"') == {"plain", "police"}
    assert found(built, "road -police") == {"what", "plain"}
    assert found(built, "closure OR parade") == {"plain", "police", "fire"}
    engine, _ = built
    q = engine.parse("road closure")
    assert q.fts == '"road" AND "closure"'  # still one word-index expression
    assert q.text_match is not None and not q.text_match.has_substrings


def test_matched_versions_are_reported(built: tuple[SearchEngine, dict]) -> None:
    engine, _ = built
    rows = engine.page("政治について", limit=5).rows
    assert len(rows) == 1 and rows[0].matched_versions == (1,) and rows[0].matched_current


@pytest.mark.parametrize("query", ["政治", "🔥", "政治について", "?!"])
def test_walk_plan_finds_substrings_too(
    built: tuple[SearchEngine, dict], monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    engine, _ = built
    expected = engine.search_ids(query)
    monkeypatch.setattr(walk_mod, "PHRASE_PROBE_COST", 0.0)
    monkeypatch.setattr(walk_mod, "MIN_WALK_BUDGET", 10**9)
    with SearchEngine(engine.archive, date_cache=False) as walker:
        page = walker.page(query, limit=50)
    assert page.strategy == "walk"
    assert [r.id for r in page.rows] == expected


def test_routing_of_terms() -> None:
    assert is_substring_term(Term("政治"))
    assert is_substring_term(Term("🔥"))
    assert is_substring_term(Term("?!"))
    assert is_substring_term(Term("COVID-19疫情"))
    assert not is_substring_term(Term("café"))
    assert not is_substring_term(Term("road closure", "phrase"))
    assert trigram_expression("ab") is None
    assert trigram_expression('a"bc') == '"a""b" AND """bc"'


def test_unknown_platform_is_refused_with_the_choices(built: tuple[SearchEngine, dict]) -> None:
    engine, _ = built
    with pytest.raises(QueryError) as err:
        engine.search_ids("platform:myspace")
    message = str(err.value)
    assert "myspace" in message and "facebook" in message and "youtube" in message
    # aliases and platforms the archive holds are accepted
    assert found(built, "platform:twitter 政治") == {"zh", "zh_end", "ja"}
    assert found(built, "platform:reddit") == set()


def test_platform_held_only_by_this_archive_is_accepted(archive: Archive) -> None:
    write(archive, [rec("n1", "hello neighbours", platform="nextdoor")])
    with SearchEngine(archive) as engine:
        assert len(engine.search_ids("platform:nextdoor")) == 1
        with pytest.raises(QueryError, match="nextdoor"):
            engine.search_ids("platform:tiktok")  # the message lists what the archive holds


@pytest.mark.parametrize("query", ['author:""', 'author:" "', "author:@", 'account:""'])
def test_empty_author_or_account_is_refused(built: tuple[SearchEngine, dict], query: str) -> None:
    engine, _ = built
    with pytest.raises(QueryError, match="handle"):
        engine.search_ids(query)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet="政治的\"'*^():%_\\ -NEAR🔥?!", max_size=40))
def test_substring_text_never_reaches_fts_syntax(
    built: tuple[SearchEngine, dict], query: str
) -> None:
    # the trigram index is asked with strings built from typed text: quotes, NEAR, `*`, `(`
    # and `:` stay text, every entry point agrees, and each substring a result must hold is
    # in its text
    try:
        result = found(built, query)
    except QueryError as exc:
        assert str(exc).strip()
        return
    engine, _ = built
    for clause in engine.parse(query).tree.clauses:
        (atom,) = clause.atoms if len(clause.atoms) == 1 else (None,)
        if atom is not None and isinstance(atom.item, Term) and is_substring_term(atom.item):
            needle = atom.item.text.lower()
            for key in result:
                assert (needle in TEXTS[key].lower()) != atom.negated
