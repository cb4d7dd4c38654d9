"""The policy files: every clause quotes its policy and cites a section that exists there (a
guard against invented citations), bad files are refused whole naming the line, and the
`policies` setting picks the applying ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retention_desk.archive.settings import ArchiveSettings
from retention_desk.archive.store import Archive
from retention_desk.oversight import policies as pol

# the policies as the agencies published them, beside the samples (../shared/policies)
POLICY_TEXTS = Path(__file__).resolve().parents[2].parent / "shared" / "policies"
GOOD = Path(pol.POLICIES_DIR)

_PREFIX = r"^[ \t>*#-]*"
# any outline marker at a line start ("- d.", "1)", "(a)", "IV:", "389.6 "), ending a clause
_ANY_MARKER = re.compile(
    _PREFIX + r"(?:\([a-z0-9]{1,5}\)|[A-Za-z0-9]{1,5}[.):]|\d{3}(?:\.\d+)+)\s", re.MULTILINE
)

_HEADING = re.compile(_PREFIX + r"\d{3}(?:\.\d+)+\s", re.MULTILINE)


def _policy_text(policy: pol.Policy) -> str:
    path = POLICY_TEXTS / policy.source
    if not path.is_file():
        pytest.skip(f"{path} is not on this computer")
    return path.read_text(encoding="utf-8")


def _flex(words: str) -> str:
    return r"\s+".join(re.escape(w) for w in words.split())


def _components(citation: str, number: str) -> list[re.Pattern[str]]:
    """Line-start patterns of a citation's sections, outermost first.

    'OPR:37 E.5.g.i' -> E. 5. g. i. ; '389.5(a)' -> '389.5 ' then '(a)' ;
    'CMP 1.12 Guidelines Heading, Sub Heading 4' -> the headings' words, then '4.'."""
    if citation.startswith(number + " "):
        rest = citation[len(number) + 1 :]
    elif citation.startswith(number):
        rest = citation
    else:
        raise AssertionError(f"{citation!r} does not start with the policy number {number!r}")
    heading = re.fullmatch(r"(\d+(?:\.\d+)*)((?:\([a-z0-9]+\))*)", rest)
    if heading:
        out = [re.compile(_PREFIX + re.escape(heading.group(1)) + r"\s", re.MULTILINE)]
        for sub in re.findall(r"\([a-z0-9]+\)", heading.group(2)):
            out.append(re.compile(_PREFIX + re.escape(sub) + r"\s", re.MULTILINE))
        return out
    out = []
    for part in rest.split(", "):
        if re.fullmatch(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*", part):
            out += [
                re.compile(_PREFIX + re.escape(c) + r"[.):]\s", re.MULTILINE)
                for c in part.split(".")
            ]
            continue
        words, _, last = part.rpartition(" ")
        if last.isdigit():
            out.append(re.compile(_PREFIX + _flex(words) + r"\s*$", re.MULTILINE))
            out.append(re.compile(_PREFIX + re.escape(last) + r"[.):]\s", re.MULTILINE))
        else:
            out.append(re.compile(_PREFIX + _flex(part) + r"\s*$", re.MULTILINE))
    return out


def _cited_where(text: str, citation: str, number: str, quote: str) -> str | None:
    """None when `quote` stands in the clause `citation` names: each section's marker is the
    nearest of its kind before the next one, and the quote starts after the innermost marker
    before any other marker begins. Otherwise why not."""
    parts = _components(citation, number)
    found = [m.start() for m in re.finditer(_flex(quote), text)]
    if not found:
        return f"quote not in the policy text: {quote[:60]!r}"
    for at in found:
        limit, ok = at, True
        for index, pattern in enumerate(reversed(parts)):
            before = [m for m in pattern.finditer(text) if m.start() < limit]
            if not before:
                ok = False
                break
            marker = before[-1]
            if index == 0:
                # nothing but the clause's own text between the marker and the quote (a
                # numbered section such as 389.5 holds its lettered list: only the next
                # numbered section ends it)
                numbered = len(parts) == 1 and pattern.pattern[len(_PREFIX) :][:1].isdigit()
                ends = _HEADING if numbered else _ANY_MARKER
                between = [m for m in ends.finditer(text, marker.end(), at)]
                if between:
                    ok = False
                    break
            limit = marker.start()
        if ok:
            return None
    return f"{citation!r}: no marker chain in the text leads to {quote[:60]!r}"


def test_the_shipped_policies_load() -> None:
    loaded = pol.load_policies()
    assert [p.id for p in loaded] == [
        "desert-hot-springs-389",
        "las-cruces-cmp-1-12",
        "los-lunas-adm-28-01",
        "mesquite-129-00",
        "nm-dps-opr-37",
    ]
    by_id = {p.id: p for p in loaded}
    assert {s.id for s in by_id["nm-dps-opr-37"].statements} >= {
        "not-monitored-24-7",
        "call-911",
        "comments-monitored",
        "public-disclosure",
        "visitor-opinions",
    }
    assert len([c for c in by_id["las-cruces-cmp-1-12"].categories]) == 11
    assert [c.citation for c in by_id["desert-hot-springs-389"].categories] == [
        f"389.5({x})" for x in "abcdefg"
    ]
    topics = {d.topic for p in loaded for d in p.duties}
    assert {
        "approved-users",
        "records-of-pages",
        "subscriber-lists",
        "annual-review",
        "report-rather-than-delete",
    } <= topics


@pytest.mark.parametrize("policy", pol.load_policies(), ids=lambda p: p.id)
def test_every_clause_is_quoted_and_cited_from_its_policy(policy: pol.Policy) -> None:
    text = _policy_text(policy)
    assert re.search(re.escape(policy.number), text), policy.number
    problems = []
    for s in policy.statements:
        problems.append(_cited_where(text, s.citation, policy.number, s.quote))
    for d in policy.duties:
        problems.append(_cited_where(text, d.citation, policy.number, d.quote))
    for c in policy.categories:
        label = c.label.rstrip(".")
        problems.append(_cited_where(text, c.citation, policy.number, label))
    assert [p for p in problems if p] == []


def test_the_guard_catches_an_invented_citation() -> None:
    dps = next(p for p in pol.load_policies() if p.id == "nm-dps-opr-37")
    text = _policy_text(dps)
    quote = dps.statements[0].quote
    assert _cited_where(text, "OPR:37 E.2", "OPR:37", quote) is None
    assert _cited_where(text, "OPR:37 E.3", "OPR:37", quote) is not None
    assert _cited_where(text, "OPR:37 E.9", "OPR:37", quote) is not None
    assert _cited_where(text, "OPR:37 E.2", "OPR:37", "pages shall be pink") is not None


def test_statement_phrases_find_english_and_spanish() -> None:
    policy = next(p for p in pol.load_policies() if p.id == "nm-dps-opr-37")
    dps = {s.id: s for s in policy.statements}
    spanish = "Esta página no se monitorea las 24 horas. En caso de emergencia, llame al 911."
    assert pol.find_phrase(dps["not-monitored-24-7"].phrases, spanish)
    assert pol.find_phrase(dps["call-911"].phrases, spanish)
    found = pol.find_phrase(dps["public-disclosure"].phrases, "Es SUJETO A DIVULGACIÓN PÚBLICA")
    assert found is not None and "divulgacion" in found[1]
    english = "This page is NOT monitored 24/7. Call 911 to report an emergency."
    assert pol.find_phrase(dps["not-monitored-24-7"].phrases, english)
    assert pol.find_phrase(dps["visitor-opinions"].phrases, "We post news every day.") is None


def test_a_plain_phrase_matches_whole_words_and_any_spacing() -> None:
    assert pol.find_phrase(("public record",), "This is a Public\n  Record.")
    assert pol.find_phrase(("public record",), "public recorder") is None


def _write(tmp: Path, name: str, body: str) -> Path:
    folder = tmp / "policies"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


HEAD = """[policy]
id = "{id}"
number = "X 1"
title = "T"
agency = "A"
source = "x.txt"
"""
STATEMENT = """
[[statement]]
id = "s1"
citation = "X 1 A.1"
must_say = "say it"
quote = "say it"
phrases = ["say it"]
verified = true
"""


def test_bad_toml_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "p", HEAD.format(id="p") + STATEMENT + 'oops = = "x"\n')
    with pytest.raises(pol.PolicyError, match=r"p\.toml: not valid TOML: .*line 15\b"):
        pol.load_policy(path)


def test_a_bad_regex_is_refused_naming_its_line(tmp_path: Path) -> None:
    body = HEAD.format(id="p") + STATEMENT.replace(
        'phrases = ["say it"]', "phrases = [\n  \"fine\",\n  're:(unclosed',\n]"
    )
    path = _write(tmp_path, "p", body)
    with pytest.raises(pol.PolicyError) as err:
        pol.load_policy(path)
    line = body.splitlines().index("  're:(unclosed',") + 1
    assert f"line {line}:" in str(err.value) and "regular expression" in str(err.value)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (('citation = "X 1 A.1"\n', ""), "missing the required key 'citation'"),
        (("verified = true\n", 'verified = "yes"\n'), "verified must be true or false"),
        (('phrases = ["say it"]', "phrases = []"), "phrases must be a non-empty list"),
        (('phrases = ["say it"]', 'phrases = ["re:.*"]'), "matches empty text"),
        (('id = "s1"', 'id = "S 1"'), "must be lower-case"),
        (("verified = true\n", "verified = true\ncolour = 1\n"), "unknown key 'colour'"),
    ],
)
def test_bad_clauses_are_refused(tmp_path: Path, change: tuple[str, str], reason: str) -> None:
    path = _write(tmp_path, "p", HEAD.format(id="p") + STATEMENT.replace(*change))
    with pytest.raises(pol.PolicyError, match=re.escape(reason)) as err:
        pol.load_policy(path)
    assert re.search(r"p\.toml, line \d+:", str(err.value))


def test_a_duplicate_statement_and_a_wrong_file_name_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "p", HEAD.format(id="p") + STATEMENT + STATEMENT)
    with pytest.raises(pol.PolicyError, match="defined twice"):
        pol.load_policy(path)
    other = _write(tmp_path, "q", HEAD.format(id="p") + STATEMENT)
    with pytest.raises(pol.PolicyError, match="differs from the file name"):
        pol.load_policy(other)


def test_category_codes_are_unique_over_all_policies(tmp_path: Path) -> None:
    cat = (
        '\n[[moderation_category]]\ncode = "c1"\nlabel = "L"\ncitation = "X 1 A"\nverified = true\n'
    )
    _write(tmp_path, "p", HEAD.format(id="p") + cat)
    _write(tmp_path, "q", HEAD.format(id="q") + cat)
    with pytest.raises(pol.PolicyError, match="also defined"):
        pol.load_policies(tmp_path / "policies")


def test_the_setting_picks_policies_and_refuses_unknown_ids(tmp_path: Path) -> None:
    archive = Archive.create(tmp_path / "a.rdesk", operator="pytest")
    try:
        assert len(pol.policies_for(archive)) == 5
        archive.update_settings(
            ArchiveSettings(policies="las-cruces-cmp-1-12,desert-hot-springs-389")
        )
        assert [p.id for p in pol.policies_for(archive)] == [
            "las-cruces-cmp-1-12",
            "desert-hot-springs-389",
        ]
        cats = pol.moderation_categories(archive)
        assert {c.policy for c in cats} == {"las-cruces-cmp-1-12", "desert-hot-springs-389"}
        first = cats[0]
        assert (first.code, first.citation) == ("lc-off-topic", "CMP 1.12 II.1.i.i")
        assert first.label.startswith("Comments not related to the original topic")
        (subscribers,) = pol.duties_for(archive, "subscriber-lists")
        assert (subscribers.policy, subscribers.citation) == (
            "las-cruces-cmp-1-12",
            "CMP 1.12 II.1.e",
        )
        assert {d.citation for d in pol.duties_for(archive, "annual-review")} == {"389.6"}
        assert [s.key for s in pol.statements_for(archive)] == [
            "las-cruces-cmp-1-12/public-disclosure",
            "las-cruces-cmp-1-12/requests-to-custodian",
            "las-cruces-cmp-1-12/comments-removal-disclaimer",
        ]
        archive.update_settings(ArchiveSettings(policies="las-cruces-cmp-1.12"))
        with pytest.raises(pol.PolicyError) as err:
            pol.policies_for(archive)
        assert "'las-cruces-cmp-1.12'" in str(err.value)
        assert "las-cruces-cmp-1-12" in str(err.value) and "nm-dps-opr-37" in str(err.value)
    finally:
        archive.close()
