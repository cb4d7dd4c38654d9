"""The review queue headless: detection stored per request, decisions kept across re-runs,
accepted candidates becoming redactions that a production applies, covered candidates, the
production refusing undecided candidates unless overridden (audited), persons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.ipra import responsive
from retention_desk.production.produce import produce
from retention_desk.production.store import ProduceError, get_production
from retention_desk.redaction import add_redaction, list_redactions
from retention_desk.review import decide
from retention_desk.review.detect_run import detect_request
from retention_desk.review.errors import ReviewError
from retention_desk.review.store import (
    add_person,
    candidate_context,
    list_candidates,
    list_persons,
    remove_person,
    review_progress,
)
from tests.production import helpers as h

SSN = "123-45-6789"
CARD = "4111 1111 1111 1111"
TEXT = f"My SSN is {SSN} and card {CARD}, DOB 03/14/1987. Ask Jane Roe <b>now</b>"


@pytest.fixture
def desk(tmp_archive: Archive) -> tuple[Archive, str, dict[str, int]]:
    corpus = h.build_corpus(tmp_archive)
    h.write(
        tmp_archive,
        [
            h._rec("q1", TEXT, at=50),
            h._rec("q2", "call 505-555-0142 about case 2025-00123", at=51),
            h._rec("q3", "reply to the post", at=52, kind="comment", author_name="Jane Roe"),
        ],
    )
    ids = h.ids_by_key(tmp_archive)
    responsive.add_records(tmp_archive, corpus.number, [ids["q1"], ids["q2"], ids["q3"]])
    return tmp_archive, corpus.number, ids


def _by_kind(archive: Archive, number: str, record: int) -> dict[str, int]:
    return {c.kind: c.id for c in list_candidates(archive, number) if c.record_id == record}


def test_detection_finds_identifiers_and_keeps_what_may_stay_visible(
    desk: tuple[Archive, str, dict[str, int]],
) -> None:
    archive, number, ids = desk
    run = detect_request(archive, number)
    assert run.new == run.found and run.kept == 0
    found = {c.kind: c for c in list_candidates(archive, number) if c.record_id == ids["q1"]}
    assert set(found) == {"ssn", "card", "birth_date"}
    assert found["ssn"].redact == ((TEXT.index(SSN), TEXT.index(SSN) + len(SSN)),)
    card = candidate_context(archive, number, found["card"].id)
    assert card.visible == "1111" and card.found == CARD
    birth = candidate_context(archive, number, found["birth_date"].id)
    assert birth.visible == "1987"
    # lookalikes on q2 (a phone number, a case number) are not candidates
    assert not any(c.record_id == ids["q2"] for c in list_candidates(archive, number))
    # the p4 candidates inside the redaction made before count as decided
    progress = review_progress(archive, number)
    assert progress.decided == sum(k.covered for k in progress.kinds) > 0


def test_decisions_survive_re_detection_and_new_records(
    desk: tuple[Archive, str, dict[str, int]],
) -> None:
    archive, number, ids = desk
    detect_request(archive, number)
    kinds = _by_kind(archive, number, ids["q1"])
    assert decide.accept(archive, number, [kinds["ssn"]]) == [kinds["ssn"]]
    assert decide.reject(archive, number, [kinds["birth_date"]]) == [kinds["birth_date"]]
    h.write(archive, [h._rec("q4", "second SSN: 512-34-5678 here", at=53)])
    responsive.add_records(archive, number, [h.ids_by_key(archive)["q4"]])
    again = detect_request(archive, number)
    assert again.new == 1 and again.reopened == 0 and again.dropped == 0
    after = {c.id: c for c in list_candidates(archive, number)}
    assert after[kinds["ssn"]].status == "accepted" and after[kinds["ssn"]].decided_by
    assert after[kinds["birth_date"]].status == "rejected"
    assert after[kinds["card"]].status == "undecided"


def test_accepting_makes_redactions_the_production_applies(
    desk: tuple[Archive, str, dict[str, int]], tmp_path: Path
) -> None:
    archive, number, _ids = desk
    detect_request(archive, number)
    with pytest.raises(
        ProduceError, match=r"undecided redaction candidates \(1 birth date, 1 card"
    ):
        produce(archive, number, out_dir=tmp_path / "refused")
    assert not (tmp_path / "refused").exists() or not any((tmp_path / "refused").iterdir())
    # a review copy is part of the review: never refused
    produce(archive, number, review_copy=True, out_dir=tmp_path / "review")
    accepted = decide.accept_type(archive, number, "ssn")
    accepted += decide.accept_type(archive, number, "card")
    accepted += decide.accept_type(archive, number, "birth_date")
    assert len(accepted) == 3
    made = {r.id: r for r in list_redactions(archive, request=number)}
    for cand in list_candidates(archive, number, status="accepted"):
        assert cand.redaction_ids and all(i in made for i in cand.redaction_ids)
        for rid in cand.redaction_ids:
            assert (made[rid].start, made[rid].end) in cand.redact
    assert review_progress(archive, number).undecided == 0
    result = produce(archive, number, out_dir=tmp_path / "out")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(result.files[0]).pages)
    assert SSN not in text and "4111 1111 1111" not in text and "03/14/" not in text
    assert "1111" in text and "1987" in text  # what 14-2-6(F) lets stay visible


def test_override_is_audited_and_kept_with_the_production(
    desk: tuple[Archive, str, dict[str, int]], tmp_path: Path
) -> None:
    archive, number, _ids = desk
    detect_request(archive, number)
    result = produce(archive, number, allow_undecided=True, out_dir=tmp_path)
    with archive.read() as conn:
        info = get_production(conn, result.production)
        audit = conn.exec_driver_sql(
            "SELECT details FROM audit_log WHERE action = 'production.allow_undecided'"
        ).all()
    assert info.options["undecided_overridden"] == 3
    assert [json.loads(a[0])["undecided"] for a in audit] == [3]


def test_a_candidate_inside_a_manual_redaction_counts_as_decided(
    desk: tuple[Archive, str, dict[str, int]],
) -> None:
    archive, number, ids = desk
    start = TEXT.index(SSN)
    add_redaction(archive, ids["q1"], start - 3, start + len(SSN), "14-2-1.1", request=number)
    detect_request(archive, number)
    ssn = next(
        c for c in list_candidates(archive, number) if c.record_id == ids["q1"] and c.kind == "ssn"
    )
    assert ssn.status == "undecided" and ssn.covered and ssn.decided
    # bulk accept leaves it alone: no second redaction over the same characters
    assert decide.accept_type(archive, number, "ssn") == []


def test_undo_removes_the_redactions_and_adjust_changes_the_span(
    desk: tuple[Archive, str, dict[str, int]],
) -> None:
    archive, number, ids = desk
    detect_request(archive, number)
    card = _by_kind(archive, number, ids["q1"])["card"]
    decide.accept(archive, number, [card])
    assert len(list_redactions(archive, request=number, record_id=ids["q1"])) == 1
    with pytest.raises(ReviewError, match="undo it before rejecting"):
        decide.reject(archive, number, [card])
    undone = decide.undo(archive, number, card)
    assert undone.status == "undecided" and undone.redaction_ids == ()
    assert list_redactions(archive, request=number, record_id=ids["q1"]) == []
    start = TEXT.index(CARD)
    adjusted = decide.adjust(archive, number, card, start, start + len(CARD))
    assert adjusted.status == "accepted" and adjusted.adjusted
    [made] = list_redactions(archive, request=number, record_id=ids["q1"])
    assert (made.start, made.end) == (start, start + len(CARD))
    with pytest.raises(ReviewError, match="outside the value"):
        decide.undo(archive, number, card)
        decide.adjust(archive, number, card, 0, 10_000)


def test_persons_are_found_in_text_and_as_authors(
    desk: tuple[Archive, str, dict[str, int]],
) -> None:
    archive, number, ids = desk
    person = add_person(
        archive, number, "  Jane   Roe ", handles=["@janeroe"], code="14-2-1.2(A)(1)"
    )
    assert person.name == "Jane Roe" and person.handles == ("janeroe",)
    detect_request(archive, number)
    mentions = [c for c in list_candidates(archive, number) if c.kind == "person"]
    where = {(c.record_id, c.field) for c in mentions}
    assert (ids["q1"], "text") in where and (ids["q3"], "author_name") in where
    assert all(c.code == "14-2-1.2(A)(1)" and c.person_id == person.id for c in mentions)
    with archive.read() as conn:
        audit = " ".join(str(r[0]) for r in conn.exec_driver_sql("SELECT details FROM audit_log"))
    assert "Jane" not in audit and "Roe" not in audit  # names never enter the audit trail
    remove_person(archive, number, person.id)
    assert list_persons(archive, number) == []
    gone = detect_request(archive, number)
    assert gone.dropped == len(mentions)
    with pytest.raises(Exception, match="14-2-9-9"):
        add_person(archive, number, "Someone", code="14-2-9-9")


def test_review_report_masks_what_it_is_about(
    desk: tuple[Archive, str, dict[str, int]], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from retention_desk.review.report import write_report

    archive, number, _ids = desk
    detect_request(archive, number)
    path = write_report(archive, number, tmp_path / "report.xlsx")
    book = load_workbook(path)
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value]
    joined = "\n".join(cells)
    assert SSN not in joined and "4111 1111 1111" not in joined and "03/14/" not in joined
    assert "[ssn]" in joined and "[card]1111" in joined
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


def test_review_report_hides_what_was_redacted_by_hand_in_a_context(
    desk: tuple[Archive, str, dict[str, int]], tmp_path: Path
) -> None:
    """A name redacted by hand near an identifier must not reach counsel's report through
    the identifier's context."""
    from openpyxl import load_workbook

    from retention_desk.review.report import write_report

    archive, number, ids = desk
    start = TEXT.index("Jane Roe")
    add_redaction(archive, ids["q1"], start, start + 8, "14-2-1.2(A)(1)", request=number)
    detect_request(archive, number)
    book = load_workbook(write_report(archive, number, tmp_path / "report.xlsx"))
    contexts = [str(row[-1]) for row in book["Candidates"].iter_rows(min_row=2, values_only=True)]
    assert any("[redacted 14-2-1.2(A)(1)]" in c for c in contexts)
    assert not any("Jane" in c or "Roe" in c for c in contexts)


def test_context_of_an_adjusted_span_that_starts_before_the_found_one() -> None:
    from retention_desk.review.model import CandidateInfo
    from retention_desk.review.store import context_of

    value = "card no 4111 1111 1111 1111 ok"
    start = value.index("4111")
    cand = CandidateInfo(
        1, 1, 1, 1, "text", "card", start, start + 19, ((3, start + 15),), "14-2-1.1",
        False, "t", None, "accepted", True, None, None, (),
    )  # fmt: skip
    ctx = context_of(cand, value, chars=5)
    assert "".join(t for t, _ in ctx.runs) == value[3 : start + 19]
    assert [h for _, h in ctx.runs] == [True, False] and ctx.visible == "1111"
    assert ctx.before == "car" and ctx.after == " ok"


def test_removing_an_accepted_candidates_redaction_reopens_it(
    desk: tuple[Archive, str, dict[str, int]], tmp_path: Path
) -> None:
    from retention_desk.redaction import remove_redaction

    archive, number, _ids = desk
    detect_request(archive, number)
    accepted = decide.accept_type(archive, number, "ssn")
    cand = next(c for c in list_candidates(archive, number) if c.id == accepted[0])
    remove_redaction(archive, cand.redaction_ids[0])
    again = next(c for c in list_candidates(archive, number) if c.id == cand.id)
    assert again.status == "undecided" and again.redaction_ids == ()
    # so the production refuses again instead of releasing the SSN
    with pytest.raises(ProduceError, match="ssn"):
        produce(archive, number, out_dir=tmp_path)
    both = decide.accept_type(archive, number, "card") + decide.accept(archive, number, [cand.id])
    assert sorted(decide.undo_many(archive, number, both)) == sorted(both)
    assert all(c.status == "undecided" for c in list_candidates(archive, number) if c.id in both)


def test_accepting_a_type_cancelled_part_way_keeps_none(
    desk: tuple[Archive, str, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: a cancel after some candidates were accepted rolls them all back,
    redactions included, so a type is never left half accepted."""
    import threading

    from retention_desk.archive.errors import Cancelled

    archive, number, _ids = desk
    h.write(archive, [h._rec(f"x{i}", f"ssn 22{i}-33-444{i} here", at=53 + i) for i in range(4)])
    more = h.ids_by_key(archive)
    responsive.add_records(archive, number, [more[f"x{i}"] for i in range(4)])
    detect_request(archive, number)
    before = list_redactions(archive, request=number)
    monkeypatch.setattr(decide, "_CANCEL_EVERY", 1)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, _message: str) -> None:
        seen.append((done, total))
        if done == 2:
            cancel.set()  # two accepted by now

    with pytest.raises(Cancelled):
        decide.accept_type(archive, number, "ssn", progress=progress, cancel=cancel)
    assert seen[:3] == [(0, 5), (1, 5), (2, 5)]
    assert list_candidates(archive, number, status="accepted") == []
    assert list_redactions(archive, request=number) == before
    assert len(decide.accept_type(archive, number, "ssn")) == 5  # and it can be done again
