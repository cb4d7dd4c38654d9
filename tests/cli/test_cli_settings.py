"""`retention-desk settings show|set`: every setting shown, changes validated and audited through
Archive.update_settings, unknown keys and bad values refused in one line with exit 1."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.settings import SETTINGS_KEYS
from retention_desk.archive.verify import verify_path
from retention_desk.cli import main
from retention_desk.cli.cmd_settings import SET_KEYS, show_lines


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.rdesk"
    Archive.create(path, operator="pytest").close()
    return path


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), "--operator", "Clerk CLI", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("retention-desk: error: ")
    return lines[0]


def audit_rows(path: Path) -> list[tuple[str, list[str], dict[str, object]]]:
    with Archive.open(path) as archive, archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT operator, object_ids, details FROM audit_log"
            " WHERE action = 'settings.update' ORDER BY id"
        ).all()
    return [(op, json.loads(ids), json.loads(details)) for op, ids, details in rows]


def test_show_json_has_every_setting_under_its_name(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(capsys, path, "settings", "show", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert set(shown) == set(SETTINGS_KEYS)
    assert shown["agency_kind"] == "municipality"
    assert shown["fiscal_year_end"] == "06-30"
    assert shown["time_zone"] == "America/Denver"


def test_show_text_names_every_key_set_takes(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, _ = run(capsys, path, "settings", "show")
    assert code == 0
    keys = [line.split()[0] for line in out.splitlines()]
    assert keys == list(SET_KEYS)
    assert "fiscal_year_end  '06-30'" in out
    assert "(not set: the operating-system user)" in out


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("agency_name", "Village of Cerro Alto", "agency_name"),
        ("agency_kind", "state", "agency_kind"),
        ("time_zone", "America/Phoenix", "time_zone"),
        ("fiscal_year_end", "09-30", "fiscal_year_end"),
        ("custodian", "Lupe Quintero-Dahl", "custodian_name"),
        ("custodian_name", "Lupe Quintero-Dahl", "custodian_name"),
        ("custodian_title", "Village Clerk", "custodian_title"),
        ("bates_prefix", "VCA", "bates_prefix"),
        ("operator_name", "Records Clerk 2", "operator_name"),
    ],
)
def test_set_changes_one_setting_with_an_audit_row(
    capsys: pytest.CaptureFixture[str], path: Path, key: str, value: str, field: str
) -> None:
    code, out, err = run(capsys, path, "settings", "set", key, value)
    assert code == 0, err
    assert out.startswith(f"Set {key}: ") and f"-> '{value}'" in out
    code, out, _ = run(capsys, path, "settings", "show", "--json")
    assert json.loads(out)[field] == value
    [(operator, ids, details)] = audit_rows(path)
    assert operator == "Clerk CLI"
    assert ids == [field]
    assert details["changes"][field][1] == value  # type: ignore[index]


def test_set_to_the_same_value_writes_no_audit_row(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    assert run(capsys, path, "settings", "set", "agency_kind", "county")[0] == 0
    code, out, _ = run(capsys, path, "settings", "set", "agency_kind", "county")
    assert code == 0 and "nothing changed" in out
    assert len(audit_rows(path)) == 1


def test_unknown_key_is_refused_naming_the_valid_keys(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(capsys, path, "settings", "set", "fiscal_year", "06-30")
    assert code == 1 and out == ""
    line = one_error(err)
    assert "unknown setting 'fiscal_year'" in line
    for key in SET_KEYS:
        assert key in line
    assert audit_rows(path) == []


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("fiscal_year_end", "02-29", "Fiscal year end '02-29' is not a day every year has"),
        ("fiscal_year_end", "6/30", "written MM-DD"),
        ("agency_kind", "city", "not one of: state, county, municipality, other"),
        ("time_zone", "Mars/Olympus_Mons", "not a known IANA time zone"),
        ("bates_prefix", "no spaces", "Bates prefix must be"),
    ],
)
def test_invalid_value_is_refused_with_the_validation_sentence(
    capsys: pytest.CaptureFixture[str], path: Path, key: str, value: str, says: str
) -> None:
    code, out, err = run(capsys, path, "settings", "set", key, value)
    assert code == 1 and out == ""
    assert says in one_error(err)
    assert audit_rows(path) == []


def test_hostile_values_are_shown_not_obeyed(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    hostile = "\x1b]0;owned\x07Cerro\x1b[2J"
    code, _, err = run(capsys, path, "settings", "set", "time_zone", hostile)
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    code, _, err = run(capsys, path, "settings", "set", hostile, "x")
    assert code == 1 and "\x1b" not in err
    # A value stored before control characters were refused (or by another tool) is shown
    # escaped by `show`.
    with Archive.open(path) as archive:
        stored = replace(archive.settings(), agency_name="Cerro\x9b2J Alto")
    shown = "\n".join(show_lines(stored))
    assert "\x9b" not in shown
    assert "agency_name      'Cerro\\x1b Alto'" in shown  # the 8-bit CSI, named as text


def test_verify_passes_after_settings_set(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert run(capsys, path, "settings", "set", "fiscal_year_end", "12-31")[0] == 0
    assert run(capsys, path, "settings", "set", "agency_kind", "state")[0] == 0
    report = verify_path(path)
    assert report.ok, report.failures


def test_missing_archive_is_not_created_by_settings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "none.rdesk"
    code, _, err = run(capsys, missing, "settings", "set", "agency_kind", "state")
    assert code == 1 and "does not exist" in one_error(err)
    assert not missing.exists()


def test_policies_setting_names_only_policies_a_file_defines(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, _out, err = run(capsys, path, "settings", "set", "policies", "nm-dps-opr-37,no-such")
    line = one_error(err)
    assert code == 1 and "'no-such'" in line and "las-cruces-cmp-1-12" in line
    with Archive.open(path) as archive:
        assert archive.settings().policies == ""
    code, _out, err = run(
        capsys, path, "settings", "set", "policies", "nm-dps-opr-37,las-cruces-cmp-1-12"
    )
    assert code == 0, err
    with Archive.open(path) as archive:
        assert archive.settings().policies == "nm-dps-opr-37,las-cruces-cmp-1-12"


def test_fee_over_the_statutory_cap_is_refused_as_the_dialog_refuses_it(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    """`settings set fee_per_page` asks the Settings dialog's own check, cap included: a fee
    over the per-page cap of resources/ipra.toml is refused naming the cap and its section,
    and nothing is written."""
    from retention_desk.ipra.rules import load_rules
    from retention_desk.settings_check import settings_problems

    rules = load_rules()
    over = f"{(rules.fees.page_cap_cents + 1) / 100:.2f}"
    code, _out, err = run(capsys, path, "settings", "set", "fee_per_page", over)
    assert code == 1
    line = one_error(err)
    assert over in line and rules.fees.citation in line
    with Archive.open(path) as archive:
        settings = archive.settings()
        assert settings.fee_per_page == "0.00"
        # the dialog's check says the same of the same value
        assert settings_problems(replace(settings, fee_per_page=over)) != []
    assert audit_rows(path) == []
    at_cap = f"{rules.fees.page_cap_cents / 100:.2f}"
    assert run(capsys, path, "settings", "set", "fee_per_page", at_cap)[0] == 0
    with Archive.open(path) as archive:
        assert archive.settings().fee_per_page == at_cap
