"""The agencies' social-media policies as data: `resources/policies/*.toml`, one per policy.

A file holds the policy (`[policy]`: id, number, title, agency, revision, date, source) and its
clauses, each with the citation as the policy numbers it and the policy's own words (`quote`):

    [[statement]]             # what a page must say, and the phrases that show it
    id = "public-disclosure"
    citation = "OPR:37 E.5.g.ii"
    must_say = "Content posted ... is subject to public disclosure."
    quote = "The content posted, or submitted for posting, is subject to public disclosure"
    phrases = ["subject to public disclosure", 're:\\bsujet[oa]s?\\s+a\\s+...']
    condition = "where possible"          # optional: the policy's own qualifier
    verified = true
    note = ""                               # optional

    [[moderation_category]]   # a category under which a comment may be removed
    code = "lc-off-topic"      # unique over every shipped file (the moderation log stores it)
    label = "Comments not related to the original topic, ..."   # the policy's words
    citation = "CMP 1.12 II.1.i.i"

    [[duty]]                  # another record duty (approved users, annual review, ...)
    id = "annual-review"
    topic = "annual-review"   # one of TOPICS
    citation = "389.6"
    what = "..."
    quote = "..."

A phrase is matched without regard to case, accents or runs of spaces; a phrase starting with
`re:` is a regular expression matched against the page text with its accents dropped. A file
is refused whole, naming the file, the line and the reason (as retention schedules are): a
policy half loaded would report statements as missing that nobody asked for.

Which policies bind the archive's agency is the `policies` setting (comma-separated ids);
empty means every shipped policy.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retention_desk.archive.errors import ArchiveError
from retention_desk.archive.store import Archive

POLICIES_DIR = Path(__file__).resolve().parents[2] / "resources" / "policies"
TOPICS = (
    "approved-users",
    "records-of-pages",
    "subscriber-lists",
    "annual-review",
    "report-rather-than-delete",
    "retention",
    "introductory-statement",
    "link-to-website",
    "other",
)
REGEX_PREFIX = "re:"
MAX_PHRASES = 50
_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,59}$")  # moderation_actions.category is 60 wide
_POLICY_KEYS = {"id", "number", "title", "agency", "revision", "date", "dates", "source"}
_STATEMENT_KEYS = {
    "id",
    "citation",
    "must_say",
    "quote",
    "phrases",
    "condition",
    "verified",
    "note",
}
_CATEGORY_KEYS = {"code", "label", "citation", "verified", "note"}
_DUTY_KEYS = {"id", "topic", "citation", "what", "quote", "verified", "note"}


class PolicyError(ArchiveError):
    """A policy file that cannot be loaded, or a `policies` setting naming an unknown policy;
    the message names the file and line, or the valid ids."""


@dataclass(frozen=True)
class Statement:
    """A statement a page of the agency must carry."""

    policy: str
    id: str
    citation: str
    must_say: str
    quote: str
    phrases: tuple[str, ...]
    condition: str
    verified: bool
    note: str
    line: int

    @property
    def key(self) -> str:
        return f"{self.policy}/{self.id}"


@dataclass(frozen=True)
class ModerationCategory:
    """A category under which a policy lets a comment be removed, in the policy's words."""

    code: str
    label: str
    citation: str
    policy: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Duty:
    """Another record duty of a policy (approved users, records of pages, annual review...)."""

    policy: str
    id: str
    topic: str
    citation: str
    what: str
    quote: str
    verified: bool
    note: str


@dataclass(frozen=True)
class Policy:
    id: str
    number: str
    title: str
    agency: str
    revision: str
    date: str
    dates: str
    source: str
    path: str
    sha256: str
    statements: tuple[Statement, ...]
    categories: tuple[ModerationCategory, ...]
    duties: tuple[Duty, ...]

    @property
    def name(self) -> str:
        """E.g. 'City of Las Cruces CMP 1.12 Social Media'."""
        return f"{self.agency} {self.number} {self.title}"


# ------------------------------------------------------------------------------ matching
def fold(text: str) -> str:
    """Text as phrases are matched against it: accents dropped, case folded, typographic
    apostrophes made plain."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().replace("\u2019", "'").replace("\u2018", "'")


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """The pattern of one phrase (raises re.error for a bad `re:` expression)."""
    if phrase.startswith(REGEX_PREFIX):
        return re.compile(fold(phrase[len(REGEX_PREFIX) :]), re.IGNORECASE)
    words = fold(phrase).split()
    body = r"\s+".join(re.escape(w) for w in words)
    # whole words at the ends: "record" must not be found inside "recorded"
    start = r"\b" if words and re.match(r"\w", words[0]) else ""
    end = r"\b" if words and re.search(r"\w$", words[-1]) else ""
    return re.compile(start + body + end, re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def _compiled(phrase: str) -> re.Pattern[str]:
    return compile_phrase(phrase)


def find_phrase(phrases: tuple[str, ...], text: str) -> tuple[str, str] | None:
    """(phrase, the words of `text` it matched) for the first phrase found, else None."""
    return find_folded(phrases, fold(text))


def find_folded(phrases: tuple[str, ...], folded: str) -> tuple[str, str] | None:
    """`find_phrase` on text already `fold`ed (a page checked against many statements is
    folded once). Folding may change lengths (ß -> ss), so the words shown are the folded
    text's."""
    for phrase in phrases:
        match = _compiled(phrase).search(folded)
        if match:
            return phrase, match.group(0)
    return None


# ------------------------------------------------------------------------------ parsing
def _header_lines(text: str, table: str) -> list[int]:
    """1-based line of each [[table]] header in order (tomllib keeps no positions)."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]\s*(#.*)?$", line)
    ]


def _key_line(text: str, start: int, key: str) -> int:
    lines = text.splitlines()
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if number > start and re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return start


def _value_line(text: str, start: int, key: str, value: str) -> int:
    """The line of one array item (a phrase) under `key`, found by its text; else the key's."""
    first = _key_line(text, start, key)
    lines = text.splitlines()
    needle = value[:40]
    for number in range(first, min(len(lines), first + MAX_PHRASES * 3) + 1):
        if needle and needle in lines[number - 1]:
            return number
        if number > first and re.match(r"^\s*(\[|[A-Za-z_]+\s*=)", lines[number - 1]):
            break
    return first


Fail = Callable[[str, str], PolicyError]


def _failer(name: str, text: str, start: int) -> Fail:
    def fail(key: str, reason: str) -> PolicyError:
        line = _key_line(text, start, key) if key else start
        return PolicyError(f"{name}, line {line}: {reason}")

    return fail


def _table(item: Any, table: str, known: set[str], fail: Fail) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise fail("", f"a [[{table}]] entry must be a table")
    for key in sorted(set(item) - known):
        raise fail(key, f"unknown key {key!r} in [[{table}]]")
    return item


def _text(item: dict[str, Any], key: str, fail: Fail, *, required: bool = True) -> str:
    if key not in item:
        if required:
            raise fail("", f"missing the required key {key!r}")
        return ""
    value = item[key]
    if not isinstance(value, str):
        raise fail(key, f"{key} must be text")
    if required and not value.strip():
        raise fail(key, f"{key} is empty")
    return " ".join(value.split())


def _verified(item: dict[str, Any], fail: Fail) -> bool:
    if "verified" not in item:
        raise fail("", "missing 'verified' (true only where the clause was checked in the text)")
    if not isinstance(item["verified"], bool):
        raise fail("verified", "verified must be true or false")
    return bool(item["verified"])


def _ident(item: dict[str, Any], key: str, fail: Fail, pattern: re.Pattern[str]) -> str:
    value = _text(item, key, fail)
    if not pattern.match(value):
        raise fail(
            key,
            f"{key} {value!r} must be lower-case letters, digits, '.' and '-', starting with a"
            " letter or digit",
        )
    return value


def _phrases(item: dict[str, Any], fail: Fail, text: str, start: int, name: str) -> tuple[str, ...]:
    raw = item.get("phrases")
    if not isinstance(raw, list) or not raw:
        raise fail("phrases" if "phrases" in item else "", "phrases must be a non-empty list")
    if len(raw) > MAX_PHRASES:
        raise fail("phrases", f"at most {MAX_PHRASES} phrases per statement")
    out: list[str] = []
    for phrase in raw:
        if not isinstance(phrase, str) or not phrase.strip():
            raise fail("phrases", "every phrase must be non-empty text")
        line = _value_line(text, start, "phrases", phrase)
        body = phrase[len(REGEX_PREFIX) :] if phrase.startswith(REGEX_PREFIX) else phrase
        if not body.strip():
            raise PolicyError(f"{name}, line {line}: an empty phrase")
        try:
            pattern = compile_phrase(phrase)
        except re.error as exc:
            raise PolicyError(
                f"{name}, line {line}: phrase {phrase[:60]!r} is not a valid regular"
                f" expression: {exc}"
            ) from None
        if pattern.search(""):
            raise PolicyError(
                f"{name}, line {line}: phrase {phrase[:60]!r} matches empty text, so every page"
                " would show the statement"
            )
        out.append(phrase)
    return tuple(out)


def parse_policy(text: str, name: str) -> Policy:
    """Parse and validate one policy file's text; raises PolicyError naming line and reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{name}: not valid TOML: {exc}") from None
    allowed = {"policy", "statement", "moderation_category", "duty"}
    for key in sorted(set(data) - allowed):
        raise PolicyError(
            f"{name}: unknown table or key {key!r} (expected [policy], [[statement]],"
            " [[moderation_category]] or [[duty]])"
        )
    head_line = next(
        (n for n, line in enumerate(text.splitlines(), 1) if re.match(r"^\s*\[policy\]", line)),
        1,
    )
    head = _table(data.get("policy"), "policy", _POLICY_KEYS, _failer(name, text, head_line))
    fail = _failer(name, text, head_line)
    pid = _ident(head, "id", fail, _ID)
    meta = {k: _text(head, k, fail) for k in ("number", "title", "agency", "source")}
    extra = {k: _text(head, k, fail, required=False) for k in ("revision", "date", "dates")}
    statements = _statements(data.get("statement", []), text, name, pid)
    categories = _categories(data.get("moderation_category", []), text, name, pid)
    duties = _duties(data.get("duty", []), text, name, pid)
    if not (statements or categories or duties):
        raise PolicyError(f"{name}: no [[statement]], [[moderation_category]] or [[duty]]")
    return Policy(
        id=pid,
        path=name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        statements=statements,
        categories=categories,
        duties=duties,
        **meta,
        **extra,
    )


def _entries(raw: Any, table: str, name: str, text: str) -> list[tuple[Any, int, Fail]]:
    if not isinstance(raw, list):
        raise PolicyError(f"{name}: {table!r} must be [[{table}]] tables")
    headers = _header_lines(text, table)
    out = []
    for index, item in enumerate(raw):
        start = headers[index] if index < len(headers) else 1
        out.append((item, start, _failer(name, text, start)))
    return out


def _unique(seen: dict[str, int], value: str, what: str, line: int, fail: Fail, key: str) -> None:
    if value in seen:
        raise fail(key, f"{what} {value!r} is defined twice (first on line {seen[value]})")
    seen[value] = line


def _statements(raw: Any, text: str, name: str, pid: str) -> tuple[Statement, ...]:
    out: list[Statement] = []
    seen: dict[str, int] = {}
    for item, start, fail in _entries(raw, "statement", name, text):
        item = _table(item, "statement", _STATEMENT_KEYS, fail)
        sid = _ident(item, "id", fail, _ID)
        _unique(seen, sid, "statement id", _key_line(text, start, "id"), fail, "id")
        out.append(
            Statement(
                policy=pid,
                id=sid,
                citation=_text(item, "citation", fail),
                must_say=_text(item, "must_say", fail),
                quote=_text(item, "quote", fail),
                phrases=_phrases(item, fail, text, start, name),
                condition=_text(item, "condition", fail, required=False),
                verified=_verified(item, fail),
                note=_text(item, "note", fail, required=False),
                line=start,
            )
        )
    return tuple(out)


def _categories(raw: Any, text: str, name: str, pid: str) -> tuple[ModerationCategory, ...]:
    out: list[ModerationCategory] = []
    seen: dict[str, int] = {}
    for item, start, fail in _entries(raw, "moderation_category", name, text):
        item = _table(item, "moderation_category", _CATEGORY_KEYS, fail)
        code = _ident(item, "code", fail, _CODE)
        _unique(seen, code, "category code", _key_line(text, start, "code"), fail, "code")
        out.append(
            ModerationCategory(
                code=code,
                label=_text(item, "label", fail),
                citation=_text(item, "citation", fail),
                policy=pid,
                verified=_verified(item, fail),
                note=_text(item, "note", fail, required=False),
            )
        )
    return tuple(out)


def _duties(raw: Any, text: str, name: str, pid: str) -> tuple[Duty, ...]:
    out: list[Duty] = []
    seen: dict[str, int] = {}
    for item, start, fail in _entries(raw, "duty", name, text):
        item = _table(item, "duty", _DUTY_KEYS, fail)
        did = _ident(item, "id", fail, _ID)
        _unique(seen, did, "duty id", _key_line(text, start, "id"), fail, "id")
        topic = _text(item, "topic", fail)
        if topic not in TOPICS:
            raise fail("topic", f"topic {topic!r} is not one of {', '.join(TOPICS)}")
        out.append(
            Duty(
                policy=pid,
                id=did,
                topic=topic,
                citation=_text(item, "citation", fail),
                what=_text(item, "what", fail),
                quote=_text(item, "quote", fail),
                verified=_verified(item, fail),
                note=_text(item, "note", fail, required=False),
            )
        )
    return tuple(out)


# ------------------------------------------------------------------------------ loading
def load_policy(path: Path | str) -> Policy:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    policy = parse_policy(text, str(path))
    if policy.id != path.stem:
        raise PolicyError(
            f"{path}, line {_key_line(text, 1, 'id')}: the policy id {policy.id!r} differs from"
            f" the file name {path.stem!r} (the setting names policies by file)"
        )
    return policy


def load_policies(directory: Path | str | None = None) -> list[Policy]:
    """Every policy file of `directory` (the shipped ones by default), in file-name order.
    Moderation category codes must be unique over all of them: the moderation log stores a
    code alone."""
    folder = Path(directory) if directory is not None else POLICIES_DIR
    policies = [load_policy(p) for p in sorted(folder.glob("*.toml"))]
    codes: dict[str, str] = {}
    for policy in policies:
        for cat in policy.categories:
            if cat.code in codes:
                raise PolicyError(
                    f"{policy.path}: moderation category {cat.code!r} is also defined in"
                    f" {codes[cat.code]}; codes must be unique over all policies"
                )
            codes[cat.code] = policy.path
    return policies


@functools.lru_cache(maxsize=4)
def _cached(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> tuple[Policy, ...]:
    return tuple(load_policies(directory))


def shipped_policies(directory: Path | str | None = None) -> list[Policy]:
    """`load_policies`, re-read only when a file changed (size or time)."""
    folder = Path(directory) if directory is not None else POLICIES_DIR
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.toml"))
    )
    return list(_cached(str(folder), stamp))


def parse_setting(value: str) -> list[str]:
    """Policy ids of a `policies` setting value, in order, without repeats."""
    ids: list[str] = []
    for part in value.split(","):
        part = part.strip()
        if part and part not in ids:
            ids.append(part)
    return ids


def select(policies: list[Policy], setting: str) -> list[Policy]:
    """The policies a `policies` setting names (every one when it is empty); an unknown id
    is refused with the valid ids."""
    wanted = parse_setting(setting)
    if not wanted:
        return list(policies)
    by_id = {p.id: p for p in policies}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise PolicyError(
            f"The policies setting names {', '.join(repr(u) for u in unknown)}, which no policy"
            f" file defines; the policies are: {', '.join(sorted(by_id))}."
        )
    return [by_id[w] for w in wanted]


def check_setting(value: str, directory: Path | str | None = None) -> None:
    """Refuse a `policies` setting value that names an unknown policy (PolicyError)."""
    select(shipped_policies(directory), value)


def setting_problems(value: str, directory: Path | str | None = None) -> list[str]:
    """What is wrong with a `policies` setting value, as the Settings dialog and `settings
    set` list problems: an id no policy file defines (empty: every policy applies)."""
    if not value:
        return []
    try:
        check_setting(value, directory)
    except PolicyError as exc:
        return [str(exc)]
    return []


def policies_for(archive: Archive, directory: Path | str | None = None) -> list[Policy]:
    """The policies that bind the archive's agency (its `policies` setting)."""
    return select(shipped_policies(directory), archive.settings().policies)


def moderation_categories(
    archive: Archive, directory: Path | str | None = None
) -> list[ModerationCategory]:
    """Every removal category of the applying policies, each with its policy and citation,
    in the policies' order and each file's order."""
    return [c for p in policies_for(archive, directory) for c in p.categories]


def duties_for(
    archive: Archive, topic: str | None = None, directory: Path | str | None = None
) -> list[Duty]:
    """The other record duties of the applying policies, of one topic (TOPICS) or all."""
    return [
        d
        for p in policies_for(archive, directory)
        for d in p.duties
        if topic is None or d.topic == topic
    ]


def statements_for(archive: Archive, directory: Path | str | None = None) -> list[Statement]:
    """Every required page statement of the applying policies."""
    return [s for p in policies_for(archive, directory) for s in p.statements]
