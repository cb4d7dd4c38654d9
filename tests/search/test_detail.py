"""record_detail: thread assembly, versions with diffs, media, provenance, fixity; no
sensitive data unless record_sensitive is asked."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn, MediaIn
from retention_desk.archive.verify import verify_archive
from retention_desk.search import RecordNotFound, record_detail, record_sensitive
from retention_desk.search.detail import order_thread, version_diff
from tests.search.conftest import rec, utc, write

FB = AccountIn("facebook", "10", handle="CityPD", display_name="City PD")


@pytest.fixture
def thread(archive: Archive) -> dict[str, int]:
    return write(
        archive,
        [
            rec(
                "post",
                "Road closed today",
                platform="facebook",
                created_at=utc(2023, 1, 1, 10),
                url="https://fb.example/post",
                extra={"likes": 3},
                sensitive={"email": "hidden@example.org"},
                media=[
                    MediaIn(
                        "media/p.png",
                        filename="p.png",
                        mime_type="image/png",
                        data=b"png-bytes",
                        metadata={"gps": [35.1, -106.6]},
                    ),
                    MediaIn("media/v.mp4", filename="v.mp4"),
                ],
            ),
            # siblings out of time order in the file; one deleted, one hidden
            rec(
                "c2",
                "second comment",
                platform="facebook",
                kind="comment",
                parent_key="post",
                created_at=utc(2023, 1, 1, 12),
                hidden_at=utc(2023, 1, 2),
            ),
            rec(
                "c1",
                "first comment",
                platform="facebook",
                kind="comment",
                parent_key="post",
                created_at=utc(2023, 1, 1, 11),
                deleted_at=utc(2023, 1, 3),
            ),
            rec(
                "r1",
                "reply to first",
                platform="facebook",
                kind="reply",
                parent_key="c1",
                created_at=utc(2023, 1, 1, 13),
            ),
            rec(
                "r2",
                "reply to reply",
                platform="facebook",
                kind="reply",
                parent_key="r1",
                created_at=utc(2023, 1, 1, 14),
            ),
            rec(
                "c3",
                "undated comment",
                platform="facebook",
                kind="comment",
                parent_key="post",
                created_at=None,
            ),
            rec("other", "another post", platform="facebook", created_at=utc(2023, 1, 1, 9)),
        ],
        account=FB,
    )


def test_thread_in_tree_order_with_flags_kept(archive: Archive, thread: dict[str, int]) -> None:
    detail = record_detail(archive, thread["r1"])
    order = [(n.id, n.depth) for n in detail.thread]
    k = thread
    assert order == [
        (k["post"], 0),
        (k["c1"], 1),
        (k["r1"], 2),
        (k["r2"], 3),
        (k["c2"], 1),
        (k["c3"], 1),
    ]
    nodes = {n.id: n for n in detail.thread}
    assert nodes[k["c1"]].deleted and not nodes[k["c1"]].hidden
    assert nodes[k["c2"]].hidden
    assert [n.id for n in detail.thread if n.is_focus] == [k["r1"]]
    assert detail.record.parent_id == k["c1"] and detail.record.thread_id == k["post"]


def test_versions_media_provenance_and_no_sensitive(
    archive: Archive, thread: dict[str, int]
) -> None:
    write(
        archive,
        [rec("post", "Road reopened today", platform="facebook", created_at=utc(2023, 1, 1, 10))],
        account=FB,
        source="later.json",
    )
    verify_archive(archive)
    detail = record_detail(archive, thread["post"])
    assert [v.seq for v in detail.versions] == [1, 2]
    assert detail.versions[0].diff == ""
    assert "-Road closed today" in detail.versions[1].diff
    assert "+Road reopened today" in detail.versions[1].diff
    assert detail.record.text == "Road reopened today"
    assert [(m.filename, m.missing) for m in detail.media] == [("p.png", False), ("v.mp4", True)]
    assert detail.media[0].sha256 and detail.media[0].size == len(b"png-bytes")
    assert [p.name for p in detail.provenance] == ["export.json", "later.json"]
    assert all(p.operator == "pytest" and p.sha256 for p in detail.provenance)
    assert detail.fixity.last_verify_ok is True
    assert detail.extra == {"likes": 3}
    assert detail.account is not None and detail.account.handle == "CityPD"
    dumped = json.dumps(asdict(detail), default=str)
    assert "hidden@example.org" not in dumped and "106.6" not in dumped
    sensitive = record_sensitive(archive, thread["post"])
    assert sensitive.sensitive == {"email": "hidden@example.org"}
    assert sensitive.media_metadata[0] == {"gps": [35.1, -106.6]}


def test_messages_show_the_whole_conversation_in_time_order(archive: Archive) -> None:
    keys = write(
        archive,
        [
            rec("m2", "answer", kind="message", conversation_key="c", created_at=utc(2023, 1, 2)),
            rec("m1", "question", kind="message", conversation_key="c", created_at=utc(2023, 1, 1)),
            rec(
                "m3",
                "thanks",
                kind="message",
                conversation_key="c",
                created_at=utc(2023, 1, 3),
                deleted_at=utc(2023, 2, 1),
            ),
            rec("z", "other conversation", kind="message", conversation_key="d"),
        ],
        account=AccountIn("x", "1"),
    )
    detail = record_detail(archive, keys["m2"])
    assert [n.id for n in detail.thread] == [keys["m1"], keys["m2"], keys["m3"]]
    assert all(n.depth == 0 for n in detail.thread)
    assert detail.thread[2].deleted


def test_parent_cycle_cannot_hang_or_hide_records(archive: Archive, thread: dict[str, int]) -> None:
    k = thread
    with archive.write() as conn:  # hostile data: c1 -> r2 -> r1 -> c1
        conn.execute(
            text("UPDATE records SET parent_id = :p WHERE id = :c"), {"p": k["r2"], "c": k["c1"]}
        )
    detail = record_detail(archive, k["c1"])
    ids = [n.id for n in detail.thread]
    assert sorted(ids) == sorted(k[x] for x in ("post", "c1", "c2", "c3", "r1", "r2"))
    assert len(ids) == len(set(ids))


def test_order_thread_self_parent_and_orphans() -> None:
    rows = [
        (1, 1, "post", "a", "2023-01-01T00:00:00.000000Z", "x", None, None, 1, None),
        (2, 99, "comment", "b", None, "y", None, None, 1, None),  # parent not present
        (3, 2, "reply", "c", "2022-01-01T00:00:00.000000Z", "z", None, None, 2, None),
    ]
    nodes = order_thread(rows, focus=3)
    assert [(n.id, n.depth) for n in nodes] == [(1, 0), (2, 0), (3, 1)]
    assert nodes[2].edited and nodes[2].is_focus


def test_version_diff_reports_title_changes() -> None:
    diff = version_diff("Old", "same", "New", "same")
    assert diff.splitlines() == ["- title: Old", "+ title: New"]


def test_unknown_record(archive: Archive) -> None:
    with pytest.raises(RecordNotFound):
        record_detail(archive, 12345)
    with pytest.raises(RecordNotFound):
        record_sensitive(archive, 12345)


def test_web_capture_fixity_from_extra(archive: Archive) -> None:
    keys = write(
        archive,
        [
            rec(
                "cap",
                "page text",
                platform="web",
                kind="capture",
                extra={
                    "fixity": {"block": "ok", "payload": "mismatch"},
                    "payload_digest": "sha1:ABC",
                    "warc_file": "a.warc.gz",
                },
            )
        ],
        account=AccountIn("web", "site"),
    )
    detail = record_detail(archive, keys["cap"])
    assert detail.fixity.capture == {"block": "ok", "payload": "mismatch"}
    assert detail.fixity.capture_digests == {"payload_digest": "sha1:ABC"}
    assert detail.fixity.last_verify_ok is None  # never verified
