"""The required page statements check: present, missing and no evidence, against profile
records and web captures of the page, in English and Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk.oversight import statements as st
from tests.oversight.statements_helpers import build


def _by(check: st.StatementsCheck) -> dict[tuple[str, str], st.StatementResult]:
    out = {}
    for acc in check.accounts:
        for r in acc.results:
            out[(acc.account.handle, r.statement)] = r
    return out


@pytest.fixture
def corpus(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = build(tmp_path)
    yield c
    c.archive.close()


def test_profile_with_and_without_the_statement(corpus) -> None:  # type: ignore[no-untyped-def]
    check = st.check_statements(corpus.archive)
    assert check.policies == ("nm-dps-opr-37",)
    got = _by(check)
    profile = corpus.ids["profile:goodpd"]
    for sid in ("not-monitored-24-7", "call-911", "comments-monitored", "public-disclosure"):
        r = got[("goodpd", sid)]
        assert (r.status, r.record_id, r.evidence_source) == (st.PRESENT, profile, "profile")
        assert r.record_date and r.phrase and r.found
    assert got[("goodpd", "call-911")].found == "call 911"
    opinions = got[("goodpd", "visitor-opinions")]
    assert (opinions.status, opinions.record_id) == (st.MISSING, profile)
    assert opinions.citation == "OPR:37 E.5.g.iii" and opinions.phrase == ""
    bare = got[("barepd", "public-disclosure")]
    assert (bare.status, bare.record_id) == (st.MISSING, corpus.ids["profile:barepd"])


def test_an_account_with_no_page_evidence(corpus) -> None:  # type: ignore[no-untyped-def]
    got = _by(st.check_statements(corpus.archive))
    r = got[("nocontent", "call-911")]
    assert (r.status, r.record_id, r.record_date) == (st.NO_EVIDENCE, None, None)


def test_web_captures_of_the_page(corpus) -> None:  # type: ignore[no-untyped-def]
    check = st.check_statements(corpus.archive, account="@WebPD")
    assert [a.account.handle for a in check.accounts] == ["webpd"]
    evidence = {e.record_id for e in check.accounts[0].evidence}
    # the newest capture of each of its page URLs; not the older one of /about, nor
    # a capture of x.com/webpdx, which only starts like it
    assert evidence == {corpus.ids["cap-new"], corpus.ids["cap-home"]}
    got = _by(check)
    monitored = got[("webpd", "not-monitored-24-7")]
    assert (monitored.status, monitored.record_id) == (st.PRESENT, corpus.ids["cap-new"])
    assert monitored.evidence_source == "web capture"
    assert monitored.record_date is not None and monitored.record_date.startswith("2026-05-01")
    # the 911 line was only on the superseded capture: missing, naming the newest evidence
    call = got[("webpd", "call-911")]
    assert (call.status, call.record_id) == (st.MISSING, corpus.ids["cap-new"])


def test_spanish_statements_are_found(corpus) -> None:  # type: ignore[no-untyped-def]
    got = _by(st.check_statements(corpus.archive, account="x:espd"))
    assert got[("espd", "not-monitored-24-7")].status == st.PRESENT
    assert got[("espd", "call-911")].found.endswith("llame al 911")
    assert got[("espd", "visitor-opinions")].status == st.PRESENT
    assert got[("espd", "public-disclosure")].status == st.MISSING


def test_accounts_are_named_by_id_handle_or_platform(corpus) -> None:  # type: ignore[no-untyped-def]
    aid = corpus.ids["goodpd"]
    assert [
        a.account.id for a in st.check_statements(corpus.archive, account=str(aid)).accounts
    ] == [aid]
    named = st.check_statements(corpus.archive, account="X/GoodPD").accounts
    assert [a.account.id for a in named] == [aid]
    with pytest.raises(st.StatementsError, match="No account"):
        st.check_statements(corpus.archive, account="facebook:goodpd")


def test_a_pinned_post_counts_and_a_third_party_is_not_checked(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from retention_desk.archive.ingest import RecordWriter, upsert_account
    from retention_desk.archive.records_in import AccountIn, RecordIn

    c = build(tmp_path)
    try:
        with c.archive.write() as conn:
            aid = upsert_account(
                conn,
                AccountIn(
                    platform="x", account_key="commenter", handle="commenter", is_official=False
                ),
            )
            writer = RecordWriter(
                conn, batch_id=None, source_file_id=None, account_id=c.ids["barepd"]
            )
            writer.add(
                RecordIn(
                    platform="x",
                    kind="post",
                    record_key="pinned-1",
                    text="Reminder: this page is not monitored 24/7.",
                    created_at=datetime(2025, 1, 1, tzinfo=UTC),
                    extra={"pinned": True},
                )
            )
            writer.add(
                RecordIn(
                    platform="x",
                    kind="post",
                    record_key="plain-1",
                    text="Call 911 to report an emergency.",
                    created_at=datetime(2025, 1, 2, tzinfo=UTC),
                )
            )
            writer.finish()
        check = st.check_statements(c.archive)
        assert aid not in {a.account.id for a in check.accounts}
        got = _by(check)
        assert got[("barepd", "not-monitored-24-7")].evidence_source == "pinned post"
        assert got[("barepd", "not-monitored-24-7")].status == st.PRESENT
        assert got[("barepd", "call-911")].status == st.MISSING  # an unpinned post is not the page
    finally:
        c.archive.close()


def test_url_keys() -> None:
    assert st.url_key("https://www.Twitter.com/WebPD/") == "x.com/webpd"
    assert st.url_key("m.facebook.com/profile.php?id=12") == "facebook.com/profile.php?id=12"
    assert st.under("x.com/webpd/about", "x.com/webpd")
    assert not st.under("x.com/webpdx", "x.com/webpd")
    assert st.url_key("") is None


def test_only_the_newest_version_of_a_profile_counts(corpus) -> None:  # type: ignore[no-untyped-def]
    from retention_desk.archive.ingest import RecordWriter
    from tests.oversight.statements_helpers import _page

    profile = corpus.ids["profile:goodpd"]
    with corpus.archive.write() as conn:
        writer = RecordWriter(
            conn, batch_id=None, source_file_id=None, account_id=corpus.ids["goodpd"]
        )
        writer.add(
            _page("x", "goodpd", "Good PD. Call 911 in an emergency.", "https://x.com/goodpd")
        )
        writer.finish()
    got = _by(st.check_statements(corpus.archive, account="goodpd"))
    dropped = got[("goodpd", "public-disclosure")]
    assert (dropped.status, dropped.record_id) == (st.MISSING, profile)
    assert got[("goodpd", "call-911")].status == st.PRESENT
