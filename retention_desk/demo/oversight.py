"""The demo's Oversight page: registry, page statements, subscriber lists and moderation log.

Everything goes through the same public functions the Oversight page and the CLI call, so the
audit trail shows the demo's oversight work exactly as it would show a custodian's. Dates are
fixed (within the demo's years) and choices come from the seed or from the records' order,
so a seed always gives the same archive.

Subscriber lists are imported from two small synthetic X archive zips through the real
importer (`importers.run.run_import`): the snapshot records are the ones a real export makes,
dated by the manifest's generation date, and they attach to the demo's X account because X
archives are keyed by the numeric account id.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from retention_desk.archive import Archive, timeutil
from retention_desk.archive.ingest import RecordIn
from retention_desk.demo import content as c
from retention_desk.demo.generate import ACCOUNTS, DemoPass
from retention_desk.oversight import moderation
from retention_desk.oversight.registry import (
    AccountFields,
    add_person,
    approve_user,
    end_role,
    retire_account,
    update_account,
)
from retention_desk.oversight.registry_authors import set_staff_author

FACEBOOK_KEY = "100064511200731"
COMMUNITY_KEY = "100069027745518"
X_KEY = "1187340559012442113"
INSTAGRAM_KEY = "52280931447"
YOUTUBE_KEY = "UCx3vS9dQk2mSandiaVistaPD"
# the two X archives' generation dates: the day each subscriber list was taken
X_EXPORT_DATES = (
    datetime(2024, 9, 1, 15, 4, 12, tzinfo=UTC),
    datetime(2025, 2, 15, 18, 30, 45, tzinfo=UTC),
)
# Dominic Archibeque was approved for X only on this day, after the first posts entered as his
ARCHIBEQUE_APPROVED = "2024-06-01"
MODERATION_YEARS = ("2023", "2024")


@dataclass(frozen=True)
class OversightSummary:
    """What the demo's oversight step wrote (for tests and the build's own checks)."""

    people: int
    roles: int
    staff_authors: int
    snapshots: int
    reasons: int
    unreasoned_left: int


def _account_of(key: str) -> str:
    account = next(a for a in ACCOUNTS if a.account_key == key)
    return f"{account.platform}:{account.handle}"


# ------------------------------------------------------------------ page records (a pass)
def pages_pass() -> DemoPass:
    """The Facebook page's About text and a web capture of the Instagram page, as a third
    synthetic export (build.py writes it like the other passes). The X profile comes from
    the X archives, through the real importer."""
    about = RecordIn(
        platform="facebook",
        kind="page",
        record_key=f"profile:{FACEBOOK_KEY}",
        title=c.AGENCY_NAME,
        text=c.FACEBOOK_ABOUT,
        platform_id=FACEBOOK_KEY,
        author_name=c.AGENCY_NAME,
        author_handle="SandiaVistaPD",
        author_platform_id=FACEBOOK_KEY,
        created_at=datetime(2019, 2, 20, 17, 0, tzinfo=UTC),
        url=c.ACCOUNT_REGISTRY[FACEBOOK_KEY][1],
        extra={"about": c.FACEBOOK_ABOUT},
    )
    capture = RecordIn(
        platform="web",
        kind="capture",
        record_key=f"capture:{c.INSTAGRAM_CAPTURE_URL}:2025-01-20",
        title="Sandia Vista Police Department (@sandiavistapd) \u2022 Instagram",
        text=c.INSTAGRAM_CAPTURE_TEXT,
        created_at=datetime(2025, 1, 20, 16, 45, tzinfo=UTC),
        url=c.INSTAGRAM_CAPTURE_URL,
    )
    return DemoPass(
        "sandia-vista-pages.json", records={FACEBOOK_KEY: [about], INSTAGRAM_KEY: [capture]}
    )


# -------------------------------------------------------------------------- the registry
def _registry(archive: Archive) -> tuple[int, int]:
    for key, (department, url, purpose, opened) in c.ACCOUNT_REGISTRY.items():
        update_account(
            archive,
            _account_of(key),
            AccountFields(url=url, department=department, purpose=purpose, opened_on=opened),
        )
    for name, department, email, names in c.STAFF:
        add_person(archive, name, department=department, email=email, platform_names=names)
    fb, community, x, ig, yt = (
        _account_of(k) for k in (FACEBOOK_KEY, COMMUNITY_KEY, X_KEY, INSTAGRAM_KEY, YOUTUBE_KEY)
    )
    lucinda, ezequiel, marguerite, dominic, _priya = (s[0] for s in c.STAFF)
    grants: list[tuple[list[str], str, str, str]] = [
        ([fb, x, ig, yt], lucinda, "administrator", "2019-02-15"),
        ([community], ezequiel, "administrator", "2019-03-01"),
        ([fb], ezequiel, "liaison", "2019-03-01"),
        ([x, ig], marguerite, "liaison", "2021-06-01"),
        ([fb, x], marguerite, "approved_user", "2021-06-01"),
        ([community], dominic, "approved_user", "2022-01-10"),
        ([x], dominic, "approved_user", ARCHIBEQUE_APPROVED),
        ([yt], marguerite, "approved_user", "2021-06-01"),
    ]
    roles = [
        approve_user(archive, accounts, person, role=role, on=on, by=c.APPROVER)
        for accounts, person, role, on in grants
    ]
    # the YouTube channel was retired: Marguerite's role on it (the last grant) ended then
    retired_key, retired_on = c.RETIRED_ACCOUNT
    end_role(archive, roles[-1][0].id, retired_on)
    retire_account(archive, _account_of(retired_key), retired_on)
    return len(c.STAFF), sum(len(r) for r in roles)


def _official_posts(archive: Archive, key: str) -> list[tuple[int, str]]:
    """(record id, posted day) of an account's posts, oldest first."""
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT r.id, substr(r.created_at, 1, 10) FROM records r JOIN accounts a"
            " ON a.id = r.account_id WHERE a.account_key = ? AND r.kind = 'post'"
            " AND r.created_at IS NOT NULL ORDER BY r.created_at, r.id",
            (key,),
        ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def _staff_authors(archive: Archive) -> int:
    lucinda, _ezequiel, marguerite, dominic, priya = (s[0] for s in c.STAFF)
    fb = _official_posts(archive, FACEBOOK_KEY)
    x = _official_posts(archive, X_KEY)
    entries: list[tuple[int, str, str]] = []
    entries += [(rid, lucinda, "Drafted by the PIO") for rid, _ in fb[:3]]
    entries += [(rid, marguerite, "") for rid, day in fb if day >= "2022-01-01"][:2]
    # before his approval date: `account flags` shows approved_later for these two
    before = [rid for rid, day in x if "2024-01-01" <= day < ARCHIBEQUE_APPROVED]
    after = [rid for rid, day in x if day > ARCHIBEQUE_APPROVED]
    entries += [(rid, dominic, "Traffic alert posted from the field") for rid in before[:2]]
    entries += [(rid, dominic, "") for rid in after[:1]]
    # a records clerk with no role on any account: `account flags` shows no_role
    entries += [(rid, priya, "Posted while covering the PIO's leave") for rid, _ in fb[-1:]]
    for rid, person, note in entries:
        set_staff_author(archive, rid, person, note)
    return len(entries)


# ---------------------------------------------------------------- subscriber lists (X zips)
def _js(global_name: str, value: Any) -> bytes:
    body = json.dumps(value, indent=2, ensure_ascii=False).replace('": ', '" : ')
    return f"window.{global_name} = {body}".encode()


def _members(kind: str, ids: list[str]) -> list[dict[str, Any]]:
    return [
        {kind: {"accountId": i, "userLink": f"https://twitter.com/intent/user?user_id={i}"}}
        for i in ids
    ]


def _x_archive(generated: datetime, followers: list[str], following: list[str]) -> bytes:
    """A minimal X archive zip: manifest, account, profile and the two lists."""
    x = next(a for a in ACCOUNTS if a.account_key == X_KEY)
    files = {
        "data/account.js": _js(
            "YTD.account.part0",
            [
                {
                    "account": {
                        "email": "pio@sandiavista.example",
                        "createdVia": "web",
                        "username": x.handle,
                        "accountId": X_KEY,
                        "createdAt": "2019-02-25T17:00:00.000Z",
                        "accountDisplayName": x.display_name,
                    }
                }
            ],
        ),
        "data/profile.js": _js(
            "YTD.profile.part0",
            [
                {
                    "profile": {
                        "description": {
                            "bio": c.X_BIO,
                            "website": c.X_WEBSITE,
                            "location": c.X_LOCATION,
                        }
                    }
                }
            ],
        ),
        "data/follower.js": _js("YTD.follower.part0", _members("follower", followers)),
        "data/following.js": _js("YTD.following.part0", _members("following", following)),
    }
    counts = {"account": 1, "profile": 1, "follower": len(followers), "following": len(following)}
    manifest = {
        "userInfo": {"accountId": X_KEY, "userName": x.handle, "displayName": x.display_name},
        "archiveInfo": {
            "sizeBytes": str(sum(len(b) for b in files.values())),
            "generationDate": generated.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "dataTypes": {
            kind: {
                "files": [
                    {
                        "fileName": f"data/{kind}.js",
                        "globalName": f"YTD.{kind}.part0",
                        "count": str(n),
                    }
                ]
            }
            for kind, n in counts.items()
        },
    }
    files["data/manifest.js"] = b"window.__THAR_CONFIG = " + json.dumps(manifest, indent=2).encode()
    out = io.BytesIO()
    # fixed member times: the same seed gives the same zip bytes, hence the same SHA-256
    stamp = generated.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), files[name])
    return out.getvalue()


def _subscriber_lists(archive: Archive, seed: int) -> int:
    from retention_desk.importers.run import run_import

    rng = random.Random(seed * 7919 + 15)
    pool = sorted({str(rng.randint(10**17, 10**19 - 1)) for _ in range(44)})
    rng.shuffle(pool)
    first_followers = pool[:30]
    # between the exports four followers left and six came
    gone = set(rng.sample(first_followers, 4))
    second_followers = [i for i in first_followers if i not in gone] + pool[30:36]
    following = pool[36:43]
    lists = (
        (first_followers, following),
        (second_followers, [*following, pool[43]]),
    )
    snapshots = 0
    with tempfile.TemporaryDirectory(prefix="demo-x-") as folder:
        for generated, (followers, follows) in zip(X_EXPORT_DATES, lists, strict=True):
            path = Path(folder) / f"twitter-{generated:%Y-%m-%d}-demo.zip"
            path.write_bytes(_x_archive(generated, followers, follows))
            summary = run_import(archive, [path])
            if summary.status != "completed":
                raise RuntimeError(f"the demo's X archive did not import: {summary.to_dict()}")
            snapshots += 2
    return snapshots


# ---------------------------------------------------------------------------- moderation
def _removals(archive: Archive) -> list[tuple[int, str, datetime, bool]]:
    """(record id, platform, when removed, deleted?) of hidden or deleted comments and
    replies in the years the demo's moderation log covers, oldest first."""
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT r.id, r.platform, coalesce(r.deleted_at, r.hidden_at),"
            " r.deleted_at IS NOT NULL FROM records r WHERE r.kind IN ('comment', 'reply')"
            " AND coalesce(r.deleted_at, r.hidden_at) IS NOT NULL"
            f" AND substr(coalesce(r.deleted_at, r.hidden_at), 1, 4) IN"
            f" ({','.join('?' * len(MODERATION_YEARS))})"
            " ORDER BY coalesce(r.deleted_at, r.hidden_at), r.id",
            MODERATION_YEARS,
        ).fetchall()
    out = []
    for rid, platform, when, deleted in rows:
        moment = timeutil.from_db(when)
        if moment is not None:
            out.append((int(rid), str(platform), moment, bool(deleted)))
    return out


def _kept_comment(archive: Archive) -> tuple[int, datetime]:
    with archive.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT r.id, r.created_at FROM records r JOIN accounts a ON a.id = r.account_id"
            " WHERE a.account_key = ? AND r.kind = 'comment' AND r.hidden_at IS NULL"
            " AND r.deleted_at IS NULL AND r.created_at >= '2024-03-01'"
            " ORDER BY r.created_at, r.id LIMIT 1",
            (FACEBOOK_KEY,),
        ).one()
    moment = timeutil.from_db(row[1])
    assert moment is not None
    return int(row[0]), moment


def _moderation(archive: Archive) -> tuple[int, int]:
    """Reasons on three of every four removals of 2023-2024 (every fourth left unreasoned),
    one of them the commenter's own deletion, and one kept comment reported."""
    removals = _removals(archive)
    reasons = unreasoned = 0
    author_done = False
    for n, (rid, _platform, when, deleted) in enumerate(removals):
        if n % 4 == 3:
            unreasoned += 1
            continue
        if deleted and not author_done:
            moderation.record_reason(
                archive, rid, "", c.AUTHOR_DELETION, acted_by="author", acted_at=when
            )
            author_done = True
        else:
            category, note = c.MODERATION_REASONS[n % len(c.MODERATION_REASONS)]
            moderator = c.MODERATORS[n % len(c.MODERATORS)]
            moderation.record_reason(
                archive, rid, category, note, acted_by=moderator, acted_at=when
            )
        reasons += 1
    rid, created = _kept_comment(archive)
    category, note = c.REPORTED_REASON
    moderation.record_reason(
        archive,
        rid,
        category,
        note,
        acted_by=c.MODERATORS[0],
        acted_at=created + timedelta(hours=20),
        action="reported",
    )
    return reasons + 1, unreasoned


def add_oversight(archive: Archive, seed: int) -> OversightSummary:
    """The Oversight page's duties in the demo archive; call after the records are in."""
    people, roles = _registry(archive)
    authors = _staff_authors(archive)
    snapshots = _subscriber_lists(archive, seed)
    reasons, unreasoned = _moderation(archive)
    return OversightSummary(people, roles, authors, snapshots, reasons, unreasoned)
