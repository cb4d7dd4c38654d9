"""Saved searches: stored, listed, run with their sort, deleted; every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn
from retention_desk.search import (
    QueryError,
    SavedSearchError,
    delete_saved,
    list_saved,
    run_saved,
    save_search,
)
from tests.search.conftest import rec, utc, write


def audit(archive: Archive, action: str) -> list[tuple[str, str, str]]:
    with archive.read() as conn:
        return [
            tuple(r)  # type: ignore[misc]
            for r in conn.execute(
                text(
                    "SELECT operator, object_ids, details FROM audit_log WHERE action = :a"
                    " ORDER BY id"
                ),
                {"a": action},
            )
        ]


def test_save_list_run_delete_with_audit(archive: Archive) -> None:
    keys = write(
        archive,
        [
            rec("a", "snow day", created_at=utc(2020, 1, 1)),
            rec("b", "snow snow snow", created_at=utc(2021, 1, 1)),
        ],
        account=AccountIn("x", "1"),
    )
    saved = save_search(archive, "  Snow   days ", "snow", sort="oldest")
    assert saved.name == "Snow days" and saved.sort == "oldest" and saved.created_by == "pytest"
    assert [s.name for s in list_saved(archive)] == ["Snow days"]
    result = run_saved(archive, "Snow days")
    assert [r.id for r in result.rows] == [keys["a"], keys["b"]]  # saved sort applied
    assert result.total == 2

    rows = audit(archive, "search.save")
    assert len(rows) == 1 and rows[0][0] == "pytest"
    # the query may name a person: it stays in saved_searches, never in the append-only audit
    assert "snow" not in rows[0][2].lower() and '"sort":"oldest"' in rows[0][2]

    with pytest.raises(SavedSearchError):
        save_search(archive, "Snow days", "other")
    save_search(archive, "Snow days", "snow -day", replace=True)
    assert list_saved(archive)[0].query == "snow -day"
    assert '"replaced":true' in audit(archive, "search.save")[1][2]

    delete_saved(archive, "Snow days")
    assert list_saved(archive) == []
    deleted = audit(archive, "search.delete")
    assert len(deleted) == 1 and "snow" not in deleted[0][2].lower()
    with pytest.raises(SavedSearchError):
        delete_saved(archive, "Snow days")
    with pytest.raises(SavedSearchError):
        run_saved(archive, "Snow days")


def test_invalid_queries_and_names_are_refused_without_audit(archive: Archive) -> None:
    with pytest.raises(QueryError):
        save_search(archive, "bad", "foo:bar")
    with pytest.raises(SavedSearchError):
        save_search(archive, "   ", "snow")
    with pytest.raises(SavedSearchError):
        save_search(archive, "x", "snow", sort="random")
    assert list_saved(archive) == []
    assert audit(archive, "search.save") == []
