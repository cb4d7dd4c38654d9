"""The filter registry: `name:value` -> an SQL condition on the records table (alias `r`).

Adding a filter is one function and one `register_filter` call:

    def _series(value: str, ctx: FilterContext) -> str:
        return f"r.id IN (SELECT record_id FROM record_series WHERE code = {ctx.bind(value)})"

    register_filter("series", _series, "records classified under a retention series",
                    "series:LE-12")

A handler receives the value as typed and returns a boolean SQL expression; every value
reaches SQL as a bound parameter (`ctx.bind`), never as text spliced into the statement. A
handler raises QueryError (with a sentence for the user) for a value it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.archive.ingest import KINDS
from retention_desk.archive.store import Archive
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.dates import parse_period, parse_range
from retention_desk.search.errors import QueryError


@dataclass
class FilterContext:
    """What a filter handler may use: the backend, the agency time zone, parameter binding."""

    backend: SqliteBackend
    tz: ZoneInfo
    params: dict[str, Any] = field(default_factory=dict)
    # the platforms the archive holds (asked only when a `platform:` value is not a known
    # platform; None: no archive, only the known platforms are accepted)
    archive_platforms: Callable[[], frozenset[str]] | None = None
    # the archive behind the query, for filters whose values are the archive's own names
    # (series codes, hold names); None when compiled without one: values are not checked
    archive: Archive | None = None

    def bind(self, value: Any) -> str:
        """A fresh named parameter holding `value`; returns its placeholder (`:f3`)."""
        name = f"f{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def bind_name(self, value: Any) -> str:
        """Like bind, but returns the bare name (for backend helpers that add the colon)."""
        return self.bind(value)[1:]


Handler = Callable[[str, FilterContext], str]


@dataclass(frozen=True)
class Prefilter:
    """What a query's AND-ed, positive date/platform/kind filters imply, for the executor's
    in-memory candidate pruning. Only ever a superset of the SQL result (SQL still checks
    every filter), so a filter without a prefilter function simply prunes nothing."""

    start: str | None = None  # created_at >= start (stored UTC text)
    end: str | None = None  # created_at < end
    platforms: frozenset[str] | None = None
    kinds: frozenset[str] | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def active(self) -> bool:
        return self.dated or self.platforms is not None or self.kinds is not None

    def between(self, start: str | None, end: str | None) -> Prefilter:
        lo = max(filter(None, (self.start, start)), default=None)
        hi = min(filter(None, (self.end, end)), default=None)
        return replace(self, start=lo, end=hi)

    def only(self, field_name: str, value: str) -> Prefilter:
        current: frozenset[str] | None = getattr(self, field_name)
        wanted = frozenset([value])
        return replace(self, **{field_name: wanted if current is None else current & wanted})


PrefilterFn = Callable[[str, ZoneInfo, Prefilter], Prefilter]
PREFILTERS: dict[str, PrefilterFn] = {}


@dataclass(frozen=True)
class FilterSpec:
    name: str
    handler: Handler
    help: str
    example: str


FILTERS: dict[str, FilterSpec] = {}


def register_filter(name: str, handler: Handler, help: str, example: str) -> None:
    """Make `name:` available in queries (replaces an earlier filter of the same name)."""
    FILTERS[name.lower()] = FilterSpec(name.lower(), handler, help, example)


def known_filters() -> frozenset[str]:
    return frozenset(FILTERS)


def filter_help() -> list[FilterSpec]:
    """Every filter with its help line and an example, for the CLI help and the GUI."""
    return [FILTERS[name] for name in sorted(FILTERS)]


# ------------------------------------------------------------------- built-ins
PLATFORM_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "yt": "youtube"}
KIND_ALIASES = {
    "posts": "post",
    "comments": "comment",
    "replies": "reply",
    "messages": "message",
    "dm": "message",
    "dms": "message",
    "pages": "page",
    "captures": "capture",
}


# Platforms the importers write (a CSV import may add any other slug: those are accepted
# when the archive holds them).
KNOWN_PLATFORMS = (
    "x",
    "facebook",
    "instagram",
    "youtube",
    "reddit",
    "flickr",
    "wordpress",
    "wiki",
    "web",
    "csv",
)


def _platform(value: str, ctx: FilterContext) -> str:
    name = platform_name(value)
    if name not in KNOWN_PLATFORMS:
        held = ctx.archive_platforms() if ctx.archive_platforms is not None else frozenset()
        if name not in held:
            choices = list(KNOWN_PLATFORMS) + sorted(held.difference(KNOWN_PLATFORMS))
            aliases = ", ".join(f"{a} ({p})" for a, p in PLATFORM_ALIASES.items())
            raise QueryError(
                f"platform: must be one of {', '.join(choices)} (or {aliases}); not '{value}'."
            )
    return f"r.platform = {ctx.bind(name)}"


def _account(value: str, ctx: FilterContext) -> str:
    # LIKE without wildcards: equality that ignores ASCII case, whichever name the user knows
    # the account by (handle, display name or the platform's account key).
    # `platform/name` (as the account facet writes it) narrows to one platform's account.
    name = value.strip().removeprefix("@")
    if not name.strip():
        raise QueryError(
            f"account: needs a handle, display name or platform account id; not '{value}'."
        )
    like = ctx.backend.like

    def named(text_value: str) -> str:
        p = ctx.bind_name(ctx.backend.escape_like(text_value))
        return (
            f"({like('a.handle', p)} OR {like('a.display_name', p)} OR {like('a.account_key', p)})"
        )

    cond = named(name)
    platform, slash, rest = name.partition("/")
    if slash and platform and rest:
        rest = rest.removeprefix("@")
        cond += f" OR (a.platform = {ctx.bind(platform.lower())} AND {named(rest)})"
    return f"r.account_id IN (SELECT a.id FROM accounts a WHERE {cond})"


def _author(value: str, ctx: FilterContext) -> str:
    # handle: whole match (with or without @); name: any part ("garcia" finds "Maria Garcia");
    # the platform's user id: exact.
    raw = value.strip()
    if not raw.removeprefix("@").strip():
        # an empty name would match every record that has an author at all
        raise QueryError(
            "author: needs a handle (@name), part of the author's name, or a user id;"
            f" not '{value}'."
        )
    handle = ctx.bind_name(ctx.backend.escape_like(raw.removeprefix("@")))
    name = ctx.bind_name("%" + ctx.backend.escape_like(raw) + "%")
    like = ctx.backend.like
    return (
        f"({like('r.author_handle', handle)} OR {like('r.author_name', name)}"
        f" OR r.author_platform_id = {ctx.bind(raw)})"
    )


def _kind(value: str, ctx: FilterContext) -> str:
    name = kind_name(value)
    if name not in KINDS:
        raise QueryError(f"kind: must be one of {', '.join(KINDS)}; not '{value}'.")
    return f"r.kind = {ctx.bind(name)}"


def _before(value: str, ctx: FilterContext) -> str:
    period = parse_period(value, ctx.tz, filter_name="before")
    return f"r.created_at < {ctx.bind(period.start_db)}"


def _after(value: str, ctx: FilterContext) -> str:
    period = parse_period(value, ctx.tz, filter_name="after")
    return f"r.created_at >= {ctx.bind(period.end_db)}"


def _on(value: str, ctx: FilterContext) -> str:
    period = parse_range(value, ctx.tz, filter_name="on")
    start, end = ctx.bind(period.start_db), ctx.bind(period.end_db)
    return f"(r.created_at >= {start} AND r.created_at < {end})"


IS_VALUES: dict[str, str] = {
    "deleted": "r.deleted_at IS NOT NULL",
    "hidden": "r.hidden_at IS NOT NULL",
    "edited": "(r.version_count > 1 OR r.edited_at IS NOT NULL)",
    "restricted": "r.restricted = {true}",
    "repost": "r.is_repost = {true}",
}


def _is(value: str, ctx: FilterContext) -> str:
    name = value.strip().lower()
    if name not in IS_VALUES:
        raise QueryError(f"is: must be one of {', '.join(IS_VALUES)}; not '{value}'.")
    sql = IS_VALUES[name]
    return sql.format(true=ctx.bind(True)) if "{true}" in sql else sql


def _has(value: str, ctx: FilterContext) -> str:
    if value.strip().lower() != "media":
        raise QueryError(f"has: must be 'media'; not '{value}'.")
    return f"r.has_media = {ctx.bind(True)}"


NO_VALUES = {
    # records the importer could not assign to an account (a posts file without its profile)
    "account": "r.account_id IS NULL",
    "media": "r.has_media = 0",
}


def _no(value: str, ctx: FilterContext) -> str:
    name = value.strip().lower()
    if name not in NO_VALUES:
        raise QueryError(f"no: must be one of {', '.join(NO_VALUES)}; not '{value}'.")
    return NO_VALUES[name]


def _url(value: str, ctx: FilterContext) -> str:
    p = ctx.bind_name("%" + ctx.backend.escape_like(value.strip()) + "%")
    return ctx.backend.like("r.url", p)


def platform_name(value: str) -> str:
    name = value.strip().lower()
    return PLATFORM_ALIASES.get(name, name)


def kind_name(value: str) -> str:
    name = value.strip().lower()
    return KIND_ALIASES.get(name, name)


def _on_prefilter(value: str, tz: ZoneInfo, pf: Prefilter) -> Prefilter:
    period = parse_range(value, tz, filter_name="on")
    return pf.between(period.start_db, period.end_db)


PREFILTERS.update(
    {
        "platform": lambda v, tz, pf: pf.only("platforms", platform_name(v)),
        "kind": lambda v, tz, pf: pf.only("kinds", kind_name(v)),
        "on": _on_prefilter,
        "before": lambda v, tz, pf: pf.between(
            None, parse_period(v, tz, filter_name="before").start_db
        ),
        "after": lambda v, tz, pf: pf.between(
            parse_period(v, tz, filter_name="after").end_db, None
        ),
    }
)

register_filter(
    "platform", _platform, "platform: x, facebook, instagram, youtube, web...", "platform:facebook"
)
register_filter(
    "account", _account, "account by handle, display name or platform id", "account:CityOfMetro"
)
register_filter(
    "author", _author, "author handle, part of the author's name, or user id", "author:garcia"
)
register_filter("kind", _kind, "post, comment, reply, message, page or capture", "kind:comment")
register_filter(
    "before",
    _before,
    "created before the day/month/year began (agency time zone)",
    "before:2021-07",
)
register_filter(
    "after", _after, "created after the day/month/year ended (agency time zone)", "after:2020"
)
register_filter(
    "on", _on, "created within the day/month/year, or a range A..B", "on:2021-03..2021-05"
)
register_filter("is", _is, "deleted, edited, hidden, restricted or repost", "is:deleted")
register_filter("has", _has, "records with media attachments", "has:media")
register_filter("no", _no, "records without an account, or without media", "no:account")
register_filter("url", _url, "the record's link contains this text", "url:status/1234")
