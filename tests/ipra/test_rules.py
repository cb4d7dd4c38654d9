"""resources/ipra.toml through load_rules: every rule cited, unverified where nm-law.md says so,
and a broken file named with its line (where tomllib gives one) and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.rules import CLOCK_KEYS, RULES_FILE, load_rules


def test_default_file_has_every_clock_with_its_citation() -> None:
    rules = load_rules()
    assert rules.path == RULES_FILE
    assert len(rules.sha256) == 64
    assert set(CLOCK_KEYS) <= set(rules.clocks)
    expected = {
        "response_3day": (3, "business", "14-2-8(D)"),
        "inspection_15day": (15, "calendar", "14-2-8(D)"),
        "burdensome_notice": (15, "calendar", "14-2-10"),
        "reasonable_period": (0, "calendar", "14-2-10"),
        "denial_15day": (15, "calendar", "14-2-11(B)"),
        "deemed_denied": (15, "calendar", "14-2-11(A)"),
    }
    for key, (days, unit, cited) in expected.items():
        clock = rules.clocks[key]
        assert (clock.days, clock.unit) == (days, unit), key
        assert clock.citation.endswith(cited), key
        assert clock.label and clock.note
    assert rules.number_format.format(year=2026, seq=1) == "IPRA-2026-0001"
    assert rules.hold_release_days == 30 and not rules.hold_release_verified
    assert rules.due_soon_days == 2
    assert rules.damages_per_day_cents == 10000
    assert rules.damages_citation.endswith("14-2-11(C)")
    assert rules.fees.page_cap_cents == 100
    assert rules.fees.citation.endswith("14-2-9(C)")
    assert len(rules.fees.notes) >= 6


def test_holidays_are_the_ten_of_12_5_2_all_unverified() -> None:
    rules = load_rules()
    names = [h.name for h in rules.holidays]
    assert names == [
        "New Year's Day",
        "Martin Luther King Jr. Day",
        "Presidents' Day",
        "Memorial Day",
        "Independence Day",
        "Labor Day",
        "Indigenous Peoples' Day",
        "Veterans Day",
        "Thanksgiving Day",
        "Christmas Day",
    ]
    # nm-law.md section 4: secondary sources only, statute text not read
    assert not any(h.verified for h in rules.holidays)
    assert all(h.citation.endswith("12-5-2") for h in rules.holidays)
    assert rules.sunday_to_monday
    assert rules.observance_citation.endswith("12-5-3") and not rules.observance_verified
    assert [s.rule.split()[0] for s in rules.suggested] == [
        "package-nm",
        "package",
        "saturday-to-friday",
    ]


def test_default_rules_are_read_once() -> None:
    assert load_rules() is load_rules()


def test_another_path_is_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "ipra.toml"
    text = RULES_FILE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).due_soon_days == 2
    path.write_text(text.replace("due_soon_days = 2", "due_soon_days = 4"), encoding="utf-8")
    assert load_rules(path).due_soon_days == 4


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ipra.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "due_soon_days = 2", "due_soon_days = = 2")
    with pytest.raises(IpraError) as err:
        load_rules(path)
    message = str(err.value)
    assert str(path) in message and "line" in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('key = "response_3day"\nlabel', 'key = "response_3day"\nlabel_x', "label"),
        ("days = 3\n", 'days = "three"\n', "clock 'response_3day'.days"),
        ('unit = "business"', 'unit = "weeks"', "clock 'response_3day'.unit"),
        ("days = 3\n", "days = true\n", "clock 'response_3day'.days"),
        ('rule = "fixed 01-01"', 'rule = "first of January"', "holiday[0].rule"),
        ("per_day_cents = 10000", "per_day = 10000", "damages.per_day_cents"),
        ('key = "deemed_denied"', 'key = "deemed"', "deemed_denied"),
        ('number_format = "IPRA-{year}-{seq:04d}"', 'number_format = "{month}"', "number_format"),
    ],
)
def test_bad_value_names_the_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(IpraError) as err:
        load_rules(path)
    assert str(path) in str(err.value)
    assert key in str(err.value)


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(IpraError, match="cannot be read"):
        load_rules(tmp_path / "absent.toml")
    path = tmp_path / "latin.toml"
    path.write_bytes(b'[request]\nnumber_format = "\xe9"\n')
    with pytest.raises(IpraError, match="not UTF-8"):
        load_rules(path)
