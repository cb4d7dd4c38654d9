"""MediaWiki XML export (Special:Export or dumpBackup.php), schema export-0.3 to export-0.11.

Checked against real dumps' structure: MediaWiki core's own dump test data
(tests/phpunit/data/dumps, export-0.10/0.11), python-mwxml's dump.xml (export-0.8, an IP editor)
and a parser test fixture holding an export-0.10 enwiki header whose first revision is by an IP
(see tests/fixtures/platforms/mediawiki/README.md). The structure follows MediaWiki's published
export schema (https://www.mediawiki.org/xml/export-0.11.xsd, docs/export-0.11.xsd in core):
`<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/">` with `<siteinfo>` (sitename,
dbname, base, generator, namespaces) and `<page>` elements (title, ns, id, redirect,
revision*) whose revisions carry id, parentid, timestamp, contributor (username + id, or ip,
or deleted="deleted"), minor, comment, origin, model, format, text (deleted="deleted" when
suppressed) and sha1.

Mapping (platform 'wiki'; key '<host of base, else dbname>:<page id>' so page moves keep their
record and an old export without <dbname> lands in the same account as a new one; an archive
that imported the wiki under its dbname, the key before that, keeps that account and those
records: both key forms are looked up):
- every page is a record, kind 'page', whatever its namespace (talk pages too); the namespace
  number and name are in extra;
- every revision is a version of its page, written in the order of the export (ascending
  revision id, as MediaWiki writes them); a timestamp going backwards is reported;
  `platform_edited_at` is the revision time;
- the versions table has no author column: each version's editor (user name, '(anonymous)'
  for an IP, '(hidden)' when suppressed) ends its locator (`;editor=<name>`), which the version
  list shows; edit summary and revision id are in that version's raw_json. The record's
  author is the creator (the first revision the archive saw), and only that revision carries
  author columns, so an anonymous creator is never replaced by the next named editor;
- an anonymous editor's IP goes to `sensitive` (the first revision's) and is masked in
  raw_json; later editors' IPs stay only in the original file kept byte-exact in the archive;
- a revision whose text equals the one before it (a null edit, a protection change) adds no
  version: the record writer keeps versions of content. Such revisions are counted;
- a later export repeats the history: only revisions newer than the archive's newest version
  of that page are written.

The XML is parsed with defusedxml (no entity expansion, nothing fetched) and streamed: one
revision at a time, so a full-history dump stays bounded in memory.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit
from xml.etree.ElementTree import Element

from sqlalchemy import Connection, text

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, clean_record, dumps_raw, time_or_warn
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.xml_safe import (
    NOT_XML_SUFFIXES,
    element_to_json,
    iterparse,
    latest_version_time,
    local,
    sniff_root,
)

PLATFORM = "wiki"
_NS = "http://www.mediawiki.org/xml/export-"


def is_mediawiki(head: bytes) -> bool:
    found = sniff_root(head)
    if found is None or local(found[0].split(":")[-1]) != "mediawiki":
        return False
    return any(uri.startswith(_NS) for uri in found[1].values())


class Site:
    """siteinfo: name, key for records, how page URLs are built, namespace names."""

    def __init__(self) -> None:
        self.name = ""
        self.dbname = ""
        self.base = ""
        self.generator = ""
        self.namespaces: dict[str, str] = {}
        self._archived: str | None = None

    def take(self, siteinfo: Element) -> None:
        for child in siteinfo:
            name = local(child.tag)
            if name == "sitename":
                self.name = (child.text or "").strip()
            elif name == "dbname":
                self.dbname = (child.text or "").strip()
            elif name == "base":
                self.base = (child.text or "").strip()
            elif name == "generator":
                self.generator = (child.text or "").strip()
            elif name == "namespaces":
                for ns in child:
                    self.namespaces[ns.get("key", "")] = (ns.text or "").strip()

    @property
    def key(self) -> str:
        # The host of `base` first: every schema version writes <base>, while <dbname> is
        # missing from older ones (0.3-0.5), so keying by dbname made one wiki two accounts.
        host = urlsplit(self.base).netloc.lower()
        return host or self.dbname or "unknown-wiki"

    @property
    def older_keys(self) -> list[str]:
        """Keys an archive written before the host came first may hold this wiki under: the
        dbname (an export without <dbname> was keyed by the host then too)."""
        return [self.dbname] if self.dbname and self.dbname != self.key else []

    def archived_key(self, conn: Connection) -> str:
        """The key the archive holds this wiki's account under: the current form, else an
        older one (the runner reuses that account, run.py), else the current form."""
        if self._archived is None:
            self._archived = self.key
            for key in self.older_keys:
                if not _has_account(conn, self.key) and _has_account(conn, key):
                    self._archived = key
                    break
        return self._archived

    def url(self, title: str) -> str | None:
        """Page URL from siteinfo `base` (the main page URL: its last segment is a title)."""
        if not self.base or not title:
            return None
        prefix = self.base.rsplit("/", 1)[0] + "/"
        return prefix + quote(title.replace(" ", "_"), safe=":/()!*',@$;~")


def _site_from_head(tree: SourceTree, path: str) -> Site:
    site = Site()
    try:
        stack: list[Element] = []
        for event, elem in iterparse(io.BytesIO(tree.head(path, 64 * 1024)), name=path):
            if event == "start":
                if local(elem.tag) == "page":
                    break
                stack.append(elem)
                continue
            stack.pop()
            if local(elem.tag) == "siteinfo":
                site.take(elem)
                break
    except ParseError:
        pass  # a truncated head ends this way; a hostile file fails properly on import
    return site


class _Page:
    def __init__(self) -> None:
        self.title = ""
        self.ns = ""
        self.id = ""
        self.key = ""  # record key: '<site key>:<page id>', or the older form already stored
        self.redirect = ""
        self.newest: str | None = None  # newest version time the archive already holds
        self.checked = False
        self.last_time: datetime | None = None
        self.new_record = False
        self.wrote = 0
        self.out_of_order = False


class MediaWikiImporter:
    name = "mediawiki-xml"
    label = "MediaWiki XML export"
    platform = PLATFORM

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        files: list[str] = []
        for item in tree.files:
            if PurePosixPath(item.path).suffix.lower() in NOT_XML_SUFFIXES:
                continue
            try:
                if is_mediawiki(tree.head(item.path, 4096)):
                    files.append(item.path)
            except OSError:
                continue
        # one claim per wiki, so each wiki's pages go to its own account
        by_site: dict[str, tuple[Site, list[str]]] = {}
        for path in files:
            site = _site_from_head(tree, path)
            by_site.setdefault(site.key, (site, []))[1].append(path)
        return [
            Claim(
                format=self.name,
                files=paths,
                label=f"MediaWiki export of {site.name or site.key}",
                confidence=95,
                account=AccountIn(
                    PLATFORM, account_key=key, handle=key, display_name=site.name or None
                ),
                # an archive imported under the older key keeps its one account (run.py)
                state={"account_aliases": site.older_keys},
            )
            for key, (site, paths) in by_site.items()
        ]

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        pages = revisions = 0
        dates: list[datetime] = []
        notes: list[str] = []
        for path in claim.files:
            try:
                with tree.open(path) as fh:
                    for _event, elem in iterparse(fh, name=path, events=("end",)):
                        name = local(elem.tag)
                        if name == "page":
                            pages += 1
                            elem.clear()
                        elif name == "revision":
                            revisions += 1
                            when = time_or_warn(_text(elem, "timestamp"), [], path)
                            if when:
                                dates.append(when)
                            elem.clear()
            except ParseError as exc:
                notes.append(str(exc))
        notes.append(f"{pages} pages, {revisions} revisions")
        site = _site_from_head(tree, claim.files[0])
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=site.name or site.key,
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=pages,
            files=claim.files,
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        if not is_mediawiki(tree.head(path, 4096)):
            raise ParseError(f"{path}: not a MediaWiki export (root is not <mediawiki>)")
        site = Site()
        counts = {"pages": 0, "revisions": 0, "already_archived": 0}
        stack: list[Element] = []
        page: _Page | None = None
        with tree.open(path) as fh:
            for event, elem in iterparse(fh, name=path):
                name = local(elem.tag)
                if event == "start":
                    stack.append(elem)
                    if name == "page" and len(stack) == 2:
                        page = _Page()
                        counts["pages"] += 1
                    continue
                stack.pop()
                parent = stack[-1] if stack else None
                if name == "siteinfo" and len(stack) == 1:
                    site.take(elem)
                elif page is not None and parent is not None and local(parent.tag) == "page":
                    if name == "title":
                        page.title = (elem.text or "").strip()
                    elif name == "ns":
                        page.ns = (elem.text or "").strip()
                    elif name == "id":
                        page.id = (elem.text or "").strip()
                    elif name == "redirect":
                        page.redirect = elem.get("title", "")
                    elif name == "revision":
                        ctx.check_cancel()
                        counts["revisions"] += 1
                        self._revision(ctx, site, page, elem, path, counts)
                        parent.remove(elem)  # bounded memory: one revision at a time
                elif name == "page" and parent is not None:
                    if page is not None and page.out_of_order:
                        ctx.warn(
                            f"{path}: page {page.title!r}: revision times go backwards in"
                            " the export; versions follow the export's order"
                        )
                    page = None
                    parent.remove(elem)
        ctx.details["mediawiki"] = {"site": site.name or site.key, **counts}

    def _revision(
        self,
        ctx: FileContext,
        site: Site,
        page: _Page,
        rev: Element,
        path: str,
        counts: dict[str, int],
    ) -> None:
        if not page.id:
            raise ParseError(f"{path}: a page ({page.title!r}) has a revision before its <id>")
        if not page.checked:
            # a page archived under an older key form stays one record; a new page takes the
            # form the wiki's account is stored under, so one wiki keeps one key prefix
            prefixes = dict.fromkeys([site.archived_key(ctx.conn), site.key, *site.older_keys])
            page.key = f"{site.archived_key(ctx.conn)}:{page.id}"
            for prefix in prefixes:
                newest = latest_version_time(ctx.conn, PLATFORM, f"{prefix}:{page.id}")
                if newest is not None:
                    page.key, page.newest = f"{prefix}:{page.id}", newest
                    break
            page.new_record = page.newest is None
            page.checked = True
        key = page.key
        rev_id = _text(rev, "id")
        where = f"{path}: page {page.title!r} revision {rev_id}"
        stamp_raw = _text(rev, "timestamp")
        stamp = time_or_warn(stamp_raw, ctx.warnings, where)
        if stamp and page.last_time and stamp < page.last_time:
            page.out_of_order = True
        page.last_time = stamp or page.last_time
        if page.newest is not None:
            db = timeutil.to_db(stamp) if stamp else None
            if db is None or db <= page.newest:
                counts["already_archived"] += 1
                return
        contributor = _child(rev, "contributor")
        username = _text(contributor, "username") if contributor is not None else ""
        user_id = _text(contributor, "id") if contributor is not None else ""
        ip = _text(contributor, "ip") if contributor is not None else ""
        editor = editor_label(username, ip)
        text_elem = _child(rev, "text")
        text_deleted = text_elem is not None and text_elem.get("deleted") == "deleted"
        if text_elem is None:
            ctx.warn(f"{where}: no <text> (a stub dump?); kept with empty text")
        comment = _child(rev, "comment")
        first = page.new_record and page.wrote == 0
        extra: dict[str, Any] = {
            "namespace": page.ns,
            "namespace_name": site.namespaces.get(page.ns, ""),
            "page_id": page.id,
            "revision_id": rev_id,
            "editor": editor,
        }
        if page.redirect:
            extra["redirect_to"] = page.redirect
        if comment is not None and comment.get("deleted") != "deleted" and comment.text:
            extra["edit_summary"] = comment.text
        if _child(rev, "minor") is not None:
            extra["minor"] = True
        if text_deleted:
            extra["text_deleted"] = True
        rec = RecordIn(
            platform=PLATFORM,
            kind="page",
            record_key=key,
            platform_id=page.id,
            title=page.title or None,
            text=(text_elem.text or "") if text_elem is not None else "",
            created_at=stamp,
            created_at_raw=stamp_raw or None,
            platform_edited_at=stamp,
            edited_at=None if first else stamp,
            url=site.url(page.title),
            extra=extra,
            sensitive={"editor_ip": ip} if ip and first else {},
            raw_json=dumps_raw(element_to_json(rev, {}, sensitive=frozenset({"ip"}))),
            locator=f"{path}#page:{page.id}/revision:{rev_id}{EDITOR_MARK}{editor}",
        )
        if first:
            # Only the page's creator is its author. Later revisions carry no author at all:
            # the writer fills empty author columns from later captures, so an anonymous first
            # edit (no user name) would otherwise credit the page to its second editor.
            rec.author_name = username or editor
            rec.author_handle = username or None
            rec.author_platform_id = user_id or None
        ctx.writer.add(clean_record(rec))
        page.wrote += 1


# Each version's editor rides in its locator (the versions table has no author column and
# the record viewer shows locators): '<file>#page:<id>/revision:<id>;editor=<name>'.
EDITOR_MARK = ";editor="


def editor_label(username: str, ip: str) -> str:
    """Who made a revision, fit to show: the user name, never an IP (that is sensitive)."""
    if username:
        return username
    return "(anonymous)" if ip else "(hidden)"


def _has_account(conn: Connection, key: str) -> bool:
    found = conn.execute(
        text("SELECT 1 FROM accounts WHERE platform = :p AND account_key = :k"),
        {"p": PLATFORM, "k": key},
    ).first()
    return found is not None


def _child(elem: Element | None, name: str) -> Element | None:
    if elem is None:
        return None
    for child in elem:
        if local(child.tag) == name:
            return child
    return None


def _text(elem: Element | None, name: str) -> str:
    child = _child(elem, name)
    return (child.text or "").strip() if child is not None else ""


IMPORTER = MediaWikiImporter()
