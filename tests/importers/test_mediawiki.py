"""MediaWiki XML export importer.

The examplewiki fixtures follow MediaWiki's published export-0.11 schema; the enwiki ones keep
the exact structure of real dumps (export-0.10 with an IP first editor, export-0.3 without
<dbname>), see README.md under tests/fixtures/platforms/mediawiki/. Expected numbers are
computed here by reading the fixture with the standard library's ElementTree (trusted input,
our own file), independently of the importer.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from retention_desk.archive import Archive
from retention_desk.importers.run import detect, preview, run_import
from tests.importers.helpers import fetch_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "mediawiki"
JUNE = FIXTURES / "examplewiki-2024-06.xml"
JULY = FIXTURES / "examplewiki-2024-07.xml"
IP_FIRST = FIXTURES / "enwiki-export-0.10-ip-first.xml"
NO_DBNAME = FIXTURES / "enwiki-export-0.3-no-dbname.xml"
NS = "{http://www.mediawiki.org/xml/export-0.11/}"
IP = "198.51.100.23"
HEAD = (
    '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
    "<siteinfo><sitename>W</sitename><dbname>w</dbname>"
    "<base>https://w.example/wiki/Main_Page</base></siteinfo>\n"
)


def _records(archive: Archive) -> dict[str, dict[str, Any]]:
    rows = fetch_rows(archive, "SELECT * FROM records WHERE platform = 'wiki'")
    return {row._mapping["record_key"]: dict(row._mapping) for row in rows}


def _versions(archive: Archive, key: str) -> list[dict[str, Any]]:
    rows = fetch_rows(
        archive,
        "SELECT v.* FROM record_versions v JOIN records r ON r.id = v.record_id"
        " WHERE r.record_key = :k ORDER BY v.seq",
        k=key,
    )
    return [dict(r._mapping) for r in rows]


def _pages(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall(NS + "page")


def _page_xml(page_id: int, revisions: list[tuple[int, str, str, str]]) -> str:
    """A page with (revision id, timestamp, contributor XML, text) revisions."""
    body = "".join(
        f"<revision><id>{rid}</id><timestamp>{ts}</timestamp>"
        f"<contributor>{who}</contributor><text>{txt}</text></revision>"
        for rid, ts, who, txt in revisions
    )
    return f"<page><title>P{page_id}</title><ns>0</ns><id>{page_id}</id>{body}</page>\n"


# --------------------------------------------------------------------------- full import
def test_every_page_a_record_every_revision_a_version(archive: Archive) -> None:
    summary = run_import(archive, [JUNE])
    pages = _pages(JUNE)
    assert len(pages) == 3
    assert summary.totals()["added"] == len(pages)
    recs = _records(archive)
    for page in pages:
        rec = recs["wiki.example.gov:" + page.findtext(NS + "id")]
        revisions = page.findall(NS + "revision")
        texts = [(r.find(NS + "text").text or "") for r in revisions]
        # consecutive identical texts (a null edit) are one version
        distinct = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]
        versions = _versions(archive, rec["record_key"])
        assert [v["text"] for v in versions] == distinct
        assert rec["version_count"] == len(distinct)
        stamps = [v["platform_edited_at"] for v in versions]
        assert stamps == sorted(stamps)
        assert all(v["title"] == page.findtext(NS + "title") for v in versions)
        first = revisions[0]
        assert rec["author_name"] == first.findtext(f"{NS}contributor/{NS}username")
        assert rec["created_at"][:19] == first.findtext(NS + "timestamp")[:19]
        extra = json.loads(rec["extra_json"])
        assert extra["namespace"] == page.findtext(NS + "ns")
    assert summary.totals()["unchanged"] == 1  # revision 302 protected the page, no edit


def test_urls_namespaces_and_per_version_editors(archive: Archive) -> None:
    run_import(archive, [JUNE])
    recs = _records(archive)
    talk = recs["wiki.example.gov:2"]
    assert talk["url"] == "https://wiki.example.gov/wiki/Talk:Snow_removal"
    assert json.loads(talk["extra_json"])["namespace_name"] == "Talk"
    redirect = json.loads(recs["wiki.example.gov:3"]["extra_json"])
    assert redirect["redirect_to"] == "Traffic advisories"
    raws = [json.loads(v["raw_json"]) for v in _versions(archive, "wiki.example.gov:1")]
    assert [r["id"] for r in raws] == ["101", "102", "103"]
    assert raws[2]["contributor"]["username"] == "Bob Editor"
    assert raws[2]["comment"] == "typo & link"
    # a suppressed revision: empty text, marked in its raw JSON
    suppressed = _versions(archive, "wiki.example.gov:3")[-1]
    assert suppressed["text"] == ""
    assert json.loads(suppressed["raw_json"])["text"]["@deleted"] == "deleted"
    # entities in wikitext are decoded once: the text is the wiki source, not markup
    assert _versions(archive, "wiki.example.gov:1")[-1]["text"].endswith("<script>x</script>")


def test_anonymous_editor_ip_only_in_sensitive(archive: Archive, tmp_path: Path) -> None:
    anon = tmp_path / "anon.xml"
    anon.write_text(
        HEAD
        + _page_xml(5, [(1, "2024-01-01T00:00:00Z", f"<ip>{IP}</ip>", "first")])
        + "</mediawiki>"
    )
    run_import(archive, [JUNE, anon])
    recs = _records(archive)
    assert json.loads(recs["w.example:5"]["sensitive_json"]) == {"editor_ip": IP}
    assert recs["w.example:5"]["author_name"] == "(anonymous)"
    leaks = fetch_rows(
        archive,
        "SELECT count(*) FROM records r JOIN record_versions v ON v.record_id = r.id"
        " WHERE instr(v.text, :ip) OR instr(r.extra_json, :ip) OR instr(v.raw_json, :ip)"
        " OR instr(coalesce(r.author_name, ''), :ip)",
        ip=IP,
    )
    assert leaks == [(0,)]


def test_reimport_and_later_export_append_only_new_revisions(archive: Archive) -> None:
    run_import(archive, [JUNE])
    again = run_import(archive, [JUNE])
    assert again.totals()["added"] == 0 and again.totals()["new_versions"] == 0
    later = run_import(archive, [JULY])
    assert (later.totals()["added"], later.totals()["new_versions"]) == (0, 1)
    texts = [v["text"] for v in _versions(archive, "wiki.example.gov:1")]
    july = _pages(JULY)[0].findall(NS + "revision")
    assert len(texts) == 4 and texts[-1] == july[-1].find(NS + "text").text
    details = fetch_rows(
        archive, "SELECT details_json FROM source_files WHERE name = :n", n=JULY.name
    )
    assert json.loads(details[0][0])["mediawiki"]["already_archived"] == len(july) - 1


def test_backwards_timestamps_are_reported(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "odd.xml"
    who = "<username>A</username>"
    path.write_text(
        HEAD
        + _page_xml(
            9, [(1, "2024-02-01T00:00:00Z", who, "b"), (2, "2024-01-01T00:00:00Z", who, "a")]
        )
        + "</mediawiki>"
    )
    summary = run_import(archive, [path])
    assert any("go backwards" in w for w in summary.files[0].warnings)
    assert [v["text"] for v in _versions(archive, "w.example:9")] == ["b", "a"]


# ------------------------------------------------------------------------ detection
def test_detection_by_root_namespace(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(JUNE, folder / "dump")
    (folder / "other.xml").write_text("<mediawiki><page/></mediawiki>")
    detection = detect([folder])
    try:
        claims = [c for _, imp, c in detection.claims if imp.name == "mediawiki-xml"]
        assert [c.files for c in claims] == [["dump"]]
        assert claims[0].account is not None
        assert claims[0].account.display_name == "Example City Wiki"
    finally:
        detection.close()


# ------------------------------------------------------------------------ hostile files
def test_bomb_refused_and_broken_file_reported(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    (folder / "bomb.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE mediawiki [{entities}]>\n'
        + HEAD
        + _page_xml(1, [(1, "2024-01-01T00:00:00Z", "<username>A</username>", "&h;")])
        + "</mediawiki>"
    )
    data = JUNE.read_text(encoding="utf-8")
    (folder / "cut.xml").write_text(data[: data.index("<title>Road closures")])
    shutil.copy(JUNE, folder / "good.xml")
    summary = run_import(archive, [folder])
    files = {f.path: f for f in summary.files}
    assert files["bomb.xml"].status == "failed"
    assert files["bomb.xml"].error.startswith("bomb.xml: refused: the file declares XML entities")
    assert files["cut.xml"].status == "failed"
    assert files["cut.xml"].error.startswith("cut.xml: broken XML at line")
    assert files["good.xml"].status == "imported"
    assert len(_records(archive)) == 3  # the good file only; the cut one rolled back whole


def test_preview_counts_without_writing() -> None:
    detection = detect([JUNE])
    try:
        (result,) = preview(detection)
    finally:
        detection.close()
    assert (result.approx_records, result.account) == (3, "Example City Wiki")
    assert result.notes == ["3 pages, 7 revisions"]


def test_two_wikis_in_one_folder_get_their_own_accounts(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "two"
    folder.mkdir()
    shutil.copy(JUNE, folder / "a.xml")
    (folder / "b.xml").write_text(
        HEAD
        + _page_xml(1, [(1, "2024-01-01T00:00:00Z", "<username>A</username>", "x")])
        + "</mediawiki>"
    )
    run_import(archive, [folder])
    owners = fetch_rows(
        archive,
        "SELECT r.record_key, a.account_key FROM records r JOIN accounts a"
        " ON a.id = r.account_id ORDER BY r.id",
    )
    assert {key.split(":")[0]: account for key, account in owners} == {
        "wiki.example.gov": "wiki.example.gov",
        "w.example": "w.example",
    }


# ------------------------------------------------------------------ real dump structures
def test_anonymous_creator_is_not_replaced_by_the_next_editor(archive: Archive) -> None:
    run_import(archive, [IP_FIRST])
    rec = _records(archive)["en.wikipedia.org:1"]
    # revision 1 is by an IP, revision 2 by a named user: the page is the IP editor's
    assert (rec["author_name"], rec["author_handle"], rec["author_platform_id"]) == (
        "(anonymous)",
        None,
        None,
    )
    assert json.loads(rec["sensitive_json"]) == {"editor_ip": "192.0.2.44"}


def test_each_version_names_its_editor(archive: Archive) -> None:
    from retention_desk.importers.mediawiki import EDITOR_MARK

    run_import(archive, [IP_FIRST, NO_DBNAME])
    editors = [
        v["locator"].rsplit(EDITOR_MARK, 1)[1] for v in _versions(archive, "en.wikipedia.org:1")
    ]
    assert editors == ["(anonymous)", "Example Editor", "Second Example Editor"]
    locators = " ".join(v["locator"] for v in _versions(archive, "en.wikipedia.org:1"))
    assert "192.0.2.44" not in locators


def test_old_schema_without_dbname_is_the_same_wiki(archive: Archive) -> None:
    run_import(archive, [IP_FIRST])
    run_import(archive, [NO_DBNAME])
    accounts = fetch_rows(archive, "SELECT account_key, display_name FROM accounts")
    assert accounts == [("en.wikipedia.org", "Wikipedia")]
    recs = _records(archive)
    assert list(recs) == ["en.wikipedia.org:1"]
    assert [v["text"] for v in _versions(archive, "en.wikipedia.org:1")] == [
        "hi",
        "hi hi",
        "hi hi hi",
    ]


def test_version_list_shows_each_editor(archive: Archive) -> None:
    from zoneinfo import ZoneInfo

    from retention_desk.search.detail import record_detail
    from retention_desk.ui.record.versions import version_label

    run_import(archive, [IP_FIRST])
    rid = _records(archive)["en.wikipedia.org:1"]["id"]
    versions = record_detail(archive, rid).versions
    labels = [version_label(v, len(versions), ZoneInfo("UTC"), False) for v in versions]
    assert labels[0].endswith("by (anonymous)") and labels[1].endswith("by Example Editor")
