"""The destruction benchmark runs end to end at a tiny size and prints its table (no timings
are asserted: the machine is shared, and the exit code includes the 60 s target)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import destroy_bench


def test_destroy_bench_prints_its_table_and_both_sides_delete_the_same_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    out_json = tmp_path / "result.json"
    destroy_bench.main(
        ["--records", "1500", "--destroy", "150", "--cache", str(cache), "--json", str(out_json)]
    )
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert "| phase | ours s | bare s | ratio |" in lines
    for _key, label in destroy_bench.PHASES:
        row = next((line for line in lines if line.startswith(f"| {label} |")), None)
        assert row is not None, label
    assert any(line.startswith("| **total** (target 60 s) |") for line in lines)
    result = json.loads(out_json.read_text(encoding="utf-8"))
    on_report = result["meta"]["records"]
    assert on_report > 0  # about 150: records eligible on the same day all go
    assert result["ours"]["destroyed"] == on_report
    assert result["ours"]["purged"] is True
    assert result["bare"]["destroyed"] == on_report
    # the work copies are removed; the generated and the prepared archives stay for reruns
    assert sorted(p.name for p in cache.iterdir()) == [
        "archive-1500-s7.rdesk",
        "destroy-1500-s7-d150.json",
        "destroy-1500-s7-d150.rdesk",
    ]
