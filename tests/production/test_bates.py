"""Bates numbers: gap-free across rolling productions of one request, disjoint when two runs
overlap, and never used by review copies."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.production import store
from retention_desk.production.produce import ProductionResult, produce
from tests.production.corpus import hostile_plan
from tests.production.store_helpers import install, new_request


def _n(label: str | None) -> int:
    assert label is not None
    return int(label.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def test_two_rolling_productions_are_gap_free(
    tmp_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = new_request(tmp_archive)
    plan = hostile_plan()
    fakes = install(monkeypatch, replace(plan, records=plan.records[:3]))
    first = produce(tmp_archive, number, out_dir=tmp_path)
    fakes.plan = replace(plan, records=plan.records[3:])
    second = produce(tmp_archive, number, out_dir=tmp_path)
    assert _n(first.bates_first) == 1
    assert _n(second.bates_first) == _n(first.bates_last) + 1
    with tmp_archive.read() as conn:
        pages: list[int] = []
        for made in (first, second):
            for r in store.production_records(conn, made.production):
                assert r.first is not None and r.last is not None
                pages.extend(range(r.first, r.last + 1))
            info = store.get_production(conn, made.production)
            assert info.bates_first is not None and info.bates_last is not None
            # every page of the file has a number: records, then the logs
            assert info.bates_last - info.bates_first + 1 >= len(
                store.production_records(conn, made.production)
            )
    assert pages == sorted(set(pages))  # unique and increasing
    # another request numbers from 1 again
    other = new_request(tmp_archive)
    assert _n(produce(tmp_archive, other, out_dir=tmp_path).bates_first) == 1


def test_review_copies_use_no_numbers_and_say_so_in_their_name(
    tmp_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = new_request(tmp_archive)
    install(monkeypatch, hostile_plan())
    review = produce(tmp_archive, number, review_copy=True, out_dir=tmp_path)
    review_x = produce(tmp_archive, number, review_copy=True, file_format="xlsx", out_dir=tmp_path)
    assert review.bates_first is None and review_x.bates_first is None
    for made in (review, review_x):
        assert all("REVIEW-COPY-NOT-FOR-RELEASE" in p.name for p in made.files)
    assert review.files[0].name != review_x.files[0].name.replace(".xlsx", ".pdf")
    release = produce(tmp_archive, number, out_dir=tmp_path)
    assert _n(release.bates_first) == 1
    with tmp_archive.read() as conn:
        for made in (review, review_x):
            info = store.get_production(conn, made.production)
            assert (info.kind, info.bates_first, info.bates_last) == ("review", None, None)
            assert all(r.first is None for r in store.production_records(conn, made.production))


def test_two_runs_at_once_get_disjoint_ranges(
    tmp_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = new_request(tmp_archive)
    fakes = install(monkeypatch, hostile_plan())
    # both runs lay out with the same next number before either stores: one must lay out
    # again with the numbers after the other's
    fakes.barrier = threading.Barrier(2)
    second = Archive.open(tmp_archive.path, operator="pytest")
    results: list[ProductionResult] = []
    errors: list[BaseException] = []

    def run(archive: Archive, where: str) -> None:
        try:
            results.append(produce(archive, number, out_dir=tmp_path / where))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(tmp_archive, "a")),
        threading.Thread(target=run, args=(second, "b")),
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        second.close()
    assert errors == []
    assert fakes.starts[:2] == [1, 1] and fakes.renders == 3
    spans = sorted((_n(r.bates_first), _n(r.bates_last)) for r in results)
    assert spans[0][0] == 1 and spans[1][0] == spans[0][1] + 1
    assert len({p.name for r in results for p in r.files}) == 6  # P1 and P2 name the files
