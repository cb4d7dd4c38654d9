"""The audit log in words: readable events with the names their ids point to."""

from __future__ import annotations

from pathlib import Path

from retention_desk.archive import Archive
from retention_desk.importers.run import run_import
from retention_desk.search.saved import save_search
from retention_desk.ui.audit.table_model import COL_ACTION, COL_DETAILS, AuditTableModel
from retention_desk.ui.audit.text import describe
from retention_desk.ui.formatting import zone

CSV = "id,date,text,author\n1,2024-05-01T10:00:00Z,Road closed on Main,Town\n" + (
    "2,2024-05-02T10:00:00Z,Road open again,Town\n"
)


def _shown(model: AuditTableModel) -> dict[str, str]:
    """Action label -> the sentence, for each row (newest first, later rows win)."""
    out: dict[str, str] = {}
    for r in reversed(range(model.rowCount())):
        out[model.data(model.index(r, COL_ACTION))] = model.data(model.index(r, COL_DETAILS))
    return out


def test_audit_rows_read_as_sentences_with_names(qtbot, tmp_archive: Archive, tmp_path: Path):
    source = tmp_path / "town posts.csv"
    source.write_text(CSV, encoding="utf-8")
    summary = run_import(tmp_archive, [source])
    assert summary.totals()["added"] == 2
    save_search(tmp_archive, "Road closures", "road")

    model = AuditTableModel()
    model.set_archive(tmp_archive, zone("America/Denver"))
    model.reload()
    shown = _shown(model)
    file_id = summary.files[0].source_file_id
    imported = shown["File imported"]
    assert imported.startswith(f"Imported source file {file_id} town posts.csv (")
    assert imported.endswith(": 2 added")
    assert shown["Import finished"] == f"Import batch {summary.batch_id} completed: 2 added"
    assert "Started import batch" in shown["Import started"]
    assert shown["Search saved"].endswith("“Road closures”")
    assert shown["Archive created"].startswith("Created the archive")
    # no raw codes or JSON in what a custodian reads
    for sentence in shown.values():
        assert "{" not in sentence and "import.source_file" not in sentence


def test_unknown_action_keeps_its_code_and_details(tmp_archive: Archive) -> None:
    with tmp_archive.write() as conn:
        tmp_archive.audit(conn, action="future.thing", object_ids=[7], details={"n": 3})
    model = AuditTableModel()
    model.set_archive(tmp_archive, zone(None))
    model.reload()
    row = model.row_at(0)
    assert row is not None
    assert describe(row) == "future.thing 7 (n: 3)"
    assert model.data(model.index(0, COL_ACTION)) == "future.thing"
