"""Rolling productions of only the records that joined the set, cancel while pages are laid
out, and a story fed to reportlab a few records at a time (memory that does not hold the
whole production's flowables or its pictures)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive
from retention_desk.ipra import responsive
from retention_desk.production import pdf as pdf_mod
from retention_desk.production import store
from retention_desk.production.choices import production_choices
from retention_desk.production.plan import build_plan
from retention_desk.production.produce import produce, reproduce
from retention_desk.production.store import ProduceError
from tests.production import helpers as h
from tests.production.corpus import hostile_plan

KEY = b"k" * 32


def _n(label: str | None) -> int:
    assert label is not None
    return int(label.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _produced_ids(archive: Archive, production: int) -> list[int]:
    with archive.read() as conn:
        return [r.record_id for r in store.production_records(conn, production)]


def test_rolling_production_holds_only_new_records_and_continues_the_numbers(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    corpus = h.build_corpus(tmp_archive)
    first = produce(tmp_archive, corpus.number, out_dir=tmp_path / "one")
    before = set(_produced_ids(tmp_archive, first.production))
    # c9 joins the set after the first release: the rolling production holds it alone
    responsive.add_records(tmp_archive, corpus.number, [corpus.ids["c9"]])
    choices = production_choices(tmp_archive, corpus.number)
    assert choices.released == {"pdf": len(before)}
    # c9 and the private message m6, which stays out unless it is included
    assert choices.new_for("pdf") == 2 and choices.new_for("xlsx") == choices.records
    assert [r.record_id for r in choices.restricted] == [corpus.ids["m6"]]
    assert choices.restricted[0].excerpt == f"private {h.RESTRICTED}"
    second = produce(tmp_archive, corpus.number, only_new=True, out_dir=tmp_path / "two")
    assert _produced_ids(tmp_archive, second.production) == [corpus.ids["c9"]]
    assert second.records == 1
    assert _n(second.bates_first) == _n(first.bates_last) + 1
    with tmp_archive.read() as conn:
        assert store.get_production(conn, second.production).options["only_new"] is True
    # nothing new: refused with a sentence, no numbers used
    with pytest.raises(ProduceError, match="no records that its earlier PDF releases"):
        produce(tmp_archive, corpus.number, only_new=True, out_dir=tmp_path / "three")
    # the rolling production re-makes byte for byte although the set is now all produced
    again = reproduce(tmp_archive, second.production, tmp_path / "again")
    for made, remade in zip(second.files, again.files, strict=True):
        assert made.read_bytes() == remade.read_bytes()
    # an XLSX of the whole set takes each record's number from the PDF that holds it
    workbook = produce(tmp_archive, corpus.number, file_format="xlsx", out_dir=tmp_path / "x")
    assert workbook.bates_first is None
    with tmp_archive.read() as conn:
        options = store.get_production(conn, workbook.production).options
        numbers = {
            r.record_id: r.first for r in store.production_records(conn, workbook.production)
        }
        pdf_numbers = {
            r.record_id: r.first
            for made in (first, second)
            for r in store.production_records(conn, made.production)
        }
    assert options["control_numbers"] == "pdf"
    assert options["control_from_all"] == [first.production, second.production]
    assert numbers == pdf_numbers
    assert "PDF productions" in options["control_note"]


def test_an_xlsx_rolling_production_ignores_pdf_releases(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    corpus = h.build_corpus(tmp_archive)
    pdf = produce(tmp_archive, corpus.number, out_dir=tmp_path / "p")
    xlsx = produce(tmp_archive, corpus.number, file_format="xlsx", only_new=True, out_dir=tmp_path)
    assert xlsx.records == pdf.records  # no XLSX release yet: the whole set


def test_cancel_while_laying_out_stores_nothing_and_uses_no_numbers(
    tmp_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = h.build_corpus(tmp_archive)
    cancel = threading.Event()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))
        if message.startswith("Laying out"):
            cancel.set()  # the renderer must notice before it finishes its records

    finished = []
    real = pdf_mod.render_pdf

    def spy(*args: object, **kwargs: object) -> object:
        made = real(*args, **kwargs)  # type: ignore[arg-type]
        finished.append(made)
        return made

    monkeypatch.setattr(pdf_mod, "render_pdf", spy)
    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        produce(tmp_archive, corpus.number, out_dir=out, progress=progress, cancel=cancel)
    assert finished == []  # stopped inside the layout, not after it
    assert any(m.startswith("Applying") for _d, _t, m in seen)
    with tmp_archive.read() as conn:
        assert store.state(conn, corpus.number).next_bates == 1
        assert store.list_productions(tmp_archive, corpus.number) == []
    assert list(out.iterdir()) == []
    made = produce(tmp_archive, corpus.number, out_dir=out)
    assert _n(made.bates_first) == 1


def test_cancel_while_planning(tmp_archive: Archive) -> None:
    corpus = h.build_corpus(tmp_archive)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        build_plan(tmp_archive, corpus.number, key=KEY, cancel=cancel)


def test_xlsx_cancel_between_records() -> None:
    from retention_desk.production.xlsx import XlsxInput, render_xlsx

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        render_xlsx(hostile_plan(), XlsxInput({}, "", "2026-03-04"), cancel=cancel)


def test_the_story_is_fed_a_few_records_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = hostile_plan()
    many = tuple(
        replace(rec, record_id=rec.record_id + 1000 * n, thread_id=None)
        for n in range(40)
        for rec in plan.records
    )
    big = replace(plan, records=many)
    queued: list[int] = []
    made_flowables = 0
    real_record = pdf_mod._Writer.record

    def record(self: pdf_mod._Writer, rec: object) -> list[object]:
        nonlocal made_flowables
        out = real_record(self, rec)  # type: ignore[arg-type]
        made_flowables += len(out)
        return out  # type: ignore[return-value]

    real_len = pdf_mod._Feed.__len__

    def length(self: pdf_mod._Feed) -> int:
        n = real_len(self)
        queued.append(n)
        return n

    monkeypatch.setattr(pdf_mod._Writer, "record", record)
    monkeypatch.setattr(pdf_mod._Feed, "__len__", length)
    made = pdf_mod.render_pdf(big, bates_prefix="RD", bates_start=1, produced_on=date(2026, 3, 4))
    assert made.pages > 40 and len(made.record_pages) == len(many)
    assert made_flowables > 1000
    # never more than two batches of flowables waiting, whatever the production's size
    assert max(queued) <= 2 * pdf_mod._Feed.LOW + 64
