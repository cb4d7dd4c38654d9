"""Open files in LibreOffice headless (the office suite agencies and requesters use) by
converting them: a file LibreOffice cannot open produces no output.

Skips where LibreOffice is not installed, except when `RETENTION_DESK_REQUIRE_LIBREOFFICE` is
set (`.ci/run` installs it and sets it): there a missing LibreOffice is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("RETENTION_DESK_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def convert(path: Path, target: str, out_dir: Path, *, infilter: str | None = None) -> Path:
    """`path` converted by LibreOffice to `target` (e.g. "csv", "pdf", "txt:Text"); the
    converted file, which the test then reads. Fails the test when nothing comes out."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # a profile of its own: a second LibreOffice (or a developer's open one) would block it
    profile = out_dir / "lo-profile"
    cmd = [
        soffice(),
        f"-env:UserInstallation=file://{profile.resolve()}",
        "--headless",
        "--norestore",
    ]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", target, "--outdir", str(out_dir), str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    produced = out_dir / f"{path.stem}.{target.split(':')[0]}"
    assert produced.is_file() and produced.stat().st_size > 0, (
        f"LibreOffice could not open {path.name}: {done.stdout} {done.stderr}"
    )
    return produced
