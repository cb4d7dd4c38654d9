"""The annual review (389.6): every count checked against figures computed here
independently (plain SQL, the year's bounds worked out in Python), on an archive the test
builds, on the demo archive, and after a real disposal; PDF and XLSX with hostile text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection

from retention_desk.archive.store import Archive
from retention_desk.ipra import requests
from retention_desk.oversight import annual_export
from retention_desk.oversight import moderation as mod
from retention_desk.oversight.annual import (
    BY_AUTHOR,
    UNREASONED,
    AnnualReview,
    AnnualReviewError,
    annual_review,
)
from tests.oversight.moderation_corpus import HOSTILE, build

DENVER = ZoneInfo("America/Denver")


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[tuple[Archive, dict[str, int]]]:
    archive, ids = build(tmp_path / "a.rdesk")
    yield archive, ids
    archive.close()


# ------------------------------------------------------------- independent figures
def _bounds(year: int) -> tuple[str, str]:
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
    start = datetime(year, 1, 1, tzinfo=DENVER).astimezone(UTC).strftime(fmt)
    end = datetime(year + 1, 1, 1, tzinfo=DENVER).astimezone(UTC).strftime(fmt)
    return start, end


def _year_of(stored: str) -> int:
    utc = datetime.strptime(stored, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return utc.astimezone(DENVER).year


def sql_kinds(conn: Connection, year: int, account_id: int | None = None) -> dict[str, int]:
    start, end = _bounds(year)
    extra = "" if account_id is None else f" AND account_id = {int(account_id)}"
    return {
        str(k): int(n)
        for k, n in conn.exec_driver_sql(
            "SELECT kind, count(*) FROM records WHERE created_at >= ? AND created_at < ?"
            + extra
            + " GROUP BY kind",
            (start, end),
        )
    }


def sql_removed(conn: Connection, year: int) -> Counter[str]:
    """Removed comments/replies of the year by the bucket of their latest action."""
    out: Counter[str] = Counter()
    for hidden, deleted, category, by in conn.exec_driver_sql(
        "SELECT r.hidden_at, r.deleted_at, m.category, m.acted_by FROM records r"
        " LEFT JOIN moderation_actions m ON m.id ="
        " (SELECT max(id) FROM moderation_actions x WHERE x.record_id = r.id)"
        " WHERE r.kind IN ('comment', 'reply')"
        " AND (r.hidden_at IS NOT NULL OR r.deleted_at IS NOT NULL)"
    ):
        first = min(t for t in (hidden, deleted) if t)
        if _year_of(first) != year:
            continue
        if category:
            out[category] += 1
        elif category is None:
            out[UNREASONED] += 1
        elif by == "author":
            out[BY_AUTHOR] += 1
        else:
            out["uncategorised"] += 1
    return out


def sql_incidents(conn: Connection, year: int) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for record_id in [
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT DISTINCT record_id FROM moderation_actions WHERE category != ''"
        )
    ]:
        actions = conn.exec_driver_sql(
            "SELECT category, acted_at, entered_at, action FROM moderation_actions"
            " WHERE record_id = ? ORDER BY id",
            (record_id,),
        ).all()
        categorised = [a for a in actions if a[0]][-1]
        if _year_of(categorised[1] or categorised[2]) == year:
            out[(str(categorised[0]), str(actions[-1][3]))] += 1
    return out


def sql_requests(conn: Connection, year: int) -> Counter[str]:
    return Counter(
        {
            str(s): int(n)
            for s, n in conn.exec_driver_sql(
                "SELECT status, count(*) FROM ipra_requests"
                " WHERE substr(received_on, 1, 4) = ? GROUP BY status",
                (str(year),),
            )
        }
    )


def check_against_sql(archive: Archive, review: AnnualReview) -> None:
    year = review.year
    with archive.read() as conn:
        kinds = sql_kinds(conn, year, review.account_id)
        assert {k: n for k, n in review.totals.items() if n} == kinds
        per_account = {r.account_id: r for r in review.activity}
        for acc in per_account:
            if acc is not None:
                assert {k: n for k, n in per_account[acc].by_kind.items() if n} == sql_kinds(
                    conn, year, acc
                )
        if review.account_id is None:
            assert Counter(review.removed_by_category()) == sql_removed(conn, year)
            got = Counter({(r.category, r.resolution): 0 for r in review.incidents})
            for r in review.incidents:
                got[(r.category, r.resolution)] += r.count
            assert +got == sql_incidents(conn, year)
            assert len(review.incident_records) == review.incidents_total
            assert Counter((r.category, r.resolution) for r in review.incident_records) == +got
            statuses = sql_requests(conn, year)
            assert review.requests.received == sum(statuses.values())
            assert review.requests.by_status == dict(statuses)
            assert (
                review.requests.fulfilled == statuses["fulfilled"] + statuses["partially_fulfilled"]
            )
            fulfilled_in_year = conn.exec_driver_sql(
                "SELECT count(DISTINCT request_id) FROM ipra_events WHERE kind IN"
                " ('fulfilled', 'partially_fulfilled', 'partially_denied')"
                " AND substr(on_date, 1, 4) = ?",
                (str(year),),
            ).scalar_one()
            assert review.requests.fulfilled_in_year == fulfilled_in_year


# ------------------------------------------------------------------------ the corpus
def test_counts_on_the_built_archive(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, ids = corpus
    mod.record_reason(archive, ids["c1"], "lc-profane", "swearing", acted_at="2025-03-03")
    mod.record_reason(archive, ids["c3"], "", "resident deleted it", acted_by="author")
    mod.record_reason(archive, ids["c4"], "dhs-abusive", "reported", acted_at="2025-06-04")
    mod.record_reason(archive, ids["c4"], "", "kept after review", action="restored")
    mod.record_reason(archive, ids["c5"], "lc-off-topic", "spam", acted_at="2026-02-03")
    requests.new_request(
        archive,
        received_at=datetime(2026, 3, 4, 18, tzinfo=UTC),
        via="email",
        name="Ana Requester",
        email="ana@example.org",
        description="comments",
    )
    old = requests.new_request(
        archive,
        received_at=datetime(2025, 11, 20, 18, tzinfo=UTC),
        via="email",
        name="Ben Requester",
        email="ben@example.org",
        description="hidden comments",
    ).number
    requests.record_step(archive, old, "fulfilled", on=date(2026, 1, 10))
    r25 = annual_review(archive, 2025)
    check_against_sql(archive, r25)
    assert (r25.requests.received, r25.requests.fulfilled) == (1, 1)
    assert r25.requests.fulfilled_in_year == 0
    # the figures themselves, as worked out by hand from the corpus
    # p1, p2, p_edge, t1, t2 (p_edge is 2025 in Denver, 2026 in UTC)
    assert r25.totals["post"] == 5 and r25.totals["comment"] == 4
    assert r25.removed_by_category() == {"lc-profane": 1, BY_AUTHOR: 1, UNREASONED: 3}
    assert {(r.category, r.resolution, r.count) for r in r25.incidents} == {
        ("lc-profane", "hidden", 1),
        ("dhs-abusive", "restored", 1),
    }
    r26 = annual_review(archive, 2026)
    check_against_sql(archive, r26)
    assert r26.removed_by_category() == {"lc-off-topic": 1}
    assert r26.requests.received == 1 and r26.requests.open == 1
    assert r26.requests.fulfilled_in_year == 1  # received in 2025, fulfilled in 2026


def test_year_boundary_is_the_agency_zone(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, _ = corpus
    # p_edge: 2026-01-01 06:30 UTC is 2025-12-31 23:30 in Denver
    assert annual_review(archive, 2025).totals["post"] == 5
    assert annual_review(archive, 2026).totals["post"] == 1


def test_one_account(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, _ = corpus
    review = annual_review(archive, 2025, "sandiapd")
    assert review.account == "x/@sandiapd"
    assert [r.account for r in review.activity] == ["x/@sandiapd"]
    assert review.totals["post"] == 2 and review.totals["reply"] == 1
    assert review.removed_by_category() == {UNREASONED: 1}
    check_against_sql(archive, review)
    with pytest.raises(AnnualReviewError, match="between"):
        annual_review(archive, 12)


def test_pdf_and_xlsx_with_hostile_text(
    corpus: tuple[Archive, dict[str, int]], tmp_path: Path
) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    archive, ids = corpus
    archive.update_settings(replace(archive.settings(), agency_name=HOSTILE.split("\x1b")[0]))
    mod.record_reason(archive, ids["c2"], "lc-profane", HOSTILE, acted_at="2025-03-04")
    review = annual_review(archive, 2025)
    annual_export.write_pdf(review, tmp_path / "r.pdf")
    annual_export.write_xlsx(review, tmp_path / "r.xlsx")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    # the markup is printed, not obeyed; the escape is shown, not sent
    assert "<font size=40>BIG</font>" in re.sub(r"\s+", " ", text)
    assert "\x1b" not in text
    assert "Annual review of social-media use, 2025" in text
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == [
        "Review",
        "Summary",
        "Activity",
        "Removed content",
        "Incidents",
        "Incident records",
    ]
    incident_rows = list(wb["Incident records"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[5]) for r in incident_rows] == [(ids["c2"], "lc-profane", "hidden")]
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert all(c.data_type in ("s", "n") for c in cells)
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in cells)
    assert any("HYPERLINK" in str(c.value) for c in cells)
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=2)}
    assert summary["Comments and replies removed"] == review.removed_total == 5


# ----------------------------------------------------------------- the demo archive
def test_counts_on_the_demo_archive(tmp_path: Path) -> None:
    from retention_desk.demo import build_demo_archive

    path = build_demo_archive(tmp_path / "demo.rdesk")
    with Archive.open(path) as archive:
        with archive.read() as conn:
            removed = [
                (int(r[0]), str(r[1]))
                for r in conn.exec_driver_sql(
                    "SELECT id, coalesce(deleted_at, hidden_at) FROM records"
                    " WHERE kind IN ('comment','reply')"
                    " AND (hidden_at IS NOT NULL OR deleted_at IS NOT NULL) ORDER BY id"
                )
            ]
            years = sorted(
                {
                    _year_of(str(r[0]))
                    for r in conn.exec_driver_sql(
                        "SELECT created_at FROM records WHERE created_at IS NOT NULL"
                    )
                }
            )
            request_years = {
                int(str(r[0])[:4])
                for r in conn.exec_driver_sql("SELECT received_on FROM ipra_requests")
            }
        # the demo's requests (2026) come after its records: their year is checked too
        assert request_years - set(years)
        years = sorted(set(years) | request_years)
        assert len(removed) > 20
        # the demo gives reasons for some removals itself: these are the others
        with archive.read() as conn:
            acted = {
                int(r[0])
                for r in conn.exec_driver_sql("SELECT DISTINCT record_id FROM moderation_actions")
            }
        open_ones = [(rid, day) for rid, day in removed if rid not in acted]
        assert len(open_ones) > 10
        unreasoned_before = sum(annual_review(archive, y).removed_in(UNREASONED) for y in years)
        incidents_before = annual_review(archive, datetime.now(DENVER).year).incidents_total
        # reasons for ten more, under the demo's policies (Las Cruces, DPS), one by its author
        for n, (rid, _) in enumerate(open_ones[:9]):
            category = ("lc-profane", "lc-off-topic", "dps-personal-attacks")[n % 3]
            mod.record_reason(archive, rid, category, f"demo reason {n}")
        mod.record_reason(
            archive, open_ones[9][0], "", "own deletion", acted_by="author", action="deleted"
        )
        for year in years:
            review = annual_review(archive, year)
            check_against_sql(archive, review)
        total = sum(annual_review(archive, y).removed_total for y in years)
        assert total == len(removed)
        # the nine reasons were entered now, with no acted time: incidents of this year
        now = annual_review(archive, datetime.now(DENVER).year)
        assert now.incidents_total == incidents_before + 9
        assert (
            sum(annual_review(archive, y).removed_in(UNREASONED) for y in years)
            == unreasoned_before - 10
        )
        with archive.read() as conn:
            account = conn.exec_driver_sql(
                "SELECT account_id FROM records WHERE account_id IS NOT NULL LIMIT 1"
            ).scalar_one()
        review = annual_review(archive, years[-2], str(account))
        check_against_sql(archive, review)
        assert review.requests.for_account


# ---------------------------------------------------------------------------- disposal
def test_disposal_figures_after_a_real_destruction(tmp_path: Path) -> None:
    from retention_desk.disposal.destroy import destroy
    from tests.disposal.destroy_helpers import OLD, add, approved_report, prepare

    with Archive.create(tmp_path / "d.rdesk", operator="pytest") as archive:
        prepare(archive, tmp_path)
        add(archive, [("old1", "one", OLD), ("old2", "two", OLD), ("old3", "three", OLD)])
        number = approved_report(archive)
        destroy(archive, number)
        with archive.read() as conn:
            zone_year = datetime.now(DENVER).year
            tomb = conn.exec_driver_sql("SELECT destroyed_at, kind FROM record_tombstones").all()
            decided = conn.exec_driver_sql(
                "SELECT max(decided_on) FROM disposal_approvals WHERE report_id = ?", (number,)
            ).scalar_one()
        review = annual_review(archive, zone_year)
        expected = sum(1 for at, _ in tomb if _year_of(str(at)) == zone_year)
        assert review.disposal.records_destroyed == expected == 3
        assert review.disposal.destroyed_by_kind == {"post": 3}
        assert review.disposal.reports_approved == (
            (number,) if date.fromisoformat(str(decided)).year == zone_year else ()
        )
        assert annual_review(archive, zone_year - 1).disposal.records_destroyed == 0
