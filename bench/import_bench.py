"""Import benchmark: retention_desk's X archive import against the bare libraries.

    python -m bench.import_bench --tweets 1000000        # synthetic X archive, ours vs bare
    python -m bench.import_bench --samples               # each real sample, timed
    python -m bench.import_bench --tweets 100000 --profile /tmp/import.prof

The synthetic archive is deterministic (seeded) and cached under --cache, so a second run skips
generation. It is laid out like a real one: data/manifest.js listing the parts, account.js,
tweets.js + tweets-partN.js (pretty-printed the way X writes them, numbers as strings, every
tweet with edit_info), text from a Zipf vocabulary, replies to earlier tweets, mentions,
hashtags, t.co links with their expansions, "RT @" retweets cut with an ellipsis, a few edit
chains, and photo references of which a small share have their file in data/tweets_media.

Each measurement runs in its own process, so its peak RSS (VmHWM, with file-backed mmap pages)
and peak anonymous RSS (RssAnon, sampled) are its own:
- ours: `run_import` into a fresh archive (originals stored with SHA-256, records, versions,
  FTS index by triggers, media, provenance, audit);
- bare: the same files read and `json.loads`-ed, the same rows (id, date, reply-to, text, raw
  JSON) `executemany`-ed into a plain table and the same texts into an FTS5 table, one
  transaction per file, WAL + synchronous=FULL like the archive;
- bare2: the same with a trigram FTS5 index beside the word index, as the archive keeps both.
The rate is tweets read per second, the same count for both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.measure import AnonPeak, peak_rss_mb

REPO = Path(__file__).resolve().parents[1]
# the same place the tests look: $RETENTION_DESK_SAMPLES, else ../shared/samples
SAMPLES = Path(os.environ.get("RETENTION_DESK_SAMPLES") or REPO.parent / "shared" / "samples")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "retention_desk_bench"
TARGET_RATIO = 0.5

_COMMON = (  # noqa: SIM905 - a word list reads better as text
    "the of and to a in is you that it was for on are as with they at be this have from or"
    " one had by but not what all were we when your can said there an each which do how"
    " their if will up other about out many then them so some would make like into time has"
    " look two more go see no way could people my than first been who its now find long down"
    " day did get come made may police city county road traffic officer public safety"
    " community fire street meeting today please thank information report update residents"
    " help crash closed lane downtown park event school weather snow storm power water"
    " notice council mayor chief sheriff arrest vehicle missing found safe alert warning"
    " scam library hours open morning evening night week new great good best just also back"
    " after again still here"
).split()
_SYLLABLES = "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri"


def _vocabulary(rng: random.Random, size: int = 20000) -> tuple[list[str], list[float]]:
    syllables = _SYLLABLES.split()
    words = list(_COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(words))]
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return words, cumulative


class _Generator:
    """Deterministic tweets shaped like the 2026 sample's."""

    def __init__(self, seed: int, total: int) -> None:
        self.rng = random.Random(seed)
        self.words, self.cum = _vocabulary(self.rng)
        self.total = total
        self.start = datetime(2016, 1, 1, tzinfo=UTC)
        self.span = (datetime(2026, 1, 1, tzinfo=UTC) - self.start).total_seconds()
        self.users = [f"user{n}" for n in range(5000)]
        self.user_ids = {u: str(10_000_000 + n) for n, u in enumerate(self.users)}
        # another seed, other tweet ids: `--into` an archive that holds an earlier run's
        # tweets must add records, not new versions of them (the default seed's ids as ever)
        self.id_offset = (seed - 7) % 400 * 10**16

    def _text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))

    def tweet_id(self, index: int) -> str:
        # snowflake-like: grows with time, well past 2**53
        base = 1_500_000_000_000_000_000 + self.id_offset
        return str(base + index * 4_194_304 * 1000 + (index * 7919) % 4096)

    def when(self, index: int) -> datetime:
        return self.start + timedelta(seconds=self.span * index / self.total)

    def item(self, index: int) -> dict[str, Any]:
        rng = self.rng
        tid = self.tweet_id(index)
        created = self.when(index)
        mentions, hashtags, urls = [], [], []
        parts: list[str] = []
        reply_to = None
        kind = rng.random()
        if kind < 0.12:  # retweet, cut short like the archive's
            who = rng.choice(self.users)
            body = f"RT @{who}: {self._text(rng.randint(15, 30))}"
            parts.append(body[:137] + "…" if len(body) > 138 else body)
            mentions.append((who, 3))
        else:
            if kind < 0.35 and index > 10:
                reply_to = self.tweet_id(rng.randint(max(0, index - 5000), index - 1))
                who = rng.choice(self.users)
                parts.append(f"@{who}")
                mentions.append((who, 0))
            parts.append(self._text(rng.randint(6, 28)))
            if rng.random() < 0.12:
                tag = rng.choice(self.words[:300])
                parts.append(f"#{tag}")
                hashtags.append(tag)
            if rng.random() < 0.08:
                parts.append("&amp; more")
            if rng.random() < 0.15:
                short = f"https://t.co/{rng.getrandbits(40):010x}"
                parts.append(short)
                urls.append((short, f"https://example.gov/{self._text(2).replace(' ', '/')}"))
        text = " ".join(parts)
        tweet: dict[str, Any] = {
            "edit_info": {
                "initial": {
                    "editTweetIds": [tid],
                    "editableUntil": (created + timedelta(hours=1)).strftime(
                        "%Y-%m-%dT%H:%M:%S.000Z"
                    ),
                    "editsRemaining": "5",
                    "isEditEligible": False,
                }
            },
            "retweeted": False,
            "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
            "entities": {
                "hashtags": [{"text": h, "indices": ["0", "1"]} for h in hashtags],
                "symbols": [],
                "user_mentions": [
                    {
                        "name": who.title(),
                        "screen_name": who,
                        "indices": [str(at), str(at + len(who) + 1)],
                        "id_str": self.user_ids[who],
                        "id": self.user_ids[who],
                    }
                    for who, at in mentions
                ],
                "urls": [
                    {"url": s, "expanded_url": e, "display_url": e[8:30], "indices": ["0", "23"]}
                    for s, e in urls
                ],
            },
            "display_text_range": ["0", str(len(text))],
            "favorite_count": str(rng.randint(0, 40)),
            "id_str": tid,
            "truncated": False,
            "retweet_count": str(rng.randint(0, 10)),
            "id": tid,
            "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "favorited": False,
            "full_text": text,
            "lang": "en",
        }
        if reply_to:
            tweet["in_reply_to_status_id_str"] = reply_to
            tweet["in_reply_to_status_id"] = reply_to
            tweet["in_reply_to_screen_name"] = mentions[0][0]
        if rng.random() < 0.05:
            name = f"M{rng.getrandbits(48):012x}.jpg"
            media = {
                "media_url_https": f"https://pbs.twimg.com/media/{name}",
                "id_str": str(int(tid) - 1),
                "type": "photo",
                "url": "https://t.co/m",
                "expanded_url": f"https://x.com/agency/status/{tid}/photo/1",
                "display_url": "pic.x.com/m",
                "indices": ["0", "1"],
            }
            tweet["entities"]["media"] = [media]
            tweet["extended_entities"] = {"media": [media]}
        return {"tweet": tweet}


def _dump(item: dict[str, Any]) -> str:
    # X's own layout: two-space indent and " : " between key and value
    return json.dumps(item, indent=2, separators=(",", " : "), ensure_ascii=False)


def generate(out: Path, tweets: int, part_size: int, seed: int) -> dict[str, Any]:
    """Write the synthetic archive under `out` (reused when already complete)."""
    marker = out / "bench-complete.json"
    params = {"tweets": tweets, "part_size": part_size, "seed": seed, "version": 2}
    if marker.exists() and json.loads(marker.read_text())["params"] == params:
        return json.loads(marker.read_text())
    if out.exists():
        shutil.rmtree(out)
    data = out / "data"
    (data / "tweets_media").mkdir(parents=True)
    gen = _Generator(seed, tweets)
    parts = max(1, -(-tweets // part_size))
    files, media_refs, media_files, chains = [], 0, 0, 0
    # newest first across the archive, as X writes it: part0 holds the newest tweets
    for part in range(parts):
        name = "tweets.js" if part == 0 else f"tweets-part{part}.js"
        hi = tweets - part * part_size
        lo = max(0, hi - part_size)
        items = [gen.item(i) for i in range(lo, hi)]
        # a few edit chains: the tweet after every 500th becomes an edit of it
        for k in range(0, len(items) - 1, 500):
            first, edit = items[k]["tweet"], items[k + 1]["tweet"]
            if "in_reply_to_status_id_str" in edit or edit["full_text"].startswith("RT @"):
                continue
            ids = [first["id_str"], edit["id_str"]]
            first["edit_info"]["initial"]["editTweetIds"] = ids
            edit["edit_info"] = {
                "edit": {"initialTweetId": ids[0], "editControlInitial": {"editTweetIds": ids}}
            }
            edit["full_text"] = first["full_text"] + " (corrected)"
            chains += 1
        for item in items:
            media = item["tweet"].get("extended_entities", {}).get("media", [])
            for m in media:
                media_refs += 1
                if media_refs % 50 == 0:  # 2% of referenced media files are in the export
                    seg = m["media_url_https"].rsplit("/", 1)[-1]
                    path = data / "tweets_media" / f"{item['tweet']['id_str']}-{seg}"
                    path.write_bytes(b"\xff\xd8\xff\xe0" + seg.encode() * 40)
                    media_files += 1
        with (data / name).open("w", encoding="utf-8") as fh:
            fh.write(f"window.YTD.tweets.part{part} = [ ")
            fh.write(",\n".join(_dump(item) for item in reversed(items)))
            fh.write(" ]")
        files.append(
            {
                "fileName": f"data/{name}",
                "globalName": f"YTD.tweets.part{part}",
                "count": str(len(items)),
            }
        )
        print(f"  generated {name}: {len(items)} tweets", file=sys.stderr)
    account = {
        "account": {
            "email": "bench@example.gov",
            "createdVia": "web",
            "username": "agency",
            "accountId": "900000000000000001",
            "createdAt": "2015-12-01T00:00:00.000Z",
            "accountDisplayName": "Bench Agency",
        }
    }
    (data / "account.js").write_text("window.YTD.account.part0 = " + _dump([account]))
    manifest = {
        "userInfo": {
            "accountId": "900000000000000001",
            "userName": "agency",
            "displayName": "Bench Agency",
        },
        "archiveInfo": {
            "sizeBytes": "0",
            "generationDate": "2026-01-02T00:00:00.000Z",
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "dataTypes": {
            "account": {
                "files": [
                    {"fileName": "data/account.js", "globalName": "YTD.account.part0", "count": "1"}
                ]
            },
            "tweets": {"mediaDirectory": "data/tweets_media", "files": files},
        },
    }
    (data / "manifest.js").write_text("window.__THAR_CONFIG = " + _dump(manifest))
    meta = {
        "params": params,
        "tweets": tweets,
        "files": [f["fileName"] for f in files],
        "largest_file_bytes": max((data / f["fileName"][5:]).stat().st_size for f in files),
        "total_bytes": sum(p.stat().st_size for p in data.rglob("*") if p.is_file()),
        "edit_chains": chains,
        "media_refs": media_refs,
        "media_files": media_files,
    }
    marker.write_text(json.dumps(meta))
    return meta


# ------------------------------------------------------------------------ measurements
def _cpu() -> float:
    """This process's CPU seconds: less disturbed than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_ours(src: Path, db: Path, profile: str | None, existing: bool = False) -> dict[str, Any]:
    from retention_desk.archive import Archive
    from retention_desk.importers.registry import all_importers
    from retention_desk.importers.run import run_import

    all_importers()  # module loading is not import throughput
    # `existing`: into an archive that holds records already (`--into`), as agencies import
    archive = Archive.open(db) if existing else Archive.create(db, operator="bench")
    before = (archive.count("SELECT max(id) FROM records") or 0) if existing else 0
    cpu = _cpu()
    started = time.perf_counter()
    with AnonPeak() as anon:
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            summary = profiler.runcall(run_import, archive, [src])
            profiler.dump_stats(profile)
        else:
            summary = run_import(archive, [src])
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu
    records = archive.count(f"SELECT count(*) FROM records WHERE id > {int(before)}")
    archive.close()
    totals = summary.totals()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "records": records,
        "items": totals["added"] + totals["new_versions"] + totals["unchanged"],
        "status": summary.status,
        "media_stored": totals["media_stored"],
        "media_missing": totals["media_missing"],
        "maxrss_mb": peak_rss_mb(),
        "anon_mb": anon.mb,
    }


def child_bare(src: Path, db: Path, trigram: bool = False) -> dict[str, Any]:
    with AnonPeak() as anon:
        result = _bare(src, db, trigram)
    result["anon_mb"] = anon.mb
    return result


def _bare(src: Path, db: Path, trigram: bool = False) -> dict[str, Any]:
    cpu = _cpu()
    started = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute(
        "CREATE TABLE tweets (id TEXT PRIMARY KEY, created_at TEXT, reply_to TEXT, text TEXT,"
        " raw TEXT)"
    )
    con.execute("CREATE VIRTUAL TABLE tweets_fts USING fts5(text)")
    if trigram:
        # the archive's second index (substring search), declared as migration 0005 does
        con.execute(
            "CREATE VIRTUAL TABLE tweets_tri USING fts5(text, tokenize='trigram', detail=none,"
            " columnsize=0)"
        )
    manifest = (src / "data" / "manifest.js").read_text(encoding="utf-8")
    config = json.loads(manifest[manifest.index("=") + 1 :])
    items = 0
    for entry in config["dataTypes"]["tweets"]["files"]:
        source = (src / entry["fileName"]).read_text(encoding="utf-8")
        data = json.loads(source[source.index("=") + 1 :])
        del source
        rows = []
        for item in data:
            t = item["tweet"]
            rows.append(
                (
                    t["id_str"],
                    t["created_at"],
                    t.get("in_reply_to_status_id_str"),
                    t["full_text"],
                    json.dumps(item, ensure_ascii=False, separators=(",", ":")),
                )
            )
        del data
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT OR REPLACE INTO tweets VALUES (?, ?, ?, ?, ?)", rows)
        con.executemany("INSERT INTO tweets_fts (text) VALUES (?)", [(r[3],) for r in rows])
        if trigram:
            con.executemany("INSERT INTO tweets_tri (text) VALUES (?)", [(r[3],) for r in rows])
        con.execute("COMMIT")
        items += len(rows)
    con.close()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "records": items,
        "items": items,
        "status": "completed",
        "maxrss_mb": peak_rss_mb(),
    }


def measure(
    mode: str, src: Path, work: Path, profile: str | None = None, into: Path | None = None
) -> dict[str, Any]:
    """Run one measurement in a fresh process and return its JSON result (`into`: ours into
    that existing archive instead of a new one)."""
    db = into or work / f"{mode}-{os.getpid()}-{time.monotonic_ns()}.db"
    cmd = [
        sys.executable,
        "-m",
        "bench.import_bench",
        "--child",
        mode,
        "--src",
        str(src),
        "--db",
        str(db),
    ]
    if profile:
        cmd += ["--profile", profile]
    if into is not None:
        cmd += ["--existing"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} measurement failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["db_mb"] = sum(p.stat().st_size for p in work.glob(db.name + "*")) / 2**20
    for p in work.glob(db.name + "*"):
        p.unlink()
    return result


def _row(name: str, r: dict[str, Any]) -> str:
    rate = r["items"] / r["seconds"] if r["seconds"] else 0.0
    cpu_rate = r["items"] / r["cpu"] if r["cpu"] else 0.0
    return (
        f"{name:<34} {r['items']:>9} {r['seconds']:>8.1f} {rate:>9,.0f} {r['cpu']:>8.1f}"
        f" {cpu_rate:>9,.0f} {r['maxrss_mb']:>8.0f} {r.get('anon_mb', 0):>8.0f} {r['db_mb']:>8.0f}"
    )


_HEADER = (
    f"{'run':<34} {'items':>9} {'wall s':>8} {'items/s':>9} {'cpu s':>8} {'per cpu-s':>9}"
    f" {'peak MB':>8} {'anon MB':>8} {'db MB':>8}"
)


def run_synthetic(args: argparse.Namespace) -> int:
    cache = Path(args.cache)
    src = cache / f"x-{args.tweets}-{args.part_size}-{args.seed}"
    print(f"Synthetic X archive: {args.tweets} tweets in {src}", file=sys.stderr)
    meta = generate(src, args.tweets, args.part_size, args.seed)
    # one work folder per run: two runs sharing a cache must not delete each other's databases
    work = cache / f"work-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    ours = measure("ours", src, work, args.profile)
    into = measure("ours", src, work, into=Path(args.into)) if args.into else None
    bare = None if args.skip_bare else measure("bare", src, work)
    # the archive also keeps a trigram index (issue 9): the same two indexes on the bare side
    # is the same work, so both yardsticks are printed
    bare2 = None if args.skip_bare else measure("bare2", src, work)
    print(
        f"\nSynthetic X archive: {meta['tweets']} tweets in {len(meta['files'])} files,"
        f" {meta['total_bytes'] / 2**20:.0f} MB (largest file"
        f" {meta['largest_file_bytes'] / 2**20:.0f} MB), {meta['edit_chains']} edit chains,"
        f" {meta['media_refs']} media refs ({meta['media_files']} files present)"
    )
    print(_HEADER)
    print(_row("retention_desk run_import", ours))
    if into is not None:
        print(_row("  the same into --into archive", into))
        share = (into["items"] / into["seconds"]) / (ours["items"] / ours["seconds"])
        cpu_share = (into["items"] / into["cpu"]) / (ours["items"] / ours["cpu"])
        print(
            f"rate into {args.into} / into an empty archive: {share:.2f} wall,"
            f" {cpu_share:.2f} CPU (issue 17's target 0.8)"
        )
    if bare is not None:
        print(_row("bare json + sqlite3 + FTS5", bare))
        if bare2 is not None:
            print(_row("bare, word + trigram FTS5", bare2))
        for name, other in (("bare", bare), ("bare word+trigram", bare2)):
            if other is None:
                continue
            ratio = (ours["items"] / ours["seconds"]) / (other["items"] / other["seconds"])
            cpu_ratio = (ours["items"] / ours["cpu"]) / (other["items"] / other["cpu"])
            verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
            print(
                f"ratio ours/{name}: {ratio:.2f} wall, {cpu_ratio:.2f} CPU"
                f" ({verdict} the {TARGET_RATIO} target on wall time)"
            )
    print(
        f"ours: status {ours['status']}, {ours['records']} records,"
        f" media stored {ours['media_stored']}, missing {ours['media_missing']}"
    )
    if args.profile:
        import pstats

        stats = pstats.Stats(args.profile)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run_samples(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="rd-samples-"))
    try:
        x_dir = SAMPLES / "twitter" / "x-archive-milahu104-2026"
        x_zip = work / "x-archive.zip"
        with zipfile.ZipFile(x_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(x_dir.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(x_dir).as_posix())
        grail = SAMPLES / "twitter" / "grailbird-bizweekgraphics-2015"
        runs = [
            ("X archive folder (milahu 2026)", x_dir),
            ("X archive zip (same)", x_zip),
            ("Grailbird folder (bizweekgraphics)", grail),
            ("Grailbird data/ (month files)", grail / "data"),
            ("tweets.csv alone", grail / "tweets.csv"),
        ]
        print(_HEADER)
        for name, src in runs:
            result = measure("ours", src, work)
            print(_row(name, result), f"[{result['status']}, {result['records']} records]")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.import_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tweets", type=int, default=1_000_000)
    parser.add_argument(
        "--part-size",
        type=int,
        default=100_000,
        help="tweets per tweets.js part file (memory follows the largest)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="where the archive is kept")
    parser.add_argument("--samples", action="store_true", help="time each real sample instead")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--profile", metavar="FILE", help="cProfile ours into FILE and print it")
    parser.add_argument("--child", choices=("ours", "bare", "bare2"), help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--existing", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--into",
        metavar="ARCHIVE",
        help="also import the same tweets into this existing (large) archive, in the same run",
    )
    args = parser.parse_args(argv)
    if args.child:
        src, db = Path(args.src), Path(args.db)
        if args.child == "ours":
            result = child_ours(src, db, args.profile, existing=args.existing)
        else:
            result = child_bare(src, db, trigram=args.child == "bare2")
        print(json.dumps(result))
        return 0
    return run_samples(args) if args.samples else run_synthetic(args)


if __name__ == "__main__":
    raise SystemExit(main())
