"""The record viewer: thread with deleted/hidden items kept and marked, versions with diffs,
media previews from stored bytes, provenance and capture fixity, plain text throughout."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QLabel

from retention_desk.archive import Archive
from retention_desk.archive.batches import add_source_file, finish_batch, start_batch
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, RecordWriter, upsert_account
from retention_desk.ui.record.load import load_record
from retention_desk.ui.record.meta import web_link
from retention_desk.ui.record.thread import COL_MARKS, COL_TEXT
from retention_desk.ui.record.versions import word_diff
from retention_desk.ui.record.view import RecordView
from retention_desk.ui.tasks import Task, TaskRunner

HOSTILE = '<img src="file:///etc/hosts"><b>x</b>'
SIGNATURE = {
    "present": True,
    "signed": True,
    "signer_domain": "archive.example.org",
    "time_signature": True,
    "cryptographic_check": "not performed (signature details recorded only)",
}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(20, 120, 200))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def write(
    archive: Archive, records: list[RecordIn], source: str, details: dict[str, Any] | None = None
) -> dict[str, int]:
    """One import batch with one source file; record_key -> id."""
    with archive.write() as conn:
        batch = start_batch(conn, operator="custodian", options={})
        source_id = add_source_file(
            conn,
            batch_id=batch,
            name=source,
            size=123,
            sha256=hashlib.sha256(source.encode()).hexdigest(),
            blob_sha256=None,
            status="imported",
            detected_format="test-format",
            details=details,
        )
        account = upsert_account(conn, AccountIn("x", "svpd", "1", "svpd", "Sandia Vista PD"))
        writer = RecordWriter(conn, batch_id=batch, source_file_id=source_id, account_id=account)
        writer.add_many(records)
        writer.finish()
        finish_batch(conn, batch, status="completed", counts={}, errors=[])
        return {key: rid for (_p, key), rid in writer.record_ids.items()}


def post(text: str, **kw: Any) -> RecordIn:
    values: dict[str, Any] = {
        "platform": "x",
        "kind": "post",
        "record_key": "p1",
        "text": text,
        "author_name": "Sandia Vista PD",
        "author_handle": "svpd",
        "created_at": utc(2024, 3, 1, 15),
        "url": "https://x.com/svpd/status/1",
        "locator": "tweets.js[0]",
    }
    values.update(kw)
    return RecordIn(**values)


def comment(key: str, parent: str, text: str, hour: int, **kw: Any) -> RecordIn:
    return RecordIn(
        platform="x",
        kind="reply" if parent != "p1" else "comment",
        record_key=key,
        parent_key=parent,
        text=text,
        author_name=kw.pop("author_name", f"Resident {key}"),
        created_at=utc(2024, 3, 1, hour),
        **kw,
    )


@pytest.fixture
def thread_archive(tmp_archive: Archive) -> tuple[Archive, dict[str, int]]:
    first = [
        post(
            "Road closed on Main Street today.",
            media=[
                MediaIn("media/photo.png", "photo.png", "image/png", "photo", data=png_bytes()),
                MediaIn("media/clip.mp4", "clip.mp4", "video/mp4", "video"),  # not exported
            ],
        ),
        comment("c1", "p1", "Which detour should we take?", 16, deleted_at=utc(2024, 3, 2)),
        comment("c2", "p1", "Spam spam spam", 17, hidden_at=utc(2024, 3, 2)),
        comment("r1", "c1", "Use Second Street.", 18),
        comment("c3", "p1", HOSTILE, 19, author_name=HOSTILE),
    ]
    ids = write(tmp_archive, first, "export-1.json")
    # a later export: the post was edited (a new version), the rest unchanged
    later = write(tmp_archive, [post("Road closed on Main Street until Friday.")], "export-2.json")
    assert later["p1"] == ids["p1"]
    capture = RecordIn(
        platform="web",
        kind="capture",
        record_key="cap1",
        text="City news page text",
        url="https://city.example.gov/news",
        created_at=utc(2024, 5, 1, 12),
        extra={
            "warc_type": "response",
            "warc_record_id": "<urn:uuid:1234>",
            "http_status": 200,
            "content_type": "text/html",
            "payload_digest": "sha1:ABCDEF",
            "fixity": {"block": "ok", "payload": "mismatch"},
            "wacz": "crawl.wacz",
        },
    )
    ids.update(write(tmp_archive, [capture], "crawl.wacz", {"signature": SIGNATURE}))
    return tmp_archive, ids


def make_viewer(qtbot, archive: Archive, runner: TaskRunner | None = None) -> RecordView:
    viewer = RecordView(runner or TaskRunner(inline=True))
    qtbot.addWidget(viewer)
    viewer.resize(520, 760)
    viewer.set_archive(archive)
    return viewer


def test_thread_keeps_and_marks_deleted_and_hidden_items(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["r1"])
    nodes = viewer.thread_nodes()
    assert [n.id for n in nodes] == [ids[k] for k in ("p1", "c1", "r1", "c2", "c3")]
    items = viewer.thread.items_by_id
    deleted, hidden, reply = items[ids["c1"]], items[ids["c2"]], items[ids["r1"]]
    assert deleted.text(COL_MARKS) == "[deleted]" and deleted.font(COL_TEXT).strikeOut()
    assert hidden.text(COL_MARKS) == "[hidden]" and hidden.font(COL_TEXT).italic()
    grey = viewer.thread.palette().color(
        viewer.thread.palette().ColorGroup.Disabled, viewer.thread.palette().ColorRole.Text
    )
    assert deleted.foreground(COL_TEXT).color() == grey
    assert reply.parent() is deleted  # the reply stays under its deleted comment
    assert items[ids["p1"]].text(COL_MARKS) == "[edited]"
    # the record being viewed is the selected, bold one, and its text is shown
    assert viewer.thread.currentItem() is reply and reply.font(COL_TEXT).bold()
    assert viewer.text.toPlainText() == "Use Second Street."
    # selecting another item shows its text without leaving the record
    viewer.thread.setCurrentItem(deleted)
    assert viewer.text.toPlainText() == "Which detour should we take?"
    assert "[deleted]" in viewer.text_caption.text()
    assert viewer.record_id == ids["r1"]


def test_double_click_in_the_thread_opens_that_record(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["r1"])
    moved: list[int] = []
    viewer.record_changed.connect(moved.append)
    viewer.thread.itemActivated.emit(viewer.thread.items_by_id[ids["p1"]], 0)
    assert moved == [ids["p1"]] and viewer.record_id == ids["p1"]
    assert viewer.header.text().startswith(f"#{ids['p1']} · X post")
    assert "edited: 2 versions" in viewer.header.text()


def test_versions_show_text_and_what_changed(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["p1"])
    pane = viewer.versions
    assert pane.list.count() == 2 and viewer.tabs.tabText(1) == "Versions (2)"
    assert pane.list.currentRow() == 1  # the current version by default
    assert pane.text.toPlainText() == "Road closed on Main Street until Friday."
    diff = pane.diff.toPlainText()
    assert "Road closed on Main Street [-today.-] {+until Friday.+}" in diff
    assert "-Road closed on Main Street today." in diff
    assert "+Road closed on Main Street until Friday." in diff
    pane.list.setCurrentRow(0)
    assert pane.text.toPlainText() == "Road closed on Main Street today."
    assert "First version" in pane.diff.toPlainText()

    # opened from a search that matched only the old text: that version is selected
    viewer.show_record(ids["p1"], matched_versions=(1,))
    assert pane.list.currentRow() == 0
    assert "matched the search" in pane.list.item(0).text()


def test_word_diff_marks_removed_and_added_words() -> None:
    assert word_diff("a b c", "a x c") == "a [-b-] {+x+} c"
    assert word_diff("a b", "a b c d") == "a b {+c d+}"
    assert word_diff("same", "same") == "same"


def test_media_previews_come_from_stored_bytes(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["p1"])
    pane = viewer.media
    assert pane.list.count() == 2 and viewer.tabs.tabText(2) == "Media (2)"
    photo, clip = pane.list.item(0), pane.list.item(1)
    assert photo.text() == "photo.png" and not photo.icon().isNull()
    assert clip.text() == "[missing] clip.mp4"
    assert "1 missing from the export" in pane.summary.text()
    pane.list.setCurrentRow(0)
    pixmap = pane.preview.pixmap()
    assert not pixmap.isNull() and (pixmap.width(), pixmap.height()) == (40, 30)
    expected = hashlib.sha256(png_bytes()).hexdigest()
    assert f"SHA-256    {expected}" in pane.info.toPlainText()
    pane.list.setCurrentRow(1)
    assert pane.preview.pixmap().isNull()
    assert "MISSING from the export" in pane.info.toPlainText()


def test_unreadable_image_bytes_are_listed_not_previewed(qtbot, tmp_archive: Archive) -> None:
    media = [MediaIn("media/bad.jpg", "bad.jpg", "image/jpeg", "photo", data=b"not a jpeg")]
    ids = write(tmp_archive, [post("with a broken image", media=media)], "export.json")
    viewer = make_viewer(qtbot, tmp_archive)
    viewer.show_record(ids["p1"])
    item = viewer.media.list.item(0)
    viewer.media.list.setCurrentRow(0)
    assert "not an image Qt can read" in viewer.media.info.toPlainText()
    assert item.text() == "bad.jpg"


def test_provenance_lists_every_source_file(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["p1"])
    sources = viewer.provenance.sources()
    assert [s["Source file"] for s in sources] == ["export-1.json", "export-2.json"]
    first = sources[0]
    assert first["SHA-256"] == hashlib.sha256(b"export-1.json").hexdigest()
    assert first["Format"] == "test-format" and first["Operator"] == "custodian"
    assert first["Locator"] == "tweets.js[0]" and first["Batch"].endswith("(completed)")
    assert "never verified" in viewer.provenance.fixity.text()
    assert not viewer.tabs.isTabVisible(4)  # no capture tab for a post


def test_capture_shows_metadata_digest_checks_and_signature(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["cap1"])
    assert viewer.tabs.isTabVisible(4)
    capture = viewer.capture.toPlainText()
    assert "Target URL         https://city.example.gov/news" in capture
    assert "HTTP status        200" in capture and "Inside WACZ        crawl.wacz" in capture
    assert "payload    mismatch" in capture and "block      ok" in capture
    assert "payload_digest   sha1:ABCDEF" in capture
    assert "signer_domain            archive.example.org" in capture
    assert "cryptographic_check      not performed" in capture
    assert viewer.text.toPlainText() == "City news page text"


def test_hostile_text_is_shown_literally(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show()
    viewer.show_record(ids["c3"])
    assert viewer.text.toPlainText() == HOSTILE
    assert viewer.byline.text().startswith(HOSTILE)
    assert viewer.meta.values["author"].text() == HOSTILE
    item = viewer.thread.items_by_id[ids["c3"]]
    assert item.text(COL_TEXT) == HOSTILE and item.text(1) == HOSTILE
    tip = item.toolTip(COL_TEXT)
    assert "<img" not in tip and "&lt;img" in tip
    labels = viewer.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_link_is_copied_and_only_web_links_open(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(ids["p1"])
    meta = viewer.meta
    assert meta.values["url"].text() == "https://x.com/svpd/status/1"
    assert meta.copy_button.isEnabled() and meta.open_button.isEnabled()
    meta.copy_button.click()
    assert QGuiApplication.clipboard().text() == "https://x.com/svpd/status/1"
    for bad in ("javascript:alert(1)", "file:///etc/hosts", "x.com/no-scheme", "", None):
        assert web_link(bad) is None
    assert web_link("HTTPS://example.org/a?b=1") is not None


def test_a_newer_request_wins_over_an_older_one(qtbot, thread_archive) -> None:
    archive, ids = thread_archive
    held: list[Task] = []

    class HeldRunner(TaskRunner):
        def submit(self, task: Task) -> Task:
            held.append(task)
            return task

    viewer = make_viewer(qtbot, archive, HeldRunner())
    viewer.show_record(ids["c1"])
    viewer.show_record(ids["c2"])
    older, newer = held
    assert older.cancel_event.is_set() and not newer.cancel_event.is_set()
    newer._execute()
    assert viewer.data is not None and viewer.data.detail.record.id == ids["c2"]
    older.cancel_event.clear()  # as if it had finished before it saw the cancel
    older._execute()
    assert viewer.data.detail.record.id == ids["c2"]  # the late, older result is dropped


def test_gone_record_is_explained(qtbot, thread_archive) -> None:
    archive, _ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show_record(999_999)
    assert viewer.data is None
    assert viewer.header.text() == "No record with id 999999 in this archive."


def test_loader_reads_no_url(tmp_archive: Archive, tmp_path: Path) -> None:
    # a media row whose original URI points at a local file and the network: never read
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes())
    media = [MediaIn(secret.as_uri(), "secret.png", "image/png", "photo")]
    ids = write(tmp_archive, [post("see attachment", media=media)], "export.json")
    data = load_record(tmp_archive, ids["p1"], cancel=threading.Event())
    assert data.media[0].thumbnail is None and "missing" in data.media[0].note


def test_truncated_thread_says_so(qtbot, thread_archive, monkeypatch) -> None:
    from retention_desk.search import detail as detail_mod

    archive, ids = thread_archive
    viewer = make_viewer(qtbot, archive)
    viewer.show()
    viewer.show_record(ids["p1"])
    assert viewer.thread_note.isHidden()
    monkeypatch.setattr(detail_mod, "MAX_THREAD_NODES", 2)
    viewer.show_record(ids["r1"])
    assert viewer.thread_note.isVisible() and "longer than the" in viewer.thread_note.text()
    assert ids["r1"] in {n.id for n in viewer.thread_nodes()}  # the record itself is kept
