"""Query tree -> one full-text expression (per version) and one SQL condition (per record).

Semantics:
- Words, phrases and prefixes in AND-ed clauses form one full-text expression matched
  against each version's title and text: a record matches when ANY of its versions (the
  text it had at any capture) contains every clause. The matching versions are reported.
- `-word` excludes records of which any version contains the word: an edit that removed a
  word does not hide the record from an exclusion, as it does not from a search.
- Filters are conditions on the record. A clause that ORs text with filters
  (`police OR kind:message`) becomes a record condition too.
- Terms in unspaced scripts (Chinese, Japanese...) and terms without letters or digits
  (emoji, punctuation) match as substrings, through the trigram index (textmatch.py);
  everything else matches as words, through the word index, exactly as before.
- An empty query matches every record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.archive.store import Archive
from retention_desk.search import oversight_filters, retention_filters  # noqa: F401 (filters)
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.filters import FILTERS, PREFILTERS, FilterContext, Prefilter
from retention_desk.search.query import Atom, FilterTerm, QueryTree, Term
from retention_desk.search.textmatch import TextMatch, build_text_match


@dataclass(frozen=True)
class CompiledQuery:
    """A parsed and compiled query, ready for the executor. Immutable and reusable."""

    text: str
    tree: QueryTree
    # word-index expression for the clauses made only of words, bound as `:fts` (None: no
    # such clause; the query may still have substring terms, see `text_match`)
    fts: str | None
    # boolean SQL over `records r`; "1 = 1" when the query has no record conditions
    where: str
    params: dict[str, Any]
    # the positive text terms in `fts`, by clause (the executor's cost model reads them)
    text_clauses: tuple[tuple[Term, ...], ...] = ()
    # what the AND-ed date/platform/kind filters imply (in-memory candidate pruning)
    prefilter: Prefilter = field(default_factory=Prefilter)
    # `-word` exclusions as SQL selecting the versions holding any of them (parameters in
    # `params`), and `where` without them: an executor that removes the excluded records
    # itself checks only `base_where` in SQL
    exclude_sql: str | None = None
    # the same exclusions as boolean SQL over the version aliased `v` (does it hold one?),
    # for an executor that checks a few candidate records instead of reading every holder
    exclude_probe: str | None = None
    base_where: str = "1 = 1"
    # the positive text as SQL over version ids (None: no positive text in the query)
    text_match: TextMatch | None = None
    # every condition of `base_where` is a positive platform/kind/date filter, so `prefilter`
    # says exactly what it says (an executor may decide it in memory)
    prefilter_exact: bool = False

    @property
    def has_text(self) -> bool:
        return self.text_match is not None

    @property
    def versions_sql(self) -> str:
        """SELECT of the version ids matching the text (column `vid`); use with `bind()`."""
        assert self.text_match is not None
        return self.text_match.versions_sql

    @property
    def probe_sql(self) -> str:
        """Boolean SQL: does the version aliased `v` match the text? Use with `bind()`."""
        assert self.text_match is not None
        return self.text_match.probe_sql

    @property
    def ranked_sql(self) -> str:
        """(vid, score) for the matching versions, lower better; use with `bind()`."""
        assert self.text_match is not None
        return self.text_match.ranked_sql

    @property
    def has_conditions(self) -> bool:
        return self.where != "1 = 1"

    def bind(self, **extra: Any) -> dict[str, Any]:
        """Parameters for a statement using this query, plus `extra`."""
        values = dict(self.params)
        if self.fts is not None:
            values["fts"] = self.fts
        values.update(extra)
        return values


def _records_with_text(versions_sql: str) -> str:
    return f"SELECT v.record_id FROM record_versions v WHERE v.id IN ({versions_sql})"


def _bound_text(clauses: list[list[Term]], ctx: FilterContext) -> TextMatch:
    """Text SQL whose every parameter (the word expression too) is bound in `ctx`."""
    word_param = ctx.bind_name(None)  # reserved now, filled once the expression is known
    match = build_text_match(clauses, ctx.backend, ctx.bind_name, word_param)
    ctx.params[word_param] = match.fts
    return match


def _atom_predicate(atom: Atom, ctx: FilterContext) -> str:
    if isinstance(atom.item, FilterTerm):
        sql = FILTERS[atom.item.name].handler(atom.item.value, ctx)
        return ctx.backend.negate(sql) if atom.negated else f"({sql})"
    match = _bound_text([[atom.item]], ctx)
    op = "NOT IN" if atom.negated else "IN"
    return f"r.id {op} ({_records_with_text(match.versions_sql)})"


def compile_query(
    tree: QueryTree,
    backend: SqliteBackend,
    tz: ZoneInfo,
    platforms: Callable[[], frozenset[str]] | None = None,
    archive: Archive | None = None,
) -> CompiledQuery:
    """Compile a parsed query; raises QueryError for filter values that cannot be read.
    `platforms` gives the platforms the archive holds (for checking `platform:` values)."""
    ctx = FilterContext(backend=backend, tz=tz, archive_platforms=platforms, archive=archive)
    text_clauses: list[list[Term]] = []
    excluded: list[Term] = []
    conditions: list[str] = []
    prefilter = Prefilter()
    exact = True
    for clause in tree.clauses:
        atoms = clause.atoms
        only = atoms[0] if len(atoms) == 1 else None
        narrowed = False
        if only is not None and not only.negated and isinstance(only.item, FilterTerm):
            narrow = PREFILTERS.get(only.item.name)
            if narrow is not None:
                prefilter = narrow(only.item.value, tz, prefilter)
                narrowed = True
        if all(isinstance(a.item, Term) and not a.negated for a in atoms):
            text_clauses.append([a.item for a in atoms if isinstance(a.item, Term)])
        elif len(atoms) == 1 and atoms[0].negated and isinstance(atoms[0].item, Term):
            excluded.append(atoms[0].item)
        else:
            preds = [_atom_predicate(a, ctx) for a in atoms]
            conditions.append(preds[0] if len(preds) == 1 else "(" + " OR ".join(preds) + ")")
            exact = exact and narrowed
    base_where = " AND ".join(conditions) if conditions else "1 = 1"
    excluding = _bound_text([excluded], ctx) if excluded else None
    exclude_sql = excluding.versions_sql if excluding is not None else None
    if exclude_sql is not None:
        conditions.append(f"r.id NOT IN ({_records_with_text(exclude_sql)})")
    # the positive text's word expression is bound by CompiledQuery.bind as `fts`
    match = build_text_match(text_clauses, backend, ctx.bind_name, "fts") if text_clauses else None
    where = " AND ".join(conditions) if conditions else "1 = 1"
    return CompiledQuery(
        text=tree.text,
        tree=tree,
        fts=match.fts if match is not None else None,
        where=where,
        params=ctx.params,
        text_clauses=tuple(tuple(c) for c in text_clauses),
        prefilter=prefilter,
        exclude_sql=exclude_sql,
        exclude_probe=excluding.probe_sql if excluding is not None else None,
        base_where=base_where,
        text_match=match,
        prefilter_exact=exact and bool(conditions) and prefilter.active,
    )
