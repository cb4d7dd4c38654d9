"""Who owns a Facebook or Instagram download when its profile file is not among the inputs, and
record keys that do not depend on whether it was.

A posts file imported alone cannot name its account: the profile (`profile_information.json`,
`personal_information.json`) is a separate file of the download. What the files themselves say
is only a suggestion: Facebook writes the owner's display name into most post titles ("Hunter
Hillis updated his status."), and the owner is the author of every comment in `comments_v2`.
Previews offer that name so the person importing can choose the account; records are assigned
to an account only from a profile or from the account the person chose.

Keys. Keys used to hash in the owner when the profile was present, so a posts file imported
alone and then the whole download made two records of each post. Keys now hash in no owner. A
record written under an owner-bearing key by an earlier version keeps that key (it is looked
up first), and a different account's record under the same plain key (two Pages cross-posting
the same second) is not merged into: the owner-bearing key is used for this one instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import text

from retention_desk.importers.base import Claim, FileContext

# what the importers leave in Claim.state for previews (CLI dry run, Import view)
SUGGESTED_ACCOUNT = "suggested_account"

# The verb that follows the owner's name in Facebook's activity titles. English phrases are
# from the real samples (hunterhillis, kunleiky, waultar posts); "har" is Danish (waultar
# comments: "Gustav Johansen har kommenteret ..."). A name is never taken from other words.
_TITLE_OWNER = re.compile(
    r"^(?P<name>\S.*?)\s+(?:updated|wrote|shared|posted|added|recommends|commented|replied"
    r"|was|is|likes|liked|reacted|created|saved|changed|checked|har)\b"
)
_MAX_NAME_WORDS = 6  # longer "names" are sentences the pattern misread


def name_from_title(title: object) -> str | None:
    """The actor a Facebook activity title starts with, or None when it names none."""
    if not isinstance(title, str):
        return None
    match = _TITLE_OWNER.match(" ".join(title.split()))
    if match is None:
        return None
    name = match.group("name")
    return name if len(name.split()) <= _MAX_NAME_WORDS else None


def dominant_name(names: Iterable[str | None]) -> str | None:
    """The name behind at least half of the named items (the owner of a file of their own
    activity), or None when no name is that common."""
    counts = Counter(n for n in names if n)
    if not counts:
        return None
    name, count = counts.most_common(1)[0]
    return name if count * 2 >= sum(counts.values()) else None


def suggest(claim: Claim, name: str | None, brand: str, profile_file: str) -> str:
    """Keep the suggestion in the claim for the dry run and the Import view, and say in a
    preview note why the account is not known and what to do."""
    claim.state[SUGGESTED_ACCOUNT] = name
    why = f"no {profile_file} among the inputs, so the {brand} account cannot be known"
    if name:
        return (
            f"{why}; the files name {name!r} as their owner: choose that account"
            " (--account HANDLE) or add the download's profile file"
        )
    return f"{why}: choose an account (--account HANDLE) or add the download's profile file"


def suggested_account(claim: Claim) -> str | None:
    """The account a preview suggested for `claim`, if any."""
    value = claim.state.get(SUGGESTED_ACCOUNT)
    return value if isinstance(value, str) and value else None


def resolve_keys(
    ctx: FileContext, platform: str, keys: Sequence[tuple[str, str | None]]
) -> list[str]:
    """For (plain key, owner-bearing key or None) pairs, the key each record is written
    under (see the module docstring)."""
    legacy = [old for _, old in keys if old]
    if not legacy:
        return [plain for plain, _ in keys]
    wanted = sorted({k for pair in keys for k in pair if k})
    found: dict[str, int | None] = {}
    # SQLite's default limit on bound parameters is 999 in old builds; stay well below it
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join(f":k{i}" for i in range(len(chunk)))
        rows = ctx.conn.execute(
            text(
                "SELECT record_key, account_id FROM records WHERE platform = :p"
                f" AND record_key IN ({marks})"
            ),
            {"p": platform, **{f"k{i}": k for i, k in enumerate(chunk)}},
        ).all()
        found.update({str(r[0]): r[1] for r in rows})
    mine = ctx.writer.account_id
    chosen = []
    for plain, old in keys:
        taken_by_other = plain in found and found[plain] not in (None, mine)
        chosen.append(old if old and (old in found or taken_by_other) else plain)
    return chosen
