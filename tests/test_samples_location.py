"""The real samples live outside the repository: missing, their tests skip with a reason on a
developer's clone and fail in CI (RETENTION_DESK_REQUIRE_SAMPLES, exported by .ci/run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider"]


def run_sample_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # A one-test session using tests/conftest.py as a plugin: the `samples` fixture exactly as
    # the importer tests get it, without importing (or depending on) any importer.
    test_file = tmp_path / "test_uses_samples.py"
    test_file.write_text("def test_reads_samples(samples):\n    assert samples.is_dir()\n")
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RETENTION_DESK_SAMPLES", "RETENTION_DESK_REQUIRE_SAMPLES")
    }
    return subprocess.run(
        [*PYTEST, "-p", "tests.conftest", str(test_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        timeout=120,
    )


def test_missing_samples_skip_with_where_and_how(tmp_path: Path) -> None:
    empty = tmp_path / "no-samples"
    empty.mkdir()
    result = run_sample_test(tmp_path, RETENTION_DESK_SAMPLES=str(empty))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    reason = next(line for line in result.stdout.splitlines() if line.startswith("SKIPPED"))
    assert str(empty) in reason and "RETENTION_DESK_SAMPLES" in reason


def test_required_samples_fail_instead(tmp_path: Path) -> None:
    result = run_sample_test(
        tmp_path,
        RETENTION_DESK_SAMPLES=str(tmp_path / "absent"),
        RETENTION_DESK_REQUIRE_SAMPLES="1",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "skipped" not in result.stdout
    assert str(tmp_path / "absent") in result.stdout
    assert "RETENTION_DESK_REQUIRE_SAMPLES is set" in result.stdout


def test_samples_are_found_where_pointed(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "SOURCES.md").write_text("x")
    result = run_sample_test(tmp_path, RETENTION_DESK_SAMPLES=str(folder))
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout


def test_ci_requires_the_samples() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "export RETENTION_DESK_REQUIRE_SAMPLES=1" in script
