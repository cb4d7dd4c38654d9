"""Generic CSV importer: the real tweets.csv sample, synthetic vendor exports, hostile CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retention_desk.archive import Archive
from retention_desk.archive.settings import set_value
from retention_desk.cli import main as cli_main
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.csv import read as csv_read
from retention_desk.importers.run import ImportSummary, detect, preview, run_import
from tests.importers.helpers import fetch_rows, latest_records

TWEETS_CSV = "twitter/grailbird-bizweekgraphics-2015/tweets.csv"
TWEETS_MAPPING = {
    "id": "tweet_id",
    "created_at": "timestamp",
    "text": "text",
    "parent": "in_reply_to_status_id",
}


def _import(archive: Archive, *paths: Path, **options: Any) -> ImportSummary:
    return run_import(archive, list(paths), ImportOptions(**options))


def _write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", **fmt: Any) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, **fmt).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# ------------------------------------------------------------------------- real sample
def test_real_tweets_csv_with_explicit_mapping(samples: Path, archive: Archive) -> None:
    path = samples / TWEETS_CSV
    with path.open(newline="", encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    multiline = {r["tweet_id"]: r["text"] for r in expected if "\n" in r["text"]}
    assert len(expected) == 6966 and len(multiline) == 244  # as SOURCES.md states
    ids = {r["tweet_id"] for r in expected}
    replies_inside = sum(1 for r in expected if r["in_reply_to_status_id"] in ids)

    summary = _import(archive, path, format="csv", mapping=TWEETS_MAPPING)

    assert summary.status == "completed", summary.to_dict()
    (result,) = summary.files
    assert (result.format, result.added, result.warnings) == ("csv", 6966, [])
    records = latest_records(archive)
    assert set(records) == ids  # ids are the exact strings, never via float
    for key, rec in records.items():
        assert rec["platform_id"] == key
    for key, body in multiline.items():
        assert records[key]["v_text"] == body
    first = records["650041477918248960"]
    assert first["created_at"] == "2015-10-02T20:15:40.000000Z"
    assert first["created_at_raw"] == "2015-10-02 20:15:40 +0000"
    assert first["platform"] == "csv" and first["kind"] == "post"
    extra = json.loads(first["extra_json"])
    assert extra["columns"]["expanded_urls"].startswith("http://twitter.com/bizweekgraphics")
    raw = json.loads(first["v_raw"])
    assert list(raw) == list(expected[0])  # the verbatim row, every column, in order
    assert raw == expected[0]
    linked = archive.count("SELECT count(*) FROM records WHERE parent_id IS NOT NULL")
    assert linked == replies_inside
    kinds = archive.count("SELECT count(*) FROM records WHERE kind = 'reply'")
    assert kinds == sum(1 for r in expected if r["in_reply_to_status_id"])

    again = _import(archive, path, format="csv", mapping=TWEETS_MAPPING)
    assert again.files[0].status == "duplicate"
    assert archive.count("SELECT count(*) FROM records") == 6966


def test_real_tweets_csv_preview_writes_nothing(samples: Path, archive: Archive) -> None:
    options = ImportOptions(format="csv", mapping=TWEETS_MAPPING)
    before = archive.count("SELECT count(*) FROM audit_log")
    detection = detect([samples / TWEETS_CSV], options)
    try:
        (pv,) = preview(detection, options)
    finally:
        detection.close()
    assert pv.approx_records == 6966
    assert pv.date_from == datetime(2011, 3, 1, 16, 25, 37, tzinfo=UTC)
    assert pv.date_to == datetime(2015, 10, 2, 20, 15, 40, tzinfo=UTC)
    assert archive.count("SELECT count(*) FROM audit_log") == before
    assert archive.count("SELECT count(*) FROM records") == 0


# ---------------------------------------------------------------- synthetic vendor file
ARCHIVESOCIAL_ROWS = [
    ["Post ID", "Network", "Account", "Author", "Author Handle", "Created", "Message",
     "Permalink", "Parent ID", "Type", "Deleted", "Likes"],
    ["1001", "Facebook", "CityOfSantaFe", "City of Santa Fe", "cityofsantafe",
     "10/02/2015 2:15 PM", "Road closure on Cerrillos,\nuse St. Francis.",
     "https://facebook.com/1001", "", "Post", "No", "12"],
    ["1002", "Facebook", "CityOfSantaFe", "Jane Resident", "", "10/02/2015 2:20 PM",
     "Thanks for the \"heads up\"", "", "1001", "Comment", "Yes", ""],
    ["1003", "Twitter", "SantaFePD", "Santa Fe PD", "@SantaFePD", "2015-10-03 09:00",
     "=HYPERLINK(\"http://evil.example\",\"click\")", "", "", "Tweet", "", "3"],
]  # fmt: skip


def test_archivesocial_like_export_is_auto_mapped(tmp_path: Path, archive: Archive) -> None:
    path = _write_csv(tmp_path / "archivesocial_export.csv", ARCHIVESOCIAL_ROWS)
    detection = detect([path], ImportOptions())
    try:
        ((_, importer, claim),) = detection.claims
        assert importer.name == "csv" and claim.confidence <= 30
    finally:
        detection.close()

    summary = _import(archive, path)
    assert summary.status == "completed", summary.to_dict()
    assert summary.files[0].added == 3
    assert summary.files[0].flagged_deleted == 1  # one row arrives marked deleted
    recs = latest_records(archive)
    post, comment, tweet = recs["1001"], recs["1002"], recs["1003"]
    assert post["platform"] == "facebook" and post["kind"] == "post"
    assert post["v_text"] == "Road closure on Cerrillos,\nuse St. Francis."
    assert post["created_at"] == "2015-10-02T20:15:00.000000Z"  # Denver MDT -> UTC
    assert post["created_at_raw"] == "10/02/2015 2:15 PM"
    assert post["author_name"] == "City of Santa Fe"
    assert post["url"] == "https://facebook.com/1001"
    assert post["deleted_at"] is None
    assert json.loads(post["extra_json"])["columns"] == {"Likes": "12"}
    assert comment["kind"] == "comment" and comment["parent_id"] == post["id"]
    assert comment["deleted_at"] is not None and comment["deleted_at_raw"] == "Yes"
    assert comment["v_text"] == 'Thanks for the "heads up"'
    assert tweet["platform"] == "x" and tweet["author_handle"] == "SantaFePD"
    assert tweet["v_text"] == '=HYPERLINK("http://evil.example","click")'  # never evaluated
    accounts = fetch_rows(archive, "SELECT platform, account_key FROM accounts ORDER BY id")
    assert [tuple(a) for a in accounts] == [("facebook", "CityOfSantaFe"), ("x", "SantaFePD")]
    owners = fetch_rows(
        archive,
        "SELECT r.record_key, a.account_key FROM records r JOIN accounts a"
        " ON a.id = r.account_id ORDER BY r.record_key",
    )
    assert [tuple(o) for o in owners] == [
        ("1001", "CityOfSantaFe"),
        ("1002", "CityOfSantaFe"),
        ("1003", "SantaFePD"),
    ]


def test_agency_time_zone_setting_is_used(tmp_path: Path, archive: Archive) -> None:
    with archive.write() as conn:
        set_value(conn, "setting.time_zone", "America/New_York")
    path = _write_csv(tmp_path / "t.csv", [["ID", "Date", "Text"], ["1", "2015-10-02 14:15", "x"]])
    _import(archive, path)
    assert latest_records(archive)["1"]["created_at"] == "2015-10-02T18:15:00.000000Z"


# ------------------------------------------------------------------ encodings, dialects
def test_cp1252_file_is_read_and_reported(tmp_path: Path, archive: Archive) -> None:
    rows = [["ID", "Date", "Message"], ["1", "2015-10-02", "Café – naïve “quotes” €5"]]
    path = _write_csv(tmp_path / "excel.csv", rows, encoding="cp1252")
    summary = _import(archive, path)
    assert summary.status == "completed", summary.to_dict()
    assert latest_records(archive)["1"]["v_text"] == "Café – naïve “quotes” €5"
    assert any("Windows-1252" in w for w in summary.files[0].warnings)


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path, archive: Archive) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfPost ID,Created,Message\r\n7,2015-10-02,h\xc3\xa9\r\n")
    summary = _import(archive, path)
    assert summary.status == "completed", summary.to_dict()
    assert summary.files[0].warnings == []
    rec = latest_records(archive)["7"]
    assert rec["v_text"] == "hé"
    assert json.loads(rec["v_raw"]) == {"Post ID": "7", "Created": "2015-10-02", "Message": "hé"}


def test_utf16_excel_unicode_text_is_read(tmp_path: Path, archive: Archive) -> None:
    rows = [["ID", "Date", "Message"], ["1", "2015-10-02", "añoranza 🌵"]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter="\t").writerows(rows)
    path = tmp_path / "unicode.txt"
    path.write_bytes(buffer.getvalue().encode("utf-16"))
    summary = _import(archive, path)
    assert summary.status == "completed", summary.to_dict()
    assert latest_records(archive)["1"]["v_text"] == "añoranza 🌵"


def test_semicolon_delimited_european_export(tmp_path: Path, archive: Archive) -> None:
    rows = [
        ["Post ID", "Datum", "Message", "Author"],
        ["11", "02.10.2015 14:15", "eins, zwei; drei", "Anna"],
        ["12", "03.10.2015 09:00", "vier", "Ben"],
    ]
    path = _write_csv(tmp_path / "export.csv", rows, delimiter=";")
    mapping = {"id": "Post ID", "created_at": "Datum", "text": "Message", "author": "Author"}
    summary = _import(archive, path, mapping=mapping)
    assert summary.status == "completed", summary.to_dict()
    recs = latest_records(archive)
    assert recs["11"]["v_text"] == "eins, zwei; drei"
    assert recs["11"]["created_at"] == "2015-10-02T20:15:00.000000Z"
    assert recs["12"]["author_name"] == "Ben"


def test_title_line_above_the_header_is_skipped(tmp_path: Path, archive: Archive) -> None:
    rows = [
        ["Export generated 2024-01-05 by Vendor"],
        [],
        ["Post ID", "Created", "Message"],
        ["1", "2015-10-02", "one"],
    ]
    path = _write_csv(tmp_path / "vendor.csv", rows)
    summary = _import(archive, path)
    assert summary.status == "completed", summary.to_dict()
    assert list(latest_records(archive)) == ["1"]
    locator = fetch_rows(archive, "SELECT locator FROM record_versions")[0][0]
    assert locator == "vendor.csv row 4 (line 4)"


# -------------------------------------------------------------------------- hostile CSV
def test_formula_cells_stay_literal_strings(tmp_path: Path, archive: Archive) -> None:
    cells = ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(1)", "+1", "-1+1", "#N/A", "\t=1"]
    rows = [["ID", "Date", "Text"]] + [[str(i), "2015-10-02", c] for i, c in enumerate(cells)]
    _import(archive, _write_csv(tmp_path / "f.csv", rows))
    recs = latest_records(archive)
    assert [recs[str(i)]["v_text"] for i in range(len(cells))] == cells


def test_excel_damaged_ids_warn_and_do_not_collide(tmp_path: Path, archive: Archive) -> None:
    rows = [
        ["Tweet ID", "Date", "Text"],
        ["6.50041E+17", "2015-10-02", "first"],
        ["6.50041E+17", "2015-10-02", "second"],
        ["650041477918248960", "2015-10-02", "intact"],
        ["650041477918249000.0", "2015-10-02", "through a float"],
        ["12.50", "2015-10-02", "a short decimal id is left alone"],
    ]
    summary = _import(archive, _write_csv(tmp_path / "damaged.csv", rows))
    assert summary.status == "completed", summary.to_dict()
    assert summary.files[0].added == 5
    warnings = " ".join(summary.files[0].warnings)
    assert "3 id(s)" in warnings and "unrecoverable" in warnings and "row 2" in warnings
    recs = latest_records(archive)
    damaged = [r for k, r in recs.items() if k.startswith("6.50041E+17~")]
    assert sorted(r["v_text"] for r in damaged) == ["first", "second"]
    assert all(r["platform_id"] is None for r in damaged)
    assert recs["650041477918248960"]["platform_id"] == "650041477918248960"
    assert recs["12.50"]["platform_id"] == "12.50"
    assert any(k.startswith("650041477918249000.0~") for k in recs)


def test_unterminated_quote_fails_the_file_naming_it_and_the_line(
    tmp_path: Path, archive: Archive
) -> None:
    path = tmp_path / "cut.csv"
    path.write_text('ID,Date,Text\n1,2015-10-02,fine\n2,2015-10-02,"never closed\nmore\n')
    summary = _import(archive, path)
    (result,) = summary.files
    assert result.status == "failed"
    assert "cut.csv" in result.error and "line 3" in result.error
    assert "unterminated quote" in result.error
    assert archive.count("SELECT count(*) FROM records") == 0  # the file is all or nothing
    kept = fetch_rows(archive, "SELECT status FROM source_files WHERE name = 'cut.csv'")
    assert [r[0] for r in kept] == ["failed"]  # the original is still kept


def test_cell_over_the_field_limit_is_an_error_naming_the_row(
    tmp_path: Path, archive: Archive
) -> None:
    path = tmp_path / "huge.csv"
    big = "x" * (csv_read.FIELD_LIMIT + 10)
    path.write_text(f'ID,Date,Text\n1,2015-10-02,ok\n2,2015-10-02,"{big}"\n')
    (result,) = _import(archive, path).files
    assert result.status == "failed"
    assert "huge.csv" in result.error and "line 3" in result.error and "MB" in result.error


def test_unmappable_csv_is_refused_with_headers_and_how_to_map(
    tmp_path: Path, archive: Archive
) -> None:
    path = _write_csv(tmp_path / "stats.csv", [["Likes", "Shares"], ["1", "2"]])
    summary = _import(archive, path)
    (result,) = summary.files
    assert result.status == "failed"
    for part in ("stats.csv", "'Likes', 'Shares'", "--mapping", "preset"):
        assert part in result.error
    assert archive.count("SELECT count(*) FROM records") == 0


def test_unmappable_csv_inside_a_folder_is_kept_but_not_claimed(
    tmp_path: Path, archive: Archive
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _write_csv(folder / "stats.csv", [["Likes", "Shares"], ["1", "2"]])
    _write_csv(folder / "posts.csv", [["ID", "Date", "Text"], ["1", "2015-10-02", "a"]])
    summary = _import(archive, folder)
    by_path = {f.path: f.status for f in summary.files}
    assert by_path == {"posts.csv": "imported"}
    assert [r[0] for r in fetch_rows(archive, "SELECT status FROM source_files ORDER BY name")] == [
        "imported",
        "stored",
    ]


def test_a_given_mapping_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", [["ID", "Text"], ["1", "a"]])
    detection = detect([path], ImportOptions(mapping={"text": "Text", "likes": "Likes"}))
    try:
        assert detection.claims == []
        assert "'likes'" in " ".join(detection.errors)
    finally:
        detection.close()


def test_bad_dates_warn_and_the_record_is_kept(tmp_path: Path, archive: Archive) -> None:
    rows = [["ID", "Date", "Text"], ["1", "sometime in May", "a"], ["2", "2015-10-02", "b"]]
    summary = _import(archive, _write_csv(tmp_path / "d.csv", rows))
    assert summary.files[0].added == 2
    assert any("row 2" in w and "sometime in May" in w for w in summary.files[0].warnings)
    rec = latest_records(archive)["1"]
    assert rec["created_at"] is None and rec["created_at_raw"] == "sometime in May"


def test_identical_rows_without_ids_are_kept_apart_and_reimport_is_stable(
    tmp_path: Path, archive: Archive
) -> None:
    rows = [["Date", "Message"], ["2015-10-02", "same"], ["2015-10-02", "same"], ["", "other"]]
    path = _write_csv(tmp_path / "noids.csv", rows)
    assert _import(archive, path).files[0].added == 3
    keys = set(latest_records(archive))
    path.write_bytes(path.read_bytes() + b"2015-10-03,new\r\n")  # a later, longer copy
    result = _import(archive, path).files[0]
    assert (result.added, result.unchanged) == (1, 3)
    assert keys < set(latest_records(archive))


def test_media_paths_are_stored_and_urls_listed(tmp_path: Path, archive: Archive) -> None:
    folder = tmp_path / "vendor"
    (folder / "media").mkdir(parents=True)
    (folder / "media" / "photo1.png").write_bytes(b"\x89PNG fake")
    rows = [
        ["ID", "Date", "Text", "Attachments"],
        ["1", "2015-10-02", "a", r"C:\Exports\media\photo1.png|https://cdn.example/p.jpg"],
        ["2", "2015-10-02", "b", "media/absent.png"],
    ]
    _write_csv(folder / "posts.csv", rows)
    (result,) = [f for f in _import(archive, folder).files if f.path == "posts.csv"]
    assert result.media_stored == 1
    assert sorted(result.media_missing) == ["https://cdn.example/p.jpg", "media/absent.png"]
    media = fetch_rows(archive, "SELECT original_uri, missing FROM media ORDER BY id")
    assert [tuple(m) for m in media] == [
        (r"C:\Exports\media\photo1.png", 0),
        ("https://cdn.example/p.jpg", 1),
        ("media/absent.png", 1),
    ]


# ------------------------------------------------------------------------------- CLI
def test_cli_import_with_json_mapping_and_with_a_preset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive_path = tmp_path / "a.rdesk"
    assert cli_main(["--archive", str(archive_path), "init"]) == 0
    capsys.readouterr()
    first = _write_csv(tmp_path / "one.csv", [["Msg", "When"], ["hello", "2015-10-02"]])
    mapping = json.dumps({"text": "Msg", "created_at": "When"})
    argv = ["--archive", str(archive_path), "import", "--format", "csv", "--mapping", mapping]
    assert cli_main([*argv, "--platform", "Facebook", "--json", str(first)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["added"] == 1 and out["files"][0]["format"] == "csv"

    second = _write_csv(tmp_path / "two.csv", [["Msg", "When"], ["again", "2015-10-03"]])
    base = ["--archive", str(archive_path)]
    assert cli_main([*base, "mapping", "save", "Hand sheet", mapping]) == 0
    assert cli_main([*base, "import", "--mapping", "Hand sheet", str(second)]) == 0
    assert cli_main([*base, "import", "--mapping", "No such", str(second)]) == 1
    assert "no saved CSV mapping preset" in capsys.readouterr().err
    with Archive.open(archive_path) as archive:
        texts = fetch_rows(
            archive,
            "SELECT r.platform, v.text FROM records r JOIN record_versions v"
            " ON v.record_id = r.id ORDER BY r.id",
        )
        assert [tuple(t) for t in texts] == [("facebook", "hello"), ("csv", "again")]
        sources = fetch_rows(
            archive, "SELECT details_json FROM source_files WHERE name = 'two.csv'"
        )
    assert json.loads(sources[0][0])["csv"]["preset"] == "Hand sheet"


# ------------------------------------------------------------------------ round trip
_cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(_cells, min_size=1, max_size=8), delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_cell_text_round_trips(tmp_path_factory: Any, texts: list[str], delimiter: str) -> None:
    folder = tmp_path_factory.mktemp("rt")
    rows = [["ID", "Date", "Text", "Note"]]
    rows += [[str(i), "2015-10-02 10:00", t, t[::-1]] for i, t in enumerate(texts)]
    path = _write_csv(folder / "rt.csv", rows, delimiter=delimiter)
    with Archive.create(folder / "rt.rdesk", operator="pytest") as archive:
        summary = _import(archive, path, format="csv")
        assert summary.status == "completed", summary.to_dict()
        recs = latest_records(archive)
        assert [recs[str(i)]["v_text"] for i in range(len(texts))] == texts
        for i, t in enumerate(texts):
            assert json.loads(recs[str(i)]["v_raw"])["Note"] == t[::-1]
