"""WordPress WXR importer.

No agency export is available: the fixtures under tests/fixtures/platforms/wordpress/ follow
the structure WordPress core's export.php writes (see README.md there). Expected numbers are
computed here by reading the fixture with the standard library's ElementTree (trusted input,
our own file), independently of the importer.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from retention_desk.archive import Archive
from retention_desk.importers.run import detect, preview, run_import
from retention_desk.importers.tree import open_tree
from retention_desk.importers.wordpress.wxr import Channel, html_to_text, iter_items
from tests.importers.helpers import fetch_rows, files_by_name, latest_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "wordpress"
JUNE = FIXTURES / "site-2024-06"
JULY = FIXTURES / "site-2024-07"
JUNE_XML = JUNE / "examplecitynews.wordpress.2024-06-01.xml"
WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SITE = "news.example.gov"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel><title>T</title>'
    "<link>https://t.example</link>\n"
)


def _records(archive: Archive) -> dict[str, dict[str, Any]]:
    """Records keyed by their item id (the record_key without the site)."""
    recs = latest_records(archive, "wordpress")
    return {key.split("#", 1)[1]: rec for key, rec in recs.items()}


def _versions(archive: Archive, key: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in fetch_rows(
            archive,
            "SELECT v.platform_edited_at, v.text FROM record_versions v JOIN records r"
            " ON r.id = v.record_id WHERE r.record_key = :k ORDER BY v.seq",
            k=f"{SITE}#{key}",
        )
    ]


def _items_of(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("channel/item")


def _wp(item: ET.Element, name: str) -> str:
    return (item.findtext(WP + name) or "").strip()


# --------------------------------------------------------------------------- full import
def test_posts_pages_comments_and_site(archive: Archive) -> None:
    summary = run_import(archive, [JUNE])
    items = _items_of(JUNE_XML)
    content = [i for i in items if _wp(i, "post_type") in ("post", "page")]
    comments = [c for i in items for c in i.findall(WP + "comment")]
    assert (len(content), len(comments)) == (4, 5)
    assert summary.totals()["added"] == len(content) + len(comments) + 1  # + the site record
    recs = _records(archive)
    for item in content:
        rec = recs["post-" + _wp(item, "post_id")]
        assert rec["kind"] == _wp(item, "post_type")
        assert rec["v_title"] == item.findtext("title")
        assert rec["url"] == item.findtext("link")
        assert rec["v_text_raw"] in (None, item.findtext(CONTENT))
    post = recs["post-10"]
    assert post["author_name"] == "Jane Doe, PIO" and post["author_handle"] == "pio_jdoe"
    assert post["created_at"] == "2024-01-01T16:00:00.000000Z"
    assert post["v_text"] == "Main St is closed between 1st and 4th. Detour via Oak Ave & 2nd."
    extra = json.loads(post["extra_json"])
    assert extra["categories"] == ["Traffic"] and extra["tags"] == ["Main St"]
    assert extra["excerpt"] == "Main St closed 1st to 4th."
    assert recs["post-20"]["v_text"] == "Who we are\nCity Hall, 1 Plaza Way."
    site = recs["site"]
    assert (site["kind"], site["v_title"]) == ("page", "City of Example News")
    assert site["v_text"] == "Updates from the City of Example & its departments"
    assert fetch_rows(archive, "SELECT account_key, display_name FROM accounts") == [
        (SITE, "City of Example News")
    ]
    warning = files_by_name(summary)[JUNE_XML.name].warnings
    assert warning and "autosave: 1, nav_menu_item: 1" in warning[0]


def test_revisions_become_versions_in_date_order(archive: Archive) -> None:
    run_import(archive, [JUNE])
    items = _items_of(JUNE_XML)
    revisions = sorted(
        (_wp(i, "post_date_gmt"), html_to_text(i.findtext(CONTENT) or ""))
        for i in items
        if _wp(i, "post_type") == "revision"
        and _wp(i, "post_parent") == "10"
        and "autosave" not in _wp(i, "post_name")
    )
    versions = _versions(archive, "post-10")
    assert [v[1] for v in versions] == [r[1] for r in revisions]
    assert [v[0][:19] for v in versions] == [r[0].replace(" ", "T") for r in revisions]
    # the latest revision equals the published content: it is the last version
    current = next(i for i in items if _wp(i, "post_id") == "10")
    assert versions[-1][1] == html_to_text(current.findtext(CONTENT) or "")
    assert "autosave" not in json.dumps(versions)
    rec = _records(archive)["post-10"]
    assert rec["version_count"] == 3
    assert rec["created_at"] == "2024-01-01T16:00:00.000000Z"
    assert rec["edited_at"] == "2024-01-03T16:00:00.000000Z"


def test_comment_threads_and_moderation_flags(archive: Archive) -> None:
    run_import(archive, [JUNE])
    recs = _records(archive)
    post = recs["post-10"]
    for key in ("comment-100", "comment-102", "comment-103"):
        assert recs[key]["parent_id"] == post["id"] and recs[key]["kind"] == "comment"
    for key in ("comment-101", "comment-104"):
        assert recs[key]["parent_id"] == recs["comment-100"]["id"]
        assert recs[key]["kind"] == "reply" and recs[key]["thread_id"] == post["id"]
    states = {k: json.loads(r["extra_json"]).get("approval") for k, r in recs.items()}
    hidden = {k for k, r in recs.items() if r["hidden_at"]}
    assert hidden == {"comment-102", "comment-103", "comment-104"}
    assert [states[k] for k in sorted(hidden)] == ["pending", "spam", "trash"]
    assert recs["comment-101"]["author_platform_id"] == "2"
    assert recs["comment-100"]["url"].endswith("/road-closure-on-main-st/#comment-100")
    # link markup is display text, the HTML is kept raw
    assert recs["comment-102"]["v_text"] == "This closure is a disgrace click"
    assert 'href="http://spam.example"' in recs["comment-102"]["v_text_raw"]


def test_trash_private_and_media(archive: Archive) -> None:
    summary = run_import(archive, [JUNE])
    recs = _records(archive)
    trashed = recs["post-40"]
    assert trashed["deleted_at"] == "2024-01-06T16:00:00.000000Z"  # _wp_trash_meta_time
    assert trashed["deleted_at_raw"] == "1704556800"
    private = recs["post-41"]
    assert private["restricted"] and not recs["post-10"]["restricted"]
    # script content is not display text; the raw HTML keeps it
    assert private["v_text"] == "Plows start at 4am. Call 555-0100."
    assert "<script>" in private["v_text_raw"]
    media = fetch_rows(
        archive,
        "SELECT r.record_key, m.original_uri, m.blob_sha256, m.missing, m.mime_type"
        " FROM media m JOIN records r ON r.id = m.record_id ORDER BY m.id",
    )
    png = JUNE / "wp-content" / "uploads" / "2024" / "01" / "closure-map.png"
    assert media == [
        (
            f"{SITE}#post-10",
            "https://news.example.gov/wp-content/uploads/2024/01/closure-map.png",
            hashlib.sha256(png.read_bytes()).hexdigest(),
            0,
            None,
        ),
        (
            f"{SITE}#site",
            "https://news.example.gov/wp-content/uploads/2024/01/budget-2024.pdf",
            None,
            1,
            None,
        ),
    ]
    assert summary.totals()["media_missing"] == 1


def test_personal_data_only_in_sensitive(archive: Archive) -> None:
    run_import(archive, [JUNE])
    recs = _records(archive)
    items = _items_of(JUNE_XML)
    secrets = {_wp(c, "comment_author_IP") for i in items for c in i.findall(WP + "comment")} | {
        _wp(c, "comment_author_email") for i in items for c in i.findall(WP + "comment")
    }
    secrets.discard("")
    assert len(secrets) == 9
    found = {v for r in recs.values() for v in json.loads(r["sensitive_json"]).values()}
    assert secrets <= found
    for rec in recs.values():
        for column in ("v_text", "v_title", "extra_json", "v_raw", "v_text_raw", "author_name"):
            assert not any(s in (rec[column] or "") for s in secrets), (column, rec["record_key"])
    # author e-mails from <wp:author> are not stored in records at all
    assert "web@example.gov" not in json.dumps([list(r.values()) for r in recs.values()])


def test_reimport_adds_nothing_and_later_export_appends_history(archive: Archive) -> None:
    run_import(archive, [JUNE])
    again = run_import(archive, [JUNE])
    assert again.totals()["added"] == 0 and again.totals()["new_versions"] == 0
    assert files_by_name(again)[JUNE_XML.name].status == "duplicate"
    later = run_import(archive, [JULY])
    assert later.totals()["added"] == 1  # comment 105
    assert later.totals()["new_versions"] == 2  # revision 15 of post 10, edited comment 100
    versions = _versions(archive, "post-10")
    assert len(versions) == 4
    assert versions[-1] == (
        "2024-01-10T16:00:00.000000Z",
        "Main St is open again. Thank you for your patience.",
    )
    assert [v[0] for v in versions] == sorted(v[0] for v in versions)
    details = fetch_rows(
        archive,
        "SELECT details_json FROM source_files WHERE name = :n",
        n="examplecitynews.wordpress.2024-07-01.xml",
    )
    assert json.loads(details[0][0])["wordpress"]["revisions_already_archived"] == 3
    assert [v[1] for v in _versions(archive, "comment-100")] == [
        "Is the bus still running on Main?",
        "Is the bus still running on Main? (edited: route 7)",
    ]


# ------------------------------------------------------------------------ detection
def test_detection_by_namespace_not_name(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(JUNE_XML, folder / "backup.txt")
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    )
    detection = detect([folder])
    try:
        wxr = [c for _, imp, c in detection.claims if imp.name == "wordpress-wxr"]
        assert [c.files for c in wxr] == [["backup.txt"]]
        assert wxr[0].account is not None and wxr[0].account.account_key == SITE
    finally:
        detection.close()


# ------------------------------------------------------------------------ hostile files
def test_billion_laughs_is_refused_and_the_rest_imports(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    bomb = HEADER.replace("<rss", f"<!DOCTYPE rss [{entities}]>\n<rss", 1)
    bomb += "<item><title>&lol9;</title></item></channel></rss>"
    (folder / "bomb.xml").write_text(bomb)
    external = HEADER.replace(
        "<rss", '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rss', 1
    )
    (folder / "external.xml").write_text(
        external + "<item><title>&x;</title></item></channel></rss>"
    )
    shutil.copy(JUNE_XML, folder / "good.xml")
    summary = run_import(archive, [folder])
    files = files_by_name(summary)
    for name in ("bomb.xml", "external.xml"):
        assert files[name].status == "failed"
        assert files[name].error.startswith(f"{name}: refused: the file declares XML entities")
    assert files["good.xml"].status == "imported"
    texts = [r[0] for r in fetch_rows(archive, "SELECT text FROM record_versions")]
    assert texts and not any("root:" in t for t in texts)


def test_broken_xml_fails_that_file_with_its_line(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    data = JUNE_XML.read_text(encoding="utf-8")
    cut = data[: data.index("<wp:post_id>20</wp:post_id>")]
    (folder / "cut.xml").write_text(cut, encoding="utf-8")
    (folder / "bad-byte.xml").write_bytes(HEADER.encode() + b"<item><title>caf\xe9</title>")
    summary = run_import(archive, [folder])
    files = files_by_name(summary)
    assert files["cut.xml"].status == "failed"
    assert files["cut.xml"].error.startswith("cut.xml: broken XML at line")
    line = HEADER.count("\n") + 1
    assert files["bad-byte.xml"].error == (
        f"bad-byte.xml: broken XML at line {line} column 16: not well-formed (invalid token)"
    )
    # an atomic file: nothing of the cut file was kept as records
    assert fetch_rows(archive, "SELECT count(*) FROM records") == [(0,)]


def test_streaming_keeps_memory_bounded(tmp_path: Path) -> None:
    body = "<p>" + "x" * 2000 + "</p>"
    path = tmp_path / "big.xml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for n in range(6000):  # about 13 MB of items
            fh.write(
                f"<item><title>p{n}</title><content:encoded><![CDATA[{body}]]>"
                f"</content:encoded><wp:post_id>{n}</wp:post_id>"
                "<wp:post_type>post</wp:post_type></item>\n"
            )
        fh.write("</channel></rss>")
    tree = open_tree(path)
    channel = Channel(wp="{http://wordpress.org/export/1.2/}")
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_items(tree, path.name, channel))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        tree.close()
    assert count == 6000
    assert peak < path.stat().st_size / 4


def test_html_to_text() -> None:
    assert html_to_text("a &amp; b") == "a & b"
    assert html_to_text("<p>one</p><p>two<br>three</p>") == "one\ntwo\nthree"
    assert html_to_text("x <b>y</b> <!-- wp:x --> z") == "x y  z"
    assert html_to_text("if a < b then") == "if a < b then"


def test_preview_counts_without_writing() -> None:
    detection = detect([JUNE])
    try:
        (result,) = preview(detection)
    finally:
        detection.close()
    assert (result.approx_records, result.account) == (9, "City of Example News")
    assert "4 revision" in result.notes


def test_wxr_1_0_and_a_draft_without_gmt_dates(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_text(
        HEADER.replace("export/1.2/", "export/1.0/")
        + "<item><title>Draft</title><link>https://t.example/?p=5</link>"
        "<pubDate>Mon, 30 Nov -0001 00:00:00 +0000</pubDate>"
        "<content:encoded><![CDATA[Not yet]]></content:encoded>"
        "<wp:post_id>5</wp:post_id><wp:post_date>2010-05-01 08:00:00</wp:post_date>"
        "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>"
        "<wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>"
        "</channel></rss>"
    )
    summary = run_import(archive, [path])
    assert summary.status == "completed", summary.to_dict()
    rec = fetch_rows(
        archive,
        "SELECT created_at, created_at_raw, extra_json FROM records WHERE record_key = :k",
        k="t.example#post-5",
    )
    assert rec[0][:2] == ("2010-05-01T08:00:00.000000Z", "2010-05-01 08:00:00")
    assert json.loads(rec[0][2])["status"] == "draft"


# ------------------------------------------------------------ real-export quirks (issue 9)
WPCOM = FIXTURES / "wpcom-2012" / "examplecity.wordpress.2012-02-05.xml"
WPCOM_SITE = "examplecityclerk.wordpress.com"


def _wpcom_records(archive: Archive) -> dict[str, dict[str, Any]]:
    recs = latest_records(archive, "wordpress")
    assert all(k.startswith(WPCOM_SITE + "#") for k in recs)
    return {key.split("#", 1)[1]: rec for key, rec in recs.items()}


def test_wordpress_com_export_with_undeclared_atom_prefix_imports(archive: Archive) -> None:
    # the fixture really is not namespace-well-formed: a strict parser refuses it
    try:
        ET.parse(WPCOM)
        raise AssertionError("the fixture should use an undeclared prefix")
    except ET.ParseError as exc:
        assert "unbound prefix" in str(exc)
    summary = run_import(archive, [WPCOM])
    (result,) = summary.files
    assert result.status == "imported", result.error
    assert any("declared for reading: atom" in w for w in result.warnings), result.warnings
    recs = _wpcom_records(archive)
    assert recs["post-1"]["v_title"] == "Council meeting moved"
    assert recs["comment-1"]["parent_key"] == f"{WPCOM_SITE}#post-1"
    assert recs["site"]["v_title"] == "Example City Clerk"


def test_comments_on_attachments_are_kept_under_the_attached_post(archive: Archive) -> None:
    run_import(archive, [WPCOM])
    rec = _wpcom_records(archive)["comment-2"]
    assert rec["v_text"] == "Page 2 of the scan is blank."
    assert rec["parent_key"] == f"{WPCOM_SITE}#post-1"
    assert json.loads(rec["extra_json"])["attachment_id"] == "7"
    assert rec["url"].endswith("/agenda-scan/#comment-2")


def test_draft_is_dated_from_post_date_not_the_1970_pubdate(archive: Archive) -> None:
    run_import(archive, [WPCOM])
    rec = _wpcom_records(archive)["post-12"]
    assert rec["created_at"] == "2011-03-20T22:27:30.000000Z"
    assert rec["created_at_raw"] == "2011-03-20 22:27:30"
    extra = json.loads(rec["extra_json"])
    assert extra["status"] == "draft"
    assert "local time" in extra["date_note"]


def test_draft_without_any_date_stays_undated_with_a_note(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "nodate.xml"
    path.write_text(
        HEADER + "<item><title>D</title><pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>"
        "<wp:post_id>9</wp:post_id><wp:post_date>0000-00-00 00:00:00</wp:post_date>"
        "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>"
        "<wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>"
    )
    run_import(archive, [path])
    rec = latest_records(archive, "wordpress")["t.example#post-9"]
    assert rec["created_at"] is None
    assert "no date" in json.loads(rec["extra_json"])["date_note"]


def test_form_definitions_and_menu_items_are_not_posts(archive: Archive) -> None:
    summary = run_import(archive, [WPCOM])
    recs = _wpcom_records(archive)
    assert "post-14" not in recs and "post-15" not in recs
    assert set(recs) == {"post-1", "post-12", "comment-1", "comment-2", "site"}
    (result,) = summary.files
    assert any("wpcf7_contact_form: 1" in w and "nav_menu_item: 1" in w for w in result.warnings)


def test_repairs_control_characters_bare_ampersands_and_html_entities(
    archive: Archive, tmp_path: Path
) -> None:
    # the same repairable text behind a declared entity is still refused, never expanded
    (tmp_path / "bomb.xml").write_text(
        HEADER.replace("<rss", '<!DOCTYPE rss [<!ENTITY nbsp "&#160;&#160;">]>\n<rss', 1)
        + "<item><title>a&nbsp;b\x01</title><atom:link href='x'/></item></channel></rss>"
    )
    path = tmp_path / "mended.xml"
    path.write_text(
        HEADER.replace(' xmlns:dc="http://purl.org/dc/elements/1.1/"', "")
        + "<item><title>Roads &amp; bridges&nbsp;update &copy; R&D</title>"
        "<dc:creator>clerk</dc:creator><foo:bar>x</foo:bar>"
        "<content:encoded><![CDATA[a & b &nbsp;\x0b]]></content:encoded>"
        "<wp:post_id>3</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
        "<wp:post_type>post</wp:post_type></item></channel></rss>"
    )
    files = files_by_name(run_import(archive, [tmp_path]))
    assert files["bomb.xml"].status == "failed"
    assert files["bomb.xml"].error.startswith("bomb.xml: refused: the file declares XML entities")
    result = files["mended.xml"]
    assert result.status == "imported", result.error
    (warning,) = [w for w in result.warnings if "repaired while reading" in w]
    assert "dc, foo" in warning
    assert "1 control character" in warning
    assert "1 bare '&'" in warning
    assert "&copy; x1" in warning and "&nbsp; x1" in warning
    rec = latest_records(archive, "wordpress")["t.example#post-3"]
    assert rec["v_title"] == "Roads & bridges\xa0update © R&D"
    # CDATA is text already: only the control character went
    assert rec["v_text_raw"] == "a & b &nbsp;"
    assert rec["author_handle"] == "clerk"
