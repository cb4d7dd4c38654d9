"""The narrow reclassification paths (issue 10, speed): adding a rule compares it with each
matched record's stored winner, a schedule import reclassifies only what rules of changed
series match, small scopes are walked record by record. Each must leave exactly what a full
classification computes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import RecordIn
from retention_desk.archive.store import Archive
from retention_desk.retention import classifier
from retention_desk.retention.schedule import Series, parse_schedule
from tests.retention.helpers import schedule_text, write_schedule

Row = tuple[object, ...]


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> Archive:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    return tmp_archive


def write(archive: Archive, records: list[tuple[str, str, str, str, datetime | None]]) -> None:
    """(key, platform, kind, text, created_at), written without classifying them."""
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for key, platform, kind, text_value, created in records:
            writer.add(
                RecordIn(
                    platform=platform,
                    kind=kind,
                    record_key=key,
                    text=text_value,
                    created_at=created,
                )
            )
        writer.finish()


def ids(archive: Archive) -> dict[str, int]:
    with archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT record_key, id FROM records").all()
    return {str(k): int(i) for k, i in rows}


def rows(archive: Archive) -> dict[int, Row]:
    with archive.read() as conn:
        found = conn.exec_driver_sql(
            "SELECT record_id, series_code, rule_id, trigger_date, eligible_on, status,"
            " disposition FROM record_retention"
        ).all()
    return {int(r[0]): tuple(r[1:]) for r in found}


def series_of(archive: Archive, record_id: int) -> str | None:
    return rt.record_retention(archive, record_id).series_code


MAY_2023 = datetime(2023, 5, 10, 18, 0, tzinfo=UTC)


def test_removed_rule_falls_back_to_the_next_longest_or_to_unclassified(
    archive: Archive,
) -> None:
    write(
        archive,
        [
            ("both", "x", "post", "alpha beta", MAY_2023),
            ("alone", "x", "post", "alpha", MAY_2023),
        ],
    )
    key = ids(archive)
    rt.add_rule(archive, "beta", "T-SHORT")
    rt.add_rule(archive, "beta", "T-CREATED")
    longest = rt.add_rule(archive, "alpha", "T-CAL")
    assert series_of(archive, key["both"]) == series_of(archive, key["alone"]) == "T-CAL"
    removed = rt.remove_rule(archive, longest.rule_id)
    assert (removed.matched, removed.moved) == (2, 2)
    got = rt.record_retention(archive, key["both"])
    # of the two remaining, P1Y from creation outlasts 30 days
    assert (got.series_code, got.eligible_on) == ("T-CREATED", "2024-05-11")
    assert rt.record_retention(archive, key["alone"]).status == "unclassified"
    assert rt.classify(archive).moved == 0


def test_added_rule_wins_only_where_it_keeps_longer_and_loses_ties(archive: Archive) -> None:
    write(
        archive,
        [
            ("short", "x", "post", "alpha", MAY_2023),
            ("long", "x", "post", "alpha gamma", MAY_2023),
            ("tie", "x", "post", "alpha delta", MAY_2023),
        ],
    )
    key = ids(archive)
    rt.add_rule(archive, "alpha", "T-SHORT")
    rt.add_rule(archive, "gamma", "T-PERM")
    tie_rule = rt.add_rule(archive, "delta", "T-CAL")
    # T-CAL again for every alpha record: beats T-SHORT, loses to permanent, ties T-CAL
    added = rt.add_rule(archive, "alpha", "T-CAL")
    assert (added.matched, added.moved) == (3, 1)
    assert rt.record_retention(archive, key["short"]).rule_id == added.rule_id
    assert series_of(archive, key["long"]) == "T-PERM"
    assert rt.record_retention(archive, key["tie"]).rule_id == tie_rule.rule_id
    # transfer beats destroy on the same date: a later rule wins that tie
    xfer = rt.add_rule(archive, "delta", "T-CAL-XFER")
    assert xfer.moved == 1
    assert rt.record_retention(archive, key["tie"]).disposition == "transfer"
    assert rt.classify(archive).moved == 0


def test_added_rule_classifies_never_classified_records_under_every_rule(
    archive: Archive,
) -> None:
    rt.add_rule(archive, "alpha", "T-PERM")
    # written after the rule, without the import hook: matched by it, yet no row
    write(archive, [("late", "x", "post", "alpha beta", MAY_2023)])
    late = ids(archive)["late"]
    assert rt.record_retention(archive, late).status == "unclassified"
    added = rt.add_rule(archive, "beta", "T-SHORT")
    assert added.matched == 1
    # the earlier rule takes part: permanent wins, not the rule just added
    assert series_of(archive, late) == "T-PERM"
    assert rt.classify(archive).moved == 0


def test_schedule_change_reaches_records_the_changed_series_lost_before(
    archive: Archive, tmp_path: Path
) -> None:
    write(
        archive,
        [
            ("both", "x", "post", "alpha beta", MAY_2023),
            ("other", "x", "post", "gamma", MAY_2023),
        ],
    )
    key = ids(archive)
    rt.add_rule(archive, "alpha", "T-SHORT")  # 30 days: loses to T-CREATED
    rt.add_rule(archive, "beta", "T-CREATED")
    rt.add_rule(archive, "gamma", "T-CAL")
    assert series_of(archive, key["both"]) == "T-CREATED"
    before_other = rows(archive)[key["other"]]
    # T-SHORT now runs five years: the record it lost must be reconsidered
    longer = write_schedule(
        tmp_path, schedule_text((("T-SHORT", "P5Y", "created", "destroy"),)), "longer.toml"
    )
    result = rt.import_schedule(archive, longer)
    assert result.moved == 1
    got = rt.record_retention(archive, key["both"])
    assert (got.series_code, got.eligible_on) == ("T-SHORT", "2028-05-11")
    assert rows(archive)[key["other"]] == before_other  # no rule of its touched
    assert rt.classify(archive).moved == 0


def test_changed_series_compares_what_classification_reads() -> None:
    def one(retention: str, title: str) -> dict[str, Series]:
        text_value = schedule_text((("S", retention, "created", "destroy"),)).replace(
            "Test series S", title
        )
        return {s.code: s for s in parse_schedule(text_value, "f.toml").series}

    assert classifier.changed_series(one("P1Y", "a"), one("P1Y", "renamed")) == set()
    assert classifier.changed_series(one("P1Y", "a"), one("P2Y", "a")) == {"S"}
    assert classifier.changed_series({}, one("P1Y", "a")) == {"S"}


WORDS = ("alpha", "beta", "gamma", "delta")
QUERIES = (
    "alpha",
    "beta",
    "gamma delta",
    "alpha OR gamma",
    "platform:facebook",
    "kind:comment",
    "platform:x kind:post",
    "before:2022-01-01",
    "after:2023-06-30 beta",
)
SERIES = ("T-CREATED", "T-CAL", "T-FY", "T-EVENT", "T-PERM", "T-CAL-XFER", "T-SHORT")


def _random_records(
    rng: random.Random, prefix: str, n: int
) -> list[tuple[str, str, str, str, datetime | None]]:
    out: list[tuple[str, str, str, str, datetime | None]] = []
    for i in range(n):
        created = None
        if rng.random() > 0.08:
            created = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(
                minutes=rng.randrange(7 * 365 * 24 * 60)
            )
        words = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
        out.append(
            (
                f"{prefix}{i}",
                rng.choice(("x", "facebook")),
                rng.choice(("post", "comment")),
                words,
                created,
            )
        )
    return out


@pytest.mark.parametrize("walk_share", [0.0, 1.0], ids=["rules-drive", "scope-drives"])
def test_every_narrow_path_leaves_what_a_full_classification_computes(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk_share: float
) -> None:
    # both ways of finding a rule's hits inside a scope give the same hits
    monkeypatch.setattr(classifier, "_SCOPE_DRIVES", walk_share)
    rng = random.Random(20261205)
    write(archive, _random_records(rng, "a", 60))
    periods = ("P30D", "P1Y", "P3Y", "P10Y", "permanent")
    for step in range(30):
        active = rt.list_rules(archive)
        roll = rng.random()
        if roll < 0.45 or not active:
            rt.add_rule(archive, rng.choice(QUERIES), rng.choice(SERIES))
            what = "add"
        elif roll < 0.65:
            rt.remove_rule(archive, rng.choice(active).id)
            what = "remove"
        elif roll < 0.75:
            when = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
            rt.set_event_date(archive, "file_closed", when, query=rng.choice(QUERIES))
            what = "event"
        elif roll < 0.88:
            code = rng.choice(SERIES)
            trigger = rng.choice(("created", "calendar_year_end", "event:file_closed"))
            path = write_schedule(
                tmp_path,
                schedule_text(((code, rng.choice(periods), trigger, "destroy"),)),
                f"step{step}.toml",
            )
            rt.import_schedule(archive, path)
            what = "schedule"
        else:
            before = set(ids(archive).values())
            write(archive, _random_records(rng, f"s{step}-", 5))
            rt.classify(archive, set(ids(archive).values()) - before)  # the import hook's path
            what = "records"
        after_step = rows(archive)
        full = rt.classify(archive)
        assert full.moved == 0, (step, what)
        assert rows(archive) == after_step, (step, what)
