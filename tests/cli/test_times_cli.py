"""Times are shown one way everywhere: CLI `info` and `show` write them as the GUI does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.info import archive_info
from retention_desk.demo import build_demo_archive
from retention_desk.search import record_detail
from retention_desk.timefmt import show_time
from retention_desk.ui.formatting import local_time, zone

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "retention_desk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_archive(tmp_path_factory.mktemp("demo") / "demo.rdesk")


def _line(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(label))


def test_info_times_in_the_agency_zone_or_utc(demo: Path) -> None:
    with Archive.open(demo) as archive:
        settings = archive.settings()
        info = archive_info(archive)
    tz = zone(settings.time_zone)
    out = cli("--archive", str(demo), "info")
    assert _line(out, "Created:") == f"Created:        {show_time(info.created_at, tz)}"
    assert _line(out, "Created:").endswith((" MST", " MDT"))
    assert f"Time zone:      {settings.time_zone}" in out
    assert "  Facebook " in out and "  X " in out  # the platform names of the GUI
    out_utc = cli("--archive", str(demo), "info", "--utc")
    assert _line(out_utc, "Created:").endswith(" UTC")
    assert _line(out_utc, "Last import:").endswith(" UTC")


def test_show_writes_times_as_the_gui_does(demo: Path) -> None:
    with Archive.open(demo) as archive:
        tz = zone(archive.settings().time_zone)
        detail = record_detail(archive, 1)
    created = detail.record.created_at
    out = cli("--archive", str(demo), "show", "1")
    gui = local_time(created, tz)
    assert _line(out, "Created:").startswith(f"Created:   {gui} (as written:")
    assert gui.endswith((" MST", " MDT"))
    out_utc = cli("--archive", str(demo), "show", "1", "--utc")
    assert _line(out_utc, "Created:").startswith(
        f"Created:   {show_time(created, tz, utc=True)} (as written:"
    )
    assert " UTC (as written:" in _line(out_utc, "Created:")
