"""Every filter against a small archive written through RecordWriter, plus LIKE escaping."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn, MediaIn
from retention_desk.search import QueryError, SearchEngine
from tests.search.conftest import ids, rec, utc, write

FB = AccountIn("facebook", "1001", handle="CityPD", display_name="City Police Department")
XA = AccountIn("x", "2002", handle="CityPD", display_name="City PD on X")
WEB = AccountIn("web", "city.gov", handle="city.gov", display_name="city.gov captures")


def build(archive: Archive) -> dict[str, int]:
    fb = write(
        archive,
        [
            rec(
                "P1",
                "Road closure on Main street",
                platform="facebook",
                url="https://facebook.com/CityPD/posts/1",
                media=[MediaIn("media/a.jpg", filename="a.jpg")],
                author_name="City Police",
            ),
            rec(
                "C1",
                "50% off at the parade",
                platform="facebook",
                kind="comment",
                parent_key="P1",
                author_name="Maria Garcia",
                author_handle="mgarcia",
                author_platform_id="555",
                created_at=utc(2022, 6, 2, 12),
                deleted_at=utc(2022, 6, 3),
            ),
            rec(
                "C2",
                "a_b test and back\\slash",
                platform="facebook",
                kind="comment",
                parent_key="P1",
                author_name="Juan Lopez",
                author_handle="jlopez",
                created_at=utc(2022, 6, 2, 13),
                hidden_at=utc(2022, 6, 4),
            ),
            rec(
                "R1",
                "thank you",
                platform="facebook",
                kind="reply",
                parent_key="C1",
                author_name="City Police",
                created_at=utc(2022, 6, 2, 14),
            ),
            rec(
                "M1",
                "private question",
                platform="facebook",
                kind="message",
                conversation_key="conv1",
                restricted=True,
                created_at=utc(2022, 7, 1, 12),
            ),
        ],
        account=FB,
    )
    x = write(
        archive,
        [
            # 06:30 UTC on 1 Jan 2021 is still 31 Dec 2020 in Denver
            rec("X1", "snow day", created_at=utc(2021, 1, 1, 6, 30), url="https://x.com/s/1"),
            rec("X2", "budget meeting", created_at=utc(2023, 3, 1, 18)),
            rec("X3", "no date here", created_at=None),
        ],
        account=XA,
        source="x1.js",
    )
    x.update(
        write(
            archive,
            [rec("X2", "agenda meeting", created_at=utc(2023, 3, 1, 18))],
            account=XA,
            source="x2.js",
        )
    )
    web = write(
        archive,
        [
            rec(
                "W1",
                "council minutes",
                platform="web",
                kind="capture",
                url="https://city.gov/a%20b_c",
                created_at=utc(2024, 2, 1),
            ),
            rec(
                "W2",
                "council agenda",
                platform="web",
                kind="page",
                url="https://city.gov/abxc",
                created_at=utc(2024, 2, 2),
            ),
        ],
        account=WEB,
        source="crawl.warc.gz",
    )
    return {**fb, **x, **web}


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SearchEngine, dict[str, int]]]:
    archive = Archive.create(tmp_path_factory.mktemp("filters") / "f.rdesk", operator="pytest")
    keys = build(archive)
    engine = SearchEngine(archive)
    yield engine, keys
    engine.close()
    archive.close()


@pytest.fixture
def engine(built: tuple[SearchEngine, dict[str, int]]) -> SearchEngine:
    return built[0]


@pytest.fixture
def keys(built: tuple[SearchEngine, dict[str, int]]) -> dict[str, int]:
    return built[1]


def found(engine: SearchEngine, keys: dict[str, int], query: str) -> set[str]:
    by_id = {v: k for k, v in keys.items()}
    return {by_id[i] for i in ids(engine, query)}


ALL = {"P1", "C1", "C2", "R1", "M1", "X1", "X2", "X3", "W1", "W2"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ALL),
        ("platform:facebook", {"P1", "C1", "C2", "R1", "M1"}),
        ("platform:twitter", {"X1", "X2", "X3"}),  # alias
        ("-platform:facebook", {"X1", "X2", "X3", "W1", "W2"}),
        ("account:citypd", {"P1", "C1", "C2", "R1", "M1", "X1", "X2", "X3"}),
        ("account:x/CityPD", {"X1", "X2", "X3"}),
        ('account:"City Police Department"', {"P1", "C1", "C2", "R1", "M1"}),
        ("account:2002", {"X1", "X2", "X3"}),
        ("author:garcia", {"C1"}),
        ("author:@jlopez", {"C2"}),
        ("author:555", {"C1"}),
        ("-author:garcia platform:facebook", {"P1", "C2", "R1", "M1"}),
        ("kind:comment", {"C1", "C2"}),
        ("kind:replies", {"R1"}),
        ("kind:capture OR kind:page", {"W1", "W2"}),
        ("is:deleted", {"C1"}),
        ("is:hidden", {"C2"}),
        ("is:edited", {"X2"}),
        ("is:restricted", {"M1"}),
        ("-is:deleted kind:comment", {"C2"}),
        ("has:media", {"P1"}),
        ("url:city.gov/a%20b_c", {"W1"}),  # % and _ literal: 'abxc' must not match
        ("url:x.com", {"X1"}),
        ("on:2020", {"X1"}),  # Denver year, not UTC year
        ("on:2021", set()),
        ("on:2022-06", {"P1", "C1", "C2", "R1"}),
        ("on:2022-06-02", {"C1", "C2", "R1"}),
        ("on:2022-06..2022-07", {"P1", "C1", "C2", "R1", "M1"}),
        ("before:2022", {"X1"}),
        ("after:2023-03", {"W1", "W2"}),
        ("after:2022-12-31 before:2024", {"X2"}),
        ("council", {"W1", "W2"}),
        ("council -minutes", {"W2"}),
        ("council OR snow", {"W1", "W2", "X1"}),
        ("snow OR kind:message", {"X1", "M1"}),
        ('"50%"', {"C1"}),
        ("a_b", {"C2"}),
        ("back\\slash", {"C2"}),
    ],
)
def test_filter(engine: SearchEngine, keys: dict[str, int], query: str, expected: set[str]) -> None:
    assert found(engine, keys, query) == expected
    assert engine.count(query) == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        "kind:tweet",
        "is:famous",
        "has:cats",
        "on:2021-02-30",
        "before:yesterday",
        "after:0999",
        "on:2022..2021",
        "url:x foo:bar",
    ],
)
def test_bad_values_raise_query_error(engine: SearchEngine, query: str) -> None:
    with pytest.raises(QueryError) as err:
        engine.search_ids(query)
    assert str(err.value) and "\n" not in str(err.value)


def test_like_escaping_is_literal(engine: SearchEngine, keys: dict[str, int]) -> None:
    # E3: `%` and `_` in url: match themselves only; a lone backslash is not an escape
    assert found(engine, keys, "url:%") == {"W1"}
    assert found(engine, keys, "url:_") == {"W1"}
    assert found(engine, keys, "url:\\") == set()
    assert found(engine, keys, "author:%") == set()


def test_filters_only_query_uses_no_full_text(engine: SearchEngine, keys: dict[str, int]) -> None:
    q = engine.parse("platform:web kind:page")
    assert q.fts is None
    assert engine.page(q).strategy == "filters"


def test_records_added_later_are_found(archive: Archive) -> None:
    build(archive)
    engine = SearchEngine(archive)
    assert len(ids(engine, "council")) == 2
    write(
        archive,
        [replace(rec("W3", "council late"), platform="web", kind="capture")],
        account=WEB,
        source="late.warc",
    )
    assert len(ids(engine, "council")) == 3


def test_records_without_an_account_can_be_filtered(tmp_path) -> None:
    from retention_desk.archive import Archive
    from retention_desk.archive.ingest import AccountIn, RecordIn, RecordWriter, upsert_account
    from retention_desk.search import SearchEngine
    from retention_desk.search.errors import QueryError

    archive = Archive.create(tmp_path / "a.rdesk")
    try:
        with archive.write() as conn:
            page = upsert_account(conn, AccountIn("facebook", "city"))
            for key, account in (("with", page), ("without", None)):
                w = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account)
                w.add(RecordIn("facebook", "post", key, text=f"post {key}"))
                w.finish()
            archive.audit(conn, action="test.write")
        with SearchEngine(archive, keep_connection=False) as engine:
            ids = engine.search_ids("no:account")
            result = engine.search("post")
            no_account = next(f for f in result.facets.account if f.label == "(no account)")
            assert no_account.filter == "no:account"
            assert engine.search_ids(no_account.filter) == ids
            assert len(ids) == 1
            try:
                engine.search_ids("no:thing")
            except QueryError as exc:
                assert "account, media" in str(exc)
            else:
                raise AssertionError("no:thing was accepted")
    finally:
        archive.close()
