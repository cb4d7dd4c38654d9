"""Generate the demo's synthetic records: deterministic for a seed, no I/O, no database.

The data mimics two exports of the same fictional agency's accounts taken months apart:
the first holds several years of posts with their comment threads and a few direct messages;
the second repeats some records with edited text, flags others as deleted or hidden, and
brings the posts published since. Writing both through the archive's RecordWriter exercises
versioning and flags exactly as a real re-import does.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from retention_desk.archive.ingest import MediaIn, RecordIn
from retention_desk.demo import content as c
from retention_desk.demo.png import gradient_png

DEMO_SEED = 505  # New Mexico's area code; any fixed value gives the same archive every time
LOCAL = ZoneInfo("America/Denver")
FIRST_POST = datetime(2019, 3, 1, tzinfo=UTC)
SECOND_EXPORT_CUTOFF = datetime(2024, 9, 1, tzinfo=UTC)
LAST_POST = datetime(2025, 2, 15, tzinfo=UTC)


@dataclass(frozen=True)
class DemoAccount:
    platform: str
    account_key: str
    handle: str
    display_name: str
    posts: int
    comments_mean: float
    conversations: int = 0


ACCOUNTS = (
    DemoAccount("facebook", "100064511200731", "SandiaVistaPD", c.AGENCY_NAME, 190, 2.6, 8),
    DemoAccount("facebook", "100069027745518", "SVPDCommunity", "SVPD Community Outreach", 70, 2.0),
    DemoAccount("x", "1187340559012442113", "SandiaVistaPD", "Sandia Vista PD", 250, 1.0),
    DemoAccount("instagram", "52280931447", "sandiavistapd", c.AGENCY_NAME, 110, 1.6, 3),
    DemoAccount("youtube", "UCx3vS9dQk2mSandiaVistaPD", "SandiaVistaPD", c.AGENCY_NAME, 30, 3.0),
)


@dataclass
class DemoPass:
    """One synthetic export: the records of each account, in the order they are written."""

    name: str
    records: dict[str, list[RecordIn]] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(v) for v in self.records.values())


@dataclass(frozen=True)
class Resident:
    name: str
    handle: str
    platform_id: str


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.residents = self._residents(180)

    # ------------------------------------------------------------------ helpers
    def _digits(self, n: int) -> str:
        return str(self.rng.randint(10 ** (n - 1), 10**n - 1))

    def _token(self, n: int) -> str:
        return "".join(self.rng.choices(string.ascii_letters + string.digits + "-_", k=n))

    def _residents(self, n: int) -> list[Resident]:
        people = []
        for i in range(n):
            first = self.rng.choice(c.FIRST_NAMES)
            last = self.rng.choice(c.LAST_NAMES)
            name = c.HOSTILE_AUTHOR if i == 7 else f"{first} {last}"
            handle = f"{first.lower()}{last.split('-')[0].lower()}{self.rng.randint(1, 99)}"
            people.append(Resident(name, handle, self._digits(15)))
        return people

    def _fill(self, template: str, when: datetime) -> str:
        street, street2 = self.rng.sample(c.STREETS, 2)
        return template.format(
            street=street,
            street2=street2,
            place=self.rng.choice(c.PLACES),
            day=self.rng.choice(c.DAYS),
            phone=c.NON_EMERGENCY,
            n=self.rng.randint(2, 40),
            year=when.year,
            month=c.MONTHS[when.month - 1],
        )

    def posting_time(self, start: datetime, end: datetime) -> datetime:
        """A moment in the range, moved to the agency's office hours (local time, DST aware)."""
        moment = start + (end - start) * self.rng.random()
        local = moment.astimezone(LOCAL).replace(
            hour=self.rng.randint(7, 18), minute=self.rng.randint(0, 59), second=0, microsecond=0
        )
        return local.astimezone(UTC)

    def _later(self, when: datetime, max_hours: float) -> datetime:
        return (when + timedelta(minutes=self.rng.uniform(2, max_hours * 60))).replace(
            microsecond=0
        )

    def _image(self, label: str) -> MediaIn:
        start = tuple(self.rng.randint(0, 255) for _ in range(3))
        end = tuple(self.rng.randint(0, 255) for _ in range(3))
        data = gradient_png(48, 32, start, end)  # type: ignore[arg-type]
        name = f"{label}.png"
        return MediaIn(
            original_uri=f"media/{name}",
            filename=name,
            mime_type="image/png",
            media_type="photo",
            data=data,
        )

    @staticmethod
    def _lang(text: str) -> str:
        spanish = ("¡", "Gracias", "Sí,", "gracias")
        return "es" if any(text.startswith(s) for s in spanish) else "en"

    # ------------------------------------------------------------------ records
    def post(self, account: DemoAccount, when: datetime, index: int) -> RecordIn:
        platform = account.platform
        text = self._fill(self.rng.choice(c.POST_TEMPLATES), when)
        title = None
        media: list[MediaIn] = []
        if platform == "facebook":
            pid = f"{account.account_key}_{self._digits(16)}"
            url = f"https://www.facebook.com/{account.handle}/posts/{pid.split('_')[1]}"
        elif platform == "x":
            pid = self._snowflake(when)
            url = f"https://x.com/{account.handle}/status/{pid}"
            text = text[:277] + "…" if len(text) > 280 else text
        elif platform == "instagram":
            pid = self._token(11)
            url = f"https://www.instagram.com/p/{pid}/"
        else:
            pid = self._token(11)
            url = f"https://www.youtube.com/watch?v={pid}"
            title = self._fill(self.rng.choice(c.YOUTUBE_TITLES), when)
            media.append(self._image(f"thumb_{pid}"))
            # The export names the video but does not contain it: shown as missing media.
            media.append(
                MediaIn(
                    original_uri=f"videos/{pid}.mp4",
                    filename=f"{pid}.mp4",
                    mime_type="video/mp4",
                    media_type="video",
                )
            )
        wants_image = {"facebook": 0.3, "x": 0.2, "instagram": 1.0}.get(platform, 0.0)
        if self.rng.random() < wants_image:
            for k in range(1 if platform != "instagram" else self.rng.randint(1, 2)):
                media.append(self._image(f"{platform}_{index}_{k}"))
        return RecordIn(
            platform=platform,
            kind="post",
            record_key=pid,
            platform_id=pid,
            text=text,
            title=title,
            author_name=account.display_name,
            author_handle=account.handle,
            author_platform_id=account.account_key,
            created_at=when,
            created_at_raw=when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            url=url,
            lang=self._lang(text),
            extra={"likes": self.rng.randint(0, 400), "shares": self.rng.randint(0, 80)},
            locator=f"{account.platform}/{account.handle}/posts[{index}]",
            media=media,
        )

    def _snowflake(self, when: datetime) -> str:
        # X ids encode the time (ms since 2010-11-04) above 22 bits: > 2**53, kept as text.
        ms = int(when.timestamp() * 1000) - 1288834974657
        self.serial += 1
        return str((ms << 22) | (self.serial & 0x3FFFFF))

    def _comment_id(self, account: DemoAccount, parent: RecordIn, when: datetime) -> str:
        if account.platform == "facebook":
            return f"{parent.record_key}_{self._digits(16)}"
        if account.platform == "x":
            return self._snowflake(when)
        if account.platform == "instagram":
            return self._digits(17)
        return "Ug" + self._token(24)

    def _response(
        self, account: DemoAccount, parent: RecordIn, text: str, by_agency: bool, index: str
    ) -> RecordIn:
        assert parent.created_at is not None
        when = self._later(parent.created_at, 36 if parent.kind == "post" else 8)
        rid = self._comment_id(account, parent, when)
        if by_agency:
            name, handle, author_id = account.display_name, account.handle, account.account_key
        else:
            who = self.rng.choice(self.residents)
            name, handle, author_id = who.name, who.handle, who.platform_id
        # X has no comments: every answer is a reply. Elsewhere replies answer comments.
        kind = "comment" if parent.kind == "post" and account.platform != "x" else "reply"
        return RecordIn(
            platform=account.platform,
            kind=kind,
            record_key=rid,
            platform_id=rid,
            parent_key=parent.record_key,
            text=self._fill(text, when),
            author_name=name,
            author_handle=handle,
            author_platform_id=author_id,
            created_at=when,
            created_at_raw=when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            lang=self._lang(text),
            extra={"likes": self.rng.randint(0, 25)},
            locator=f"{account.platform}/{account.handle}/comments[{index}]",
        )

    def thread(self, account: DemoAccount, post: RecordIn, index: int) -> list[RecordIn]:
        """A post followed by its comments and replies, each comment possibly flagged."""
        records = [post]
        count = min(int(self.rng.expovariate(1 / account.comments_mean)), 14)
        for k in range(count):
            text = self.rng.choice(c.COMMENTS)
            comment = self._response(account, post, text, False, f"{index}.{k}")
            assert comment.created_at is not None
            roll = self.rng.random()
            if roll < 0.02:  # removed before the first export was taken
                comment = replace(comment, deleted_at=self._later(comment.created_at, 48))
            elif roll < 0.03:
                comment = replace(comment, hidden_at=self._later(comment.created_at, 12))
            records.append(comment)
            for r in range(self.rng.choice((0, 0, 0, 0, 1, 1, 2))):
                by_agency = self.rng.random() < 0.4
                pool = c.AGENCY_REPLIES if by_agency else c.REPLIES
                line = self.rng.choice(pool)
                records.append(
                    self._response(account, comment, line, by_agency, f"{index}.{k}.{r}")
                )
        return records

    def conversation(self, account: DemoAccount, number: int) -> list[RecordIn]:
        """A direct-message exchange: restricted (third parties' private words)."""
        who = self.rng.choice(self.residents[:-1])
        key = f"{account.platform}-conv-{self._digits(12)}"
        when = self.posting_time(FIRST_POST, SECOND_EXPORT_CUTOFF)
        messages = []
        for i in range(self.rng.randint(3, 6)):
            when = self._later(when, 20)
            from_agency = i % 2 == 1
            line = self.rng.choice(c.DM_LINES[3::2] if from_agency else c.DM_LINES[0::2])
            mid = f"m_{self._token(20)}"
            messages.append(
                RecordIn(
                    platform=account.platform,
                    kind="message",
                    record_key=mid,
                    platform_id=mid,
                    conversation_key=key,
                    text=self._fill(line, when),
                    author_name=account.display_name if from_agency else who.name,
                    author_handle=account.handle if from_agency else who.handle,
                    created_at=when,
                    created_at_raw=when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                    restricted=True,
                    locator=f"{account.platform}/{account.handle}/inbox[{number}][{i}]",
                )
            )
        return messages

    # ------------------------------------------------------------------ passes
    def changes(self, records: list[RecordIn]) -> list[RecordIn]:
        """The second export's view of already-archived records: edits and new flags."""
        agency_handles = {a.handle for a in ACCOUNTS}
        changed = []
        for rec in records:
            if rec.kind == "message" or rec.deleted_at or rec.hidden_at:
                continue
            assert rec.created_at is not None
            roll = self.rng.random()
            if roll < 0.05 and rec.author_handle in agency_handles:
                edited = self._later(rec.created_at, 30)
                changed.append(
                    replace(
                        rec,
                        text=rec.text + self.rng.choice(c.EDIT_SUFFIXES),
                        edited_at=edited,
                        platform_edited_at=edited,
                    )
                )
            elif roll < 0.08 and rec.kind != "post":
                edited = self._later(rec.created_at, 6)
                changed.append(replace(rec, text=rec.text + " (edited)", edited_at=edited))
            elif roll < 0.11 and rec.kind != "post":
                changed.append(replace(rec, deleted_at=self._later(rec.created_at, 400)))
            elif roll < 0.13 and rec.kind != "post":
                changed.append(replace(rec, hidden_at=self._later(rec.created_at, 48)))
        return changed


def generate(seed: int = DEMO_SEED) -> tuple[DemoPass, DemoPass]:
    """The two synthetic exports for `seed`: same seed, same records, texts and images."""
    gen = _Generator(seed)
    first = DemoPass("svpd-social-export-2024-09.json")
    second = DemoPass("svpd-social-export-2025-02.json")
    for account in ACCOUNTS:
        times = sorted(gen.posting_time(FIRST_POST, LAST_POST) for _ in range(account.posts))
        early: list[RecordIn] = []
        late: list[RecordIn] = []
        for index, when in enumerate(times):
            records = gen.thread(account, gen.post(account, when, index), index)
            (early if when < SECOND_EXPORT_CUTOFF else late).extend(records)
        for number in range(account.conversations):
            early.extend(gen.conversation(account, number))
        first.records[account.account_key] = early
        second.records[account.account_key] = gen.changes(early) + late
    return first, second
