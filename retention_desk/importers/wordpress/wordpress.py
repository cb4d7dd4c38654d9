"""WordPress eXtended RSS (WXR 1.0-1.2): the file Tools > Export writes.

NOT YET CHECKED AGAINST A REAL EXPORT FROM AN AGENCY SITE; checked against the structure of a
real WordPress.com export (WXR 1.1, with `atom:` used but never declared), a parser fixture
in Code52/pretzel (see tests/fixtures/platforms/wordpress/README.md). The structure follows
the writer itself, WordPress core `wp-admin/includes/export.php` (WXR_VERSION 1.2): an RSS
2.0 channel with the `wp:` namespace (http://wordpress.org/export/1.2/), `wp:author` entries (login,
e-mail, display name), and one `item` per post of any exportable type with `dc:creator`
(the author's login), `content:encoded`, `excerpt:encoded`, `wp:post_id`, `wp:post_date[_gmt]`,
`wp:post_modified[_gmt]` (newer versions), `wp:status`, `wp:post_parent`, `wp:post_type`,
`wp:post_password`, `wp:attachment_url`, `category` (domain category/post_tag), `wp:postmeta`
and `wp:comment` (id, author, author e-mail/URL/IP, date[_gmt], content, approved, type,
parent, user id).

Mapping (platform 'wordpress'; keys carry the site so two blogs never collide):
- posts, pages and custom post types -> records kind 'post' / 'page', key '<site>#post-<id>',
  author = the display name of the `dc:creator` login, url = `link`;
- revisions (post_type 'revision', parent in `wp:post_parent`) -> VERSIONS of their post, in
  date order, with the post's current content last. A later export repeats old revisions:
  only revisions newer than the archive's newest version of that post are written. Autosaves
  are not versions (they are unsaved editor states); they are counted and reported;
- comments -> kind 'comment' (or 'reply' under `wp:comment_parent`); unapproved, spam and
  trashed comments are flagged hidden, the approval state is in extra; e-mail and IP go to
  `sensitive` only (never text, extra or raw_json);
- trashed posts are flagged deleted (time from `_wp_trash_meta_time` when present); private
  and password-protected posts are restricted (the password itself is sensitive);
- attachments -> media of their parent post (unattached ones: of the site record). The files
  are usually not in the export: they are linked when the import also holds the
  `wp-content/uploads/...` files, and listed missing with their URL otherwise;
- comments on an attachment's page hang under the attachment's post (the site when
  unattached), the attachment named in extra;
- drafts carry no GMT date and a placeholder pubDate (1970-01-01): their local `post_date` is
  used with a note in extra, or no date at all;
- navigation menus, form definitions, templates, styles and other site-structure types are not
  records; they are counted and reported (the original file keeps them).
Real exports are not always well-formed: xml_safe.repaired mends undeclared prefixes, control
characters, bare '&' and HTML entities while reading, and the import reports what it mended.
`text` is the post HTML as plain text for display and search; `text_raw` keeps the HTML.

The XML is read by wordpress_wxr (defusedxml: no entity expansion, nothing fetched), streamed twice:
a first pass notes revisions and attachments, the second writes records. Memory stays bounded
except for the revisions of a post waiting for the rest of that post's history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import (
    ParseError,
    clean_record,
    decode_entities,
    from_epoch,
)
from retention_desk.importers.common import dumps_raw as _dumps
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.wordpress.wxr import (
    CONTENT,
    DC,
    STRUCTURE_TYPES,
    Channel,
    Item,
    Scan,
    channel_from_head,
    excerpt_of,
    html_to_text,
    is_wxr,
    iter_items,
    new_channel,
    rfc822_time,
    safe_wp_time,
    scan_file,
    upload_paths,
    wp_time,
)
from retention_desk.importers.xml_safe import (
    NOT_XML_SUFFIXES,
    element_to_json,
    latest_version_time,
    local,
    sniff_root,
)

PLATFORM = "wordpress"
HIDDEN_APPROVAL = {"0": "pending", "spam": "spam", "trash": "trash", "post-trashed": "trash"}
COMMENT_SENSITIVE = frozenset({"wp:comment_author_email", "wp:comment_author_IP"})


# ----------------------------------------------------------------------------- importer
class WordPressImporter:
    name = "wordpress-wxr"
    label = "WordPress export (WXR)"
    platform = PLATFORM

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        files: list[str] = []
        channels: dict[str, Channel] = {}
        for item in tree.files:
            if PurePosixPath(item.path).suffix.lower() in NOT_XML_SUFFIXES:
                continue
            try:
                found = sniff_root(tree.head(item.path, 4096))
            except OSError:
                continue
            if found and local(found[0].split(":")[-1]) == "rss" and is_wxr(found[1]):
                files.append(item.path)
                channels[item.path] = channel_from_head(tree, item.path)
        # one claim per site, so each site's records go to its own account
        by_site: dict[str, list[str]] = {}
        for path in files:
            by_site.setdefault(channels[path].site, []).append(path)
        claims = []
        for site, paths in by_site.items():
            first = channels[paths[0]]
            account = AccountIn(
                PLATFORM, account_key=site, handle=site, display_name=first.title or None
            )
            claims.append(
                Claim(
                    format=self.name,
                    files=paths,
                    label=f"WordPress export of {first.title or site}",
                    confidence=95,
                    account=account,
                )
            )
        return claims

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        counts: dict[str, int] = {}
        dates: list[datetime] = []
        notes: list[str] = []
        site = None
        for path in claim.files:
            channel = channel_from_head(tree, path)
            site = site or channel.title or channel.site
            try:
                for item in iter_items(tree, path, channel):
                    kind = item.post_type
                    counts[kind] = counts.get(kind, 0) + 1
                    counts["comment"] = counts.get("comment", 0) + len(
                        item.elem.findall(channel.wp + "comment")
                    )
                    when = safe_wp_time(item.get("post_date_gmt"))
                    if when and kind not in ("revision", "attachment"):
                        dates.append(when)
            except ParseError as exc:
                notes.append(str(exc))
        notes += [f"{n} {k}" for k, n in sorted(counts.items())]
        records = sum(
            n for k, n in counts.items() if k not in ("revision", "attachment", *STRUCTURE_TYPES)
        )
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=site,
            date_from=min(dates) if dates else None,
            date_to=max(dates) if dates else None,
            approx_records=records,
            files=claim.files,
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        head = sniff_root(tree.head(path, 4096))
        if head is None or not is_wxr(head[1]):
            raise ParseError(f"{path}: not a WordPress export (no wp: namespace on <rss>)")
        channel = new_channel(head[1])
        scan = scan_file(tree, path, channel)
        # the first pass filled `channel`; the second only needs somewhere to put it again
        again = channel.again()
        _Writer(ctx, path, channel, scan).run(iter_items(tree, path, again))
        repairs = again.repairs.notes()
        if repairs:
            ctx.details["xml_repairs"] = repairs
            ctx.warn(f"{path}: not well-formed XML, repaired while reading: " + "; ".join(repairs))


class _Writer:
    """Second pass: items -> records, revisions grouped into version histories."""

    def __init__(self, ctx: FileContext, path: str, channel: Channel, scan: Scan) -> None:
        self.ctx = ctx
        self.path = path
        self.channel = channel
        self.scan = scan
        self.wp = channel.wp
        self.site = channel.site
        self.observed = channel.exported or datetime.now(UTC)
        self.pending: dict[str, dict[str, Any]] = {}  # post id -> {"post", "revisions"}
        self.counts: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def key(self, post_id: str) -> str:
        return f"{self.site}#post-{post_id}"

    def run(self, items: Any) -> None:
        for item in items:
            self.ctx.check_cancel()
            self.item(item)
        for post_id in list(self.pending):
            self.emit_group(post_id)
        self.ctx.writer.add(self.site_record())
        self.ctx.details["wordpress"] = dict(sorted(self.counts.items()))
        skipped = {k[5:]: n for k, n in self.counts.items() if k.startswith("skip:")}
        if skipped:
            listed = ", ".join(f"{k}: {n}" for k, n in sorted(skipped.items()))
            self.ctx.warn(
                f"{self.path}: not imported as records (site structure or unsaved editor"
                f" states; kept in the original file): {listed}"
            )

    def item(self, item: Item) -> None:
        kind = item.post_type
        if kind == "attachment":
            self.count("attachments")
            self.attachment_comments(item)
            return  # media of their parent post (first pass)
        if kind in STRUCTURE_TYPES:
            self.count(f"skip:{kind}")
            return
        if kind == "revision":
            if item.is_autosave:
                self.count("skip:autosave")
                return
            if item.parent in self.scan.structure:
                self.count("skip:revision of site structure")
                return
            self.count("revisions")
            group = self.pending.setdefault(item.parent, {"post": None, "revisions": []})
            group["revisions"].append(self.revision(item))
            self.maybe_emit(item.parent)
            return
        post = self.post(item)
        self.count(kind)
        for comment in item.elem.findall(self.wp + "comment"):
            rec = self.comment(comment, item, post.record_key, post.url)
            self.ctx.writer.add(clean_record(rec))
            self.count("comments")
        if self.scan.revisions.get(item.post_id):
            group = self.pending.setdefault(item.post_id, {"post": None, "revisions": []})
            group["post"] = post
            self.maybe_emit(item.post_id)
        else:
            self.ctx.writer.add(clean_record(post))

    def attachment_comments(self, item: Item) -> None:
        """Comments left on an attachment's own page. The attachment is media, not a record,
        so they hang under the post it is attached to (the site record when unattached),
        with the attachment named in extra."""
        comments = item.elem.findall(self.wp + "comment")
        if not comments:
            return
        parent = item.parent
        if parent != "0" and parent in self.scan.posts:
            parent_key = self.key(parent)
        else:
            parent_key = f"{self.site}#site"
        page = (item.elem.findtext("link") or "").strip() or None
        for comment in comments:
            rec = self.comment(comment, item, parent_key, page)
            rec.extra["attachment_id"] = item.post_id
            title = self._title(item)
            if title:
                rec.extra["attachment_title"] = title
            self.ctx.writer.add(clean_record(rec))
            self.count("comments")
            self.count("comments_on_attachments")

    def maybe_emit(self, post_id: str) -> None:
        group = self.pending[post_id]
        expected = self.scan.revisions.get(post_id, 0)
        has_post = post_id in self.scan.posts
        if len(group["revisions"]) >= expected and (group["post"] is not None or not has_post):
            self.emit_group(post_id)

    def emit_group(self, post_id: str) -> None:
        """Write a post's revisions oldest first, then its current content, skipping the
        revisions an earlier import already holds (versions can only be appended)."""
        group = self.pending.pop(post_id)
        post: RecordIn | None = group["post"]
        revisions = sorted(group["revisions"], key=lambda r: (r["at"] or _EPOCH, r["id"]))
        key = self.key(post_id)
        if post is None:
            post = self.orphan(post_id, revisions)
        newest = latest_version_time(self.ctx.conn, PLATFORM, key)
        first = newest is None
        for rev in revisions:
            stamp = timeutil.to_db(rev["at"]) if rev["at"] else None
            if newest is not None and (stamp is None or stamp <= newest):
                self.count("revisions_already_archived")
                continue
            version = _copy(post)
            version.title = rev["title"]
            version.text = rev["text"]
            version.text_raw = rev["text_raw"]
            version.platform_edited_at = rev["at"]
            version.edited_at = None if first else rev["at"]
            version.raw_json = rev["raw"]
            version.locator = rev["locator"]
            version.deleted_at = version.hidden_at = None
            version.media = []
            self.ctx.writer.add(clean_record(version))
            first = False
        if not first and post.edited_at is None:
            post.edited_at = post.platform_edited_at
        self.ctx.writer.add(clean_record(post))

    def orphan(self, post_id: str, revisions: list[dict[str, Any]]) -> RecordIn:
        """Revisions whose post is not in this export: keep them under the post's key."""
        self.ctx.warn(
            f"{self.path}: {len(revisions)} revisions of post {post_id}, which is not in the"
            " export; kept as that post's versions"
        )
        last = revisions[-1]
        return RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=self.key(post_id),
            platform_id=post_id,
            title=last["title"],
            text=last["text"],
            text_raw=last["text_raw"],
            created_at=revisions[0]["at"],
            platform_edited_at=last["at"],
            extra={"note": "post not in the export; known from its revisions"},
            raw_json=last["raw"],
            locator=last["locator"],
        )

    # ------------------------------------------------------------------ builders
    def _raw(self, elem: Element, **kwargs: Any) -> str:
        return _dumps(element_to_json(elem, self.channel.prefixes, **kwargs))

    def _title(self, item: Item) -> str | None:
        title = decode_entities((item.elem.findtext("title") or "").strip())
        return title or None

    def _content(self, item: Item) -> tuple[str, str | None]:
        html = item.elem.findtext(CONTENT + "encoded") or ""
        text = html_to_text(html)
        return text, (html if html != text else None)

    def revision(self, item: Item) -> dict[str, Any]:
        text, text_raw = self._content(item)
        at = self.time(item, "post_date_gmt", "post_date")[0]
        return {
            "id": int(item.post_id) if item.post_id.isdigit() else 0,
            "title": self._title(item),
            "text": text,
            "text_raw": text_raw,
            "at": at,
            "raw": self._raw(item.elem, sensitive=frozenset({"wp:post_password"})),
            "locator": f"{self.path}#item[{item.index}] revision {item.post_id}",
        }

    def time(
        self, item: Item, gmt: str, local_name: str
    ) -> tuple[datetime | None, str | None, str | None]:
        """(time, raw text, note) of an item. GMT first; drafts and other unpublished items
        have '0000-00-00 00:00:00' there and a placeholder `pubDate` (1970-01-01, or year
        -0001), so their local `post_date` is used, with a note, and no date at all beats a
        made-up one. `pubDate` only serves files that have no `post_date` fields."""
        raw = item.get(gmt)
        try:
            when = wp_time(raw)
        except ParseError as exc:
            self.ctx.warn(f"{self.path} item {item.post_id}: {gmt} {exc}")
            when = None
        if when is not None:
            return when, raw, None
        local_raw = item.get(local_name)
        try:
            when = wp_time(local_raw)
        except ParseError as exc:
            self.ctx.warn(f"{self.path} item {item.post_id}: {local_name} {exc}")
            when = None
        if when is not None:
            # the site's own time zone is not in the export: the local time is kept as if UTC
            return when, local_raw, f"{local_name} is the site's local time; no GMT time given"
        pub = (item.elem.findtext("pubDate") or "").strip()
        if gmt == "post_date_gmt" and not local_raw and not raw and rfc822_time(pub):
            return rfc822_time(pub), pub, None
        return None, None, "the export gives no date for this item (unpublished)"

    def post(self, item: Item) -> RecordIn:
        pid = item.post_id
        text, text_raw = self._content(item)
        created, created_raw, date_note = self.time(item, "post_date_gmt", "post_date")
        modified = safe_wp_time(item.get("post_modified_gmt"))
        status = item.get("status")
        login = (item.elem.findtext(DC + "creator") or "").strip()
        meta = item.meta()
        password = item.get("post_password")
        categories, tags = [], []
        for cat in item.elem.findall("category"):
            name = decode_entities((cat.text or "").strip())
            (tags if cat.get("domain") == "post_tag" else categories).append(name)
        rec = RecordIn(
            platform=PLATFORM,
            kind="page" if item.post_type == "page" else "post",
            record_key=self.key(pid),
            platform_id=pid,
            title=self._title(item),
            text=text,
            text_raw=text_raw,
            author_name=self.channel.authors.get(login, login) or None,
            author_handle=login or None,
            created_at=created,
            created_at_raw=created_raw,
            platform_edited_at=modified,
            edited_at=modified if modified and created and modified > created else None,
            url=(item.elem.findtext("link") or "").strip() or None,
            restricted=status == "private" or bool(password),
            extra={
                k: v
                for k, v in {
                    "post_type": item.post_type,
                    "status": status,
                    "slug": item.get("post_name"),
                    "categories": categories,
                    "tags": tags,
                    "comment_status": item.get("comment_status"),
                    "sticky": item.get("is_sticky") == "1",
                    "parent_page": item.parent if item.parent != "0" else "",
                    "password_protected": bool(password),
                    "featured_media": meta.get("_thumbnail_id", ""),
                    "date_note": date_note or "",
                }.items()
                if v not in ("", [], False, None)
            },
            sensitive={"post_password": password} if password else {},
            raw_json=self._raw(
                item.elem,
                skip=frozenset({"wp:comment"}),
                sensitive=frozenset({"wp:post_password"}),
            ),
            locator=f"{self.path}#item[{item.index}]",
            media=self.media(pid, meta.get("_thumbnail_id", "")),
        )
        excerpt = excerpt_of(item)
        if excerpt:
            rec.extra["excerpt"] = excerpt
        if status == "trash":
            trashed = meta.get("_wp_trash_meta_time", "").strip()
            rec.deleted_at = from_epoch(int(trashed)) if trashed.isdigit() else self.observed
            rec.deleted_at_raw = trashed or "status trash"
        return rec

    def comment(self, elem: Element, item: Item, parent_key: str, page_url: str | None) -> RecordIn:
        wp = self.wp

        def get(name: str) -> str:
            return (elem.findtext(wp + name) or "").strip()

        cid = get("comment_id")
        parent = get("comment_parent")
        approved = get("comment_approved") or "1"
        content = elem.findtext(wp + "comment_content") or ""
        text = html_to_text(content)
        raw_date = get("comment_date_gmt")
        try:
            created = wp_time(raw_date)
        except ParseError as exc:
            self.ctx.warn(f"{self.path} comment {cid}: {exc}")
            created = None
        if created is None:
            raw_date = get("comment_date")
            created = safe_wp_time(raw_date)
        user_id = get("comment_user_id")
        sensitive = {
            k: v
            for k, v in {
                "email": get("comment_author_email"),
                "ip": get("comment_author_IP"),
            }.items()
            if v
        }
        rec = RecordIn(
            platform=PLATFORM,
            kind="reply" if parent not in ("", "0") else "comment",
            record_key=f"{self.site}#comment-{cid}",
            platform_id=cid,
            parent_key=f"{self.site}#comment-{parent}" if parent not in ("", "0") else parent_key,
            text=text,
            text_raw=content if content != text else None,
            author_name=get("comment_author") or None,
            author_platform_id=user_id if user_id not in ("", "0") else None,
            created_at=created,
            created_at_raw=raw_date or None,
            url=f"{page_url}#comment-{cid}" if page_url else None,
            extra={
                k: v
                for k, v in {
                    "approval": HIDDEN_APPROVAL.get(approved, "approved"),
                    "comment_type": get("comment_type"),
                    "author_url": get("comment_author_url"),
                    "post_id": item.post_id,
                }.items()
                if v
            },
            sensitive=sensitive,
            raw_json=self._raw(elem, sensitive=COMMENT_SENSITIVE),
            locator=f"{self.path}#item[{item.index}] comment {cid}",
        )
        if approved in HIDDEN_APPROVAL:
            rec.hidden_at = self.observed
        return rec

    def media(self, post_id: str, featured: str) -> list[MediaIn]:
        atts = list(self.scan.attachments.get(post_id, []))
        extra = self.scan.by_id.get(featured.strip()) if featured else None
        if extra and extra not in atts:
            atts.append(extra)
        return [self.attachment(att) for att in atts]

    def attachment(self, att: dict[str, str]) -> MediaIn:
        url = att["url"]
        name = PurePosixPath(unquote(urlsplit(url).path)).name or None
        meta = {"attachment_id": att["id"], "title": att["title"]}
        for candidate in upload_paths(url):
            if self.ctx.locate(candidate) is not None:
                self.count("media_found")
                return self.ctx.media(
                    candidate,
                    original_uri=url or candidate,
                    filename=name,
                    mime_type=att["mime"] or None,
                    metadata=meta,
                )
        return MediaIn(
            original_uri=url or f"attachment {att['id']}",
            filename=name,
            mime_type=att["mime"] or None,
            metadata=meta,
        )

    def site_record(self) -> RecordIn:
        ch = self.channel
        return RecordIn(
            platform=PLATFORM,
            kind="page",
            record_key=f"{self.site}#site",
            title=ch.title or None,
            text=decode_entities(ch.description),
            author_name=ch.title or None,
            url=ch.link or None,
            extra={
                k: v
                for k, v in {
                    "language": ch.language,
                    "wxr_version": ch.wxr_version,
                    "base_site_url": ch.base_site_url,
                    "exported": ch.exported_raw,
                }.items()
                if v
            },
            raw_json=_dumps({"channel": {"title": ch.title, "link": ch.link}}),
            locator=f"{self.path}#channel",
            media=[self.attachment(a) for a in self.scan.attachments.get("0", [])],
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _copy(rec: RecordIn) -> RecordIn:
    return replace(rec, extra=dict(rec.extra), sensitive=dict(rec.sensitive), media=[])


IMPORTER = WordPressImporter()
