"""The required page statements checked against what the archive holds.

Which accounts: the agency's own, that is every account marked official (`accounts.is_official`:
imports mark the export's owner official, the registry can clear it) and every account that
has a profile/page record (kind `page` or `profile`) even if not marked official. Third
parties' accounts (commenters, correspondents) have neither and are not checked.

What is evidence of an account's page, each read in its newest version:
- its profile/page records (kind `page`/`profile`: the X profile with its bio, the Facebook and
  Instagram profile, the YouTube channel description, a wiki's or blog's pages);
- its pinned posts, where the export marks them (`pinned` or `is_pinned` true in the record's
  metadata; no importer marks them today, so this counts only data that says so);
- web captures (platform `web`, kind `capture`) whose URL is the account's page or lies under
  it (`https://x.com/agency`, `https://x.com/agency/about`), or that were imported for the
  account. The account's page URL is its registry URL, the URL of its profile records, or for
  X, Facebook, Instagram and Reddit the platform's address of its handle. Hosts are compared
  without `www.`/`m.`, `twitter.com` is `x.com`, and case is ignored. Of several captures of
  the same URL only the newest with text counts: an older capture shows what the page said
  then, not now. A capture without text shows nothing and is not evidence.

Per account and statement of the applying policies: `present` when a piece of evidence shows
one of the statement's phrases (the newest such evidence is named), `missing` when there is
evidence and none of it shows one (the newest evidence is named), `no evidence` when the archive
holds nothing that shows the page. An evidence date is the capture time of a web capture and
otherwise when the archive first saw that text (the version's `observed_at`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection

from retention_desk.archive.errors import ArchiveError
from retention_desk.archive.store import Archive
from retention_desk.oversight.policies import (
    Policy,
    Statement,
    find_folded,
    fold,
    policies_for,
)

PRESENT = "present"
MISSING = "missing"
NO_EVIDENCE = "no evidence"
STATUSES = (PRESENT, MISSING, NO_EVIDENCE)
PAGE_KINDS = ("page", "profile")
# the platform's address of an account's handle, where it has a stable one
HANDLE_URLS = {
    "x": "https://x.com/{h}",
    "facebook": "https://www.facebook.com/{h}",
    "instagram": "https://www.instagram.com/{h}",
    "reddit": "https://www.reddit.com/user/{h}",
}
_HOST_ALIASES = {"twitter.com": "x.com", "mobile.twitter.com": "x.com"}
_CHUNK = 500

Progress = Callable[[int, int, str], None]


class StatementsError(ArchiveError):
    """A statements check that cannot run as asked (an account that is not there)."""


@dataclass(frozen=True)
class CheckedAccount:
    id: int
    platform: str
    handle: str
    display_name: str
    url: str
    is_official: bool
    status: str

    @property
    def label(self) -> str:
        """E.g. 'x @LasCrucesPD' (plain text: shown through plain labels and escaped PDF)."""
        who = f"@{self.handle}" if self.handle else (self.display_name or f"account {self.id}")
        return f"{self.platform} {who}"


@dataclass(frozen=True)
class Evidence:
    record_id: int
    source: str  # profile | pinned post | web capture
    date: str | None  # ISO 8601 UTC
    date_basis: str  # captured | archived
    url: str


@dataclass(frozen=True)
class StatementResult:
    account_id: int
    policy: str
    statement: str
    citation: str
    must_say: str
    condition: str
    status: str
    record_id: int | None
    record_date: str | None
    evidence_source: str
    phrase: str  # the phrase of the policy file that matched
    found: str  # the words of the page it matched (accents dropped, lower case)
    verified: bool


@dataclass(frozen=True)
class AccountCheck:
    account: CheckedAccount
    evidence: tuple[Evidence, ...]
    results: tuple[StatementResult, ...]


@dataclass(frozen=True)
class StatementsCheck:
    checked_at: str
    policies: tuple[str, ...]
    policy_names: tuple[str, ...]
    accounts: tuple[AccountCheck, ...]
    cancelled: bool = False

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for acc in self.accounts:
            for r in acc.results:
                out[r.status] += 1
        return out


# ------------------------------------------------------------------------------ URLs
def url_key(url: str | None) -> str | None:
    """A comparable form of a page URL: host without www./m., path without trailing slash,
    query kept (profile.php?id=...), fragment and scheme dropped, lower case."""
    if not url or not url.strip():
        return None
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    host = _HOST_ALIASES.get(host, host)
    if not host:
        return None
    path = parts.path.rstrip("/").lower()
    key = host + path
    if parts.query:
        key += "?" + parts.query.lower()
    return key


def under(key: str, base: str) -> bool:
    """Whether page `key` is `base` or lies under it (a sub-path or a query on it)."""
    return key == base or key.startswith(base + "/") or key.startswith(base + "?")


# ------------------------------------------------------------------------------ reading
def _accounts(conn: Connection, wanted: str | None) -> list[CheckedAccount]:
    rows = conn.exec_driver_sql(
        "SELECT a.id, a.platform, a.handle, a.display_name, a.account_key, a.url,"
        " a.is_official, a.status FROM accounts a WHERE a.is_official = 1 OR EXISTS"
        " (SELECT 1 FROM records r WHERE r.account_id = a.id AND r.kind IN ('page', 'profile'))"
        " ORDER BY a.platform, lower(coalesce(a.handle, a.display_name, a.account_key)), a.id"
    ).fetchall()
    found = [
        (
            CheckedAccount(
                id=int(r[0]),
                platform=str(r[1]),
                handle=str(r[2] or ""),
                display_name=str(r[3] or ""),
                url=str(r[5] or ""),
                is_official=bool(r[6]),
                status=str(r[7] or "active"),
            ),
            str(r[4] or ""),
        )
        for r in rows
    ]
    if wanted is None:
        return [a for a, _ in found]
    chosen = [a for a, key in found if _names(a, key, wanted)]
    if not chosen:
        raise StatementsError(
            f"No account of the agency is {wanted[:80]!r}: give its id, its handle (with or"
            " without @) or platform:handle (platform/handle), as `account list` shows them."
        )
    return chosen


def _names(account: CheckedAccount, key: str, wanted: str) -> bool:
    text = wanted.strip()
    if text.isdigit():
        return int(text) == account.id
    # platform:handle, or platform/handle as `moderation` and `account` take it
    platform, sep, rest = text.replace("/", ":", 1).partition(":")
    if sep and platform.lower() == account.platform:
        text = rest
    elif sep:
        return False
    text = text.lstrip("@").casefold()
    return bool(text) and text in (account.handle.casefold(), key.casefold())


def _latest_texts(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Record id -> (title and text of its newest version, when the archive saw it)."""
    out: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for rid, title, text, observed in conn.exec_driver_sql(
            "SELECT v.record_id, v.title, v.text, v.observed_at FROM record_versions v"
            f" WHERE v.record_id IN ({marks}) AND v.seq = (SELECT max(w.seq) FROM"
            " record_versions w WHERE w.record_id = v.record_id)",
            tuple(chunk),
        ):
            out[int(rid)] = ("\n".join(t for t in (title, text) if t), observed)
    return out


def _extra_text(extra_json: str | None) -> str:
    """The profile fields some importers keep beside the shown text (bio, about, website)."""
    try:
        extra = json.loads(extra_json or "{}")
    except ValueError:
        return ""
    if not isinstance(extra, dict):
        return ""
    keys = ("bio", "about", "description", "intro", "website")
    return "\n".join(str(extra[k]) for k in keys if isinstance(extra.get(k), str))


@dataclass
class _Piece:
    evidence: Evidence
    folded: str  # the text as phrases are matched against it (policies.fold)


@dataclass(frozen=True)
class _Capture:
    id: int
    url: str
    key: str
    date: str
    account_id: int


def _account_pieces(
    conn: Connection, account: CheckedAccount, captures: list[_Capture]
) -> list[_Piece]:
    own = conn.exec_driver_sql(
        "SELECT id, kind, url, extra_json FROM records WHERE account_id = ? AND (kind IN"
        " ('page', 'profile') OR (kind = 'post' AND (json_extract(extra_json, '$.pinned') IN"
        " (1, 'true') OR json_extract(extra_json, '$.is_pinned') IN (1, 'true'))))",
        (account.id,),
    ).fetchall()
    bases = {url_key(account.url)} | {url_key(r[2]) for r in own if r[1] in PAGE_KINDS}
    template = HANDLE_URLS.get(account.platform)
    if template and account.handle:
        bases.add(url_key(template.format(h=account.handle)))
    keys = {b for b in bases if b}
    # the newest capture with text of each page URL
    newest: dict[str, _Capture] = {}
    for cap in captures:
        if not (cap.account_id == account.id or any(under(cap.key, b) for b in keys)):
            continue
        best = newest.get(cap.key)
        if best is None or (cap.date, cap.id) > (best.date, best.id):
            newest[cap.key] = cap
    texts = _latest_texts(conn, [int(r[0]) for r in own] + [c.id for c in newest.values()])
    pieces: list[_Piece] = []
    for rid, kind, url, extra_json in own:
        text, observed = texts.get(int(rid), ("", None))
        source = "profile" if kind in PAGE_KINDS else "pinned post"
        evidence = Evidence(int(rid), source, observed, "archived", str(url or ""))
        pieces.append(_Piece(evidence, fold(text + "\n" + _extra_text(extra_json))))
    for cap in newest.values():
        text, _observed = texts.get(cap.id, ("", None))
        evidence = Evidence(cap.id, "web capture", cap.date or None, "captured", cap.url)
        pieces.append(_Piece(evidence, fold(text)))
    pieces.sort(key=lambda p: (p.evidence.date or "", p.evidence.record_id), reverse=True)
    return pieces


def _captures(conn: Connection) -> list[_Capture]:
    """Every web capture with text. Only ids, URLs and dates: texts are read for the captures
    that turn out to be the newest of an account's page."""
    out: list[_Capture] = []
    for r in conn.exec_driver_sql(
        "SELECT r.id, r.url, r.created_at, r.account_id FROM records r WHERE"
        " r.platform = 'web' AND r.kind = 'capture' AND r.url IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM record_versions v WHERE v.record_id = r.id"
        " AND trim(v.text) != '')"
    ):
        key = url_key(r[1])
        if key is not None:
            out.append(_Capture(int(r[0]), str(r[1]), key, str(r[2] or ""), int(r[3] or 0)))
    return out


def _judge(account: CheckedAccount, statement: Statement, pieces: list[_Piece]) -> StatementResult:
    status, chosen, phrase, found = NO_EVIDENCE, None, "", ""
    if pieces:
        status, chosen = MISSING, pieces[0]
        for piece in pieces:  # newest first
            hit = find_folded(statement.phrases, piece.folded)
            if hit is not None:
                status, chosen = PRESENT, piece
                phrase, found = hit
                break
    ev = chosen.evidence if chosen is not None else None
    return StatementResult(
        account_id=account.id,
        policy=statement.policy,
        statement=statement.id,
        citation=statement.citation,
        must_say=statement.must_say,
        condition=statement.condition,
        status=status,
        record_id=ev.record_id if ev else None,
        record_date=ev.date if ev else None,
        evidence_source=ev.source if ev else "",
        phrase=phrase,
        found=found,
        verified=statement.verified,
    )


def check_statements(
    archive: Archive,
    *,
    account: str | None = None,
    policies: Iterable[Policy] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> StatementsCheck:
    """The check for every account of the agency (or the one `account` names) against every
    required statement of the applying policies (the `policies` setting, or `policies`).
    Read-only: nothing is written, so nothing is audited."""
    applying = list(policies) if policies is not None else policies_for(archive)
    statements = [s for p in applying for s in p.statements]
    done: list[AccountCheck] = []
    cancelled = False
    with archive.read() as conn:
        accounts = _accounts(conn, account)
        captures = _captures(conn)
        for n, acc in enumerate(accounts):
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            if progress is not None:
                progress(n, len(accounts), f"Checking {acc.label[:60]}")
            pieces = _account_pieces(conn, acc, captures)
            results = tuple(_judge(acc, s, pieces) for s in statements)
            done.append(AccountCheck(acc, tuple(p.evidence for p in pieces), results))
    if progress is not None and not cancelled:
        progress(len(accounts), len(accounts), "Checked")
    return StatementsCheck(
        checked_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        policies=tuple(p.id for p in applying),
        policy_names=tuple(p.name for p in applying),
        accounts=tuple(done),
        cancelled=cancelled,
    )
