"""Dates in the agency's time zone across DST, and facet counts against independent counts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, ArchiveSettings
from retention_desk.archive.ingest import AccountIn
from retention_desk.search import SearchEngine
from retention_desk.search import engine as engine_mod
from retention_desk.search.dates import parse_period
from tests.search.conftest import rec, utc, write

DENVER = ZoneInfo("America/Denver")


def test_dst_days_are_23_and_25_hours_long() -> None:
    spring = parse_period("2021-03-14", DENVER, filter_name="on")
    fall = parse_period("2021-11-07", DENVER, filter_name="on")
    assert spring.end - spring.start == timedelta(hours=23)
    assert fall.end - fall.start == timedelta(hours=25)
    assert spring.start == utc(2021, 3, 14, 7)  # MST midnight
    assert fall.start == utc(2021, 11, 7, 6)  # MDT midnight
    assert fall.end == utc(2021, 11, 8, 7)


def test_on_before_after_follow_local_midnights_across_dst(
    archive: Archive, engine: SearchEngine
) -> None:
    # instants around the local midnights that start and end the DST-change days
    moments = {
        "spring_before": utc(2021, 3, 14, 6, 59),  # 23:59 on 13 March, MST
        "spring_first": utc(2021, 3, 14, 7, 0),  # 00:00 on 14 March
        "spring_last": utc(2021, 3, 15, 5, 59),  # 23:59 on 14 March, MDT
        "spring_after": utc(2021, 3, 15, 6, 0),  # 00:00 on 15 March, MDT
        "fall_before": utc(2021, 11, 7, 5, 59),  # 23:59 on 6 November, MDT
        "fall_first": utc(2021, 11, 7, 6, 0),
        "fall_fold": utc(2021, 11, 7, 8, 30),  # 01:30 MST, the second 01:30 of the day
        "fall_last": utc(2021, 11, 8, 6, 59),  # 23:59 on 7 November, MST
        "fall_after": utc(2021, 11, 8, 7, 0),
    }
    keys = write(
        archive,
        [rec(k, "t", created_at=v) for k, v in moments.items()],
        account=AccountIn("x", "1"),
    )
    by_id = {v: k for k, v in keys.items()}

    def found(q: str) -> set[str]:
        return {by_id[i] for i in engine.search_ids(q)}

    assert found("on:2021-03-14") == {"spring_first", "spring_last"}
    assert found("on:2021-11-07") == {"fall_first", "fall_fold", "fall_last"}
    assert found("before:2021-03-14") == {"spring_before"}
    assert found("after:2021-11-07") == {"fall_after"}
    assert found("after:2021-03-14 before:2021-11-07") == {"spring_after", "fall_before"}
    assert found("on:2021-03-14..2021-03-15") == {"spring_first", "spring_last", "spring_after"}


def test_time_zone_setting_is_used(archive: Archive) -> None:
    write(archive, [rec("a", "t", created_at=utc(2021, 1, 1, 3))], account=AccountIn("x", "1"))
    with SearchEngine(archive) as engine:
        assert engine.search_ids("on:2020") != []  # 20:00 on 31 Dec in Denver
        assert [f.label for f in engine.facets("t").year] == ["2020"]
        archive.update_settings(ArchiveSettings(time_zone="UTC"))
        engine.reload_settings()
        assert engine.search_ids("on:2020") == []
        assert engine.search_ids("on:2021") != []
        assert [f.label for f in engine.facets("t").year] == ["2021"]


def independent(records: list[dict[str, object]]) -> dict[str, Counter[object]]:
    out: dict[str, Counter[object]] = {
        k: Counter() for k in ("platform", "account", "kind", "year")
    }
    for r in records:
        out["platform"][r["platform"]] += 1
        out["account"][r["account"]] += 1
        out["kind"][r["kind"]] += 1
        created = r["created_at"]
        out["year"][created.astimezone(DENVER).year if isinstance(created, datetime) else None] += 1
    return out


@pytest.fixture
def random_archive(archive: Archive) -> list[dict[str, object]]:
    rng = random.Random(11)
    accounts = [
        AccountIn("x", "1", handle="ax"),
        AccountIn("facebook", "2", handle="bf"),
        AccountIn("facebook", "3", handle="cf"),
    ]
    written: list[dict[str, object]] = []
    for n, account in enumerate(accounts):
        recs = []
        for i in range(150):
            # many records within hours of a local new year, where UTC and Denver years differ
            base = datetime(rng.choice([2019, 2020, 2021]), 1, 1, 7, tzinfo=ZoneInfo("UTC"))
            created = None if i % 23 == 0 else base + timedelta(hours=rng.uniform(-30, 30))
            kind = rng.choice(["post", "comment", "reply"])
            words = " ".join(rng.choice(["alpha", "beta", "gamma"]) for _ in range(3))
            recs.append(
                rec(f"{n}-{i}", words, platform=account.platform, kind=kind, created_at=created)
            )
            written.append(
                {
                    "platform": account.platform,
                    "account": f"{account.platform}/{account.handle}",
                    "kind": kind,
                    "created_at": created,
                    "text": words,
                }
            )
        write(archive, recs, account=account, source=f"{n}.json")
    return written


def as_counter(values: tuple[object, ...], key: str = "label") -> Counter[object]:
    out: Counter[object] = Counter()
    for v in values:
        label = getattr(v, key)
        out[None if label in ("(no date)",) else label] += v.count  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize(
    "query", ["", "alpha", "beta -gamma", "kind:comment", "alpha platform:facebook"]
)
@pytest.mark.parametrize(
    ("cached", "by_id_max"),
    [(True, 10**6), (True, 0), (False, 10**6)],
    ids=["cache-by-id", "cache-intersect", "sql-group-by"],
)
def test_facets_match_independent_counts(
    random_archive: list[dict[str, object]],
    archive: Archive,
    query: str,
    cached: bool,
    by_id_max: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = SearchEngine(archive, date_cache=cached)
    monkeypatch.setattr(engine_mod, "CHECK_BY_ID_MAX", by_id_max)

    def keep(r: dict[str, object]) -> bool:
        words = str(r["text"]).split()
        return {
            "": True,
            "alpha": "alpha" in words,
            "beta -gamma": "beta" in words and "gamma" not in words,
            "kind:comment": r["kind"] == "comment",
            "alpha platform:facebook": "alpha" in words and r["platform"] == "facebook",
        }[query]

    expected = independent([r for r in random_archive if keep(r)])
    facets = engine.facets(query)
    assert facets.total == sum(expected["kind"].values()) == engine.count(query)
    assert as_counter(facets.platform) == expected["platform"]
    assert as_counter(facets.kind) == expected["kind"]
    assert as_counter(facets.account) == expected["account"]
    years = Counter(
        {(int(k) if k is not None else None): v for k, v in as_counter(facets.year).items()}
    )
    assert years == expected["year"]
    # each facet's filter text narrows the search to exactly that count
    for value in facets.platform + facets.kind + facets.year + facets.account:
        if value.filter:
            assert engine.count(f"{query} {value.filter}") == value.count, value
    engine.close()


def test_empty_archive_facets(engine: SearchEngine) -> None:
    facets = engine.facets("")
    assert facets.total == 0 and facets.year == () and facets.platform == ()


def test_cached_facets_notice_destroyed_records(
    random_archive: list[dict[str, object]], archive: Archive
) -> None:
    with SearchEngine(archive) as engine:
        before = engine.facets("")
        assert before.total == len(random_archive)
        victim = engine.search_ids("kind:post")[0]
        with archive.write() as conn:  # what destruction will do: the row and its versions go
            conn.execute(
                text("UPDATE records SET parent_id = NULL WHERE parent_id = :id"), {"id": victim}
            )
            conn.execute(text("DELETE FROM records WHERE id = :id"), {"id": victim})
        for _ in range(2):  # the first call detects it, the second uses the rebuilt cache
            after = engine.facets("")
            assert after.total == before.total - 1
            kinds = {f.label: f.count for f in after.kind}
            assert kinds["post"] == {f.label: f.count for f in before.kind}["post"] - 1
            assert victim not in engine.search_ids("alpha OR beta OR gamma")
            assert engine.facets("alpha OR beta OR gamma").total == engine.count(
                "alpha OR beta OR gamma"
            )
