"""Detection and previews shared by the Facebook and Instagram "Download Your Information"
importers.

Both sniff every JSON file's head, sort it into a kind by content (`classify`), and claim the
confirmed files at high confidence and the files only named like their data at low confidence
(so the summary says what is wrong with them), or else the HTML variant of the download so
the user is told to ask for JSON. A claim lists its files in the order they must be imported
(the profile first: it names the account). Previews count items and their times per file.
What differs between the two exports (kinds, names, the account) stays in each importer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from retention_desk.archive.ingest import AccountIn
from retention_desk.importers.base import Claim, Preview
from retention_desk.importers.common import ParseError
from retention_desk.importers.meta.common import timestamps_range
from retention_desk.importers.meta.files import (
    FamilyIndex,
    Head,
    html_error,
    html_variant,
    json_paths,
    load_json,
    sniff,
)
from retention_desk.importers.tree import SourceTree

Classifier = Callable[[str, Head, FamilyIndex], str | None]
Scanner = Callable[[str, Any, str], tuple[int, list[Any]]]
_NAME_ONLY = "name:"


def sniff_kinds(tree: SourceTree, classify: Classifier) -> tuple[dict[str, str], dict[str, str]]:
    """(confirmed, by_name): path -> kind for every JSON file `classify` recognises, split by
    whether its content confirmed the kind or only its name did (`"name:<kind>"`)."""
    families = FamilyIndex(tree)
    confirmed: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for path in json_paths(tree):
        try:
            head = sniff(tree, path)
        except OSError:
            continue
        kind = classify(path, head, families)
        if kind is None:
            continue
        if kind.startswith(_NAME_ONLY):
            by_name[path] = kind[len(_NAME_ONLY) :]
        else:
            confirmed[path] = kind
    return confirmed, by_name


def ordered_claim(
    format_name: str,
    label: str,
    kinds: dict[str, str],
    account: AccountIn | None,
    confidence: int,
    order: Sequence[str],
) -> Claim:
    """A claim on `kinds`' files, sorted by their kind's place in `order` (unknown kinds last),
    then by path."""
    files = sorted(kinds, key=lambda p: (order.index(kinds[p]) if kinds[p] in order else 9, p))
    return Claim(
        format=format_name,
        files=files,
        label=label,
        confidence=confidence,
        account=account,
        state={"kinds": kinds},
    )


def meta_claims(
    tree: SourceTree,
    format_name: str,
    label: str,
    found: tuple[dict[str, str], dict[str, str]],
    account: AccountIn | None,
    order: Sequence[str],
    html_names: re.Pattern[str],
    brand: str,
) -> list[Claim]:
    """The claims for one input: confirmed files at 90, files known only by name at 40, or,
    with neither, the HTML variant of the download at 60 (its import explains the mistake)."""
    confirmed, by_name = found
    claims = []
    if confirmed:
        claims.append(ordered_claim(format_name, label, confirmed, account, 90, order))
    if by_name:
        claims.append(ordered_claim(format_name, label, by_name, account, 40, order))
    if not confirmed and not by_name:
        page = html_variant(tree, html_names, brand.lower())
        if page is not None:
            html_label = f"{brand} download (HTML)"
            claims.append(ordered_claim(format_name, html_label, {page: "html"}, None, 60, order))
    return claims


def meta_preview(
    tree: SourceTree,
    format_name: str,
    claim: Claim,
    brand: str,
    scan: Scanner,
    account: str | None,
    kept_only: Mapping[str, str] | None = None,
) -> Preview:
    """Count each claimed file's items with `scan(kind, data, path)`. Files of a kind in
    `kept_only` (kind -> what they hold) are stored but make no records: they are reported in
    a note and not counted. Unreadable files become notes, not failures."""
    kinds: dict[str, str] = claim.state.get("kinds", {})
    kept_only = kept_only or {}
    notes: list[str] = []
    total = 0
    stamps: list[Any] = []
    for path in claim.files:
        kind = kinds.get(path, "posts")
        if kind == "html":
            notes.append(str(html_error(path, brand)))
            continue
        try:
            count, times = scan(kind, load_json(tree, path), path)
        except (ParseError, OSError) as exc:
            notes.append(str(exc))
            continue
        if kind in kept_only:
            notes.append(f"{path}: {count} {kept_only[kind]} (kept, not as records)")
            count = 0
        total += count
        stamps += times
    first, last = timestamps_range(stamps)
    return Preview(
        format=format_name,
        label=claim.label,
        source=tree.label,
        account=account,
        date_from=first,
        date_to=last,
        approx_records=total,
        files=list(claim.files),
        notes=notes,
    )
