"""Import page details (issue 9): progress that moves with the bytes read inside one large
file and stays where a cancelled import stopped; Add files says why it refused a file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from retention_desk.archive import Archive
from retention_desk.importers.run import run_import
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.imports import view as import_view
from retention_desk.ui.imports.view import ImportView
from retention_desk.ui.tasks import TaskRunner
from tests.ui.test_import_view import WAIT_MS, _previewed, _vendor_export


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "progress.rdesk", operator="pytest")
    yield arch
    arch.close()


@pytest.fixture
def view(qtbot: Any, archive: Archive) -> Iterator[ImportView]:
    runner = TaskRunner()
    page = ImportView(runner, ArchiveChanges())
    qtbot.addWidget(page)
    page.set_archive(archive)
    yield page
    runner.cancel_all()
    runner.wait()  # before the archive fixture closes the engine under a running task


def test_progress_moves_with_the_bytes_of_one_large_file(tmp_path: Path, archive: Archive) -> None:
    path = _vendor_export(tmp_path / "big.csv", rows=20_000)
    size = path.stat().st_size
    seen: list[tuple[int, int]] = []
    summary = run_import(archive, [path], progress=lambda d, t, _m: seen.append((d, t)))
    assert summary.status == "completed"
    assert {t for _d, t in seen} == {size}  # the unit is the input's bytes
    values = [d for d, _t in seen]
    assert values == sorted(values)  # never goes back
    inside = {d for d in values if 0 < d < size}
    assert len(inside) >= 4  # moves within the one file (hashed, kept, parsed), not 0 then 100%
    assert values[-1] == size


def test_cancelled_import_does_not_show_100_percent(
    qtbot: Any,
    view: ImportView,
    archive: Archive,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    path = _vendor_export(tmp_path / "big.csv", rows=20_000)
    _previewed(qtbot, view, path)
    reached, resume = threading.Event(), threading.Event()
    real_run_import = import_view.run_import

    def gated(*args: Any, progress: Any, cancel: threading.Event) -> Any:
        # hold the worker part-way into the file until Cancel has been pressed
        def gate(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if 0 < done < total and not reached.is_set():
                reached.set()
                resume.wait(WAIT_MS / 1000)

        return real_run_import(*args, progress=gate, cancel=cancel)

    monkeypatch.setattr(import_view, "run_import", gated)
    view.start_import()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    view.cancel_import()
    with qtbot.waitSignal(view.import_finished, timeout=WAIT_MS) as blocker:
        resume.set()
    assert blocker.args[0].status == "cancelled"
    assert view.progress.value() < view.progress.maximum()
    assert "cancelled" in view.progress_message.text()


def test_add_files_says_why_it_refused_each_file(
    qtbot: Any, view: ImportView, tmp_path: Path
) -> None:
    good = _vendor_export(tmp_path / "vendor.csv")
    _previewed(qtbot, view, good)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    missing = tmp_path / "gone.zip"
    other_archive = tmp_path / "old.rdesk"
    other_archive.write_bytes(b"x")
    refused = view.add_paths([good, empty, missing, other_archive])
    reasons = {Path(r.path).name: r.reason for r in refused}
    assert reasons["vendor.csv"] == "already in the list"
    assert reasons["empty.csv"].startswith("is empty")
    assert reasons["gone.zip"].startswith("does not exist")
    assert "Retention Desk archive" in reasons["old.rdesk"]
    shown = view.refused_label.text()
    assert not view.refused_label.isHidden()
    for name in ("vendor.csv", "empty.csv", "gone.zip", "old.rdesk"):
        assert name in shown
    assert view.inputs.count() == 1  # nothing refused was added
    # a folder's file while the folder is listed: refused with the reason
    folder = tmp_path / "export"
    folder.mkdir()
    inner = _vendor_export(folder / "inner.csv")
    view.clear_inputs()
    assert view.refused_label.isHidden()
    view.add_paths([folder])
    (refusal,) = view.add_paths([inner])
    assert refusal.reason.startswith("is inside")
