"""The unapproved-author flag: approval windows (approved after the post, ended before it,
covering it), page-credited posts without a staff author (not enough evidence), bylines
matched through platform names, comments by the public never judged."""

from __future__ import annotations

import pytest

from retention_desk.archive.store import Archive
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry_authors import (
    APPROVED_LATER,
    ENDED_BEFORE,
    NO_ROLE,
    UNDATED,
    UNKNOWN_AUTHOR,
    author_flags,
    clear_staff_author,
    set_staff_author,
)
from tests.oversight.registry_helpers import ids, post, write


@pytest.fixture
def archive(tmp_archive: Archive) -> Archive:
    return tmp_archive


def _flags(archive: Archive) -> dict[int, tuple[str, str, int | None]]:
    return {f.record_id: (f.reason, f.evidence, f.person_id) for f in author_flags(archive)}


def test_staff_author_approval_windows(archive: Archive) -> None:
    # posts on March 2, 10 and 20 (UTC 18:00, the same day in the agency's zone)
    write(archive, [post("early", 2), post("mid", 10), post("late", 20)])
    rec = ids(archive)
    ana = reg.add_person(archive, "Ana Ruiz")
    role = reg.approve_user(archive, ["x:sandia"], ana.id, on="2026-03-05", by="Mayor")[0]
    reg.end_role(archive, role.id, "2026-03-15")
    for key in rec:
        set_staff_author(archive, rec[key], ana.id)
    flags = _flags(archive)
    # approved after the post -> flagged; inside the window -> not; ended before -> flagged
    assert flags == {
        rec["early"]: (APPROVED_LATER, "staff_author", ana.id),
        rec["late"]: (ENDED_BEFORE, "staff_author", ana.id),
    }
    detail = {f.record_id: f.detail for f in author_flags(archive)}
    assert "2026-03-05" in detail[rec["early"]] and "2026-03-15" in detail[rec["late"]]


def test_window_edges_count_both_days(archive: Archive) -> None:
    write(archive, [post("first", 5), post("last", 15)])
    rec = ids(archive)
    ana = reg.add_person(archive, "Ana Ruiz")
    role = reg.approve_user(archive, ["x:sandia"], ana.id, on="2026-03-05", by="Mayor")[0]
    reg.end_role(archive, role.id, "2026-03-15")
    for key in rec:
        set_staff_author(archive, rec[key], ana.id)
    assert _flags(archive) == {}


def test_post_day_is_the_agency_day_not_utc(archive: Archive) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    # 03:00 UTC on March 5 is the evening of March 4 in Denver: before a March 5 approval
    write(archive, [replace(post("night", 5), created_at=datetime(2026, 3, 5, 3, tzinfo=UTC))])
    ana = reg.add_person(archive, "Ana Ruiz")
    reg.approve_user(archive, ["x:sandia"], ana.id, on="2026-03-05", by="Mayor")
    set_staff_author(archive, ids(archive)["night"], ana.id)
    [flag] = author_flags(archive)
    assert (flag.posted_on, flag.reason) == ("2026-03-04", APPROVED_LATER)


def test_page_credited_post_without_staff_author_is_not_enough_evidence(archive: Archive) -> None:
    write(archive, [post("p", 2), post("q", 3, name="", handle="@SANDIA")])
    assert author_flags(archive) == []
    nobody = reg.add_person(archive, "Bo Unapproved")
    set_staff_author(archive, ids(archive)["p"], nobody.id)
    assert _flags(archive) == {ids(archive)["p"]: (NO_ROLE, "staff_author", nobody.id)}
    clear_staff_author(archive, ids(archive)["p"])
    assert author_flags(archive) == []


def test_export_byline_matched_through_platform_names(archive: Archive) -> None:
    write(
        archive,
        [
            post("by_ana", 10, name="Ana R", handle="ana_r"),
            post("by_ana_before", 2, name="Ana R", handle="ana_r"),
            post("by_stranger", 10, name="Someone Else", handle="else"),
            post(
                "comment", 10, kind="comment", name="A Resident", handle="resident", parent="by_ana"
            ),
            post("reply", 10, kind="reply", name="Other Resident", handle="r2", parent="comment"),
        ],
    )
    rec = ids(archive)
    ana = reg.add_person(archive, "Ana Ruiz", platform_names=["@Ana_R"])
    reg.approve_user(archive, ["x:sandia"], ana.id, on="2026-03-05", by="Mayor")
    flags = _flags(archive)
    assert flags == {
        rec["by_ana_before"]: (APPROVED_LATER, "export", ana.id),
        rec["by_stranger"]: (UNKNOWN_AUTHOR, "export", None),
    }
    # a staff author entered wins over the export's byline
    set_staff_author(archive, rec["by_stranger"], ana.id)
    assert rec["by_stranger"] not in _flags(archive)


def test_liaison_is_not_approved_to_post_and_undated_role_is_flagged(archive: Archive) -> None:
    write(archive, [post("p", 10), post("q", 11)])
    rec = ids(archive)
    lia = reg.add_person(archive, "Lia Son")
    reg.approve_user(archive, ["x:sandia"], lia.id, role="liaison", on="2026-01-01", by="Mayor")
    set_staff_author(archive, rec["p"], lia.id)
    adm = reg.add_person(archive, "Adm In")
    with archive.write() as conn:
        reg.add_role_in(archive, conn, 1, adm.id, role="administrator", on=None, by="Mayor")
    set_staff_author(archive, rec["q"], adm.id)
    flags = _flags(archive)
    assert flags[rec["p"]][0] == NO_ROLE
    assert flags[rec["q"]][0] == UNDATED


def test_administrator_may_post_and_flags_filter_by_account(archive: Archive) -> None:
    aid = write(archive, [post("p", 10)])
    write(archive, [post("o", 10, handle="other", name="Other Town")], handle="other")
    rec = ids(archive)
    adm = reg.add_person(archive, "Adm In")
    reg.approve_user(archive, ["x:sandia"], adm.id, role="administrator", on="2026-01-01", by="M")
    set_staff_author(archive, rec["p"], adm.id)
    set_staff_author(archive, rec["o"], adm.id)  # no role on @other
    assert _flags(archive) == {rec["o"]: (NO_ROLE, "staff_author", adm.id)}
    assert author_flags(archive, aid) == []
