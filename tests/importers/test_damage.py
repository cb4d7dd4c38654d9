"""Trust under faults (issue 8): damaged zip members, zip bombs and hostile JSON nesting.

A damaged member (bad CRC, corrupt deflate data, forged size) fails alone with a message naming
it; bombs are refused before anything is stored; a JSON record nested too deeply fails alone.
Zips are built here byte by byte (`raw_zip`), so each fault is exactly the one under test.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from retention_desk.importers import tree as tree_module
from retention_desk.importers.common import ParseError
from retention_desk.importers.json_items import MAX_DEPTH, loads_records
from retention_desk.importers.run import ImportSummary, run_import
from retention_desk.importers.tree import Limits
from retention_desk.importers.x.common import iter_js_array
from tests.importers.helpers import fetch_rows, files_by_name

DEEP = 100_000  # the nesting that makes json.loads raise RecursionError


# ------------------------------------------------------------------------ zip builder
@dataclass
class Member:
    """One zip entry. `payload`, `crc` and `declared` override what is written, to forge
    damage: compressed bytes, CRC-32 and uncompressed size (in both headers)."""

    name: str
    data: bytes
    deflate: bool = True
    payload: bytes | None = None
    crc: int | None = None
    declared: int | None = None


def _deflate(data: bytes) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def raw_zip(
    path: Path, members: list[Member], *, count: int | None = None, zip64: int | None = None
) -> Path:
    """A zip written with struct. `count` forges the entry count of the end record; `zip64`
    adds a zip64 end record declaring that many entries (the classic record then says 0xFFFF)."""
    out, central = bytearray(), bytearray()
    for m in members:
        body = m.payload if m.payload is not None else (_deflate(m.data) if m.deflate else m.data)
        crc = zlib.crc32(m.data) if m.crc is None else m.crc
        size = len(m.data) if m.declared is None else m.declared
        method = 8 if m.deflate else 0
        name = m.name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0x800, method, 0, 0x21, crc, len(body), size,
            len(name), 0,
        )  # fmt: skip
        out += name + body
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x800, method, 0, 0x21, crc, len(body), size,
            len(name), 0, 0, 0, 0, 0o100644 << 16, offset,
        )  # fmt: skip
        central += name
    start = len(out)
    out += central
    entries = len(members) if count is None else count
    if zip64 is not None:
        record_at = len(out)
        out += struct.pack(
            "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, zip64, zip64, len(central), start
        )
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1)
        entries = 0xFFFF
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, min(entries, 0xFFFF), min(entries, 0xFFFF),
        len(central), start, 0,
    )  # fmt: skip
    path.write_bytes(bytes(out))
    return path


# ------------------------------------------------------------------------ an X export
ACCOUNT = [{"account": {"username": "agency", "accountId": "1964312974236991488"}}]


def ytd(global_name: str, items: list[Any]) -> bytes:
    return f"window.YTD.{global_name}.part0 = {json.dumps(items, indent=2)}".encode()


def tweet(id_: str, text: str, **fields: Any) -> dict[str, Any]:
    body = {"id_str": id_, "full_text": text, "created_at": "Fri Mar 06 13:02:05 +0000 2026"}
    return {"tweet": {**body, **fields}}


def tweets_js() -> bytes:
    """Big enough (about 60 KB, hard to compress) for damage past its first blocks."""
    rng = random.Random(8)
    items = [tweet(str(1000 + i), rng.randbytes(100).hex()) for i in range(300)]
    return ytd("tweets", items)


DELETED = ytd("deleted_tweets", [tweet("2001", "gone", deleted_at="2026-03-07T00:00:00.000Z")])
PHOTO = bytes(random.Random(9).randbytes(3000))


def x_export(tweets: Member) -> list[Member]:
    """An X export whose data/tweets.js is `tweets`; the rest is sound."""
    return [
        Member("data/account.js", ytd("account", ACCOUNT)),
        tweets,
        Member("data/deleted-tweets.js", DELETED),
        Member("data/tweets_media/2001-photo.jpg", PHOTO, deflate=False),
    ]


def _corrupt_after_half(data: bytes) -> bytes:
    """Half the data deflated, then a block header of the reserved type 3 (invalid)."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    good = co.compress(data[: len(data) // 2]) + co.flush(zlib.Z_FULL_FLUSH)
    return good + b"\x07" + bytes(64)


def _damaged(kind: str) -> Member:
    data = tweets_js()
    name = "data/tweets.js"
    if kind == "bad_crc":
        return Member(name, data, deflate=False, crc=zlib.crc32(data) ^ 0x5A5A)
    if kind == "corrupt_deflate":
        return Member(name, data, payload=_corrupt_after_half(data))
    if kind == "corrupt_deflate_at_start":
        return Member(name, data, payload=b"\x07" + bytes(64))
    if kind == "size_forged_larger":
        return Member(name, data, declared=len(data) + 5000)
    if kind == "size_forged_smaller":
        return Member(name, data, declared=len(data) - 5000)
    raise AssertionError(kind)


def _finish_audited(archive: Archive, summary: ImportSummary) -> None:
    """The batch ended with its outcome recorded: status row and an import.finish audit row."""
    ((status,),) = fetch_rows(
        archive, "SELECT status FROM import_batches WHERE id = :b", b=summary.batch_id
    )
    assert status == summary.status
    audited = fetch_rows(
        archive,
        "SELECT details FROM audit_log WHERE action = 'import.finish' AND object_ids = :ids",
        ids=json.dumps([summary.batch_id]),
    )
    assert len(audited) == 1 and json.loads(audited[0][0])["status"] == status


def _no_half_blobs(archive: Archive) -> None:
    bad = fetch_rows(
        archive,
        "SELECT b.sha256 FROM blobs b WHERE b.size != (SELECT coalesce(sum(length(c.data)), 0)"
        " FROM blob_chunks c WHERE c.sha256 = b.sha256)",
    )
    assert bad == []


# ------------------------------------------------------------------- damaged members
@pytest.mark.parametrize(
    "kind, status, reason",
    [
        ("bad_crc", "failed", "CRC-32 checksum mismatch"),
        ("corrupt_deflate", "failed", "corrupt compressed data"),
        # the damage is in the bytes detection reads: the member is refused there
        ("corrupt_deflate_at_start", "refused", "corrupt compressed data"),
        ("size_forged_larger", "failed", r"holds \d+ bytes but its header declares"),
        ("size_forged_smaller", "failed", "damaged in the zip"),
    ],
)
def test_a_damaged_member_fails_alone(
    archive: Archive, tmp_path: Path, kind: str, status: str, reason: str
) -> None:
    path = raw_zip(tmp_path / "export.zip", x_export(_damaged(kind)))
    summary = run_import(archive, [path])
    assert summary.status == "completed_with_errors"
    files = files_by_name(summary)
    assert files["tweets.js"].status == status
    assert "data/tweets.js" in files["tweets.js"].error
    assert re.search(reason, files["tweets.js"].error)
    # the other data file imports, the media and the account file are kept
    assert files["deleted-tweets.js"].status == "imported"
    assert files["deleted-tweets.js"].added == 1
    kept = dict(fetch_rows(archive, "SELECT name, status FROM source_files"))
    assert kept["data/tweets_media/2001-photo.jpg"] == "stored"
    assert kept["data/account.js"] == "stored"
    assert "data/tweets.js" not in kept  # nothing of it could be read, so nothing of it kept
    assert archive.count("SELECT count(*) FROM records") == 1
    _finish_audited(archive, summary)
    _no_half_blobs(archive)


def test_a_damaged_manifest_costs_only_itself(archive: Archive, tmp_path: Path) -> None:
    # X detection reads manifest.js whole: a bad CRC there must not hide the whole export
    manifest = b'window.__THAR_CONFIG = {"archiveInfo": {"isPartialArchive": false}}'
    members = [
        Member("data/manifest.js", manifest, deflate=False, crc=zlib.crc32(manifest) ^ 1),
        *x_export(Member("data/tweets.js", tweets_js())),
    ]
    summary = run_import(archive, [raw_zip(tmp_path / "export.zip", members)])
    files = files_by_name(summary)
    assert files["manifest.js"].status == "refused"
    assert "data/manifest.js" in files["manifest.js"].error
    assert "CRC-32" in files["manifest.js"].error
    assert files["tweets.js"].status == "imported" and files["tweets.js"].added == 300
    assert files["deleted-tweets.js"].status == "imported"
    assert summary.status == "completed_with_errors"
    _finish_audited(archive, summary)


def test_cli_reports_a_damaged_member_in_one_line(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "cli.rdesk"
    Archive.create(path).close()
    export = raw_zip(tmp_path / "export.zip", x_export(_damaged("bad_crc")))
    code = main(["--archive", str(path), "import", str(export)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and len(err.splitlines()) <= 1
    failed = [line for line in out.splitlines() if line.startswith("failed")]
    assert len(failed) == 1
    assert "data/tweets.js" in failed[0] and "CRC-32 checksum mismatch" in failed[0]
    assert "completed with errors" in out


# --------------------------------------------------------------------------- bombs
def _nothing_stored(archive: Archive, summary: ImportSummary, message: str) -> None:
    assert summary.status == "completed_with_errors"
    assert any(message in e and "export.zip" in e for e in summary.errors), summary.errors
    assert archive.count("SELECT count(*) FROM source_files") == 0
    assert archive.count("SELECT count(*) FROM blobs") == 0
    _finish_audited(archive, summary)


def test_many_small_members_over_the_total_ratio_are_refused(
    archive: Archive, tmp_path: Path
) -> None:
    # An X export with 256 "media" members of exactly 4 MiB of zeros, about 1 MB zipped:
    # each is at the per-member ratio floor, together they would store 1 GiB.
    block = bytes(4 * 1024**2)
    payload, crc = _deflate(block), zlib.crc32(block)
    members = x_export(Member("data/tweets.js", tweets_js())) + [
        Member(f"data/tweets_media/{i}.mp4", b"", payload=payload, crc=crc, declared=len(block))
        for i in range(256)
    ]
    path = raw_zip(tmp_path / "export.zip", members)
    assert path.stat().st_size < 2 * 1024**2
    summary = run_import(archive, [path])
    _nothing_stored(archive, summary, "over the limit of 100:1")


def test_members_summing_past_the_total_size_are_refused(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the limit is scaled down (64 GiB by default) so that the test stays small: an X export
    # with 40 media members of 64 KiB that do not compress, 2.5 MiB, against 1 MiB
    monkeypatch.setattr(tree_module, "DEFAULT_LIMITS", Limits(max_total_bytes=1024**2))
    rng = random.Random(3)
    members = x_export(Member("data/tweets.js", tweets_js())) + [
        Member(f"data/tweets_media/{i}.jpg", rng.randbytes(64 * 1024)) for i in range(40)
    ]
    summary = run_import(archive, [raw_zip(tmp_path / "export.zip", members)])
    _nothing_stored(archive, summary, "contents exceed")


@pytest.fixture
def zipfile_never_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """zipfile.ZipFile reads the whole central directory: it must not run on these."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("zipfile.ZipFile was constructed")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)


def test_entry_count_from_the_zip64_end_record_is_refused_first(
    archive: Archive, tmp_path: Path, zipfile_never_built: None
) -> None:
    members = x_export(Member("data/tweets.js", tweets_js()))
    path = raw_zip(tmp_path / "export.zip", members, zip64=10**9)
    summary = run_import(archive, [path])
    _nothing_stored(archive, summary, "1000000000 entries, over the limit of 200000")


def test_entry_count_forged_low_is_counted_from_the_directory(
    archive: Archive, tmp_path: Path, zipfile_never_built: None
) -> None:
    # the end record claims 1 entry; the directory holds 200,001 (all naming one member):
    # zipfile goes by the directory's size, so the headers themselves are counted
    limit = tree_module.DEFAULT_LIMITS.max_entries
    name, body = b"a.json", b"[]"
    crc = zlib.crc32(body)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, crc, 2, 2, 6, 0)
    header = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, crc, 2, 2, 6, 0, 0, 0, 0, 0, 0
    )
    central = (header + name) * (limit + 1)
    start = len(local) + len(name) + len(body)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), start, 0)
    path = tmp_path / "export.zip"
    path.write_bytes(local + name + body + central + end)
    summary = run_import(archive, [path])
    _nothing_stored(archive, summary, f"more than {limit} entries")


# ----------------------------------------------------------------- deep JSON records
def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_x_tweet_nested_too_deeply_fails_alone(archive: Archive, tmp_path: Path) -> None:
    items = [json.dumps(tweet(str(1000 + i), f"tweet {i}")) for i in range(3)]
    items[1] = '{"tweet": {"id_str": "1001", "full_text": "x", "entities": ' + _nested(DEEP)
    items[1] += "}}"
    data = tmp_path / "export" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_bytes(ytd("account", ACCOUNT))
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = [" + ",".join(items) + "]")
    summary = run_import(archive, [tmp_path / "export"])
    result = files_by_name(summary)["tweets.js"]
    assert result.status == "imported", result.error
    keys = {k for (k,) in fetch_rows(archive, "SELECT record_key FROM records")}
    assert keys == {"1000", "1002"}
    deep = [w for w in result.warnings if "nested more than" in w]
    assert len(deep) == 1 and deep[0].startswith("data/tweets.js[1]: ")
    _finish_audited(archive, summary)


def _import_folder(root: Path, db: Path) -> tuple[ImportSummary, set[tuple[str, str]]]:
    archive = Archive.create(db)
    try:
        summary = run_import(archive, [root])
        keys = {tuple(r) for r in fetch_rows(archive, "SELECT platform, record_key FROM records")}
        return summary, keys  # type: ignore[return-value]
    finally:
        archive.close()


def test_facebook_records_nested_too_deeply_fail_alone(samples: Path, tmp_path: Path) -> None:
    sound = tmp_path / "sound"
    shutil.copytree(samples / "facebook" / "waultar-fixtures", sound)
    shutil.copy(samples / "facebook/posts-hunterhillis-2022/your_posts_1.json", sound / "posts")
    hostile = tmp_path / "hostile"
    shutil.copytree(sound, hostile)
    deep_post = '{"timestamp": 1600000000, "data": [{"post": "x"}], "attachments": '
    posts = hostile / "posts" / "your_posts_1.json"
    text = posts.read_text(encoding="utf-8")
    first_end = text.index("\n  },") + len("\n  },")  # after the first item (2-space indent)
    posts.write_text(text[:first_end] + deep_post + _nested(DEEP) + "}," + text[first_end:])
    comments = hostile / "comments_and_reactions" / "comments_and_reactions.json"
    data = json.loads(comments.read_text(encoding="utf-8"))
    count = len(data["comments_v2"])
    body = json.dumps(data)
    comments.write_text(body[:-2] + ', {"timestamp": 1, "data": ' + _nested(DEEP) + "}]}")

    baseline, expected = _import_folder(sound, tmp_path / "sound.rdesk")
    summary, got = _import_folder(hostile, tmp_path / "hostile.rdesk")
    assert got == expected  # every other record imports as it does without the hostile ones
    assert len(expected) > 100
    files = {f.path: f for f in summary.files}
    for path, where in (
        ("posts/your_posts_1.json", "posts/your_posts_1.json[1]"),
        (
            "comments_and_reactions/comments_and_reactions.json",
            f"comments_and_reactions/comments_and_reactions.json#comments_v2[{count}]",
        ),
    ):
        assert files[path].status == "imported", files[path].error
        reported = [w for w in files[path].warnings if "nested more than" in w]
        assert reported == [f"{where}: " + reported[0].split(": ", 1)[1]], reported
    assert summary.status == baseline.status == "completed"


def test_loads_records_cuts_the_record_not_its_wrapper() -> None:
    deep = '{"timestamp": 2, "data": ' + _nested(MAX_DEPTH + 10) + "}"
    text = f'[{{"group_comments_v2": [{{"a": 1}}, {deep}]}}, {{"comments_v2": [{{"b": 2}}]}}]'
    warnings: list[str] = []
    value = loads_records(text, name="c.json", warnings=warnings)
    assert value == [{"group_comments_v2": [{"a": 1}, None]}, {"comments_v2": [{"b": 2}]}]
    assert [w.split(":")[0] for w in warnings] == ["c.json[0]#group_comments_v2[1]"]


def test_deep_nesting_outside_any_record_list_fails_the_file() -> None:
    with pytest.raises(ParseError, match="o.json: JSON is nested too deeply"):
        loads_records('{"a":' * DEEP + "1" + "}" * DEEP, name="o.json")


def test_iter_js_array_without_a_skip_list_refuses_the_file_naming_the_item() -> None:
    source = "window.YTD.tweets.part0 = [1, " + _nested(DEEP) + ", 3]"
    with pytest.raises(ParseError, match=r"^t\.js\[1\]: nested more than"):
        list(iter_js_array(source, name="t.js"))
    skipped: list[str] = []
    assert list(iter_js_array(source, name="t.js", skipped=skipped)) == [(0, 1), (2, 3)]
    assert len(skipped) == 1


def test_a_damaged_media_member_costs_only_the_media(archive: Archive, tmp_path: Path) -> None:
    """The tweet imports with its media listed missing; the member is reported failed."""
    media = {
        "extended_entities": {
            "media": [{"media_url_https": "https://pbs.twimg.com/media/photo.jpg", "id_str": "7"}]
        }
    }
    tweets = Member("data/tweets.js", ytd("tweets", [tweet("3001", "with a photo", **media)]))
    # big enough that detection's look at its head does not reach the CRC check at the end
    big = random.Random(10).randbytes(300_000)
    photo = Member("data/tweets_media/3001-photo.jpg", big, deflate=False, crc=0x1234)
    path = raw_zip(
        tmp_path / "export.zip", [Member("data/account.js", ytd("account", ACCOUNT)), tweets, photo]
    )
    summary = run_import(archive, [path])
    files = files_by_name(summary)
    assert files["tweets.js"].status == "imported" and files["tweets.js"].added == 1
    assert files["tweets.js"].media_missing == ["data/tweets_media/3001-photo.jpg"]
    assert any("3001-photo.jpg" in w and "missing media" in w for w in files["tweets.js"].warnings)
    assert files["3001-photo.jpg"].status == "failed"
    assert "CRC-32" in (files["3001-photo.jpg"].error or "")
    _no_half_blobs(archive)
