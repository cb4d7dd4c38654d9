"""Redactions as data: add, withhold, list, remove, range errors, keyed digests, stale ones and
review; the archive's content never changes and the audit never carries covered text."""

from __future__ import annotations

import hashlib
import json

import pytest

from retention_desk.archive.store import Archive
from retention_desk.redaction import (
    RedactionError,
    add_redaction,
    list_redactions,
    remove_redaction,
    review_redaction,
    stale_redactions,
    withhold,
)
from retention_desk.redaction.store import splits_sequence
from tests.redaction.conftest import ASTRAL, SECRET, post, write


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _versions(archive: Archive, record_id: int) -> list[tuple[int, str]]:
    with archive.read() as conn:
        return [
            (int(r[0]), str(r[1]))
            for r in conn.exec_driver_sql(
                "SELECT id, text FROM record_versions WHERE record_id = ? ORDER BY seq",
                (record_id,),
            )
        ]


def _content(archive: Archive) -> list[tuple[object, ...]]:
    with archive.read() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT r.id, r.author_name, r.url, v.seq, v.title, v.text FROM records r"
                " JOIN record_versions v ON v.record_id = r.id ORDER BY r.id, v.seq"
            )
        ]


def test_add_list_and_remove_keep_the_archive_content(
    archive: Archive, ids: dict[str, int]
) -> None:
    before = _content(archive)
    text = f"My SSN is {SECRET}, call me"
    start, end = _span(text, SECRET)
    added = add_redaction(archive, ids["p1"], start, end, "14-2-1.1", note="the caller's SSN")
    assert (added.kind, added.field, added.version, added.code) == (
        "range",
        "text",
        "current",
        "14-2-1.1",
    )
    assert (added.start, added.end, added.created_by) == (start, end, "pytest")
    held = withhold(archive, ids["p3"], "14-2-1(g)")  # typed in lower case: the statute's form
    assert held.code == "14-2-1(G)" and held.kind == "withhold"
    assert [r.id for r in list_redactions(archive)] == [added.id, held.id]
    assert [r.id for r in list_redactions(archive, record_id=ids["p3"])] == [held.id]
    assert _content(archive) == before
    assert stale_redactions(archive) == []
    remove_redaction(archive, added.id)
    assert [r.id for r in list_redactions(archive)] == [held.id]
    assert _content(archive) == before
    with pytest.raises(RedactionError, match="no redaction"):
        remove_redaction(archive, added.id)


def test_unknown_code_is_refused_with_close_codes(archive: Archive, ids: dict[str, int]) -> None:
    with pytest.raises(RedactionError, match=r"no exemption code '14-2-1\(K\)'.*14-2-1\(J\)"):
        add_redaction(archive, ids["p1"], 0, 2, "14-2-1(K)")
    with pytest.raises(RedactionError, match="statutory basis"):
        withhold(archive, ids["p1"], "deliberative process")
    assert list_redactions(archive) == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 5, "is empty"),
        (7, 3, "is empty"),
        (-1, 3, "cannot be negative"),
        (0, 10_000, "outside the text of record .* which has 30 characters"),
    ],
)
def test_bad_ranges_are_refused_in_one_sentence(
    archive: Archive, ids: dict[str, int], start: int, end: int, message: str
) -> None:
    with pytest.raises(RedactionError, match=message):
        add_redaction(archive, ids["p1"], start, end, "14-2-1.1")


def test_ranges_count_code_points_and_never_split_a_sequence(
    archive: Archive, ids: dict[str, int]
) -> None:
    firefighter = "👩🏽‍🚒"  # woman, skin tone, ZWJ, fire engine: four code points
    start, end = _span(ASTRAL, firefighter)
    assert end - start == 4
    ok = add_redaction(archive, ids["p2"], start, end, "14-2-1.1")
    assert ok.end == end
    for cut in (start + 1, start + 2, start + 3):
        assert splits_sequence(ASTRAL, cut)
        with pytest.raises(RedactionError, match="splits a character sequence"):
            add_redaction(archive, ids["p2"], start, cut, "14-2-1.1")
    flag_start = ASTRAL.index("🇳🇲")
    assert splits_sequence(ASTRAL, flag_start + 1)
    assert not splits_sequence(ASTRAL, flag_start + 2)
    decomposed = "cafe\u0301"
    assert splits_sequence(decomposed, 4) and not splits_sequence(decomposed, 5)
    astral_start = ASTRAL.index("𝒳")  # one code point, two UTF-16 units: a whole character
    add_redaction(archive, ids["p2"], astral_start, astral_start + 1, "14-2-1.1")


def test_record_fields_and_versions(archive: Archive, ids: dict[str, int]) -> None:
    name = add_redaction(archive, ids["p1"], 0, 4, "14-2-1.2(A)(1)", field="author_name")
    assert name.field == "author_name" and name.version == "current"
    handle = add_redaction(archive, ids["p1"], 0, 4, "14-2-1.1", field="author_handle")
    assert handle.end == 4
    with pytest.raises(RedactionError, match="belongs to the record"):
        add_redaction(archive, ids["p1"], 0, 4, "14-2-1.1", field="url", version=1)
    with pytest.raises(RedactionError, match="field 'body'"):
        add_redaction(archive, ids["p1"], 0, 4, "14-2-1.1", field="body")
    with pytest.raises(RedactionError, match="empty|outside"):
        add_redaction(archive, ids["p1"], 0, 1, "14-2-1.1", field="title")  # no title
    (version_id, _text), *_ = _versions(archive, ids["p1"])
    pinned = add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", version=str(version_id))
    assert (pinned.version, pinned.version_seq) == (version_id, 1)
    with pytest.raises(RedactionError, match="has no version 999"):
        add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", version=999)
    by_seq = add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", version="v1")
    assert (by_seq.version, by_seq.version_seq) == (version_id, 1)  # as `show` numbers them
    with pytest.raises(RedactionError, match="has no version v7"):
        add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", version="v7")
    with pytest.raises(RedactionError, match="version 'first'"):
        add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", version="first")


def test_unknown_record_media_and_request_are_refused(
    archive: Archive, ids: dict[str, int]
) -> None:
    with pytest.raises(RedactionError, match="no record 999"):
        add_redaction(archive, 999, 0, 1, "14-2-1.1")
    with pytest.raises(RedactionError, match="no medium 77"):
        withhold(archive, ids["p1"], "14-2-1(A)", media_id=77)
    with pytest.raises(RedactionError, match="no request 'IPRA-1999-0001'"):
        add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", request="IPRA-1999-0001")
    with archive.read() as conn:
        media_id = conn.exec_driver_sql(
            "SELECT id FROM media WHERE record_id = ?", (ids["p1"],)
        ).scalar_one()
    medium = withhold(archive, ids["p1"], "14-2-1.2(A)(5)", media_id=media_id)
    assert medium.media_id == media_id
    with pytest.raises(RedactionError, match="already withheld"):
        withhold(archive, ids["p1"], "14-2-1.2(A)(3)", media_id=media_id)


def test_redactions_are_kept_with_the_request(archive: Archive, ids: dict[str, int]) -> None:
    from datetime import UTC, datetime

    from retention_desk.ipra import requests

    detail = requests.new_request(
        archive,
        received_at=datetime(2026, 3, 2, 18, tzinfo=UTC),
        via="email",
        name="Ana Requester",
        address="1 Main St",
        phone="505-555-0100",
        email="ana@example.org",
        description="posts",
    )
    number = detail.number
    add_redaction(archive, ids["p1"], 0, 2, "14-2-1.1", request=number.lower())
    withhold(archive, ids["p3"], "14-2-1(F)", request=number)
    add_redaction(archive, ids["p2"], 0, 2, "14-2-1.1")  # not with the request
    listed = list_redactions(archive, request=number)
    assert [(r.record_id, r.request_number) for r in listed] == [
        (ids["p1"], number),
        (ids["p3"], number),
    ]


def test_digest_is_keyed_and_no_plain_hash_reaches_the_file(
    archive: Archive, ids: dict[str, int]
) -> None:
    text = f"My SSN is {SECRET}, call me"
    start, end = _span(text, SECRET)
    add_redaction(archive, ids["p1"], start, end, "14-2-1.1", note="SSN of the caller")
    with archive.read() as conn:
        stored = conn.exec_driver_sql("SELECT digest FROM redactions").scalar_one()
    plain = hashlib.sha256(SECRET.encode()).hexdigest()
    assert stored and stored != plain
    archive.close()
    data = archive.path.read_bytes()
    for suffix in ("-wal", "-shm"):
        extra = archive.path.with_name(archive.path.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    assert plain.encode() not in data
    assert hashlib.sha256(SECRET.encode()).digest() not in data
    assert plain.upper().encode() not in data


def test_audit_rows_carry_no_covered_text_or_note(archive: Archive, ids: dict[str, int]) -> None:
    text = f"My SSN is {SECRET}, call me"
    start, end = _span(text, SECRET)
    added = add_redaction(archive, ids["p1"], start, end, "14-2-1.1", note="NOTE-MARKER Rosa")
    withhold(archive, ids["p3"], "14-2-1(G)", note="NOTE-MARKER privileged")
    review_redaction(archive, added.id, start, end)
    remove_redaction(archive, added.id)
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, object_ids, details FROM audit_log WHERE action LIKE 'redaction.%'"
        ).all()
    assert [r[0] for r in rows] == [
        "redaction.add",
        "redaction.withhold",
        "redaction.review",
        "redaction.remove",
    ]
    blob = json.dumps([list(r) for r in rows])
    for secret in (SECRET, "NOTE-MARKER", "Rosa", "SSN", "pytest"):
        assert secret not in blob
    assert json.loads(rows[0][2])["code"] == "14-2-1.1"


def test_a_reimport_that_changes_the_current_text_makes_it_stale(
    archive: Archive, ids: dict[str, int]
) -> None:
    text = f"My SSN is {SECRET}, call me"
    start, end = _span(text, SECRET)
    current = add_redaction(archive, ids["p1"], start, end, "14-2-1.1")
    every = add_redaction(archive, ids["p1"], start, end, "14-2-1.1", version="all")
    (v1, _t), *_ = _versions(archive, ids["p1"])
    pinned = add_redaction(archive, ids["p1"], start, end, "14-2-1.1", version=v1)
    assert stale_redactions(archive) == []
    write(archive, [post("p1", f"Edited: my SSN is {SECRET}, call me")])  # a re-import
    stale = {s.redaction.id: s for s in stale_redactions(archive)}
    assert set(stale) == {current.id, every.id}  # the pinned v1 still covers its characters
    assert stale[current.id].reason == "text changed" and stale[current.id].version_seq == 2
    assert stale_redactions(archive, [ids["p3"]]) == []
    new_start, new_end = _span(f"Edited: my SSN is {SECRET}, call me", SECRET)
    reviewed = review_redaction(archive, current.id, new_start, new_end)
    assert reviewed.reviewed_by == "pytest" and reviewed.start == new_start
    with pytest.raises(RedactionError, match="different characters in v2"):
        review_redaction(archive, every.id, new_start, new_end)
    assert {s.redaction.id for s in stale_redactions(archive)} == {every.id}
    assert pinned.id not in {s.redaction.id for s in stale_redactions(archive)}


def test_a_direct_edit_or_a_lost_version_makes_it_stale(
    archive: Archive, ids: dict[str, int]
) -> None:
    text = f"My SSN is {SECRET}, call me"
    start, end = _span(text, SECRET)
    (v1, _t), *_ = _versions(archive, ids["p1"])
    pinned = add_redaction(archive, ids["p1"], start, end, "14-2-1.1", version=v1)
    url = add_redaction(archive, ids["p1"], 8, 11, "14-2-1.1", field="url")
    held = withhold(archive, ids["p3"], "14-2-1(F)")
    with archive.write() as conn:  # a migration or an edit outside the app
        conn.exec_driver_sql(
            "UPDATE record_versions SET text = replace(text, '6789', '0000') WHERE id = ?", (v1,)
        )
        conn.exec_driver_sql(
            "UPDATE records SET url = 'https://y.com/rosa' WHERE id = ?", (ids["p1"],)
        )
    reasons = {s.redaction.id: s.reason for s in stale_redactions(archive)}
    assert reasons == {pinned.id: "text changed", url.id: "text changed"}
    with archive.write() as conn:
        conn.exec_driver_sql("DELETE FROM record_versions WHERE id = ?", (v1,))
        conn.exec_driver_sql("DELETE FROM records WHERE id = ?", (ids["p3"],))
    reasons = {s.redaction.id: s.reason for s in stale_redactions(archive)}
    assert reasons[pinned.id] == "version gone" and reasons[held.id] == "record gone"
