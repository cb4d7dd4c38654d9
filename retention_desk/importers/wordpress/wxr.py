"""Reading WordPress eXtended RSS (WXR 1.0-1.2) safely and in a stream.

The structure is the one WordPress core writes (`wp-admin/includes/export.php`): an RSS 2.0
channel carrying the `wp:` namespace, `wp:author` entries, then one `item` per post of any
type. Parsing goes through xml_safe (defusedxml: no entity expansion, nothing fetched) and
each handled element is dropped, so memory stays flat however long the file is.
wordpress.py turns what this module reads into records.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from selectolax.lexbor import LexborHTMLParser

from retention_desk.importers.common import ParseError, decode_entities, parse_time
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.xml_safe import (
    Repairs,
    UnboundPrefix,
    iterparse,
    local,
    missing_prefixes,
    repaired,
    sniff_root,
    used_prefixes,
)

_WP_NS = "http://wordpress.org/export/"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
# Post types that are site structure, not published records: menus, theme parts, and the
# definitions of forms (Contact Form 7, WPForms, Forminator, Ninja Forms; Jetpack keeps its
# form in the page itself). Form *responses* (Jetpack `feedback`) are records and stay.
STRUCTURE_TYPES = frozenset(
    {
        "nav_menu_item",
        "wpcf7_contact_form",
        "wpforms",
        "forminator_forms",
        "nf_form",
        "safecss",
        "jp_pay_order",
        "jp_pay_product",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
        "wp_font_family",
        "wp_font_face",
    }
)


# --------------------------------------------------------------------------- helpers
_TAGLIKE = re.compile(r"<[A-Za-z/!]")
_BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/blockquote|/tr|/pre)\s*>")


def html_to_text(value: str) -> str:
    """Post or comment HTML as plain text for display and search (tags dropped, paragraph
    breaks kept, entities decoded). The HTML itself is kept as text_raw."""
    if not _TAGLIKE.search(value):
        return decode_entities(value).strip()
    tree = LexborHTMLParser(_BLOCK_END.sub(lambda m: m.group(0) + "\n", value))
    for node in tree.css("script, style"):
        node.decompose()
    text = tree.text(separator="") or ""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def wp_time(value: str | None) -> datetime | None:
    """'2024-01-02 03:04:05' as UTC; WordPress writes '0000-00-00 00:00:00' for never."""
    if not value or value.startswith("0000-00-00"):
        return None
    return parse_time(value)


_YEAR = re.compile(r"(?<![\d-])(\d{4})(?!\d)")


def rfc822_time(value: str | None) -> datetime | None:
    """RSS `pubDate`, or None. Drafts carry 'Mon, 30 Nov -0001 00:00:00 +0000', which the
    standard parser turns into a date in 2000: a date whose year is not written is refused."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    year = _YEAR.search(value)
    if year is None or int(year.group(1)) != parsed.year:
        return None
    if parsed.timestamp() == 0:
        return None  # 'Thu, 01 Jan 1970 00:00:00 +0000': WordPress's "no date" for drafts
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def site_key(url: str | None) -> str:
    """'https://Example.gov/blog/' -> 'example.gov/blog': the site part of record keys."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.netloc or parts.path.split("/", 1)[0]).lower()
    path = parts.path if parts.netloc else ""
    return (host + path).rstrip("/")


def is_wxr(spaces: dict[str, str]) -> bool:
    return any(
        uri.startswith(_WP_NS) and not uri.rstrip("/").endswith("excerpt")
        for uri in spaces.values()
    )


@dataclass
class Channel:
    """What the channel says about the site, plus the prefixes the file uses."""

    wp: str = ""  # '{http://wordpress.org/export/1.2/}'
    title: str = ""
    link: str = ""
    description: str = ""
    base_blog_url: str = ""
    base_site_url: str = ""
    language: str = ""
    wxr_version: str = ""
    exported: datetime | None = None
    exported_raw: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    prefixes: dict[str, str] = field(default_factory=dict)  # uri -> prefix
    # declarations the root lacks, added while reading, and what reading had to mend
    repairs: Repairs = field(default_factory=Repairs)

    def again(self) -> Channel:
        """A fresh channel for another pass over the same file, with the same reading setup."""
        return Channel(
            wp=self.wp,
            prefixes=self.prefixes,
            repairs=Repairs(injected=dict(self.repairs.injected)),
        )

    @property
    def site(self) -> str:
        return site_key(self.base_blog_url or self.link) or "unknown-wordpress-site"

    def take(self, elem: Element) -> None:
        name = local(elem.tag)
        value = (elem.text or "").strip()
        if elem.tag == self.wp + "author":
            login = (elem.findtext(self.wp + "author_login") or "").strip()
            display = (elem.findtext(self.wp + "author_display_name") or "").strip()
            if login:
                self.authors[login] = display or login
        elif name == "title" and not self.title:
            self.title = value
        elif name == "link" and not self.link:
            self.link = value
        elif name == "description" and not self.description:
            self.description = value
        elif name == "pubDate":
            self.exported_raw = value
            self.exported = rfc822_time(value)
        elif name == "language":
            self.language = value
        elif name == "base_blog_url":
            self.base_blog_url = value
        elif name == "base_site_url":
            self.base_site_url = value
        elif name == "wxr_version":
            self.wxr_version = value


def namespace_prefixes(spaces: dict[str, str]) -> dict[str, str]:
    return {uri: prefix for prefix, uri in spaces.items() if prefix}


def new_channel(spaces: dict[str, str]) -> Channel:
    """A channel for a file whose root declares `spaces` ({prefix: uri})."""
    channel = Channel(prefixes=namespace_prefixes(spaces))
    channel.wp = "{" + next((u for u in spaces.values() if is_wxr({"": u})), "") + "}"
    channel.repairs.injected = missing_prefixes(spaces)
    for prefix, uri in channel.repairs.injected.items():
        channel.prefixes.setdefault(uri, prefix)
    return channel


def channel_from_head(tree: SourceTree, path: str) -> Channel:
    """Channel fields before the first item, read safely from the head (detection)."""
    found = sniff_root(tree.head(path, 4096)) or ("", {})
    channel = new_channel(found[1])
    try:
        stack: list[Element] = []
        head = io.BytesIO(tree.head(path, 64 * 1024))
        reading = repaired(head, Repairs(injected=dict(channel.repairs.injected)))
        for event, elem in iterparse(reading, name=path):
            if event == "start":
                if local(elem.tag) == "item":
                    break
                stack.append(elem)
                continue
            stack.pop()
            if stack and local(stack[-1].tag) == "channel":
                channel.take(elem)
    except ParseError:
        pass  # a truncated head ends this way; a hostile file fails properly on import
    return channel


# ------------------------------------------------------------------------ item parsing
@dataclass
class Item:
    index: int
    elem: Element
    wp: str

    def get(self, name: str, default: str = "") -> str:
        value = self.elem.findtext(self.wp + name)
        return value.strip() if value is not None else default

    @property
    def post_id(self) -> str:
        return self.get("post_id")

    @property
    def post_type(self) -> str:
        return self.get("post_type", "post") or "post"

    @property
    def parent(self) -> str:
        return self.get("post_parent", "0") or "0"

    @property
    def is_autosave(self) -> bool:
        return "autosave" in self.get("post_name")

    def meta(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for pm in self.elem.findall(self.wp + "postmeta"):
            key = (pm.findtext(self.wp + "meta_key") or "").strip()
            if key:
                out[key] = pm.findtext(self.wp + "meta_value") or ""
        return out


def iter_items(tree: SourceTree, path: str, channel: Channel) -> Iterator[Item]:
    """Stream the file: fills `channel` from channel-level elements and yields each item,
    which is dropped from memory once the caller is done with it."""
    stack: list[Element] = []
    index = 0
    repairs = channel.repairs
    with tree.open(path) as fh:
        for event, elem in iterparse(repaired(fh, repairs), name=path):
            if event == "start":
                repairs.note_namespace(elem.tag)
                stack.append(elem)
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if parent is None or local(parent.tag) != "channel":
                continue
            if local(elem.tag) == "item":
                yield Item(index=index, elem=elem, wp=channel.wp)
                index += 1
            else:
                channel.take(elem)
            parent.remove(elem)  # bounded memory: nothing handled stays in the tree


@dataclass
class Scan:
    """First pass: what later items need to know about the whole file."""

    revisions: dict[str, int] = field(default_factory=dict)  # post id -> revisions to expect
    posts: set[str] = field(default_factory=set)
    attachments: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # parent -> atts
    by_id: dict[str, dict[str, str]] = field(default_factory=dict)  # attachment id -> att
    structure: set[str] = field(default_factory=set)  # ids of site-structure items
    items: int = 0


def scan_file(tree: SourceTree, path: str, channel: Channel) -> Scan:
    """The first pass. A prefix the file uses but neither declares nor is a known feed prefix
    shows up as an unbound-prefix error: the file's prefixes are then collected in one pass
    and declared, and the scan starts again (nothing has been written yet)."""
    try:
        return _scan(tree, path, channel)
    except UnboundPrefix:
        with tree.open(path) as fh:
            used = used_prefixes(fh)
        declared = {p: u for u, p in channel.prefixes.items()}
        extra = missing_prefixes(declared, used)
        if not extra:
            raise
        channel.repairs = Repairs(injected={**channel.repairs.injected, **extra})
        for prefix, uri in extra.items():
            channel.prefixes.setdefault(uri, prefix)
        return _scan(tree, path, channel)


def _scan(tree: SourceTree, path: str, channel: Channel) -> Scan:
    scan = Scan()
    for item in iter_items(tree, path, channel):
        scan.items += 1
        kind = item.post_type
        if kind == "revision":
            if not item.is_autosave and item.parent != "0":
                scan.revisions[item.parent] = scan.revisions.get(item.parent, 0) + 1
        elif kind == "attachment":
            att = {
                "id": item.post_id,
                "url": item.get("attachment_url") or (item.elem.findtext("guid") or "").strip(),
                "title": (item.elem.findtext("title") or "").strip(),
                "mime": item.get("post_mime_type"),
                "parent": item.parent,
                "link": (item.elem.findtext("link") or "").strip(),
            }
            scan.attachments.setdefault(item.parent, []).append(att)
            scan.by_id[item.post_id] = att
        elif kind in STRUCTURE_TYPES:
            scan.structure.add(item.post_id)
        else:
            scan.posts.add(item.post_id)
    # templates and global styles have revisions too; they are not records either
    for post_id in scan.structure:
        scan.revisions.pop(post_id, None)
    return scan


def safe_wp_time(value: str | None) -> datetime | None:
    try:
        return wp_time(value)
    except ParseError:
        return None


def excerpt_of(item: Item) -> str:
    for child in item.elem:
        if local(child.tag) == "encoded" and "excerpt" in child.tag:
            return (child.text or "").strip()
    return ""


def upload_paths(url: str) -> list[str]:
    """Where an uploaded file would sit in a folder or zip next to the export."""
    path = unquote(urlsplit(url).path).lstrip("/")
    if not path:
        return []
    marker = "wp-content/uploads/"
    if marker in path:
        rest = path.split(marker, 1)[1]
        return [marker + rest, "uploads/" + rest, rest]
    return [path]
