"""Starting the GUI where no window can be shown: one line and exit 1, never Qt's core dump."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from retention_desk import displaycheck
from retention_desk.displaycheck import XCB_LIBRARIES, display_problem

REPO = Path(__file__).resolve().parents[1]

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display check")


def run_without_display(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    return subprocess.run(
        [sys.executable, "-m", "retention_desk", *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(REPO), **extra},
        timeout=120,
    )


def assert_one_clean_line(result: subprocess.CompletedProcess[str]) -> str:
    # Without the check Qt aborts: returncode -6 (SIGABRT) and several qt.qpa lines.
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "qt.qpa" not in result.stderr
    assert lines[0].startswith("retention-desk: ")
    assert "QT_QPA_PLATFORM=offscreen" in lines[0]
    return lines[0]


@linux_only
@pytest.mark.parametrize("command", [["gui"], []])
def test_gui_without_display_says_why(command: list[str], tmp_path: Path) -> None:
    line = assert_one_clean_line(
        run_without_display("--archive", str(tmp_path / "a.rdesk"), *command)
    )
    assert "DISPLAY" in line


@linux_only
def test_demo_without_display_says_why_before_building() -> None:
    result = run_without_display("demo", "--rebuild")
    assert "DISPLAY" in assert_one_clean_line(result)
    assert result.stdout == ""  # no "Demo archive: ..." built for a window that cannot open


@linux_only
def test_unreachable_x_server_says_why(tmp_path: Path) -> None:
    result = run_without_display("--archive", str(tmp_path / "a.rdesk"), "gui", DISPLAY=":4077")
    line = assert_one_clean_line(result)
    # Either the xcb libraries are missing (named) or the server is not there (named).
    assert "':4077'" in line or "apt-get install" in line


def test_missing_library_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        displaycheck,
        "XCB_LIBRARIES",
        {"libretention-desk-absent.so.7": "libretention-desk-absent7", "libc.so.6": "libc6"},
    )
    problem = displaycheck.xcb_problem()
    assert problem is not None
    assert "(libretention-desk-absent.so.7)" in problem
    assert "sudo apt-get install -y libretention-desk-absent7 (" in problem


def test_unloadable_plugin_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A dependency the table does not know about: the plugin itself fails to load.
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(b"not an ELF file")
    monkeypatch.setattr(displaycheck, "XCB_LIBRARIES", {})
    monkeypatch.setattr(displaycheck, "_xcb_plugin", lambda: broken)
    problem = displaycheck.xcb_problem()
    assert problem is not None and "cannot be loaded" in problem and str(broken) in problem


@linux_only
def test_no_check_when_the_platform_is_chosen_or_wayland() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert "DISPLAY" in (display_problem({}) or "")
    assert "DISPLAY" in (display_problem({"QT_QPA_PLATFORM": "xcb"}) or "")


def test_readme_installs_every_library_the_check_knows() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^sudo apt-get install -y (.+)$", readme, flags=re.MULTILINE)
    assert len(commands) == 1
    assert set(XCB_LIBRARIES.values()) <= set(commands[0].split())
