"""The task runner: results, errors and cancellation arrive as signals on the GUI thread."""

from __future__ import annotations

import threading

import pytest

from retention_desk.archive import ArchiveBusy, Cancelled
from retention_desk.ui.tasks import Task, TaskRunner


@pytest.fixture
def runner(qtbot) -> TaskRunner:
    runner = TaskRunner()
    yield runner
    runner.cancel_all()
    runner.wait()


def test_result_and_progress_arrive_on_gui_thread(qtbot, runner: TaskRunner) -> None:
    gui = threading.get_ident()
    seen: list[tuple[int, int, str, bool]] = []

    def work(progress, cancel):
        progress(0, 2, "starting")
        progress(2, 2, "done")  # the final report is never throttled away
        return threading.get_ident()

    task = Task(work)
    task.progress.connect(lambda d, t, m: seen.append((d, t, m, threading.get_ident() == gui)))
    with qtbot.waitSignal(task.finished) as blocker:
        runner.submit(task)
    assert blocker.args[0] != gui  # the work ran on the worker
    assert seen[-1] == (2, 2, "done", True)
    assert all(on_gui for *_, on_gui in seen)
    assert task.state == "finished" and not runner.busy()


def test_archive_error_message_is_passed_on(qtbot, runner: TaskRunner) -> None:
    def work() -> None:
        raise ArchiveBusy("The archive x.rdesk is busy.")

    task = Task(work, progress=False, cancel=False)
    with qtbot.waitSignal(task.failed) as blocker:
        runner.submit(task)
    assert blocker.args == ["The archive x.rdesk is busy."]
    assert isinstance(task.error, ArchiveBusy)


def test_unexpected_error_is_named(qtbot, runner: TaskRunner) -> None:
    task = Task(lambda: 1 / 0, progress=False, cancel=False)
    with qtbot.waitSignal(task.failed) as blocker:
        runner.submit(task)
    assert blocker.args[0].startswith("Unexpected error (ZeroDivisionError)")


def test_cancel_while_running(qtbot, runner: TaskRunner) -> None:
    def work(progress, cancel):
        progress(0, 0, "waiting for cancel")
        if not cancel.wait(30):  # a generous bound, not a timing assertion
            return "not cancelled"
        raise Cancelled()

    task = Task(work)
    with qtbot.waitSignal(task.progress):
        runner.submit(task)
    with qtbot.waitSignals([task.cancelled, task.ended], order="strict"):
        task.cancel()
    assert task.state == "cancelled" and task.result is None


def test_task_cancelled_before_it_starts_never_runs(qtbot, runner: TaskRunner) -> None:
    release = threading.Event()
    ran: list[str] = []
    blocker_task = Task(lambda: release.wait(30), progress=False, cancel=False)
    queued = Task(lambda: ran.append("ran"), progress=False, cancel=False)
    runner.submit(blocker_task)
    runner.submit(queued)  # single worker: waits behind the first
    queued.cancel()
    with qtbot.waitSignal(queued.cancelled):
        release.set()
    assert ran == []


def test_inline_runner_runs_synchronously(qtbot) -> None:
    runner = TaskRunner(inline=True)
    results: list[object] = []
    task = Task(lambda: 42, progress=False, cancel=False)
    task.finished.connect(results.append)
    runner.submit(task)
    assert results == [42] and task.done


def test_latest_drops_answers_of_superseded_requests() -> None:
    from retention_desk.ui.tasks import Latest

    latest = Latest()
    seen: list[str] = []
    first = latest.next()(seen.append)
    second = latest.next()(seen.append)
    first("stale")
    second("current")
    third = latest.next()(seen.append)
    latest.invalidate()  # e.g. another archive was opened
    third("after invalidate")
    assert seen == ["current"]
