"""CSV mapping model: auto-mapping, validation, presets (audited), cell interpretation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.importers.common import ParseError
from retention_desk.importers.csv.mapping import (
    FIELDS,
    MappingError,
    auto_map,
    delete_preset,
    list_presets,
    load_preset,
    missing_essentials,
    normalise_header,
    normalise_kind,
    normalise_platform,
    parse_cell_time,
    parse_flag,
    save_preset,
    validate_mapping,
)

DENVER = ZoneInfo("America/Denver")


def _audit(archive: Archive, action: str) -> list[dict]:
    with archive.read() as conn:
        rows = conn.execute(
            text("SELECT details FROM audit_log WHERE action = :a ORDER BY id"), {"a": action}
        ).all()
    return [json.loads(r[0]) for r in rows]


# ---------------------------------------------------------------------------- auto-map
def test_header_names_match_ignoring_case_spaces_and_punctuation() -> None:
    assert normalise_header(" Post ID ") == normalise_header("post_id") == "postid"
    mapping = auto_map(
        ["POST_ID", "Message", "Created", "From", "Permalink", "In Reply To", "Network", "Type"]
    )
    assert mapping == {
        "id": "POST_ID",
        "created_at": "Created",
        "text": "Message",
        "author": "From",
        "url": "Permalink",
        "parent": "In Reply To",
        "platform": "Network",
        "kind": "Type",
    }


def test_each_column_is_used_once_and_parent_id_is_not_the_id() -> None:
    mapping = auto_map(["Parent ID", "Body", "Timestamp"])
    assert "id" not in mapping
    assert mapping["parent"] == "Parent ID"
    assert mapping == {"created_at": "Timestamp", "text": "Body", "parent": "Parent ID"}


def test_essentials_need_text_and_a_time_or_id() -> None:
    assert missing_essentials({"text": "Body", "id": "ID"}) == []
    assert missing_essentials({"title": "Subject", "created_at": "Date"}) == []
    assert missing_essentials({"text": "Body"}) == ["a date/time or id column"]
    assert missing_essentials(auto_map(["Likes", "Shares"])) == [
        "a text (or title) column",
        "a date/time or id column",
    ]


# -------------------------------------------------------------------------- validation
def test_unknown_fields_are_refused_listing_the_valid_ones() -> None:
    with pytest.raises(MappingError) as info:
        validate_mapping({"text": "Message", "colour": "Colour"})
    message = str(info.value)
    assert "'colour'" in message
    assert all(f in message for f in FIELDS)


@pytest.mark.parametrize(
    "mapping",
    [
        {"text": 5},
        {"text": ""},
        {"text": "   "},
        {"text": "a\nb"},
        {"created_at": "Date"},  # no text or title
        ["text", "Message"],
    ],
)
def test_malformed_mappings_are_refused(mapping: object) -> None:
    with pytest.raises(MappingError):
        validate_mapping(mapping)


def test_columns_must_exist_when_headers_are_known() -> None:
    with pytest.raises(MappingError) as info:
        validate_mapping({"text": "Mesage"}, ["Message", "Date"])
    assert "'Mesage'" in str(info.value)
    assert "'Message', 'Date'" in str(info.value)
    assert validate_mapping({"created_at": "Date", "text": "Message"}, ["Message", "Date"]) == {
        "created_at": "Date",
        "text": "Message",
    }


# ----------------------------------------------------------------------------- presets
def test_preset_save_load_list_delete_are_audited(archive: Archive) -> None:
    assert load_preset(archive, "ArchiveSocial") is None
    saved = save_preset(archive, "ArchiveSocial", {"text": "Message", "id": "Post ID"})
    assert saved == {"id": "Post ID", "text": "Message"}
    assert load_preset(archive, "ArchiveSocial") == saved
    save_preset(archive, "Pagefreezer", {"text": "Content", "created_at": "Date"})
    save_preset(archive, "ArchiveSocial", {"text": "Body", "id": "ID"})  # replaces
    presets = list_presets(archive)
    assert [p.name for p in presets] == ["ArchiveSocial", "Pagefreezer"]
    assert presets[0].mapping == {"id": "ID", "text": "Body"}
    assert presets[0].created_by == "pytest"
    assert presets[0].created_at is not None

    saves = _audit(archive, "csv_mapping.save")
    assert [s["name"] for s in saves] == ["ArchiveSocial", "Pagefreezer", "ArchiveSocial"]
    assert saves[2]["replaced"] == {"id": "Post ID", "text": "Message"}
    assert saves[2]["mapping"] == {"id": "ID", "text": "Body"}

    assert delete_preset(archive, "ArchiveSocial") is True
    assert delete_preset(archive, "ArchiveSocial") is False
    assert load_preset(archive, "ArchiveSocial") is None
    assert [p.name for p in list_presets(archive)] == ["Pagefreezer"]
    assert _audit(archive, "csv_mapping.delete") == [
        {"name": "ArchiveSocial", "mapping": {"id": "ID", "text": "Body"}}
    ]


@pytest.mark.parametrize(
    ("name", "mapping"),
    [
        ("Vendor", {"text": "Message", "likes": "Likes"}),
        ("Vendor", {"text": 3}),
        ("", {"text": "Message"}),
        ("{json-looking}", {"text": "Message"}),
        ("bad\x00name", {"text": "Message"}),
        ("x" * 101, {"text": "Message"}),
    ],
)
def test_invalid_presets_are_refused_and_nothing_is_written(
    archive: Archive, name: str, mapping: dict
) -> None:
    with pytest.raises(MappingError):
        save_preset(archive, name, mapping)
    assert list_presets(archive) == []
    assert _audit(archive, "csv_mapping.save") == []


# ----------------------------------------------------------------- cell interpretation
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # naive spreadsheet times are Denver local time (MDT = UTC-6 in October)
        ("10/02/2015 2:15 PM", datetime(2015, 10, 2, 20, 15, tzinfo=UTC)),
        ("10/2/2015 14:15:30", datetime(2015, 10, 2, 20, 15, 30, tzinfo=UTC)),
        ("10/2/15 14:15", datetime(2015, 10, 2, 20, 15, tzinfo=UTC)),
        ("2015-10-02 14:15", datetime(2015, 10, 2, 20, 15, tzinfo=UTC)),
        ("2015-10-02T14:15:00", datetime(2015, 10, 2, 20, 15, tzinfo=UTC)),
        ("02.10.2015 14:15", datetime(2015, 10, 2, 20, 15, tzinfo=UTC)),
        ("Oct 2, 2015 2:15 PM", datetime(2015, 10, 2, 20, 15, tzinfo=UTC)),
        ("2015-01-02", datetime(2015, 1, 2, 7, 0, tzinfo=UTC)),  # MST = UTC-7
        # explicit zones and epochs are taken as written
        ("2015-10-02T20:15:40Z", datetime(2015, 10, 2, 20, 15, 40, tzinfo=UTC)),
        ("2015-10-02 20:15:40 +0000", datetime(2015, 10, 2, 20, 15, 40, tzinfo=UTC)),
        ("Fri Oct 02 20:15:40 +0000 2015", datetime(2015, 10, 2, 20, 15, 40, tzinfo=UTC)),
        ("1443816940", datetime(2015, 10, 2, 20, 15, 40, tzinfo=UTC)),
        ("12:00 AM", None),
    ],
)
def test_spreadsheet_times(value: str, expected: datetime | None) -> None:
    if expected is None:
        with pytest.raises(ParseError):
            parse_cell_time(value, DENVER)
    else:
        assert parse_cell_time(value, DENVER) == expected


def test_dst_fold_takes_the_first_occurrence() -> None:
    chicago = ZoneInfo("America/Chicago")
    # 2021-11-07 01:30 happens twice in Chicago; the first is CDT (UTC-5)
    assert parse_cell_time("2021-11-07 01:30", chicago) == datetime(2021, 11, 7, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", ["13/45/2015", "2015-02-30 10:00", "next tuesday", "25:00 PM"])
def test_bad_times_raise_parse_error(value: str) -> None:
    with pytest.raises(ParseError):
        parse_cell_time(value, DENVER)


def test_flags_platforms_and_kinds() -> None:
    assert parse_flag("Yes", DENVER) == (True, None)
    assert parse_flag(" no ", DENVER) == (False, None)
    assert parse_flag("Not deleted", DENVER) == (False, None)
    assert parse_flag("2020-01-01 10:00", DENVER) == (
        True,
        datetime(2020, 1, 1, 17, 0, tzinfo=UTC),
    )
    with pytest.raises(ParseError):
        parse_flag("perhaps", DENVER)
    assert normalise_platform("Twitter") == "x"
    assert normalise_platform("X (formerly Twitter)") == "x"
    assert normalise_platform(" Facebook ") == "facebook"
    assert normalise_platform("Town Web Site") == "town-web-site"
    assert normalise_platform("  ") is None
    assert normalise_kind("Comment") == "comment"
    assert normalise_kind("Direct Message") == "message"
    assert normalise_kind("Tweet") == "post"
    assert normalise_kind("poll") is None
