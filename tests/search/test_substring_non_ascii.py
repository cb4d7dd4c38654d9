"""Migration 0017: the substring index holds only versions with a character outside ASCII.

What may not change: every substring term still finds every version that holds it (ASCII
punctuation by reading the texts), FTS5's own integrity-check still passes after inserts,
updates that move a version into or out of the index, and deletes, and an archive written at
0016 (every version indexed) is brought to the smaller index when opened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st

from retention_desk.archive import Archive, migrate
from retention_desk.search import SearchEngine
from tests.search.conftest import rec, write


def _indexed(path: Path) -> set[int]:
    """The versions the trigram index holds (each asked by its text's first trigram)."""
    raw = sqlite3.connect(path)
    try:
        found = set()
        for vid, body in raw.execute("SELECT id, text FROM record_versions").fetchall():
            gram = '"' + body[:3].replace('"', '""') + '"'
            hit = raw.execute(
                "SELECT 1 FROM record_fts_trigram WHERE record_fts_trigram MATCH ? AND rowid = ?",
                (gram, vid),
            ).fetchone()
            if hit:
                found.add(vid)
        return found
    finally:
        raw.close()


def _vid(path: Path, key: str) -> int:
    raw = sqlite3.connect(path)
    try:
        return raw.execute(
            "SELECT v.id FROM record_versions v JOIN records r ON r.id = v.record_id"
            " WHERE r.record_key = ?",
            (key,),
        ).fetchone()[0]
    finally:
        raw.close()


def _integrity(path: Path) -> None:
    raw = sqlite3.connect(path)
    try:
        for index in ("record_fts", "record_fts_trigram"):
            raw.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
    finally:
        raw.close()


TEXTS = {
    "zh": "关于政治的讨论很多",
    "fire": "parade 🔥 tonight",
    "es": "cañon road is open",
    "cut": "RT @city: the road is closed from the bridge…",
    "en": "road closure?! on main",
    "en2": "nothing special here",
}


def _populated(path: Path) -> None:
    with Archive.create(path, operator="pytest") as archive:
        write(archive, [rec(key, text) for key, text in TEXTS.items()])


def test_only_versions_outside_ascii_are_indexed(tmp_path: Path) -> None:
    path = tmp_path / "a.rdesk"
    _populated(path)
    assert _indexed(path) == {_vid(path, k) for k in ("zh", "fire", "es", "cut")}
    _integrity(path)


def test_every_substring_term_still_finds_every_holder(tmp_path: Path) -> None:
    path = tmp_path / "a.rdesk"
    _populated(path)
    with Archive.open(path) as archive, SearchEngine(archive) as engine:
        assert len(engine.search_ids("政治")) == 1
        assert len(engine.search_ids("政治的讨")) == 1
        assert len(engine.search_ids("🔥")) == 1
        # ASCII punctuation: outside the index, found by reading the texts
        assert len(engine.search_ids("?!")) == 1
        assert len(engine.search_ids("…")) == 1
        assert len(engine.search_ids("road")) == 3


def test_updates_move_versions_in_and_out_and_deletes_leave_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.rdesk"
    _populated(path)
    zh, en = _vid(path, "zh"), _vid(path, "en")
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        # out of the index (now ASCII), into it (now not), and a deletion of an indexed one
        raw.execute("UPDATE record_versions SET text = 'plain now' WHERE id = ?", (zh,))
        raw.execute("UPDATE record_versions SET text = 'señal ?!' WHERE id = ?", (en,))
        raw.execute("DELETE FROM record_versions WHERE id = ?", (_vid(path, "fire"),))
        raw.execute("DELETE FROM record_versions WHERE id = ?", (_vid(path, "en2"),))
    finally:
        raw.close()
    _integrity(path)
    assert _indexed(path) == {en, _vid(path, "es"), _vid(path, "cut")}


def test_an_archive_written_at_0016_is_reindexed_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.rdesk"
    _populated(path)
    with Archive.open(path) as archive:
        cfg = migrate.alembic_config()
        with archive.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0016")
    # at 0016 every version is in the index
    assert len(_indexed(path)) == len(TEXTS)
    _integrity(path)
    with Archive.open(path) as archive:
        assert archive.schema_version() == migrate.head_revision()
        with SearchEngine(archive) as engine:
            assert len(engine.search_ids("政治的")) == 1
            assert len(engine.search_ids("?!")) == 1
    assert len(_indexed(path)) == 4
    _integrity(path)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=st.sampled_from("ab ?!.政治🔥ñ…"), min_size=1, max_size=12),
        min_size=1,
        max_size=6,
    ),
    needle=st.text(alphabet=st.sampled_from("ab?!.政治🔥ñ…"), min_size=1, max_size=4),
)
def test_substring_search_agrees_with_reading_the_texts(
    tmp_path_factory: object, texts: list[str], needle: str
) -> None:
    """Whatever the mix of ASCII and not, a substring term finds exactly the texts holding it
    (the engine folds ASCII case only; none of these letters differ by case)."""
    path = tmp_path_factory.mktemp("h") / "h.rdesk"  # type: ignore[attr-defined]
    with Archive.create(path, operator="pytest") as archive:
        write(archive, [rec(f"k{n}", t) for n, t in enumerate(texts)])
        with SearchEngine(archive) as engine:
            from retention_desk.search.query import has_token_chars

            if has_token_chars(needle) and not any(ch in "政治" for ch in needle):
                return  # letters of a spaced script: a word search, not a substring one
            expected = sum(1 for t in texts if needle in t)
            found = len(engine.search_ids(needle))
            assert found == expected, (texts, needle)
    _integrity(path)


def test_verify_fails_an_index_holding_a_version_it_should_not(tmp_path: Path) -> None:
    """The view is the index's content: an ASCII version slipped into the substring index (or
    one left behind by a trigger that was dropped) is out of step, and verify says so."""
    from retention_desk.archive.verify import verify_path

    path = tmp_path / "a.rdesk"
    _populated(path)
    assert next(c for c in verify_path(path).checks if c.name == "search_index").status == "ok"
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute(
            "INSERT INTO record_fts_trigram(rowid, title, text) VALUES (?, NULL, ?)",
            (_vid(path, "en2"), TEXTS["en2"]),
        )
    finally:
        raw.close()
    check = next(c for c in verify_path(path).checks if c.name == "search_index")
    assert check.status == "fail", check
