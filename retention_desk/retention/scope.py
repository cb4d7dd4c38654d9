"""The working sets rules, holds and events share: a compiled query's ids and the scope table.

Kept apart from the classifier so holds (which the classifier runs) can use them without a
cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from retention_desk.archive.store import Archive
from retention_desk.retention.errors import RetentionError
from retention_desk.search.engine import SearchEngine
from retention_desk.search.errors import QueryError

__all__ = ["compile_rule_query", "set_scope", "temp_tables"]


def compile_rule_query(archive: Archive, query: str) -> tuple[str, dict[str, object]]:
    """(SELECT of matching record ids, parameters); RetentionError naming the query."""
    engine = SearchEngine(archive, keep_connection=False, date_cache=False)
    try:
        return engine.matching_ids_sql(engine.parse(query))
    except QueryError as exc:
        raise RetentionError(f"The query {query!r} cannot be used: {exc}") from None
    finally:
        engine.close()


def temp_tables(conn: Connection) -> None:
    for sql in (
        "CREATE TEMP TABLE IF NOT EXISTS rd_rules (id INTEGER PRIMARY KEY, pos INTEGER,"
        " series_code TEXT, event TEXT)",
        "CREATE TEMP TABLE IF NOT EXISTS rd_cand (record_id INTEGER, rule_id INTEGER,"
        " pos INTEGER, local TEXT, event_date TEXT)",
        "CREATE TEMP TABLE IF NOT EXISTS rd_keys (rule_id INTEGER, local TEXT,"
        " event_date TEXT, rkey TEXT, PRIMARY KEY (rule_id, local, event_date))",
        "CREATE TEMP TABLE IF NOT EXISTS rd_new (record_id INTEGER PRIMARY KEY,"
        " series_code TEXT, rule_id INTEGER, trigger_date TEXT, eligible_on TEXT,"
        " status TEXT, disposition TEXT)",
        "CREATE TEMP TABLE IF NOT EXISTS rd_scope (id INTEGER PRIMARY KEY)",
    ):
        conn.exec_driver_sql(sql)
    for name in ("rd_rules", "rd_cand", "rd_keys", "rd_new"):
        conn.exec_driver_sql(f"DELETE FROM temp.{name}")


def set_scope(conn: Connection, record_ids: Iterable[int] | str | None) -> bool:
    """Fill temp.rd_scope from ids or from a SELECT of ids; False means every record."""
    temp_tables(conn)
    conn.exec_driver_sql("DELETE FROM temp.rd_scope")
    if record_ids is None:
        return False
    if isinstance(record_ids, str):
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO temp.rd_scope(id) {record_ids}")
        return True
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.executemany(
        "INSERT OR IGNORE INTO temp.rd_scope(id) VALUES (?)", ((int(i),) for i in record_ids)
    )
    return True
