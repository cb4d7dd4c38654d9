"""The production record: what is stored with the request, audited with ids and counts,
re-made byte for byte while the records exist, and what a record's destruction takes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive
from retention_desk.disposal import registry
from retention_desk.production import store
from retention_desk.production.produce import produce, reproduce
from retention_desk.production.store import ProduceError
from tests.production.corpus import NAME, SSN, hostile_plan
from tests.production.store_helpers import install, new_request


@pytest.fixture
def number(tmp_archive: Archive) -> str:
    return new_request(tmp_archive)


def _rows(archive: Archive, sql: str, *params: object) -> list[tuple[object, ...]]:
    with archive.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params).all()]


def test_a_pdf_production_is_stored_with_its_files_and_audited_with_ids_only(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = hostile_plan()
    install(monkeypatch, plan)
    result = produce(tmp_archive, number, out_dir=tmp_path / "out")
    assert result.kind == "release" and result.file_format == "pdf"
    assert result.bates_first == "RD0000001" and result.records == len(plan.records)
    assert [p.name for p in result.files] == [
        f"{number}_P1_RD0000001-{result.bates_last}.pdf",
        f"{number}_P1_RD0000001-{result.bates_last}_manifest.csv",
        f"{number}_P1_RD0000001-{result.bates_last}_manifest.json",
    ]
    [info] = store.list_productions(tmp_archive, number)
    assert info.id == result.production and info.has_key and info.status == "complete"
    assert (info.bates_prefix, info.bates_first) == ("RD", 1)
    assert info.options["versions"] == "latest" and info.options["control_numbers"] == "bates"
    # the request file holds exactly the bytes written
    with tmp_archive.read() as conn:
        from retention_desk.archive import blobs

        for f, path in zip(info.files, result.files, strict=True):
            blob = _rows(
                tmp_archive,
                "SELECT blob_sha256 FROM production_files WHERE production_id = ? AND role = ?",
                info.id,
                f.role,
            )[0][0]
            assert blobs.read_bytes(conn, str(blob)) == path.read_bytes()
    records = store.production_records(tmp_archive.engine.connect(), info.id)
    assert [r.record_id for r in records] == [r.record_id for r in plan.records]
    assert records[0].first == 1 and all(r.first is not None for r in records)
    [(details,)] = _rows(
        tmp_archive, "SELECT details FROM audit_log WHERE action = 'production.produce'"
    )
    text = str(details)
    assert json.loads(text)["production"] == info.id
    for secret in (SSN, NAME, "Ana Requester", number):
        assert secret not in text


def test_an_xlsx_after_a_pdf_of_the_set_reuses_its_numbers_and_uses_none(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, hostile_plan())
    pdf = produce(tmp_archive, number, out_dir=tmp_path)
    xlsx = produce(tmp_archive, number, file_format="xlsx", out_dir=tmp_path)
    assert xlsx.bates_first is None
    infos = store.list_productions(tmp_archive, number)
    assert infos[1].options["control_numbers"] == "pdf"
    assert infos[1].options["control_from"] == pdf.production
    with tmp_archive.read() as conn:
        first = {r.record_id: r.first for r in store.production_records(conn, pdf.production)}
        reused = {r.record_id: r.first for r in store.production_records(conn, xlsx.production)}
    assert reused == first
    manifest = json.loads(xlsx.files[2].read_text("utf-8"))
    assert f"PDF production {pdf.production}" in manifest["control_numbers"]
    # the next PDF continues where the first one stopped
    again = produce(tmp_archive, number, out_dir=tmp_path)
    assert again.bates_first == f"RD{int(pdf.bates_last[2:]) + 1:07d}"  # type: ignore[index]


def test_an_xlsx_without_a_pdf_takes_one_number_per_record(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = hostile_plan()
    install(monkeypatch, plan)
    xlsx = produce(tmp_archive, number, file_format="xlsx", out_dir=tmp_path)
    assert (xlsx.bates_first, xlsx.bates_last) == ("RD0000001", f"RD{len(plan.records):07d}")
    manifest = json.loads(xlsx.files[2].read_text("utf-8"))
    assert "one per record" in manifest["control_numbers"]
    assert [r["first"] for r in manifest["records"]][:2] == ["RD0000001", "RD0000002"]


def test_reproduce_gives_the_same_bytes(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, hostile_plan())
    for fmt in ("pdf", "xlsx"):
        made = produce(tmp_archive, number, file_format=fmt, out_dir=tmp_path / "a")
        again = reproduce(tmp_archive, made.production, tmp_path / f"b-{fmt}")
        assert [p.name for p in again.files] == [p.name for p in made.files]
        for one, two in zip(made.files, again.files, strict=True):
            assert one.read_bytes() == two.read_bytes()


def test_reproduce_refuses_when_a_record_changed_and_export_still_gives_the_files(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = install(monkeypatch, hostile_plan())
    made = produce(tmp_archive, number, out_dir=tmp_path / "a")
    fakes.plan = hostile_plan(long_text=5)  # same ids, different text
    fakes.plan = type(fakes.plan)(**{**fakes.plan.__dict__, "records": fakes.plan.records[1:]})
    with pytest.raises(ProduceError, match="no longer in the request"):
        reproduce(tmp_archive, made.production, tmp_path / "b")
    paths = store.export_files(tmp_archive, made.production, tmp_path / "c")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in made.files]


def test_destroying_a_record_deletes_the_key_and_keeps_the_files(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = hostile_plan()
    install(monkeypatch, plan)
    made = produce(tmp_archive, number, out_dir=tmp_path / "a")
    other = produce(tmp_archive, number, file_format="xlsx", out_dir=tmp_path / "a")
    with tmp_archive.read() as conn:
        assert registry.unaccounted_tables(conn) == []
    with tmp_archive.write() as conn:
        registry.purge_records(conn, [plan.records[0].record_id])
    for pid in (made.production, other.production):
        with tmp_archive.read() as conn:
            assert store.production_key(conn, pid) is None
            assert store.get_production(conn, pid).key_deleted_at is not None
        with pytest.raises(ProduceError, match="key was deleted"):
            reproduce(tmp_archive, pid, tmp_path / "b")
    paths = store.export_files(tmp_archive, made.production, tmp_path / "c")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in made.files]


def test_the_request_files_destruction_removes_the_production_files(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, hostile_plan())
    made = produce(tmp_archive, number, out_dir=tmp_path)
    with tmp_archive.write() as conn:
        rid = store.state(conn, number).request_id
        assert store.forget_request_files(conn, rid) == 3
    shas = [f.sha256 for f in store.list_productions(tmp_archive, number)[0].files]
    assert _rows(
        tmp_archive, f"SELECT count(*) FROM blobs WHERE sha256 IN ({','.join('?' * 3)})", *shas
    ) == [(0,)]
    with pytest.raises(ProduceError, match="destroyed with the request file"):
        store.export_files(tmp_archive, made.production, tmp_path / "x")


def test_a_cancelled_or_failed_run_stores_nothing_and_uses_no_numbers(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = install(monkeypatch, hostile_plan())
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        produce(tmp_archive, number, out_dir=tmp_path / "a", cancel=cancel)
    fakes.raise_in_plan = ValueError("Request has 1 stale redaction; review it first.")
    with pytest.raises(ValueError, match="stale"):
        produce(tmp_archive, number, out_dir=tmp_path / "a")
    assert store.list_productions(tmp_archive, number) == []
    assert _rows(tmp_archive, "SELECT count(*) FROM production_files") == [(0,)]
    assert not any((tmp_path / "a").iterdir())
    fakes.raise_in_plan = None
    assert produce(tmp_archive, number, out_dir=tmp_path / "a").bates_first == "RD0000001"


def test_bad_options_and_an_empty_set_are_refused(
    tmp_archive: Archive, number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = install(monkeypatch, hostile_plan())
    with pytest.raises(ProduceError, match="pdf or xlsx"):
        produce(tmp_archive, number, file_format="docx", out_dir=tmp_path)
    with pytest.raises(ProduceError, match="latest or all"):
        produce(tmp_archive, number, versions="some", out_dir=tmp_path)
    fakes.plan = type(fakes.plan)(**{**fakes.plan.__dict__, "records": ()})
    with pytest.raises(ProduceError, match="no records to produce"):
        produce(tmp_archive, number, out_dir=tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ProduceError, match="is a file"):
        produce(tmp_archive, number, out_dir=tmp_path / "file")


def test_with_the_real_plan_and_pdf_every_production_is_remade_byte_for_byte(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    pytest.importorskip("retention_desk.production.plan")
    pytest.importorskip("retention_desk.production.pdf")
    from tests.production.corpus import build_archive_corpus

    corpus = build_archive_corpus(tmp_archive)
    made = [
        produce(tmp_archive, corpus.number, file_format="pdf", versions="all", out_dir=tmp_path),
        produce(tmp_archive, corpus.number, file_format="xlsx", versions="all", out_dir=tmp_path),
        produce(tmp_archive, corpus.number, review_copy=True, out_dir=tmp_path),
    ]
    assert made[0].bates_first == "RD0000001" and made[1].bates_first is None
    assert made[0].records == 5  # the restricted message and the removed comment left out
    for one in made:
        again = reproduce(tmp_archive, one.production, tmp_path / f"again-{one.production}")
        for a, b in zip(one.files, again.files, strict=True):
            assert a.name == b.name and a.read_bytes() == b.read_bytes()
    with tmp_archive.read() as conn:
        pdf = store.get_production(conn, made[0].production)
        applied = _rows(
            tmp_archive,
            "SELECT count(*) FROM production_redactions WHERE production_id = ?",
            pdf.id,
        )
    assert applied == [(9,)]  # eight ranges and the withholding, with their codes


def test_with_the_real_plan_a_stale_redaction_refuses_and_uses_no_numbers(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    pytest.importorskip("retention_desk.production.plan")
    pytest.importorskip("retention_desk.production.pdf")
    from retention_desk.production.errors import ProductionError
    from tests.libreoffice import convert
    from tests.production.corpus import _post, _write, build_archive_corpus

    corpus = build_archive_corpus(tmp_archive)
    first = produce(tmp_archive, corpus.number, file_format="xlsx", out_dir=tmp_path / "a")
    assert convert(first.files[0], "csv", tmp_path / "lo").stat().st_size > 0
    # a re-import changes the text under the redactions of the current version
    _write(tmp_archive, [_post("p1", "Report: entirely different words now")])
    with pytest.raises(ProductionError, match="stale"):
        produce(tmp_archive, corpus.number, out_dir=tmp_path / "b")
    assert [p.id for p in store.list_productions(tmp_archive, corpus.number)] == [first.production]
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
