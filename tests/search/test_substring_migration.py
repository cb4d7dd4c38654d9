"""Migration 0005: an archive written at 0004 (no trigram index) is upgraded when opened, and
the text it already held becomes findable by substring."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from retention_desk.archive import Archive, migrate
from retention_desk.archive.fts import tidy_search_index
from retention_desk.search import SearchEngine
from tests.search.conftest import rec, write


def _tables(path: Path) -> set[str]:
    raw = sqlite3.connect(path)
    try:
        return {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    finally:
        raw.close()


def _as_written_at_0004(path: Path) -> None:
    with Archive.open(path) as archive:
        cfg = migrate.alembic_config()
        with archive.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")


def test_populated_0004_archive_upgrades_and_finds_substrings(tmp_path: Path) -> None:
    path = tmp_path / "old.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        write(
            archive,
            [
                rec("zh", "关于政治的讨论很多"),
                rec("ja", "今日は政治についての議論です"),
                rec("fire", "parade 🔥"),
                rec("en", "road closure"),
            ],
        )
    _as_written_at_0004(path)
    assert "record_fts_trigram" not in _tables(path)
    assert not any(name.startswith("record_versions_tri") for name in _tables(path))

    with Archive.open(path) as archive:
        assert archive.schema_version() == migrate.head_revision()
        assert list(tmp_path.glob("old.rdesk.pre-0004-*.bak"))  # backed up first
        with SearchEngine(archive) as engine:
            assert len(engine.search_ids("政治")) == 2
            assert len(engine.search_ids("政治について")) == 1
            assert len(engine.search_ids("🔥")) == 1
            assert len(engine.search_ids("road")) == 1
        # text written after the upgrade is indexed by the new triggers
        write(archive, [rec("zh2", "新的政治议题")], source="later.json")
        with SearchEngine(archive) as engine:
            assert len(engine.search_ids("政治议")) == 1
        with archive.write() as conn:
            assert tidy_search_index(conn, 5) == "merge"
    raw = sqlite3.connect(path)
    try:
        # FTS5's own check: the trigram index agrees with record_versions
        raw.execute(
            "INSERT INTO record_fts_trigram(record_fts_trigram, rank) VALUES ('integrity-check', 1)"
        )
    finally:
        raw.close()


def test_downgrade_removes_the_trigram_index(tmp_path: Path) -> None:
    path = tmp_path / "a.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        write(archive, [rec("zh", "政治")])
    assert {"record_fts_trigram", "record_fts_trigram_data"} <= _tables(path)
    _as_written_at_0004(path)
    assert not any(name.startswith("record_fts_trigram") for name in _tables(path))
