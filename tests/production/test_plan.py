"""The production plan: platform order, restricted and removed records, versions, redactions
cut before layout (nothing hidden in a release plan), withholdings, fixity that cannot confirm
a guess, media re-encoded without metadata, and the refusal while a redaction is stale."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from retention_desk.archive.store import Archive
from retention_desk.ipra import responsive
from retention_desk.production.errors import ProductionError
from retention_desk.production.model import Piece, ProducedRecord, ProductionPlan, Shown
from retention_desk.production.plan import Cut, apply_ranges, build_plan, clean_png
from retention_desk.redaction import add_redaction
from tests.production import helpers as h

KEY = b"k" * 32


def _plan(archive: Archive, number: str, **kw: object) -> ProductionPlan:
    return build_plan(archive, number, key=kw.pop("key", KEY), **kw)  # type: ignore[arg-type]


def _by_key(plan: ProductionPlan, corpus: h.Corpus) -> dict[str, ProducedRecord]:
    names = {v: k for k, v in corpus.ids.items()}
    return {names[r.record_id]: r for r in plan.records}


def test_records_are_laid_out_as_the_platform_showed_them(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    plan = _plan(tmp_archive, corpus.number)
    names = {v: k for k, v in corpus.ids.items()}
    layout = [(names[r.record_id], r.depth) for r in plan.records]
    # r10's parent c9 is not in the set: it stays under p1's thread at its real depth; r11's
    # parent never arrived: an orphan, at the end; m6 is private, c7 was removed
    assert layout == [
        ("p1", 0),
        ("c2", 1),
        ("r3", 2),
        ("r10", 2),
        ("p4", 0),
        ("p5", 0),
        ("p8", 0),
        ("r11", 1),
    ]
    assert plan.restricted_left_out == 1
    assert plan.request_number == corpus.number and not plan.review
    assert plan.redaction_count == 10 and plan.withheld_count == 2


def test_restricted_records_only_when_included(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    plan = _plan(tmp_archive, corpus.number, include_restricted=[corpus.ids["m6"]])
    records = _by_key(plan, corpus)
    assert "m6" in records and records["m6"].restricted
    assert h.RESTRICTED in records["m6"].versions[0].text.plain()
    assert plan.restricted_left_out == 0


def test_a_release_plan_holds_no_redacted_character(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    plan = _plan(tmp_archive, corpus.number, versions="all")
    dumped = repr(plan)
    for secret in h.SECRETS:
        assert secret not in dumped, secret
    for digest in h.plain_hashes(*corpus.redacted_texts):
        assert digest not in dumped
    records = _by_key(plan, corpus)
    p1 = records["p1"]
    assert p1.author_name == Shown((Piece(box="14-2-1.1"),))
    assert p1.author_handle == Shown((Piece(box="14-2-1.1"),))
    assert p1.url.plain() == "https://x.com/[REDACTED 14-2-1.1]/status/1"
    assert p1.versions[0].text.plain() == (
        "Report: SSN [REDACTED 14-2-1.1] then [REDACTED 14-2-1.1] and [REDACTED 14-2-1.1] end"
    )
    assert all(
        p.review_text is None for r in plan.records for v in r.versions for p in v.text.pieces
    )
    fields = sorted(e.field for e in p1.log)
    assert fields == ["author_handle", "author_name", "media", "text", "text", "text", "url"]
    assert all(e.description and e.code == "14-2-1.1" for e in p1.log)


def test_a_review_plan_keeps_the_hidden_text_beside_each_box(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    plan = _plan(tmp_archive, corpus.number, review=True)
    records = _by_key(plan, corpus)
    assert plan.review
    hidden = [p.review_text for p in records["p1"].versions[0].text.pieces if p.is_box]
    assert hidden == [h.SSN, h.FONT, h.IMG]
    assert records["p1"].author_name.pieces[0].review_text == h.NAME
    c2 = [p.review_text for p in records["c2"].versions[0].text.pieces if p.is_box]
    assert c2 == [h.FORMULA, h.ZW, h.RTL]


def test_versions_latest_or_all_and_flags(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    latest = _by_key(_plan(tmp_archive, corpus.number), corpus)["p4"]
    every = _by_key(_plan(tmp_archive, corpus.number, versions="all"), corpus)["p4"]
    assert [(v.seq, v.current) for v in latest.versions] == [(2, True)]
    assert [(v.seq, v.current) for v in every.versions] == [(1, False), (2, True)]
    assert every.edited and latest.edited
    # a redaction over "all" versions is applied (and logged) in each shown version
    assert [e.version_seq for e in every.log] == [1, 2]
    assert all(v.text.redacted for v in every.versions)
    c2 = _by_key(_plan(tmp_archive, corpus.number), corpus)["c2"]
    assert c2.kind == "comment" and c2.parent_id == corpus.ids["p1"]
    assert c2.created_utc == "2026-03-01 17:05 UTC"
    assert c2.created_local == "2026-03-01 10:05 MST"
    with pytest.raises(ProductionError):
        _plan(tmp_archive, corpus.number, versions="some")


def test_a_withheld_record_shows_nothing_but_its_code(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    p5 = _by_key(_plan(tmp_archive, corpus.number, review=True), corpus)["p5"]
    assert p5.withheld == "14-2-1(G)"
    assert p5.versions == () and p5.media == ()
    assert p5.author_name == p5.author_handle == p5.url == Shown(())
    assert p5.created_utc is None and not p5.redacted
    assert [(e.field, e.code) for e in p5.log] == [("record", "14-2-1(G)")]
    assert h.WITHHELD not in repr(p5)


def test_media_re_encoded_without_metadata_and_placeholders(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    plan = _plan(tmp_archive, corpus.number)
    p1 = _by_key(plan, corpus)["p1"]
    photo, held, video, gone = p1.media
    assert (photo.kind, photo.name, photo.withheld, photo.missing) == (
        "image",
        "image 1",
        None,
        False,
    )
    # the plan names the picture; its pixels are read when a renderer asks for them
    assert photo.image is not None and len(photo.image) == 64
    png = plan.image_png(photo)
    assert png is not None and png.startswith(b"\x89PNG")
    reopened = Image.open(io.BytesIO(png))
    assert reopened.format == "PNG" and reopened.mode == "RGB" and reopened.size == (64, 48)
    assert not reopened.info.get("exif") and not reopened.getexif()
    assert not reopened.getexif().get_ifd(0x8825)  # no GPSInfo
    assert set(reopened.info) <= {"dpi"} and reopened.text == {}  # type: ignore[attr-defined]
    assert _png_chunks(png) == ["IHDR", "IDAT", "IEND"]
    for secret in (h.CAMERA, h.XMP, h.JPEG_COMMENT):
        assert secret.encode() not in png
    assert (held.withheld, held.image, plan.image_png(held)) == ("14-2-1.1", None, None)
    assert (video.kind, video.image, video.missing) == ("video", None, False)
    assert (gone.kind, gone.image, gone.missing) == ("image", None, True)
    assert plan.image_png(video) is None and plan.image_png(gone) is None
    assert h.PNG_TEXT not in repr(p1) and "CAMERALEAK" not in repr(p1)


def _png_chunks(data: bytes) -> list[str]:
    out, i = [], 8
    while i < len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        out.append(data[i + 4 : i + 8].decode("ascii"))
        i += 12 + length
    return out


def test_clean_png_caps_the_size_and_refuses_bombs(monkeypatch: pytest.MonkeyPatch) -> None:
    big = Image.new("RGBA", (3000, 1000), (1, 2, 3, 4))
    buf = io.BytesIO()
    big.save(buf, "PNG")
    out = clean_png(buf.getvalue())
    assert out is not None
    shrunk = Image.open(io.BytesIO(out))
    assert shrunk.size == (2000, 667) and shrunk.mode == "RGBA"
    assert clean_png(b"GIF89a not really") is None
    assert clean_png(b"") is None
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert clean_png(buf.getvalue()) is None  # 3,000,000 pixels: more than twice the limit
    small = io.BytesIO()
    Image.new("RGB", (40, 30)).save(small, "PNG")  # 1,200: between the limit and twice it
    assert clean_png(small.getvalue()) is None


def test_a_bomb_in_the_archive_becomes_a_placeholder(
    tmp_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = h.build_corpus(tmp_archive)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    plan = _plan(tmp_archive, corpus.number)
    photo = _by_key(plan, corpus)["p1"].media[0]
    assert (photo.kind, photo.missing, photo.withheld) == ("image", False, None)
    assert plan.image_png(photo) is None


def test_fixity_plain_only_without_redactions_keyed_otherwise(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    records = _by_key(_plan(tmp_archive, corpus.number), corpus)
    (p8_line,) = records["p8"].fixity
    assert p8_line == "SHA-256 of v1 text: " + h.plain_hashes(h.LITERAL_MARKUP)[0]
    for key in ("p1", "c2", "p4", "p5"):
        (line,) = records[key].fixity
        assert line.startswith("Keyed HMAC-SHA256 (production key)")
    again = _by_key(_plan(tmp_archive, corpus.number), corpus)
    other = _by_key(_plan(tmp_archive, corpus.number, key=b"x" * 32), corpus)
    assert again["p1"].fixity == records["p1"].fixity
    assert other["p1"].fixity != records["p1"].fixity


def test_an_original_holding_redacted_content_gets_only_a_keyed_hash(
    tmp_archive: Archive,
) -> None:
    corpus = h.build_corpus(tmp_archive)
    with tmp_archive.write() as conn:
        batch = conn.exec_driver_sql(
            "INSERT INTO import_batches (started_at, operator, app_version, status,"
            " options_json, counts_json, errors_json) VALUES"
            " ('2026-03-01T00:00:00.000000Z', 't', '0', 'completed', '{}', '{}', '[]')"
        ).lastrowid
        sources = []
        for sha in ("a" * 64, "b" * 64):
            sources.append(
                conn.exec_driver_sql(
                    "INSERT INTO source_files (batch_id, name, size, sha256, status,"
                    " counts_json, details_json, imported_at) VALUES (?, 'tweets.js', 1, ?,"
                    " 'imported', '{}', '{}', '2026-03-01T00:00:00.000000Z')",
                    (batch, sha),
                ).lastrowid
            )
        # p1 (redacted) and r3 (clean) come from one file, p8 (clean) from another
        for key, source in (("p1", sources[0]), ("r3", sources[0]), ("p8", sources[1])):
            conn.exec_driver_sql(
                "UPDATE records SET first_source_id = ? WHERE id = ?", (source, corpus.ids[key])
            )
    records = _by_key(_plan(tmp_archive, corpus.number), corpus)
    assert (
        records["p8"].fixity[1] == f"SHA-256 of the original (source file {sources[1]}): {'b' * 64}"
    )
    r3 = records["r3"].fixity
    assert r3[0].startswith("SHA-256 of v1 text: ")
    assert r3[1].startswith(
        f"Keyed HMAC-SHA256 (production key) of the original (source file {sources[0]})"
    )
    assert "a" * 64 not in repr(records)


def test_a_stale_redaction_refuses_the_plan(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    # a re-import changes p1's text: the redactions on its current version now cover other
    # characters
    h.write(tmp_archive, [h._rec("p1", "Report: changed text entirely", at=0)])
    with pytest.raises(ProductionError) as caught:
        _plan(tmp_archive, corpus.number)
    message = str(caught.value)
    assert corpus.number in message and "3 of its redactions are stale" in message
    assert "\n" not in message


def test_notes_and_sensitive_fields_never_reach_the_plan(tmp_archive: Archive) -> None:
    h.write(
        tmp_archive,
        [
            h._rec(
                "s1",
                "call 505-555-0199 please",
                at=0,
                sensitive={"email": "SENSITIVELEAK@example.org", "ip": "10.9.8.7"},
                extra={"source": "EXTRALEAK"},
                raw_json='{"RAWJSONLEAK": 1}',
            )
        ],
    )
    rid = h.ids_by_key(tmp_archive)["s1"]
    number = h.new_request(tmp_archive)
    responsive.add_records(tmp_archive, number, [rid])
    add_redaction(tmp_archive, rid, 5, 17, "14-2-1.1", request=number, note="NOTELEAK caller")
    plan = _plan(tmp_archive, number, review=True)
    dumped = repr(plan)
    for secret in ("SENSITIVELEAK", "10.9.8.7", "EXTRALEAK", "RAWJSONLEAK", "NOTELEAK"):
        assert secret not in dumped
    (record,) = plan.records
    assert record.versions[0].text.pieces[1].review_text == "505-555-0199"


def test_redactions_of_another_request_do_not_apply(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    other = h.new_request(tmp_archive)
    add_redaction(tmp_archive, corpus.ids["p8"], 0, 3, "14-2-1.1", request=other)
    p8 = _by_key(_plan(tmp_archive, corpus.number), corpus)["p8"]
    assert not p8.versions[0].text.redacted and p8.log == ()


def test_boxes_one_per_code_run() -> None:
    value = "0123456789ABCDEF"
    same = apply_ranges(value, [Cut(2, 4, "X"), Cut(4, 6, "X"), Cut(5, 8, "X")], review=True)
    assert same.pieces == (
        Piece("01"),
        Piece(box="X", review_text="234567"),
        Piece("89ABCDEF"),
    )
    two = apply_ranges(value, [Cut(0, 6, "X"), Cut(4, 10, "Y")], review=False)
    assert two.pieces == (Piece(box="X"), Piece(box="Y"), Piece("ABCDEF"))
    nested = apply_ranges(value, [Cut(0, 10, "X"), Cut(3, 5, "Y")], review=True)
    assert [(p.box, p.review_text) for p in nested.pieces][:3] == [
        ("X", "012"),
        ("Y", "34"),
        ("X", "56789"),
    ]
    assert apply_ranges("", [], review=False) == Shown(())
    assert apply_ranges("abc", [], review=False) == Shown.of("abc")


def test_an_unknown_request_is_one_sentence(tmp_archive: Archive) -> None:
    from retention_desk.ipra.errors import IpraError

    with pytest.raises(IpraError, match="There is no request"):
        _plan(tmp_archive, "IPRA-1999-0001")
