"""Frozen result types returned by the search engine (safe to hand across threads to a GUI)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

Sort = Literal["date", "oldest", "relevance"]
SORTS: tuple[str, ...] = ("date", "oldest", "relevance")


@dataclass(frozen=True)
class ResultRow:
    """One record as a search result line (current text; flags never hide a record)."""

    id: int
    platform: str
    kind: str
    account_id: int | None
    account: str | None  # handle, else display name, else the account key
    author: str | None  # author name, else handle
    author_handle: str | None
    created_at: datetime | None
    title: str | None
    text: str  # the current (latest) version's text
    url: str | None
    thread_id: int | None
    parent_id: int | None
    conversation_key: str | None
    deleted: bool
    hidden: bool
    edited: bool
    restricted: bool
    has_media: bool
    version_count: int
    # versions (seq numbers) whose text matched the query's words; empty without words
    matched_versions: tuple[int, ...] = ()
    score: float | None = None  # relevance (lower is better), only for sort="relevance"

    @property
    def matched_version(self) -> int | None:
        """The newest version that matched, or None when the query has no words."""
        return max(self.matched_versions) if self.matched_versions else None

    @property
    def matched_current(self) -> bool | None:
        """Whether the current text matched (False: found only by what it said earlier)."""
        if not self.matched_versions:
            return None
        return self.version_count in self.matched_versions

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat() if self.created_at else None
        data["matched_versions"] = list(self.matched_versions)
        data["matched_version"] = self.matched_version
        data["matched_current"] = self.matched_current
        return data


@dataclass(frozen=True)
class SearchPage:
    """One page of results. `total` is None unless asked for (counting costs a full pass)."""

    query: str
    sort: str
    offset: int
    limit: int
    rows: tuple[ResultRow, ...]
    has_more: bool
    total: int | None = None
    strategy: str = ""  # how the page was found (diagnostics, benchmark)


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet, with the query text that narrows a search to it."""

    value: str | None
    label: str
    count: int
    filter: str | None  # e.g. 'platform:x', None when no filter can express the value


@dataclass(frozen=True)
class Facets:
    """Counts over the whole result set (not only the shown page)."""

    total: int
    platform: tuple[FacetCount, ...] = ()
    account: tuple[FacetCount, ...] = ()
    kind: tuple[FacetCount, ...] = ()
    year: tuple[FacetCount, ...] = ()  # years in the agency's time zone, newest first

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchResult:
    """What `search()` returns: a page, the total and the facets for the whole result set."""

    page: SearchPage
    total: int
    facets: Facets | None = None

    @property
    def rows(self) -> tuple[ResultRow, ...]:
        return self.page.rows


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    query: str
    sort: str
    created_at: datetime | None
    created_by: str


@dataclass(frozen=True)
class FilterInfo:
    """A query filter for help texts and GUI completion."""

    name: str
    help: str
    example: str
