"""The import runner's guarantees, checked with a minimal importer (fake_importer.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.verify import verify_archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.run import detect, run_import
from tests.importers.fake_importer import install

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


def write(path: Path, items: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items))
    return path


def counts(archive: Archive) -> dict[str, int]:
    with archive.read() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("records", "record_versions", "media", "source_files")
        }


def test_failing_file_rolls_back_alone_and_is_kept(archive: Archive, tmp_path: Path) -> None:
    export = tmp_path / "export"
    write(
        export / "a.fake.json",
        [
            {"id": 1, "text": "one", "media": "m/1.jpg"},
            {"id": 2, "text": "two", "media": "m/none.jpg"},
        ],
    )
    write(export / "b.fake.json", [{"id": 3, "text": "three"}, {"explode": True}])
    (export / "c.fake.json").write_text("[{not json")
    (export / "m").mkdir()
    (export / "m" / "1.jpg").write_bytes(b"\xff\xd8jpeg")
    (export / "notes.txt").write_text("kept too")
    summary = run_import(archive, [export])
    by_path = {f.path: f for f in summary.files}
    assert by_path["a.fake.json"].status == "imported" and by_path["a.fake.json"].added == 2
    assert by_path["a.fake.json"].media_missing == ["m/none.jpg"]
    assert by_path["b.fake.json"].status == "failed" and "poison" in by_path["b.fake.json"].error
    assert by_path["c.fake.json"].status == "failed"
    assert "c.fake.json: broken JSON" in by_path["c.fake.json"].error
    assert summary.status == "completed_with_errors"
    with archive.read() as conn:
        # record 3 was written before the poison item: rolled back with its file
        assert conn.execute(text("SELECT record_key FROM records ORDER BY id")).scalars().all() == [
            "1",
            "2",
        ]
        statuses = dict(conn.execute(text("SELECT name, status FROM source_files")).all())
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
    assert statuses == {
        "a.fake.json": "imported",
        "b.fake.json": "failed",
        "c.fake.json": "failed",
        "m/1.jpg": "stored",
        "notes.txt": "stored",
    }
    assert actions.count("import.source_file") == 1
    assert actions.count("import.source_file_failed") == 2
    assert actions[-1] == "import.finish"
    assert verify_archive(archive, record=False).ok


def test_reimport_adds_nothing_and_overlap_merges(archive: Archive, tmp_path: Path) -> None:
    first = write(
        tmp_path / "one" / "x.fake.json",
        [{"id": 1, "text": "hello"}, {"id": 2, "text": "reply", "parent": "1"}],
    )
    run_import(archive, [first.parent])
    before = counts(archive)
    again = run_import(archive, [first.parent])
    assert [f.status for f in again.files] == ["duplicate"]
    assert counts(archive)["records"] == before["records"]
    assert counts(archive)["record_versions"] == before["record_versions"]
    later = write(
        tmp_path / "two" / "x.fake.json",
        [
            {"id": 1, "text": "hello, edited"},
            {"id": 2, "text": "reply", "deleted": 1},
            {"id": 3, "text": "new"},
        ],
    )
    result = run_import(archive, [later.parent]).files[0]
    assert (result.added, result.new_versions, result.unchanged, result.flagged_deleted) == (
        1,
        1,
        1,
        1,
    )
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT record_key, version_count, deleted_at IS NOT NULL,"
                " thread_id FROM records ORDER BY record_key"
            )
        ).all()
        sources = conn.execute(
            text(
                "SELECT count(*) FROM record_sources WHERE record_id ="
                " (SELECT id FROM records WHERE record_key = '1')"
            )
        ).scalar()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [
        ("1", 2, False),
        ("2", 1, True),
        ("3", 1, False),
    ]
    assert rows[1][3] == rows[0][3]  # the reply sits in its parent's thread
    assert sources == 2  # provenance: seen in both exports


def test_zip_export_members_are_kept_individually(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data/a.fake.json", json.dumps([{"id": 9, "text": "z", "media": "img/9.png"}]))
        zf.writestr("img/9.png", b"png-bytes")
        zf.writestr("../escape.fake.json", "[]")
    summary = run_import(archive, [path])
    statuses = sorted((f.path, f.status) for f in summary.files)
    assert ("data/a.fake.json", "imported") in statuses
    assert any(s == "refused" for _, s in statuses)
    with archive.read() as conn:
        rows = conn.execute(text("SELECT name, status, container_id FROM source_files ORDER BY id"))
        table = [tuple(r) for r in rows]
        media_sha = conn.execute(text("SELECT blob_sha256 FROM media")).scalar_one()
        member_sha = conn.execute(
            text("SELECT blob_sha256 FROM source_files WHERE name = 'img/9.png'")
        ).scalar_one()
    container = table[0]
    assert container[:2] == ("export.zip", "container")
    assert {r[0] for r in table[1:]} == {"data/a.fake.json", "img/9.png"}
    assert media_sha == member_sha  # media stored once, shared with the export member
    assert run_import(archive, [path]).files[-1].status == "duplicate"


def test_unrecognised_input_is_an_error_and_nothing_is_stored(
    archive: Archive, tmp_path: Path
) -> None:
    other = tmp_path / "holiday.jpg"
    other.write_bytes(b"\xff\xd8")
    detection = detect([other, tmp_path / "missing"], ImportOptions())
    assert len(detection.errors) == 2
    assert any("holiday.jpg: not a recognised export" in e for e in detection.errors)
    assert any("missing: no such file or folder" in e for e in detection.errors)
    # importing it is refused before anything is written
    with pytest.raises(FileNotFoundError, match="does not exist; nothing was imported"):
        run_import(archive, [other, tmp_path / "missing"])
    assert counts(archive)["source_files"] == 0
    summary = run_import(archive, [other])
    assert summary.status == "completed_with_errors" and counts(archive)["source_files"] == 0


def test_cancel_stops_between_records_and_rolls_back_the_file(
    archive: Archive, tmp_path: Path
) -> None:
    export = write(
        tmp_path / "e" / "big.fake.json", [{"id": i, "text": f"t{i}"} for i in range(5000)]
    ).parent
    cancel = threading.Event()
    cancel.set()
    summary = run_import(archive, [export], cancel=cancel)
    assert summary.status == "cancelled"
    assert counts(archive)["records"] == 0
    assert run_import(archive, [export]).files[0].added == 5000  # clean retry


KILLED_IMPORT = textwrap.dedent("""
    import sys
    import pytest
    from retention_desk.archive import Archive
    from retention_desk.importers.run import run_import
    from tests.importers.fake_importer import install
    mp = pytest.MonkeyPatch()
    install(mp)
    archive = Archive.open(sys.argv[1])
    def progress(done, total, message):
        print(message, flush=True)
    run_import(archive, [sys.argv[2]], progress=progress)
    print("FINISHED", flush=True)
""")


@pytest.mark.slow
def test_killed_import_leaves_valid_archive_and_resumes(tmp_path: Path) -> None:
    export = tmp_path / "export"
    for n in range(6):
        write(
            export / f"part{n}.fake.json",
            [{"id": f"{n}-{i}", "text": f"part {n} item {i} " * 8} for i in range(6000)],
        )
    for delay in (0.3, 1.2, 2.5):
        path = tmp_path / f"k{delay}.rdesk"
        Archive.create(path).close()
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_IMPORT, str(path), str(export)],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with Archive.open(path) as archive:
            assert verify_archive(archive, record=False).ok
            with archive.read() as conn:
                per_file = conn.execute(
                    text(
                        "SELECT s.name, count(r.record_id) FROM source_files s LEFT JOIN"
                        " record_sources r ON r.source_file_id = s.id GROUP BY s.id"
                    )
                ).all()
            # every file is all or nothing
            assert all(n == 6000 for _, n in per_file), per_file
            resumed = run_import(archive, [export])
            assert resumed.status == "completed"
            with archive.read() as conn:
                assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 36000


def test_identical_files_in_different_places_are_both_imported(
    archive: Archive, tmp_path: Path
) -> None:
    # Record identity can depend on the folder (a Messenger thread is its folder): the same
    # bytes in two places are two imports; the same file again in the same place is not.
    items = [{"id": 1, "text": "same bytes"}]
    write(tmp_path / "e" / "thread_a" / "message.fake.json", items)
    write(tmp_path / "e" / "thread_b" / "message.fake.json", items)
    first = run_import(archive, [tmp_path / "e"])
    assert [f.status for f in first.files if f.path.endswith(".fake.json")] == ["imported"] * 2
    again = run_import(archive, [tmp_path / "e"])
    assert {f.status for f in again.files} == {"duplicate"}


def test_media_only_companion_input_is_kept_with_the_import(
    archive: Archive, tmp_path: Path
) -> None:
    data = write(
        tmp_path / "part1" / "posts.fake.json",
        [{"id": 1, "text": "photo post", "media": "media/1.jpg"}],
    ).parent
    media = tmp_path / "part2"
    (media / "media").mkdir(parents=True)
    (media / "media" / "1.jpg").write_bytes(b"jpeg-1")
    (media / "media" / "unlinked.jpg").write_bytes(b"jpeg-2")
    detection = detect([data, media], ImportOptions())
    assert detection.errors == [] and len(detection.notes) == 1
    detection.close()
    summary = run_import(archive, [data, media])
    assert summary.status == "completed"
    assert summary.files[0].media_missing == []
    with archive.read() as conn:
        names = set(conn.execute(text("SELECT name FROM source_files")).scalars())
    assert {"media/1.jpg", "media/unlinked.jpg", "posts.fake.json"} <= names


def test_account_option_without_records_leaves_no_stray_account(
    archive: Archive, tmp_path: Path
) -> None:
    empty = write(tmp_path / "e" / "none.fake.json", []).parent
    run_import(archive, [empty], ImportOptions(account="@nobody"))
    full = write(tmp_path / "f" / "some.fake.json", [{"id": 5, "text": "x"}]).parent
    run_import(archive, [full], ImportOptions(account="@sandia_pd"))
    with archive.read() as conn:
        handles = conn.execute(text("SELECT handle FROM accounts")).scalars().all()
    assert handles == ["sandia_pd"]


def test_one_importers_bug_does_not_hide_the_others(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retention_desk.importers import detection as detection_module
    from tests.importers.fake_importer import FakeImporter

    class Broken(FakeImporter):
        name = "broken"
        label = "Broken importer"

        def detect(self, tree, options):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("bug")

        def preview(self, tree, claim, options):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("bug")

    good = FakeImporter()
    monkeypatch.setattr(detection_module, "all_importers", lambda: (Broken(), good))
    export = write(tmp_path / "x" / "a.fake.json", [{"id": 1, "text": "t"}]).parent
    detection = detect([export], ImportOptions())
    assert any("Broken importer detection failed" in e for e in detection.errors)
    assert [imp.name for _, imp, _ in detection.claims] == ["fake"]
    from retention_desk.importers.run import preview

    detection.claims.append((detection.claims[0][0], Broken(), detection.claims[0][2]))
    previews = preview(detection)
    assert previews[0].notes == [] and previews[1].notes[0].startswith("preview failed")
    detection.close()


def test_summary_counts_kept_files_and_records_arriving_deleted(
    archive: Archive, tmp_path: Path
) -> None:
    export = write(tmp_path / "k" / "a.fake.json", [{"id": 1, "text": "gone", "deleted": 1}])
    (export.parent / "README.txt").write_text("viewer notes")
    (export.parent / "assets").mkdir()
    (export.parent / "assets" / "app.js").write_text("x")
    totals = run_import(archive, [export.parent]).totals()
    assert totals["flagged_deleted"] == 1
    assert totals["files_stored"] == 2
