"""Tweets files are read from bytes a window at a time: the same items, skips and errors as
reading the whole text, wherever the windows fall."""

from __future__ import annotations

import json
import random

import pytest

from retention_desk.importers.common import ParseError, decode_text
from retention_desk.importers.x import common as x_common
from retention_desk.importers.x.tweets import scan_edit_chains


def _read(data: bytes | str, skipped: list[str] | None) -> tuple[str, object]:
    try:
        return "items", list(x_common.iter_js_array(data, name="t.js", skipped=skipped))
    except ParseError as exc:
        return "error", str(exc)


def _files() -> list[str]:
    rng = random.Random(5)
    deep = "[" * 200 + "]" * 200
    files = [
        f"x = [1, {deep}, 2]",
        "x = [" + "[" * 3000 + "]" * 3000 + ", 3]",  # deeper than the parser's recursion
        f"x = [1, {deep[:150]}",
        "window.YTD.tweets.part0 = []",
        "[1, 2,]",
        "x = [1 2]",
        "x = [1];;",
    ]
    for _ in range(60):
        items: list[object] = []
        for _ in range(rng.randint(0, 12)):
            pick = rng.random()
            if pick < 0.3:
                items.append(rng.randint(0, 10 ** rng.randint(1, 30)))  # numbers cut mid-way
            elif pick < 0.5:
                items.append("…" * rng.randint(0, 40) + "x\n")
            else:
                text = "é…\n" * rng.randint(0, 30)
                items.append({"tweet": {"id_str": str(rng.randint(1, 10**18)), "full_text": text}})
        body = json.dumps(items, ensure_ascii=rng.random() < 0.3, indent=rng.choice([None, 2]))
        whole = "window.YTD.tweets.part0 = " + body + rng.choice(["", ";", "\n", "  ;\n"])
        cut = rng.randint(0, len(whole))
        files += [whole, whole[:cut], whole[:cut] + "@" + whole[cut:], whole + " more"]
    return files


@pytest.mark.parametrize("window", [7, 64, 1 << 20])
def test_windows_read_what_the_whole_text_reads(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(x_common, "WINDOW_BYTES", window)
    for text in _files():
        for bom in (b"", b"\xef\xbb\xbf"):
            skipped_text: list[str] = []
            skipped_bytes: list[str] = []
            expected = _read(text, skipped_text)
            assert _read(bom + text.encode("utf-8"), skipped_bytes) == expected, text[:60]
            assert skipped_bytes == skipped_text


@pytest.mark.parametrize("window", [7, 1 << 20])
def test_a_byte_that_is_not_utf8_is_named_where_decode_text_names_it(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(x_common, "WINDOW_BYTES", window)
    for bom in (b"", b"\xef\xbb\xbf"):
        data = bom + ("x = [" + '"é…", ' * 3000).encode() + b'"\xff"]'
        with pytest.raises(ParseError) as whole:
            decode_text(data, name="t.js")
        with pytest.raises(ParseError) as windowed:
            list(x_common.iter_js_array(data, name="t.js"))
        assert str(windowed.value) == str(whole.value)


def test_edit_chains_are_found_in_bytes_as_in_text() -> None:
    text = (
        'x = [{"tweet": {"edit_info": {"initial": {"editTweetIds" : ["30", "10", "20"]}}}},'
        ' {"tweet": {"edit_info": {"initial": {"editTweetIds": ["5"]}}, "full_text": "…"}}]'
    )
    assert (
        scan_edit_chains(text.encode())
        == scan_edit_chains(text)
        == {
            "30": "10",
            "10": "10",
            "20": "10",
        }
    )
