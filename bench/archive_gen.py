"""Deterministic synthetic archive for the search benchmark.

    python -m bench.archive_gen --records 1000000 --out /tmp/bench.rdesk [--seed 7]

The archive is a real one (`Archive.create`, then rows in the same schema, audit row, source
files with stored originals) so `retention-desk verify` passes on it. Records are written with
`executemany` straight into the tables inside one write transaction instead of through
RecordWriter: the writer's per-batch merge lookups are needed for real imports (re-imports,
edits) but only cost time here, where every record is new and its versions are known up front.

Shape (all from one seeded RNG, so the same arguments give the same archive):
- ~12 agency accounts on x, facebook, instagram, youtube and web captures, over 2016-2025,
  posting more each year;
- posts with comment threads and nested replies, direct-message conversations, page records,
  web captures with fixity metadata;
- text drawn from a Zipf distribution over ~300 common English words followed by 50,000
  pseudo-words, plus a few stock phrases, so common, rare and phrase queries behave as in a
  real archive;
- ~7% of records edited (2-3 versions), ~3% deleted, ~2% of comments hidden, media on ~20% of
  posts (listed as missing: the bench measures search, not blob storage).

Records are written account by account, each account's in time order, so record ids follow
time inside an account but not across accounts - as real per-account imports do.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from retention_desk.archive import Archive, blobs, seal
from retention_desk.archive.batches import add_source_file, finish_batch, start_batch
from retention_desk.archive.ingest import content_hash
from retention_desk.search.maintenance import optimize_index

START = datetime(2016, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
ISO = "%Y-%m-%dT%H:%M:%S.%fZ"


def _words(block: str) -> tuple[str, ...]:
    return tuple(block.split())


COMMON_WORDS = _words(
    """
    the of and to a in is you that it he was for on are as with his they at be this have
    from or one had by word but not what all were we when your can said there use an each
    which she do how their if will up other about out many then them these so some her would
    make like him into time has look two more write go see number no way could people my
    than first water been call who oil its now find long down day did get come made may part
    police city county road traffic officer public safety community department fire street
    meeting today please thank thanks information report call update residents help avenue
    crash closed closure lane lanes downtown park event school students parents weather snow
    storm power water boil notice council mayor chief sheriff deputy arrest suspect vehicle
    missing person found safe alert amber silver warning scam phone email message online
    donate food drive holiday parade festival library hours open closed monday tuesday
    wednesday thursday friday saturday sunday morning afternoon evening night week month
    year new old great good bad best better more most very much just also back after before
    again still here there where why because while during under over between through around
    near north south east west santa fe albuquerque las cruces rio rancho roswell farmington
    taos gallup mesa valley mountain river bridge trail canyon desert
    """
)

PHRASES = (
    "road closure",
    "missing person",
    "press release",
    "boil water notice",
    "public safety",
    "thank you for your patience",
    "city council meeting",
    "drive safely",
    "amber alert",
    "non-emergency line",
)

SYLLABLES = _words(
    """
    ka ri to me sa lu na vo pe di ro ta zen mar qui lo fa be cor tin el an ol us ix dra ven
    sol mir gal hep tor wyn bri cal dex fen gor hal jin kel lum nor pax rud
    """
)

FIRST = _words(
    """
    Maria Jose Juan Ana Luis Carmen Miguel Rosa David Linda James Sarah Robert Emily Daniel
    Sofia Carlos Isabel Antonio Lucia Michael Jennifer William Elena Thomas Patricia Diego
    Gabriel Teresa Mateo Valeria Samuel Naomi Joseph Dolores Ramon Yolanda Ernesto Leticia
    """
)
LAST = _words(
    """
    Garcia Martinez Lopez Chavez Sanchez Romero Baca Trujillo Montoya Lucero Gallegos Vigil
    Smith Johnson Brown Begay Yazzie Tsosie Benally Nez Archuleta Sandoval Apodaca Gonzales
    Herrera Ortiz Padilla Maestas Armijo Salazar Otero Aragon Cordova Jaramillo Silva
    """
)


@dataclass(frozen=True)
class BenchAccount:
    platform: str
    handle: str
    name: str
    share: float  # fraction of all records
    comments_mean: float
    conversations: float  # fraction of this account's records that are messages


ACCOUNTS = (
    BenchAccount("facebook", "MetroPD", "Metro Police Department", 0.22, 4.0, 0.03),
    BenchAccount("facebook", "MetroFireRescue", "Metro Fire Rescue", 0.10, 3.0, 0.02),
    BenchAccount("facebook", "CountySheriffNM", "County Sheriff's Office", 0.12, 3.5, 0.03),
    BenchAccount("x", "MetroPD", "Metro PD", 0.14, 1.5, 0.02),
    BenchAccount("x", "CityOfMetro", "City of Metro", 0.08, 1.2, 0.0),
    BenchAccount("x", "NMDPSAlerts", "NM DPS Alerts", 0.06, 1.0, 0.0),
    BenchAccount("instagram", "metropd", "Metro Police Department", 0.09, 2.0, 0.04),
    BenchAccount("instagram", "cityofmetro", "City of Metro", 0.05, 1.5, 0.0),
    BenchAccount("youtube", "MetroPDVideo", "Metro PD Video", 0.05, 2.5, 0.0),
    BenchAccount("youtube", "CityOfMetroTV", "City of Metro TV", 0.03, 2.0, 0.0),
    BenchAccount("web", "metro.gov", "www.metro.gov captures", 0.04, 0.0, 0.0),
    BenchAccount("web", "sheriff.county.gov", "sheriff.county.gov captures", 0.02, 0.0, 0.0),
)

RECORD_SQL = (
    "INSERT INTO records (id, platform, kind, record_key, platform_id, account_id, parent_id,"
    " parent_key, thread_id, conversation_key, author_name, author_handle, author_platform_id,"
    " created_at, created_at_raw, edited_at, deleted_at, deleted_at_raw, hidden_at, url, lang,"
    " is_repost, restricted, version_count, has_media, extra_json, sensitive_json,"
    " first_source_id, batch_id, archived_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
VERSION_SQL = (
    "INSERT INTO record_versions (id, record_id, seq, title, text, text_raw, content_hash,"
    " platform_edited_at, observed_at, source_file_id, locator, raw_json)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
SOURCE_SQL = "INSERT INTO record_sources (record_id, source_file_id, locator) VALUES (?,?,?)"
MEDIA_SQL = (
    "INSERT INTO media (record_id, position, blob_sha256, original_uri, filename, mime_type,"
    " media_type, size, missing, metadata_json) VALUES (?,?,NULL,?,?,?,?,NULL,1,'{}')"
)


def _iso(moment: datetime) -> str:
    return moment.strftime(ISO)


class Vocabulary:
    """Common words then pseudo-words, drawn with Zipf weights 1/rank."""

    def __init__(self, rng: random.Random, size: int = 50_000) -> None:
        seen = set(COMMON_WORDS)
        pseudo: list[str] = []
        while len(pseudo) < size:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                pseudo.append(word)
        self.words = list(COMMON_WORDS) + pseudo
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))
        self.rng = rng

    def sentence(self, n: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(PHRASES))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."


class Generator:
    """Builds row tuples for one archive; ids assigned here, in write order."""

    def __init__(self, records: int, seed: int) -> None:
        self.target = records
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(self.rng)
        # 20,000 commenters: (name, handle, platform user id)
        self.people = [
            (f"{f} {ln}", f"{f.lower()}_{ln.lower()}{i}", str(2 * 10**14 + i * 104729))
            for i, (f, ln) in enumerate(
                (self.rng.choice(FIRST), self.rng.choice(LAST)) for _ in range(20_000)
            )
        ]
        self.record_id = 0
        self.version_id = 0
        span = (END - START).total_seconds()
        # More posting in later years: time = START + span * u**0.7 (denser towards END).
        self.span = span
        self.now = _iso(datetime(2026, 3, 1, tzinfo=UTC))

    def moment(self) -> datetime:
        u = self.rng.random() ** 0.7
        return START + timedelta(seconds=int(self.span * u))

    def later(self, when: datetime, max_hours: float) -> datetime:
        return min(when + timedelta(minutes=self.rng.uniform(1, max_hours * 60)), END)

    def key(self) -> str:
        # unique per record (platform ids must not collide), irregular like real ids
        return str(1_000_000_000_000 + (self.record_id + 1) * 7 + self.rng.randrange(7))


def _text_len(kind: str, rng: random.Random) -> int:
    if kind == "post":
        return rng.randint(12, 60)
    if kind == "comment":
        return rng.randint(3, 30)
    if kind == "reply":
        return rng.randint(2, 20)
    if kind == "message":
        return rng.randint(4, 25)
    return rng.randint(40, 120)  # page / capture: extracted page text


def _edit(text_value: str, rng: random.Random, vocab: Vocabulary) -> str:
    words = text_value.split(" ")
    for _ in range(rng.randint(1, 3)):
        words[rng.randrange(len(words))] = rng.choice(vocab.words[:2000])
    return " ".join(words) + rng.choice((" (updated)", " UPDATE: resolved.", " Edited."))


class Writer:
    """Buffers row tuples and writes them with executemany on one raw sqlite3 connection."""

    def __init__(self, raw: Any, batch_id: int) -> None:
        self.raw = raw
        self.batch_id = batch_id
        self.records: list[tuple[Any, ...]] = []
        self.versions: list[tuple[Any, ...]] = []
        self.sources: list[tuple[Any, ...]] = []
        self.media: list[tuple[Any, ...]] = []
        self.counts = {"records": 0, "versions": 0, "media": 0}

    def flush(self) -> None:
        cur = self.raw.cursor()
        cur.executemany(RECORD_SQL, self.records)
        cur.executemany(VERSION_SQL, self.versions)
        cur.executemany(SOURCE_SQL, self.sources)
        cur.executemany(MEDIA_SQL, self.media)
        cur.close()
        self.counts["records"] += len(self.records)
        self.counts["versions"] += len(self.versions)
        self.counts["media"] += len(self.media)
        self.records, self.versions, self.sources, self.media = [], [], [], []


def _account_records(
    gen: Generator, acc: BenchAccount, account_id: int, source_id: int, quota: int, w: Writer
) -> None:
    """Write about `quota` records for one account, in time order (never cut short, so every
    account reaches the end of the time span)."""
    rng = gen.rng
    vocab = gen.vocab
    written = 0
    conv_every = max(1, int(1 / acc.conversations) // 4) if acc.conversations else 0
    # records per post: the post, its comments (a floored exponential: mean q / (1 - q) with
    # q = e^(-1/m)), 2/3 of a reply per comment, ~5 messages every `conv_every` posts
    q = math.exp(-1 / acc.comments_mean) if acc.comments_mean else 0.0
    per_post = 1 + q / (1 - q) * (1 + 4 / 6)
    per_post += 5 / conv_every if conv_every else 0
    n_posts = max(1, round(quota / per_post))
    times = sorted(gen.moment() for _ in range(n_posts))

    def add(
        kind: str,
        when: datetime,
        *,
        parent: tuple[int, str] | None,
        thread: int | None,
        author: tuple[str, str, str],
        conversation: str | None = None,
        title: str | None = None,
        url: str | None = None,
        extra: dict[str, Any] | None = None,
        restricted: bool = False,
    ) -> tuple[int, str]:
        nonlocal written
        gen.record_id += 1
        rid = gen.record_id
        key = gen.key()
        body = vocab.sentence(_text_len(kind, rng))
        texts = [body]
        roll = rng.random()
        if roll < 0.07 and kind not in ("message", "capture"):
            texts.append(_edit(body, rng, vocab))
            if rng.random() < 0.3:
                texts.append(_edit(texts[-1], rng, vocab))
        edited = _iso(gen.later(when, 48)) if len(texts) > 1 and rng.random() < 0.6 else None
        deleted = hidden = None
        roll = rng.random()
        if roll < 0.03:
            deleted = _iso(gen.later(when, 24 * 60))
        elif roll < 0.05 and kind in ("comment", "reply"):
            hidden = _iso(gen.later(when, 24))
        has_media = kind == "post" and rng.random() < 0.2
        created = _iso(when)
        thread_id = rid if thread is None else thread
        extra_json = json.dumps(extra or {"likes": rng.randint(0, 500)}, sort_keys=True)
        url = url or (
            f"https://{acc.platform}.example/{acc.handle}/{key}" if kind != "message" else None
        )
        w.records.append(
            (
                rid,
                acc.platform,
                kind,
                key,
                key,
                account_id,
                parent[0] if parent else None,
                parent[1] if parent else None,
                thread_id,
                conversation,
                author[0],
                author[1],
                author[2],
                created,
                created,
                edited,
                deleted,
                deleted,
                hidden,
                url,
                "en",
                0,
                1 if restricted else 0,
                len(texts),
                1 if has_media else 0,
                extra_json,
                "{}",
                source_id,
                w.batch_id,
                gen.now,
            )
        )
        locator = f"{acc.handle}.json[{written}]"
        for seq, body_text in enumerate(texts, start=1):
            gen.version_id += 1
            w.versions.append(
                (
                    gen.version_id,
                    rid,
                    seq,
                    title,
                    body_text,
                    body_text,
                    content_hash(title, body_text),
                    edited if seq > 1 else None,
                    gen.now,
                    source_id,
                    locator,
                    None,
                )
            )
        w.sources.append((rid, source_id, locator))
        if has_media:
            for pos in range(rng.randint(1, 3)):
                name = f"IMG_{key}_{pos}.jpg"
                w.media.append((rid, pos, f"media/{name}", name, "image/jpeg", "photo"))
        written += 1
        if len(w.records) >= 20_000:
            w.flush()
        return rid, key

    digest = hashlib.sha256(acc.handle.encode()).hexdigest()
    official = (acc.name, acc.handle, str(int(digest[:10], 16)))
    for index, when in enumerate(times):
        if acc.platform == "web":
            add(
                "capture" if index % 50 else "page",
                when,
                parent=None,
                thread=None,
                author=official,
                title=" ".join(rng.choices(vocab.words[:3000], k=rng.randint(3, 8))).title(),
                url=f"https://{acc.handle}/{'/'.join(rng.choices(vocab.words[300:5000], k=2))}",
                extra={
                    "warc": f"{acc.handle}-{when:%Y%m}.warc.gz",
                    "fixity": {
                        "payload_digest": "sha256:"
                        + hashlib.sha256(gen.key().encode()).hexdigest(),
                        "status": "ok",
                    },
                },
            )
            continue
        kind = "page" if index == 0 else "post"
        title = vocab.sentence(rng.randint(3, 9)) if acc.platform == "youtube" else None
        post = add(kind, when, parent=None, thread=None, author=official, title=title)
        n_comments = min(int(rng.expovariate(1 / acc.comments_mean)), 40)
        for _ in range(n_comments):
            c_when = gen.later(when, 72)
            kind_c = "reply" if acc.platform == "x" else "comment"
            comment = add(
                kind_c, c_when, parent=post, thread=post[0], author=rng.choice(gen.people)
            )
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                by_agency = rng.random() < 0.3
                add(
                    "reply",
                    gen.later(c_when, 12),
                    parent=comment,
                    thread=post[0],
                    author=official if by_agency else rng.choice(gen.people),
                )
        if conv_every and index % conv_every == 0:
            conv = f"{acc.platform}-conv-{gen.key()}"
            who = rng.choice(gen.people)
            m_when = when
            for i in range(rng.randint(2, 8)):
                m_when = gen.later(m_when, 10)
                # messages have no parent: each is its own thread root, grouped by conversation
                add(
                    "message",
                    m_when,
                    parent=None,
                    thread=None,
                    author=official if i % 2 else who,
                    conversation=conv,
                    restricted=True,
                )


def generate(
    out: Path, records: int, seed: int = 7, *, progress: bool = True, optimize: bool = True
) -> dict[str, Any]:
    """Create the archive at `out` (must not exist) with about `records` records."""
    started = time.perf_counter()
    archive = Archive.create(out, operator="bench.archive_gen")
    gen = Generator(records, seed)
    with archive.write() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache for the bulk build
        batch_id = start_batch(conn, operator="bench.archive_gen", options={"seed": seed})
        w = Writer(raw, batch_id)
        for acc in ACCOUNTS:
            manifest = json.dumps(
                {"generator": "bench.archive_gen", "seed": seed, "account": acc.handle},
                sort_keys=True,
            ).encode()
            sha, size = blobs.put_bytes(conn, manifest)
            source_id = add_source_file(
                conn,
                batch_id=batch_id,
                name=f"{acc.platform}-{acc.handle}.json",
                size=size,
                sha256=sha,
                blob_sha256=sha,
                status="imported",
                detected_format="bench_synthetic",
            )
            account_id = int(
                conn.execute(
                    text(
                        "INSERT INTO accounts (platform, account_key, handle, display_name,"
                        " is_official, is_approved, created_at) VALUES (:p, :k, :h, :d, 1, 1, :t)"
                        " RETURNING id"
                    ),
                    {
                        "p": acc.platform,
                        "k": acc.handle,
                        "h": acc.handle,
                        "d": acc.name,
                        "t": gen.now,
                    },
                ).scalar_one()
            )
            quota = max(1, round(records * acc.share))
            _account_records(gen, acc, account_id, source_id, quota, w)
            w.flush()
            if progress:
                print(
                    f"  {acc.platform}/{acc.handle}: {w.counts['records']} records so far"
                    f" ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                )
        counts = dict(w.counts)
        finish_batch(conn, batch_id, status="completed", counts=counts, errors=[])
        # rows written straight into the tables are registered for sealing like the record
        # writer's, so verify vouches for them (one audit row binds them all)
        seal.touch(conn, seal.ACCOUNT, conn.execute(text("SELECT id FROM accounts")).scalars())
        seal.touch(conn, seal.RECORD, conn.execute(text("SELECT id FROM records")).scalars())
        archive.audit(
            conn,
            action="import.batch",
            object_type="import_batch",
            object_ids=[batch_id],
            details={"generator": "bench.archive_gen", "seed": seed, **counts},
        )
    if optimize:
        # one bulk transaction leaves the full-text index in many segments; merge them as
        # an archive's maintenance would (see retention_desk.search.maintenance)
        optimize_index(archive)
    archive.checkpoint()
    archive.close()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.archive_gen", description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-optimize",
        action="store_true",
        help="leave the full-text index as the bulk insert wrote it (many segments)",
    )
    args = parser.parse_args(argv)
    counts = generate(args.out, args.records, args.seed, optimize=not args.no_optimize)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
