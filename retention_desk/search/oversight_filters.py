"""Oversight filters (issue 15): `moderation:` over the moderation log
(retention_desk.oversight.moderation), in the filter registry like the others.

- `moderation:removed`: comments and replies hidden or deleted;
- `moderation:unreasoned`: those of them with no action recorded;
- `moderation:reasoned`: records with an action recorded (removed, reported or kept);
- `moderation:CODE`: records whose latest recorded action is under that category.

Category codes are checked against the applying policies' categories when the query has an
archive, so a typo is refused with the valid choices instead of finding nothing.
"""

from __future__ import annotations

from retention_desk.search.errors import QueryError
from retention_desk.search.filters import FilterContext, register_filter

_WORDS = ("removed", "unreasoned", "reasoned")
_REMOVED = (
    "(r.kind IN ('comment','reply') AND (r.hidden_at IS NOT NULL OR r.deleted_at IS NOT NULL))"
)
_ACTED = "r.id IN (SELECT record_id FROM moderation_actions)"


def _moderation(value: str, ctx: FilterContext) -> str:
    word = value.strip()
    if not word:
        raise QueryError(
            f"moderation: takes {', '.join(_WORDS)} or a category code; not '{value}'."
        )
    if word.lower() == "removed":
        return _REMOVED
    if word.lower() == "unreasoned":
        return f"({_REMOVED} AND NOT {_ACTED})"
    if word.lower() == "reasoned":
        return _ACTED
    code = word
    if ctx.archive is not None:
        from retention_desk.oversight import moderation

        codes = [c.code for c in moderation.categories(ctx.archive)]
        match = [c for c in codes if c.lower() == word.lower()]
        if not match:
            choices = ", ".join([*_WORDS, *codes])
            raise QueryError(f"moderation: must be one of {choices}; not '{value}'.")
        code = match[0]
    return (
        "r.id IN (SELECT m.record_id FROM moderation_actions m WHERE m.id IN"
        " (SELECT max(id) FROM moderation_actions GROUP BY record_id)"
        f" AND m.category = {ctx.bind(code)})"
    )


register_filter(
    "moderation",
    _moderation,
    "the moderation log: removed comments, those removed without a recorded reason"
    " (unreasoned), those with one (reasoned), or the latest action's category code",
    "moderation:unreasoned",
)
