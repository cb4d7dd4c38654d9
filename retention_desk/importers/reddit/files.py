"""Which file of a Reddit data request export is which, and who the account is.

A Reddit export is a flat folder of about 35 CSV files. Four hold records (posts, comments,
messages, chat); every other one is account data, votes, saves, settings or a body-less
duplicate (`*_headers.csv`). Those are claimed too, as files kept only as originals, so that
no other importer (generic CSV) turns a Reddit file into records of its own. Files are
recognised by their header row, never by name; a file of the export with an unknown header is
still recognised when the export's own `checkfile.csv` lists it.

Header rows are those of real exports (Iceblade02/reddit-u-iceblade02 2023, lyststen/stenly and
GroovyJeff/reddit 2024) and of the column list in EpicenterHQ/epicenter's Reddit parser.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from retention_desk.importers.csv.export import csv_header, norm_header
from retention_desk.importers.tree import SourceTree

RECORD_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # kind: (columns that must all be there, columns of which one must be there)
    "posts": (
        frozenset({"id", "permalink", "date", "subreddit", "title", "body"}),
        frozenset({"gildings", "url"}),
    ),
    "comments": (
        frozenset({"id", "permalink", "date", "subreddit", "link", "parent", "body"}),
        frozenset(),
    ),
    "messages": (
        frozenset({"id", "permalink", "thread_id", "date", "from", "to", "body"}),
        frozenset(),
    ),
    "chat": (
        frozenset({"message_id", "created_at", "username", "message", "channel_url"}),
        frozenset(),
    ),
}
RECORD_ORDER = ("posts", "comments", "messages", "chat")

# Exact header rows of the files that hold no records, with why they are only kept.
_KEPT: dict[frozenset[str], str] = {
    frozenset(cols.split(",")): why
    for cols, why in (
        ("statistic,value", "account statistics (name, dates, e-mail)"),
        ("filename,sha256", "the export's own file checksums"),
        ("id,permalink,date,ip,subreddit,gildings,url", "post headers: posts.csv without bodies"),
        (
            "id,permalink,date,ip,subreddit,gildings,link,parent",
            "comment headers: comments.csv without bodies",
        ),
        (
            "id,permalink,thread_id,date,ip,from,to",
            "message headers: the messages without bodies",
        ),
        ("id,permalink,direction", "votes on posts or comments"),
        ("id,permalink", "saved or hidden posts and comments"),
        ("id,permalink,award_id,quantity", "awards given"),
        ("post_id,user_selection,text,image_url,is_prediction,stake_amount", "poll votes"),
        ("content_link,award,amount,date", "awards given"),
        ("content_link,gold_received,gilder_username,date", "awards received"),
        ("account_gender", "account profile data"),
        ("birthdate,verified_birthdate,verification_state,verification_method", "account data"),
        ("type,preference", "ad preferences"),
        ("preference,value", "account settings"),
        ("issuer_id,subject_id", "linked sign-in identities"),
        ("phone_number", "account phone number"),
        ("username", "linked Twitter account"),
        ("username,note", "friends list"),
        ("persona_inquiry_id", "identity verification id"),
        ("stripe_account_id", "payment account id"),
        ("subreddit", "a list of subreddits"),
        ("date,ip", "login IP addresses"),
        ("payout_amount_usd,date,payout_id", "payouts"),
        ("processor,transaction_id,product,date,cost,currency,status", "purchases"),
        (
            "processor,subscription_id,product,product_id,product_name,status,start_date,end_date",
            "subscriptions",
        ),
        (
            "id,display_name,date,description,privacy,subreddits,image_url,is_owner,favorited,"
            "followers",
            "custom feeds (multireddits)",
        ),
        (
            "announcement_id,sent_at,read_at,from_id,from_username,subject,body,url",
            "Reddit announcements sent to the account",
        ),
        (
            "id,title,body,kind,created,spoiler,nsfw,original_content,content_category,flair_id,"
            "flair_text,send_replies,subreddit,is_public_link",
            "unposted drafts",
        ),
        (
            "scheduled_post_id,subreddit,title,body,url,submission_time,recurrence",
            "scheduled (not yet posted) posts",
        ),
    )
}
LISTED_IN_CHECKFILE = "a file the export's checkfile.csv lists, with no records to import"
UNKNOWN_IN_EXPORT = (
    "a CSV file in the export's folder whose header is not one of Reddit's known files; not read"
)


def classify(header: list[str] | None) -> str | None:
    """Which record file a header row belongs to, or None."""
    if not header:
        return None
    cols = set(header)
    for kind in RECORD_ORDER:
        needed, one_of = RECORD_KINDS[kind]
        if needed <= cols and (not one_of or one_of & cols):
            return kind
    return None


def kept_reason(header: list[str] | None) -> str | None:
    """Why a Reddit file without records is kept, from its header row; None if not one."""
    return _KEPT.get(frozenset(header)) if header else None


def _rows(tree: SourceTree, path: str, limit: int = 64 * 1024) -> list[dict[str, str]]:
    """The rows in the head of a small CSV (detection stays cheap); [] when unreadable."""
    try:
        head = tree.head(path, limit)
    except OSError:
        return []
    text = head.decode("utf-8", "ignore").lstrip("\ufeff")
    lines = text.splitlines()
    if len(head) == limit:
        lines = lines[:-1]  # the last line may be cut
    try:
        parsed = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return []
    if not parsed:
        return []
    keys = [norm_header(h) for h in parsed[0]]
    return [dict(zip(keys, row, strict=False)) for row in parsed[1:]]


def checkfile_names(tree: SourceTree, path: str) -> set[str]:
    """File names the export's checkfile.csv lists."""
    return {r.get("filename", "").strip() for r in _rows(tree, path)} - {""}


def statistics_username(tree: SourceTree, path: str) -> str | None:
    """'account name' from statistics.csv (statistic,value rows). Other rows (e-mail) are
    not read into anything: they stay in the kept original."""
    for row in _rows(tree, path):
        if row.get("statistic", "").strip().lower() == "account name":
            return strip_user_prefix(row.get("value", "")) or None
    return None


def strip_user_prefix(name: str) -> str:
    """'/u/CityOfExample' or 'u/CityOfExample' -> 'CityOfExample' (messages.csv writes the
    recipient with the prefix, the sender without)."""
    name = name.strip()
    for prefix in ("/u/", "u/"):
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def messages_username(tree: SourceTree, paths: list[str]) -> str | None:
    """The account holder guessed from messages: the one name in every message's from/to."""
    counts: Counter[str] = Counter()
    rows = 0
    for path in paths:
        for values in _rows(tree, path):
            names = {
                strip_user_prefix(values.get("from", "")),
                strip_user_prefix(values.get("to", "")),
            } - {""}
            if names:
                rows += 1
                counts.update(names)
    if not rows:
        return None
    ranked = counts.most_common(2)
    name, seen = ranked[0]
    # one message alone names two people equally often: that says nothing
    if seen != rows or (len(ranked) > 1 and ranked[1][1] == seen):
        return None
    return name


@dataclass(frozen=True)
class ExportFiles:
    records: dict[str, str]  # record file -> kind
    kept: dict[str, str]  # file Reddit writes without records -> why it is only kept
    unknown: dict[str, str]  # other CSV files of the export's folder -> why only kept
    username: str | None


def export_files(tree: SourceTree) -> ExportFiles:
    """The Reddit files in a tree, and the account they belong to.

    Kept and unknown files are claimed only in a folder that holds a record file or
    statistics.csv, so a lone one-column CSV elsewhere is not taken for Reddit's."""
    records: dict[str, str] = {}
    kept: dict[str, str] = {}
    unknown: dict[str, str] = {}
    stats: list[str] = []
    checkfiles: list[str] = []
    for item in tree.files:
        header = csv_header(tree, item.path)
        kind = classify(header)
        if kind:
            records[item.path] = kind
            continue
        reason = kept_reason(header)
        if reason:
            kept[item.path] = reason
            if header == ["statistic", "value"]:
                stats.append(item.path)
            elif header == ["filename", "sha256"]:
                checkfiles.append(item.path)
    folders = {PurePosixPath(p).parent for p in (*records, *stats)}
    kept = {p: why for p, why in kept.items() if PurePosixPath(p).parent in folders}
    for path in checkfiles:
        folder = PurePosixPath(path).parent
        if folder not in folders:
            continue
        listed = checkfile_names(tree, path)
        for item in tree.files:
            pure = PurePosixPath(item.path)
            known = item.path in records or item.path in kept
            if pure.parent == folder and pure.name in listed and not known:
                kept[item.path] = LISTED_IN_CHECKFILE
    # CSV files of the export's folder no rule above knows (a file Reddit added later): kept
    # and named, unless another importer claims them more confidently (reddit.py)
    for item in tree.files:
        pure = PurePosixPath(item.path)
        known = item.path in records or item.path in kept
        if pure.parent in folders and pure.suffix.lower() == ".csv" and not known:
            unknown[item.path] = UNKNOWN_IN_EXPORT
    username = None
    for path in sorted(stats):
        if PurePosixPath(path).parent in folders:
            username = statistics_username(tree, path)
            if username:
                break
    if username is None:
        username = messages_username(tree, sorted(p for p, k in records.items() if k == "messages"))
    return ExportFiles(records, kept, unknown, username)
