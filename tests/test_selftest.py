"""`retention-desk --self-test`: one line per step, exit 0, nothing written outside its
temporary folder; the first failure names its step and stops the run with exit code 1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retention_desk import paths, selftest
from retention_desk.cli import main

STEP_NAMES = [name for name, _ in selftest.STEPS]


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_self_test_from_the_source_tree(tmp_path: Path) -> None:
    home, tmp, data = tmp_path / "home", tmp_path / "tmp", tmp_path / "data"
    for folder in (home, tmp):
        folder.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TMPDIR": str(tmp),
        paths.ENV_DATA_DIR: str(data),  # the app's usual data folder: must stay untouched
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "retention_desk", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    ok_lines = [line for line in lines if line.startswith("ok ")]
    named = [next(n for n in STEP_NAMES if line[2:].strip().startswith(n)) for line in ok_lines]
    assert named == STEP_NAMES  # one line per step, in order
    assert "FAIL" not in done.stdout
    assert lines[-1].startswith(f"self-test passed: {len(STEP_NAMES)} steps")
    assert any(f"{selftest.QUERY} found {selftest.QUERY_HITS} records" in line for line in lines)
    # the archive, productions and audit anchor lived in a temporary folder, since removed
    assert _tree(tmp) == []
    assert _tree(home) == []
    assert not data.exists()
    assert _tree(tmp_path) == sorted(["home", "tmp"])


def test_a_failing_step_is_named_and_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def broken(ctx: selftest.Context) -> str:
        raise RuntimeError("search index missing")

    def later(ctx: selftest.Context) -> str:
        ran.append("later")
        return "should not run"

    steps = [(name, broken if name == "search" else func) for name, func in selftest.STEPS]
    steps.append(("after", later))
    monkeypatch.setattr(selftest, "STEPS", steps)
    before = os.environ.get(paths.ENV_DATA_DIR)
    out = io.StringIO()
    assert selftest.run(out) == 1
    text = out.getvalue()
    assert "FAIL  search: RuntimeError: search index missing" in text
    assert "ok    import sample" in text
    assert "produce PDF" not in text  # nothing after the failure ran
    assert ran == []
    assert text.rstrip().endswith("self-test FAILED")
    assert os.environ.get(paths.ENV_DATA_DIR) == before  # the run's environment is undone


def test_a_check_that_does_not_hold_fails_its_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "QUERY_HITS", selftest.QUERY_HITS + 1)
    out = io.StringIO()
    assert selftest.run(out) == 1
    assert (
        f"FAIL  search: {selftest.QUERY} found {selftest.QUERY_HITS - 1} records, expected"
        f" {selftest.QUERY_HITS}" in out.getvalue()
    )


def test_the_cli_option_exits_with_the_result(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(ctx: selftest.Context) -> str:
        raise selftest.SelfTestFailure("the sample is missing")

    monkeypatch.setattr(selftest, "STEPS", [("shipped files", broken)])
    with pytest.raises(SystemExit) as exit_info:
        main(["--self-test"])
    assert exit_info.value.code == 1
    assert "FAIL  shipped files: the sample is missing" in capsys.readouterr().out


def test_the_sample_is_what_the_self_test_expects() -> None:
    # counted here independently of the importer: everything after the first '=' is JSON
    raw = (selftest.sample_dir() / "data" / "tweets.js").read_text("utf-8")
    tweets = [item["tweet"] for item in json.loads(raw[raw.index("=") + 1 :])]
    assert len(tweets) == selftest.SAMPLE_RECORDS
    phrase = selftest.QUERY.strip('"')
    assert sum(phrase in t["full_text"] for t in tweets) == selftest.QUERY_HITS


def test_shipped_files_are_found_in_a_frozen_layout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.is_frozen()
    assert paths.resources_dir() == tmp_path.resolve() / "resources"
    assert paths.schedules_dir() == tmp_path.resolve() / "schedules"
    monkeypatch.delattr(sys, "frozen")
    assert not paths.is_frozen()
    assert (paths.resources_dir() / "ipra.toml").is_file()
    assert sorted(paths.schedules_dir().glob("*.toml"))
