"""The moderation log takes its categories from the policies module
(`retention_desk.oversight.policies.moderation_categories`): a stand-in module proves the
call; the shipped policy files give usable categories, and only the applying policies'
(Settings: policies) are accepted."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.oversight import moderation as mod
from retention_desk.search.engine import SearchEngine
from tests.oversight.moderation_corpus import build


@dataclass(frozen=True)
class _Cat:
    code: str
    label: str
    citation: str
    policy: str


def test_categories_come_from_the_policies_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Archive] = []

    def moderation_categories(archive: Archive) -> list[_Cat]:
        seen.append(archive)
        return [_Cat("x-1", "Stand-in", "1.1", "stand-in")]

    fake = types.ModuleType("retention_desk.oversight.policies")
    fake.moderation_categories = moderation_categories  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "retention_desk.oversight.policies", fake)
    archive, ids = build(tmp_path / "c.rdesk")
    with archive:
        assert [c.code for c in mod.categories(archive)] == ["x-1"]
        mod.record_reason(archive, ids["c1"], "X-1", "stand-in reason")
        with SearchEngine(archive) as engine:
            assert engine.search_ids("moderation:x-1") == [ids["c1"]]
        assert seen and all(a is archive for a in seen)


def test_the_shipped_policies_give_categories(tmp_path: Path) -> None:
    archive, ids = build(tmp_path / "real.rdesk")
    with archive:
        cats = mod.categories(archive)
        assert cats, "no moderation category in the shipped policy files"
        for cat in cats:
            assert cat.code.strip() and cat.label.strip() and cat.citation.strip()
        codes = [c.code for c in cats]
        assert len(set(codes)) == len(codes)
        done = mod.record_reason(archive, ids["c1"], codes[0], "a real category")
        assert done.category == codes[0]
        with SearchEngine(archive) as engine:
            assert engine.search_ids(f'moderation:"{codes[0]}"') == [ids["c1"]]


def test_only_the_applying_policies_categories(tmp_path: Path) -> None:
    from dataclasses import replace

    from retention_desk.search.errors import QueryError

    archive, ids = build(tmp_path / "lc.rdesk")
    with archive:
        archive.update_settings(replace(archive.settings(), policies="las-cruces-cmp-1-12"))
        codes = [c.code for c in mod.categories(archive)]
        assert "lc-profane" in codes and "dhs-abusive" not in codes
        with pytest.raises(mod.ModerationError, match="not one of lc-off-topic"):
            mod.record_reason(archive, ids["c1"], "dhs-abusive", "389.5(a) does not apply")
        with SearchEngine(archive) as engine, pytest.raises(QueryError, match="lc-ownership;"):
            engine.search_ids("moderation:dhs-abusive")
        done = mod.record_reason(archive, ids["c1"], "lc-profane", "II.1.i.ii applies")
        assert done.category == "lc-profane"
