"""Shared parsing helpers: every timestamp shape, mojibake, safe JSON (hostile-inputs F1-F3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_desk.importers.common import (
    ParseError,
    clean_text,
    fix_mojibake,
    load_js,
    loads,
    parse_time,
)

INSTANT = datetime(2018, 4, 24, 8, 21, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        1524558089,
        1524558089000,
        1524558089000000,
        "1524558089",
        "Tue Apr 24 08:21:29 +0000 2018",
        "2018-04-24T08:21:29.000Z",
        "2018-04-24 08:21:29 +0000",
        "2018-04-24T02:21:29-06:00",
        "20180424082129",
    ],
)
def test_every_shape_is_the_same_instant(value: object) -> None:
    assert parse_time(value) == INSTANT


def test_negative_epoch_and_absent_values() -> None:
    assert parse_time(-1) == datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_time(None) is None and parse_time("") is None


@pytest.mark.parametrize(
    "bad",
    [
        "yesterday",
        "Fri Foo 06 13:02:05 +0000 2026",
        float("nan"),
        1e300,
        True,
        "2021-02-30T00:00:00Z",
    ],
)
def test_bad_times_raise_parse_error(bad: object) -> None:
    with pytest.raises(ParseError):
        parse_time(bad)


@given(st.text(max_size=60))
def test_parse_time_is_total(value: str) -> None:
    try:
        result = parse_time(value)
    except ParseError:
        return
    assert result is None or result.tzinfo is not None


def test_mojibake_fixed_once_and_genuine_text_kept() -> None:
    assert fix_mojibake("Rados\u00c5\u0082aw") == "Radosław"
    assert fix_mojibake(fix_mojibake("Rados\u00c5\u0082aw")) == "Radosław"
    assert fix_mojibake("caf\u00e9") == "café"  # real Latin-1 text that is not UTF-8 mojibake
    assert fix_mojibake("日本") == "日本"


def test_hostile_json_becomes_parse_errors_or_safe_values() -> None:
    assert loads("[" + "9" * 5000 + "]", name="big.json") == ["9" * 5000]
    assert loads("[NaN, Infinity]", name="nan.json") == [None, None]
    with pytest.raises(ParseError, match="deep.json: JSON is nested too deeply"):
        loads("[" * 100_000, name="deep.json")
    with pytest.raises(ParseError, match="broken.json: broken JSON at line 1"):
        loads('{"a": ', name="broken.json")
    with pytest.raises(ParseError, match="utf16.json: not UTF-8"):
        loads("[]".encode("utf-16"), name="utf16.json")
    assert clean_text(loads('["\\ud83d"]', name="s.json")[0]) == "\ufffd"


def test_js_wrapper_is_stripped_never_evaluated() -> None:
    data = b'window.YTD.tweets.part0 = [ {"a": 1} ];\n'
    assert load_js(data, name="tweets.js") == [{"a": 1}]
    with pytest.raises(ParseError, match="evil.js"):
        load_js(b"alert(1); x = []", name="evil.js")
