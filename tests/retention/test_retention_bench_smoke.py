"""The retention benchmark runs end to end at a tiny size and prints its table (no timings are
asserted: the machine is shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import retention_bench


def test_bench_prints_its_table_and_the_paths_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json = tmp_path / "result.json"
    code = retention_bench.main(
        ["--records", "1500", "--cache", str(tmp_path / "cache"), "--json", str(out_json)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    lines = printed.splitlines()
    header = next(line for line in lines if line.startswith("| operation |"))
    assert "ours wall s" in header and "bare wall s" in header and "ratio CPU" in header
    for label in retention_bench.OP_LABELS.values():
        row = next((line for line in lines if line.startswith(f"| {label} |")), None)
        assert row is not None, label
        assert "n/a" not in row  # the bare side measured every operation
    assert "moved 0 record(s)" in printed
    result = json.loads(out_json.read_text(encoding="utf-8"))
    assert [o["op"] for o in result["ours"]["ops"]] == list(retention_bench.OPS)
    assert [o["op"] for o in result["bare"]["ops"]] == list(retention_bench.OPS)
    # the work copy is removed; the generated archive stays for the next run
    cache = tmp_path / "cache"
    assert [p.name for p in cache.iterdir()] == ["archive-1500-s7.rdesk"]
