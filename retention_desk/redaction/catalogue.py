"""The exemption catalogue: `resources/exemptions.toml` and the agency's own additions.

Withholding needs a statutory basis, so a redaction may only name a code of the shipped
catalogue (14-2-1 A-J, 14-2-1.1 with the 14-2-6(F) identifier kinds, 14-2-1.2 items, the
Arrest Record Information Act) or one the agency added "as otherwise provided by law" with
its citation (`add_exemption`, kept in the archive and audited). The shipped file is read once
per process; a file that cannot be used is a RedactionError naming the file, the line where
tomllib gives one, and the reason.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.redaction.errors import RedactionError
from retention_desk.redaction.model import Catalogue, Exemption, IdentifierRule

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "resources" / "exemptions.toml"
VISIBLE = ("last4", "year", "none", "city_state_zip")
_EXEMPTION_KEYS = {"code", "citation", "label", "description", "text_date", "verified", "note"}
_IDENTIFIER_KEYS = {"kind", "label", "citation", "visible", "verified", "note"}
_TOP_KEYS = {"exemption", "identifier"}
MAX_CODE = 60
# an agency code is what a user types: no spaces inside, no control or formatting characters
_AGENCY_CODE = re.compile(r"[0-9A-Za-z§.()\-/:]+")
_CACHE: dict[Path, Catalogue] = {}


def code_key(code: str) -> str:
    """How typed codes are compared: `14-2-1(a)`, `§ 14-2-1 (A)` and `14-2-1(A)` are one."""
    return re.sub(r"[\s§]", "", code).upper()


def _where(path: Path, what: str) -> str:
    return f"The exemption catalogue {path} {what}"


def _text(entry: dict[str, Any], key: str, path: Path, name: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RedactionError(_where(path, f"has {name} without a {key} (text)."))
    return value.strip()


def _bool(entry: dict[str, Any], key: str, path: Path, name: str) -> bool:
    value = entry.get(key)
    if not isinstance(value, bool):
        raise RedactionError(_where(path, f"has {name} whose {key} is not true or false."))
    return value


def parse_catalogue(raw: bytes, path: Path) -> Catalogue:
    """The catalogue in `raw` (the bytes of `path`); RedactionError when anything is wrong."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RedactionError(_where(path, "is not UTF-8 text.")) from None
    except tomllib.TOMLDecodeError as exc:
        raise RedactionError(_where(path, f"cannot be read: {exc}.")) from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise RedactionError(_where(path, f"has an unknown table {unknown[0]!r}."))
    exemptions: list[Exemption] = []
    seen: set[str] = set()
    for n, entry in enumerate(data.get("exemption", []), start=1):
        if not isinstance(entry, dict):
            raise RedactionError(_where(path, f"has exemption {n} that is not a table."))
        name = f"exemption {n}"
        extra = sorted(set(entry) - _EXEMPTION_KEYS)
        if extra:
            raise RedactionError(_where(path, f"has {name} with an unknown key {extra[0]!r}."))
        code = _text(entry, "code", path, name)
        name = f"exemption {code!r}"
        if code_key(code) in seen:
            raise RedactionError(_where(path, f"lists {name} twice."))
        seen.add(code_key(code))
        exemptions.append(
            Exemption(
                code=code,
                citation=_text(entry, "citation", path, name),
                label=_text(entry, "label", path, name),
                description=_text(entry, "description", path, name),
                verified=_bool(entry, "verified", path, name),
                note=str(entry.get("note", "")).strip(),
                text_date=_text(entry, "text_date", path, name),
                source="catalogue",
            )
        )
    identifiers: list[IdentifierRule] = []
    for n, entry in enumerate(data.get("identifier", []), start=1):
        if not isinstance(entry, dict):
            raise RedactionError(_where(path, f"has identifier {n} that is not a table."))
        name = f"identifier {n}"
        extra = sorted(set(entry) - _IDENTIFIER_KEYS)
        if extra:
            raise RedactionError(_where(path, f"has {name} with an unknown key {extra[0]!r}."))
        visible = _text(entry, "visible", path, name)
        if visible not in VISIBLE:
            raise RedactionError(
                _where(path, f"has {name} whose visible must be one of {', '.join(VISIBLE)}.")
            )
        identifiers.append(
            IdentifierRule(
                kind=_text(entry, "kind", path, name),
                label=_text(entry, "label", path, name),
                citation=_text(entry, "citation", path, name),
                visible=visible,
                verified=_bool(entry, "verified", path, name),
                note=str(entry.get("note", "")).strip(),
            )
        )
    if not exemptions:
        raise RedactionError(_where(path, "lists no exemption."))
    return Catalogue(tuple(exemptions), tuple(identifiers), str(path))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The shipped catalogue (read once per process), or the file at `path` as it is now."""
    default = path is None
    path = CATALOGUE_FILE if path is None else Path(path)
    if default and path in _CACHE:
        return _CACHE[path]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RedactionError(_where(path, f"cannot be read: {exc.strerror or exc}.")) from None
    catalogue = parse_catalogue(raw, path)
    if default:
        _CACHE[path] = catalogue
    return catalogue


def agency_exemptions(conn: Connection) -> list[Exemption]:
    return [
        Exemption(
            code=str(r[0]),
            citation=str(r[1]),
            label=str(r[2]),
            description=str(r[3]),
            # the agency's own reading of the law: nobody here checked it against a source
            verified=False,
            note="Added by the agency as otherwise provided by law.",
            text_date=str(r[4])[:10],
            source="agency",
            added_at=str(r[4]),
            added_by=str(r[5]),
        )
        for r in conn.exec_driver_sql(
            "SELECT code, citation, label, description, added_at, added_by"
            " FROM redaction_exemptions ORDER BY code"
        )
    ]


def catalogue_in(conn: Connection, path: Path | None = None) -> Catalogue:
    """The shipped catalogue followed by the agency's additions."""
    shipped = load_catalogue(path)
    return Catalogue(
        shipped.exemptions + tuple(agency_exemptions(conn)), shipped.identifiers, shipped.path
    )


def archive_catalogue(archive: Archive, path: Path | None = None) -> Catalogue:
    with archive.read() as conn:
        return catalogue_in(conn, path)


def find(cat: Catalogue, typed: str) -> Exemption | None:
    key = code_key(typed)
    return next((e for e in cat.exemptions if code_key(e.code) == key), None)


def close_codes(cat: Catalogue, typed: str, n: int = 5) -> list[str]:
    """Codes that look like `typed`: its close spellings, else those sharing its section."""
    keys = {code_key(e.code): e.code for e in cat.exemptions}
    key = code_key(typed)
    close = difflib.get_close_matches(key, list(keys), n=n, cutoff=0.6)
    if not close:
        section = key.split("(")[0]
        close = [k for k in keys if section and k.startswith(section)][:n]
    return [keys[k] for k in close]


def resolve(cat: Catalogue, typed: str) -> Exemption:
    """The exemption `typed` names; RedactionError listing close codes when none does."""
    found = find(cat, typed)
    if found is not None:
        return found
    shown = " ".join(typed.split())[:80] or "(empty)"
    close = close_codes(cat, typed)
    hint = (
        f" Did you mean {', '.join(close)}?"
        if close
        else " See 'retention-desk exemption list' for the codes."
    )
    raise RedactionError(
        f"There is no exemption code {shown!r}: a redaction needs a statutory basis from the"
        f" catalogue or one the agency added with its citation.{hint}"
    )


def add_exemption(
    archive: Archive,
    code: str,
    *,
    citation: str,
    label: str,
    description: str = "",
    path: Path | None = None,
) -> Exemption:
    """Add an "as otherwise provided by law" code with the law it rests on (audited with the
    code only). Refused without a citation or label, or for a code the catalogue has."""
    code = code.strip()
    citation = " ".join(citation.split())
    label = " ".join(label.split())
    description = " ".join(description.split()) or label
    if not code:
        raise RedactionError("An exemption needs a code.")
    if len(code) > MAX_CODE or not _AGENCY_CODE.fullmatch(code):
        raise RedactionError(
            f"The exemption code {code[:80]!r} must be up to {MAX_CODE} characters of letters,"
            " digits and . ( ) - / : § without spaces, as the law writes the section."
        )
    if not citation:
        raise RedactionError(
            f"The exemption {code!r} needs a citation: withholding must rest on a statute,"
            " regulation, court rule or constitutional privilege."
        )
    if not label:
        raise RedactionError(f"The exemption {code!r} needs a short label for the box.")
    with archive.write() as conn:
        existing = find(catalogue_in(conn, path), code)
        if existing is not None:
            where = "the catalogue" if existing.source == "catalogue" else "the agency's codes"
            raise RedactionError(f"The exemption code {existing.code!r} is already in {where}.")
        now = timeutil.now_db()
        conn.exec_driver_sql(
            "INSERT INTO redaction_exemptions"
            " (code, citation, label, description, added_at, added_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (code, citation, label, description, now, archive.operator(conn)),
        )
        archive.audit(
            conn,
            action="redaction.exemption_add",
            object_type="exemption",
            object_ids=[code],
            details={"code": code},
        )
        added = find(catalogue_in(conn, path), code)
    assert added is not None
    return added
