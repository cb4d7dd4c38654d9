"""The moderation log: reasons recorded and listed, unreasoned removals flagged, filters,
refusals, the audit (ids and codes, never the reason) and the exports (never formulas)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.oversight import moderation as mod
from retention_desk.oversight import moderation_export as export
from tests.oversight.moderation_corpus import HOSTILE, build


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[tuple[Archive, dict[str, int]]]:
    archive, ids = build(tmp_path / "m.rdesk")
    yield archive, ids
    archive.close()


def _ids(entries: list[mod.ModerationEntry]) -> set[int]:
    return {e.record_id for e in entries}


def test_removals_listed_and_unreasoned_flagged(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, ids = corpus
    removed = {ids[k] for k in ("c1", "c2", "c3", "c5", "r1", "tr1")}
    log = mod.list_moderation(archive)
    # a deleted post (t2) and a deleted message (m1) are not moderation
    assert _ids(log) == removed
    assert all(e.unreasoned for e in log)
    assert _ids(mod.list_moderation(archive, unreasoned_only=True)) == removed


def test_reason_recorded_and_listed(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, ids = corpus
    done = mod.record_reason(
        archive,
        ids["c1"],
        "LC-PROFANE",
        "swore at a neighbour",
        acted_by="J. Clerk",
        acted_at="2025-03-03 09:15",
    )
    assert (done.action, done.category, done.acted_by) == ("hidden", "lc-profane", "J. Clerk")
    # 09:15 in Denver (MST, UTC-7)
    assert done.acted_at == "2025-03-03T16:15:00.000000Z"
    entry = next(e for e in mod.list_moderation(archive) if e.record_id == ids["c1"])
    assert not entry.unreasoned and entry.removed
    assert (entry.category, entry.reason, entry.acted_by) == (
        "lc-profane",
        "swore at a neighbour",
        "J. Clerk",
    )
    assert ids["c1"] not in _ids(mod.list_moderation(archive, unreasoned_only=True))
    assert _ids(mod.list_moderation(archive, category="lc-profane")) == {ids["c1"]}
    # a later entry is the latest: the filter follows it
    mod.record_reason(archive, ids["c1"], "lc-off-topic", "it was off topic after all")
    assert _ids(mod.list_moderation(archive, category="lc-profane")) == set()
    assert _ids(mod.list_moderation(archive, category="lc-off-topic")) == {ids["c1"]}
    assert [a.category for a in mod.actions_of(archive, ids["c1"])] == [
        "lc-profane",
        "lc-off-topic",
    ]


def test_report_without_removal_and_author_deletion(
    corpus: tuple[Archive, dict[str, int]],
) -> None:
    archive, ids = corpus
    # CMP 1.12: report rather than delete; the comment stays up and joins the log
    kept = mod.record_reason(archive, ids["c4"], "dhs-abusive", "reported to the PIO")
    assert kept.action == "reported"
    mod.record_reason(archive, ids["c4"], "dhs-abusive", "PIO kept it up", action="kept")
    entry = next(e for e in mod.list_moderation(archive) if e.record_id == ids["c4"])
    assert (entry.removed, entry.unreasoned, entry.action, entry.action_count) == (
        False,
        False,
        "kept",
        2,
    )
    # the author's own deletion needs no category and is not unreasoned
    own = mod.record_reason(archive, ids["c3"], "", "deleted by the resident", acted_by="Author")
    assert (own.action, own.category, own.acted_by) == ("deleted", "", "author")
    entry = next(e for e in mod.list_moderation(archive) if e.record_id == ids["c3"])
    assert entry.by_author and not entry.unreasoned
    assert mod.flag_word(entry) == "removed by its author"


@pytest.mark.parametrize(
    ("key", "category", "note", "kw", "message"),
    [
        (
            "c1",
            "nonsense",
            "n",
            {},
            "is not one of dhs-abusive, .*lc-profane, .*dps-personal-attacks",
        ),
        ("c1", "", "n", {}, "needs a category"),
        ("c1", "lc-profane", "  ", {}, "needs the reason"),
        ("c1", "lc-profane", "n", {"action": "vanished"}, "must be one of hidden"),
        ("c1", "lc-profane", "n", {"acted_by": "author", "action": "hidden"}, "author's own"),
        ("c1", "lc-profane", "n", {"acted_at": "yesterday"}, "not a date"),
        ("c1", "lc-profane", "n", {"acted_at": "2999-01-01"}, "ahead"),
        ("c1", "lc-profane", "n", {"acted_at": "2020-01-01"}, "was created on"),
        ("m1", "lc-profane", "n", {}, "is a message"),
    ],
)
def test_refusals(
    corpus: tuple[Archive, dict[str, int]],
    key: str,
    category: str,
    note: str,
    kw: dict[str, str],
    message: str,
) -> None:
    archive, ids = corpus
    with pytest.raises(mod.ModerationError, match=message):
        mod.record_reason(archive, ids[key], category, note, **kw)  # type: ignore[arg-type]
    assert mod.actions_of(archive, ids[key]) == []


def test_unknown_record_and_account(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, _ = corpus
    with pytest.raises(mod.ModerationError, match="no record 9999"):
        mod.record_reason(archive, 9999, "lc-profane", "n")
    with pytest.raises(mod.ModerationError, match="No account"):
        mod.list_moderation(archive, account="nobody")


def test_filters_by_account_and_year(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, ids = corpus
    assert _ids(mod.list_moderation(archive, account="@sandiapd")) == {ids["tr1"]}
    assert _ids(mod.list_moderation(archive, account="x/sandiapd")) == {ids["tr1"]}
    assert _ids(mod.list_moderation(archive, year=2026)) == {ids["c5"]}
    assert ids["c5"] not in _ids(mod.list_moderation(archive, year=2025))


def test_audit_has_ids_and_code_never_the_reason(
    corpus: tuple[Archive, dict[str, int]],
) -> None:
    archive, ids = corpus
    secret = "REASONSECRET Maria Example"
    mod.record_reason(archive, ids["c2"], "lc-profane", secret, acted_by="WHOSECRET")
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT object_ids, details FROM audit_log WHERE action = 'moderation.reason'"
        ).all()
    assert len(rows) == 1
    details = json.loads(rows[0][1])
    assert details["category"] == "lc-profane" and details["record"] == ids["c2"]
    assert json.loads(rows[0][0]) == [ids["c2"]]
    assert "SECRET" not in rows[0][1]


def test_exports_never_formulas(corpus: tuple[Archive, dict[str, int]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    archive, ids = corpus
    mod.record_reason(archive, ids["c2"], "lc-profane", "=1+1 " + HOSTILE, acted_by="@evil")
    entries = mod.list_moderation(archive)
    export.write_xlsx(entries, tmp_path / "m.xlsx")
    export.write_csv(entries, tmp_path / "m.csv")
    ws = load_workbook(tmp_path / "m.xlsx").active
    assert ws is not None
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type in ("s", "n") for c in cells)
    texts = [str(c.value) for c in cells if c.data_type == "s"]
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert any("HYPERLINK" in t for t in texts)  # kept, as text
    assert not any("\x1b" in t for t in texts)
    with (tmp_path / "m.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(export.HEADER)
    assert len(rows) == len(entries) + 1
    values = [v for r in rows[1:] for v in r]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert any(v == "'@evil" for v in values)
