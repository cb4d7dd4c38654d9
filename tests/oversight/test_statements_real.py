"""The statements check on real exports (tests only: real people's data): the X archive's
profile record and a real WARC's captures of a page, read as the importers store them."""

from __future__ import annotations

from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.importers.run import run_import
from retention_desk.oversight import policies as pol
from retention_desk.oversight import statements as st

POLICY = """[policy]
id = "test-example"
number = "T 1"
title = "T"
agency = "A"
source = "t.txt"

[[statement]]
id = "illustrative"
citation = "T 1 A.1"
must_say = "The page says what it is for."
quote = "q"
phrases = ["illustrative examples", "re:\\\\bethical\\\\s+purposes"]
verified = false
"""


def test_real_profile_and_captures(samples: Path, tmp_path: Path) -> None:
    archive = Archive.create(tmp_path / "r.rdesk", operator="pytest")
    try:
        run_import(
            archive,
            [
                samples / "twitter" / "x-archive-milahu104-2026",
                samples / "warc" / "warcio" / "example.warc.gz",
            ],
        )
        with archive.read() as conn:
            (profile,) = conn.exec_driver_sql(
                "SELECT id FROM records WHERE platform = 'x' AND kind = 'page'"
            ).fetchone()
            captures = conn.exec_driver_sql(
                "SELECT id, created_at FROM records WHERE kind = 'capture' ORDER BY created_at"
            ).fetchall()
        assert len(captures) == 2
        # the DPS statements: the profile is evidence, and a personal bio carries none
        dps = [p for p in pol.load_policies() if p.id == "nm-dps-opr-37"]
        check = st.check_statements(archive, policies=dps)
        (acc,) = check.accounts
        assert acc.account.handle == "milahu104"
        assert [e.record_id for e in acc.evidence] == [profile]
        assert {(r.status, r.record_id) for r in acc.results} == {(st.MISSING, profile)}
        # registered at example.com, the newest capture of that page is evidence too
        with archive.write() as conn:
            conn.exec_driver_sql("UPDATE accounts SET url = 'https://www.example.com'")
        custom = pol.parse_policy(POLICY, "test-example.toml")
        check = st.check_statements(archive, policies=[custom])
        (acc,) = check.accounts
        newest = captures[-1][0]
        assert {e.record_id for e in acc.evidence} == {profile, newest}
        (result,) = acc.results
        assert (result.status, result.record_id) == (st.PRESENT, newest)
        assert result.evidence_source == "web capture" and result.found == "illustrative examples"
        assert result.record_date == captures[-1][1]
    finally:
        archive.close()
