"""A small archive for the statements check: accounts with and without profile records and
web captures of their pages, one profile carrying hostile markup and formula text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from retention_desk.archive.ingest import RecordWriter, upsert_account
from retention_desk.archive.records_in import AccountIn, RecordIn
from retention_desk.archive.settings import ArchiveSettings
from retention_desk.archive.store import Archive

HOSTILE = '<font size="40" color="red">BIGWORD</font> =HYPERLINK("http://evil.example") <b>x</b>'


@dataclass(frozen=True)
class Corpus:
    archive: Archive
    ids: dict[str, int]  # record keys and account handles -> ids


def _write(archive: Archive, account_id: int | None, items: list[RecordIn]) -> None:
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account_id)
        for item in items:
            writer.add(item)
        writer.finish()


def _page(platform: str, key: str, text: str, url: str, day: int = 1) -> RecordIn:
    return RecordIn(
        platform=platform,
        kind="page",
        record_key=f"profile:{key}",
        text=text,
        title="Profile",
        created_at=datetime(2020, 1, day, tzinfo=UTC),
        url=url,
    )


def capture(key: str, url: str, text: str, when: datetime) -> RecordIn:
    return RecordIn(
        platform="web",
        kind="capture",
        record_key=key,
        text=text,
        title="Captured page",
        url=url,
        created_at=when,
    )


def build(tmp: Path, *, policies: str = "nm-dps-opr-37") -> Corpus:
    """Accounts:
    - x @goodpd: profile bio with every DPS statement but the visitor-opinions one;
    - x @barepd: profile bio with none;
    - facebook nocontent: official, no records at all (no evidence);
    - x @webpd: no profile record, registry URL https://x.com/webpd; two captures of its
      page, the newer one carrying "not monitored 24/7" and the older the 911 line
      (superseded); a capture of another page carrying every statement (not its page);
    - x @espd: Spanish bio;
    - x @evilpd: hostile bio text (markup, formula).
    """
    archive = Archive.create(tmp / "s.rdesk", operator="pytest")
    archive.update_settings(ArchiveSettings(policies=policies))
    ids: dict[str, int] = {}
    with archive.write() as conn:
        for platform, handle in (
            ("x", "goodpd"),
            ("x", "barepd"),
            ("facebook", "nocontent"),
            ("x", "webpd"),
            ("x", "espd"),
            ("x", "evilpd"),
        ):
            ids[handle] = upsert_account(
                conn, AccountIn(platform=platform, account_key=handle, handle=handle)
            )
        conn.exec_driver_sql(
            "UPDATE accounts SET url = 'https://www.x.com/WebPD/' WHERE id = ?", (ids["webpd"],)
        )
    good = (
        "Official page of the Good PD. This page is not monitored 24/7: call 911 to report an"
        " emergency. Comments are moderated. Content posted here is subject to public"
        " disclosure."
    )
    _write(archive, ids["goodpd"], [_page("x", "goodpd", good, "https://x.com/goodpd")])
    _write(
        archive,
        ids["barepd"],
        [_page("x", "barepd", "News and events from the Bare PD.", "https://x.com/barepd")],
    )
    spanish = (
        "Página oficial. Esta página no se monitorea las 24 horas; en caso de emergencia llame"
        " al 911. Las opiniones de los visitantes no reflejan las del Departamento."
    )
    _write(archive, ids["espd"], [_page("x", "espd", spanish, "https://x.com/espd")])
    _write(archive, ids["evilpd"], [_page("x", "evilpd", HOSTILE, "https://x.com/evilpd")])
    _write(
        archive,
        None,
        [
            capture(
                "cap-new",
                "https://twitter.com/webpd/about",
                "About. This account is not monitored 24/7.",
                datetime(2026, 5, 1, tzinfo=UTC),
            ),
            capture(
                "cap-old",
                "http://x.com/webpd/about",
                "About. Call 911 to report an emergency.",
                datetime(2024, 5, 1, tzinfo=UTC),
            ),
            capture(
                "cap-home",
                "https://x.com/webpd",
                "Latest posts from the Web PD.",
                datetime(2025, 5, 1, tzinfo=UTC),
            ),
            capture(
                "cap-other",
                "https://x.com/webpdx",
                "Not monitored 24/7. Call 911. Subject to public disclosure.",
                datetime(2026, 6, 1, tzinfo=UTC),
            ),
        ],
    )
    with archive.read() as conn:
        for key, rid in conn.exec_driver_sql("SELECT record_key, id FROM records"):
            ids[str(key)] = int(rid)
    return Corpus(archive, ids)
