"""The exemption catalogue: what ships (cited from nm-law.md, UNVERIFIED where it could not be
confirmed), how typed codes are read, and the agency's "as otherwise provided by law" codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.redaction import (
    RedactionError,
    add_exemption,
    archive_catalogue,
    load_catalogue,
    resolve,
)
from retention_desk.redaction.catalogue import CATALOGUE_FILE, parse_catalogue

NM_LAW = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "nm-law.md"


def test_shipped_catalogue_has_the_statutes_codes() -> None:
    cat = load_catalogue()
    by_code = {e.code: e for e in cat.exemptions}
    letters = [f"14-2-1({c})" for c in "ABCDEFGHIJ"]
    items = [f"14-2-1.2(A)({n})" for n in range(1, 6)]
    assert list(by_code) == [*letters, "14-2-1.1", *items, "29-10-4"]
    assert all(by_code[c].text_date == "2023-03-30" for c in letters + items)
    # only what nm-law.md quotes from a primary source is verified
    assert not by_code["14-2-1(J)"].verified  # its proviso was only partly seen
    assert all(by_code[c].verified for c in letters[:9])
    assert not any(by_code[c].verified for c in items)  # the letter (A) is inferred
    assert not by_code["29-10-4"].verified and not by_code["14-2-1.1"].verified
    assert "UNVERIFIED" in by_code["29-10-4"].box_label()
    assert "UNVERIFIED" not in by_code["14-2-1(G)"].box_label()
    # nothing without a statutory basis, and no unverified letter after J
    assert "14-2-1(K)" not in by_code
    assert all(e.citation and e.label and e.description for e in cat.exemptions)


def test_identifier_kinds_say_what_may_stay_visible() -> None:
    visible = {i.kind: i.visible for i in load_catalogue().identifiers}
    assert visible == {
        "taxpayer_id": "last4",
        "financial_account": "last4",
        "card": "last4",
        "drivers_licence": "last4",
        "birth_date": "year",
        "ssn": "none",
        "home_address": "city_state_zip",
    }
    kinds = {i.kind: i for i in load_catalogue().identifiers}
    assert not kinds["home_address"].verified  # the source is truncated there
    assert all(i.citation.startswith("NMSA 1978, § 14-2-6(F)") for i in kinds.values())


@pytest.mark.skipif(not NM_LAW.exists(), reason="shared/domain/nm-law.md not checked out")
def test_every_section_cited_is_one_nm_law_cites() -> None:
    law = NM_LAW.read_text(encoding="utf-8")
    for exemption in load_catalogue().exemptions:
        for section in re.findall(r"\d+-\d+[A-Z]?-\d+(?:\.\d+)?", exemption.citation):
            assert section in law, (exemption.code, section)


def test_typed_codes_are_read_as_the_statute_writes_them() -> None:
    cat = load_catalogue()
    assert resolve(cat, "§ 14-2-1 (g)").code == "14-2-1(G)"
    assert resolve(cat, "14-2-1.2(a)(3)").code == "14-2-1.2(A)(3)"
    with pytest.raises(RedactionError, match=r"Did you mean 14-2-1\.1"):
        resolve(cat, "14-2-11")
    with pytest.raises(RedactionError, match="exemption list"):
        resolve(cat, "zzz")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[exemption]]\ncode = "X"\n', "without a citation"),
        (
            '[[exemption]]\ncode="X"\ncitation="c"\nlabel="l"\ndescription="d"\n'
            'text_date="2023"\nverified=true\nsource="x"\n',
            "unknown key 'source'",
        ),
        (
            '[[exemption]]\ncode="X"\ncitation="c"\nlabel="l"\ndescription="d"\n'
            'text_date="2023"\nverified="yes"\n',
            "not true or false",
        ),
        ("[[exemption]\n", "cannot be read"),
        ("[other]\n", "unknown table 'other'"),
        (
            '[[exemption]]\ncode="X"\ncitation="c"\nlabel="l"\ndescription="d"\n'
            'text_date="2023"\nverified=true\n[[exemption]]\ncode="x"\ncitation="c"\n'
            'label="l"\ndescription="d"\ntext_date="2023"\nverified=true\n',
            "twice",
        ),
    ],
)
def test_a_broken_catalogue_is_refused_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(RedactionError, match=f"agency.toml.*{message}"):
        parse_catalogue(text.encode(), Path("agency.toml"))


def test_shipped_file_parses_strictly() -> None:
    cat = parse_catalogue(CATALOGUE_FILE.read_bytes(), CATALOGUE_FILE)
    assert len(cat.exemptions) == 17


def test_agency_adds_a_code_with_its_citation(tmp_archive: Archive) -> None:
    with pytest.raises(RedactionError, match="needs a citation"):
        add_exemption(tmp_archive, "32A-2-32", citation="  ", label="Children's Code")
    with pytest.raises(RedactionError, match="already in the catalogue"):
        add_exemption(tmp_archive, "14-2-1(a)", citation="x", label="y")
    with pytest.raises(RedactionError, match="without spaces"):
        add_exemption(tmp_archive, "32A 2 32", citation="x", label="y")
    added = add_exemption(
        tmp_archive,
        "32A-2-32",
        citation="NMSA 1978, § 32A-2-32 (Children's Code)",
        label="Children's Code records",
        description="Records of a child under the Children's Code",
    )
    assert (added.source, added.verified, added.added_by) == ("agency", False, "pytest")
    cat = archive_catalogue(tmp_archive)
    assert resolve(cat, "32a-2-32").label == "Children's Code records"
    with pytest.raises(RedactionError, match="already in the agency's codes"):
        add_exemption(tmp_archive, "32A-2-32", citation="x", label="y")
    with tmp_archive.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT details FROM audit_log WHERE action = 'redaction.exemption_add'"
        ).scalar_one()
    assert json.loads(row) == {"code": "32A-2-32"}
