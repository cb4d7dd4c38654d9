"""Saved searches: named queries kept in the archive, each save and delete audited."""

from __future__ import annotations

from sqlalchemy import text

from retention_desk.archive import Archive, timeutil
from retention_desk.search.engine import SearchEngine
from retention_desk.search.errors import QueryError
from retention_desk.search.results import SORTS, SavedSearch, SearchResult

MAX_NAME = 200


class SavedSearchError(ValueError):
    """A saved search cannot be stored, found or removed as asked; the message says why."""


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise SavedSearchError("A saved search needs a name.")
    if len(cleaned) > MAX_NAME or any(ord(c) < 32 for c in cleaned):
        raise SavedSearchError(f"A saved search name is at most {MAX_NAME} printable characters.")
    return cleaned


def save_search(
    archive: Archive, name: str, query: str, *, sort: str = "date", replace: bool = False
) -> SavedSearch:
    """Store `query` under `name` (the query must parse). An existing name is an error
    unless `replace`. Writes a `search.save` audit row in the same transaction."""
    name = _clean_name(name)
    if sort not in SORTS:
        raise SavedSearchError(f"Sort must be one of {', '.join(SORTS)}.")
    # QueryError now, not when someone runs it later
    SearchEngine(archive, keep_connection=False).parse(query)
    with archive.write() as conn:
        existing = conn.execute(
            text("SELECT id, query, sort FROM saved_searches WHERE name = :n"), {"n": name}
        ).first()
        if existing is not None and not replace:
            raise SavedSearchError(f"A saved search named '{name}' already exists.")
        operator = archive.operator(conn)
        now = timeutil.now_db()
        if existing is not None:
            conn.execute(
                text("UPDATE saved_searches SET query = :q, sort = :s WHERE id = :id"),
                {"q": query, "s": sort, "id": existing[0]},
            )
            search_id = int(existing[0])
        else:
            search_id = int(
                conn.execute(
                    text(
                        "INSERT INTO saved_searches (name, query, sort, created_at, created_by)"
                        " VALUES (:n, :q, :s, :t, :by) RETURNING id"
                    ),
                    {"n": name, "q": query, "s": sort, "t": now, "by": operator},
                ).scalar_one()
            )
        # The name and query stay in saved_searches: a query can name a person, and the
        # append-only audit keeps only ids and what kind of change it was.
        details = {"sort": sort, "replaced": existing is not None}
        archive.audit(
            conn,
            action="search.save",
            object_type="saved_search",
            object_ids=[search_id],
            details=details,
        )
    return get_saved(archive, name)


def list_saved(archive: Archive) -> list[SavedSearch]:
    """Every saved search, by name."""
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT id, name, query, sort, created_at, created_by FROM saved_searches"
                " ORDER BY name"
            )
        ).all()
    return [SavedSearch(int(r[0]), r[1], r[2], r[3], timeutil.from_db(r[4]), r[5]) for r in rows]


def get_saved(archive: Archive, name: str) -> SavedSearch:
    for saved in list_saved(archive):
        if saved.name == name:
            return saved
    raise SavedSearchError(f"No saved search named '{name}'.")


def delete_saved(archive: Archive, name: str) -> None:
    """Remove a saved search; writes a `search.delete` audit row with what it was."""
    with archive.write() as conn:
        row = conn.execute(
            text("SELECT id, query, sort FROM saved_searches WHERE name = :n"), {"n": name}
        ).first()
        if row is None:
            raise SavedSearchError(f"No saved search named '{name}'.")
        conn.execute(text("DELETE FROM saved_searches WHERE id = :id"), {"id": row[0]})
        archive.audit(
            conn,
            action="search.delete",
            object_type="saved_search",
            object_ids=[int(row[0])],
            details={"sort": row[2]},
        )


def run_saved(
    archive: Archive, name: str, *, limit: int = 50, offset: int = 0, with_facets: bool = True
) -> SearchResult:
    """Run a saved search with its saved sort order."""
    saved = get_saved(archive, name)
    try:
        with SearchEngine(archive, keep_connection=False) as engine:
            return engine.search(
                saved.query, sort=saved.sort, limit=limit, offset=offset, with_facets=with_facets
            )
    except QueryError as exc:  # e.g. a filter removed since it was saved
        raise QueryError(f"Saved search '{name}': {exc}") from exc
