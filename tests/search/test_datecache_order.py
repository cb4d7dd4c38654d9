"""DateCache.candidates against a plain reference sort: the same record ids in the same order
(newest or oldest first, undated last, ties by id, each record once), whatever the sizes,
ties, undated keys, exclusions and date ranges, through the threshold's first slice and the
rest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retention_desk.search import datecache
from retention_desk.search.datecache import UNDATED, DateCache


def _cache(keys: list[int], records: list[int]) -> DateCache:
    return DateCache.from_columns([datecache.NO_RECORD, *records], [UNDATED, *keys])


def _reference(
    cache: DateCache,
    vids: list[int],
    newest: bool,
    excluded: set[int],
    key_range: tuple[int | None, int | None] | None,
) -> list[int]:
    pairs = [(cache.keys[v], cache.records[v]) for v in vids]
    if key_range is not None:
        lo, hi = key_range
        pairs = [
            (k, r)
            for k, r in pairs
            if k != UNDATED and (lo is None or k >= lo) and (hi is None or k < hi)
        ]
    if newest:
        pairs.sort(key=lambda p: (p[0], p[1]), reverse=True)
    else:
        pairs.sort(key=lambda p: (p[0] == UNDATED, p[0], p[1]))
    out: list[int] = []
    for _k, r in pairs:
        if r not in out and r not in excluded:
            out.append(r)
    return out


KEY = st.one_of(
    st.just(UNDATED),
    st.integers(min_value=10**17, max_value=10**17 + 40),  # few distinct keys: many ties
    st.integers(min_value=10**16, max_value=899 * 10**16),
)


@settings(max_examples=150, deadline=None)
@given(
    keys=st.lists(KEY, min_size=0, max_size=1500),
    data=st.data(),
    newest=st.booleans(),
)
def test_candidates_match_a_reference_sort(
    keys: list[int], data: st.DataObject, newest: bool
) -> None:
    n = len(keys)
    # several versions per record: record ids drawn from a smaller range
    records = [data.draw(st.integers(min_value=1, max_value=max(1, n // 2 + 1))) for _ in keys]
    cache = _cache(keys, records)
    vids = (
        sorted(data.draw(st.sets(st.integers(min_value=1, max_value=n), max_size=n))) if n else []
    )
    excluded = set(data.draw(st.lists(st.integers(min_value=1, max_value=n // 2 + 1), max_size=5)))
    key_range = data.draw(
        st.one_of(
            st.none(),
            st.tuples(
                st.one_of(st.none(), st.integers(min_value=10**17, max_value=10**17 + 40)),
                st.one_of(st.none(), st.integers(min_value=10**17, max_value=10**17 + 40)),
            ),
        )
    )
    got = list(cache.candidates(vids, newest, excluded=excluded or None, key_range=key_range))
    assert got == _reference(cache, vids, newest, excluded, key_range)


def test_a_large_set_takes_the_sampled_threshold_and_the_rest_in_order() -> None:
    n = 20_000
    keys = [10**17 + (i * 7919) % 5000 for i in range(n)]  # ties everywhere
    cache = _cache(keys, list(range(1, n + 1)))
    vids = list(range(1, n + 1))
    for newest in (True, False):
        got = list(cache.candidates(vids, newest))
        assert got == _reference(cache, vids, newest, set(), None)


@given(st.lists(st.integers(min_value=1, max_value=300), max_size=200), st.booleans())
def test_known_versions_answers_as_a_set_does(vids: list[int], ascending: bool) -> None:
    from retention_desk.search.rows import KnownVersions

    listed = sorted(set(vids)) if ascending else vids
    known = KnownVersions(listed)
    for probe in range(0, 302):
        assert (probe in known) == (probe in set(listed))
    assert "7" not in known
