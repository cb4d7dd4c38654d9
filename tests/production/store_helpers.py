"""Helpers of the production store tests: a request in a fresh archive, and stand-ins for
the plan and the PDF renderer (hand-built plans, a deterministic fake PDF) so the store,
numbering and XLSX are tested apart from the plan's own tests."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from retention_desk.archive.store import Archive
from retention_desk.ipra import requests
from retention_desk.production import produce as produce_mod
from retention_desk.production.model import ProductionPlan


def new_request(archive: Archive) -> str:
    detail = requests.new_request(
        archive,
        received_at=datetime(2026, 3, 2, 18, tzinfo=UTC),
        via="email",
        name="Ana Requester",
        email="ana@example.org",
        description="All comments in March 2026",
    )
    return detail.number


@dataclass
class FakePdf:
    data: bytes
    pages: int
    record_pages: dict[int, tuple[int, int]]
    log_pages: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fakes:
    """Counts the plans built and PDFs laid out; `barrier` makes the first layout of each of
    two concurrent runs wait for the other, so both pick the same next number."""

    plan: ProductionPlan
    plans: int = 0
    renders: int = 0
    starts: list[int] = field(default_factory=list)
    barrier: threading.Barrier | None = None
    raise_in_plan: Exception | None = None
    _seen: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def build_plan(self, _archive: Archive, number: str, **options: Any) -> ProductionPlan:
        self.plans += 1
        if self.raise_in_plan is not None:
            raise self.raise_in_plan
        return replace(self.plan, request_number=number, review=bool(options.get("review")))

    def render_pdf(
        self,
        plan: ProductionPlan,
        *,
        bates_prefix: str | None,
        bates_start: int,
        produced_on: date,
        digits: int = 7,
        progress: Any = None,
        cancel: threading.Event | None = None,
    ) -> FakePdf:
        with self._lock:
            self.renders += 1
            self.starts.append(bates_start)
            first_call = threading.get_ident() not in self._seen
            self._seen.add(threading.get_ident())
        if self.barrier is not None and first_call:
            self.barrier.wait(timeout=60)
        pages: dict[int, tuple[int, int]] = {}
        n = bates_start
        for rec in plan.records:
            count = 1 + len(rec.versions) // 2  # some records take two pages
            pages[rec.record_id] = (n, n + count - 1)
            n += count
        n += 1  # the redaction log's page
        body = repr((plan, bates_prefix, bates_start, produced_on, digits)).encode()
        data = b"%PDF-fake\n" + hashlib.sha256(body).hexdigest().encode() + b"\n%%EOF\n"
        return FakePdf(data, n - bates_start, pages)


def install(monkeypatch: pytest.MonkeyPatch, plan: ProductionPlan) -> Fakes:
    fakes = Fakes(plan)
    monkeypatch.setattr(produce_mod, "_build_plan", fakes.build_plan)
    monkeypatch.setattr(produce_mod, "_render_pdf", fakes.render_pdf)
    return fakes
