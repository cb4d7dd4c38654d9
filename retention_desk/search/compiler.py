"""Query tree -> one full-text expression (per version) and one SQL condition (per record).

Semantics:
- Words, phrases and prefixes in AND-ed clauses form one full-text expression matched
  against each version's title and text: a record matches when ANY of its versions (the
  text it had at any capture) contains every clause. The matching versions are reported.
- `-word` excludes records of which any version contains the word: an edit that removed a
  word does not hide the record from an exclusion, as it does not from a search.
- Filters are conditions on the record. A clause that ORs text with filters
  (`police OR kind:message`) becomes a record condition too.
- An empty query matches every record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.filters import FILTERS, PREFILTERS, FilterContext, Prefilter
from retention_desk.search.query import Atom, FilterTerm, QueryTree, Term


@dataclass(frozen=True)
class CompiledQuery:
    """A parsed and compiled query, ready for the executor. Immutable and reusable."""

    text: str
    tree: QueryTree
    # full-text expression for the per-version match (None: no positive text in the query)
    fts: str | None
    # boolean SQL over `records r`; "1 = 1" when the query has no record conditions
    where: str
    params: dict[str, Any]
    # the positive text terms in `fts`, by clause (the executor's cost model reads them)
    text_clauses: tuple[tuple[Term, ...], ...] = ()
    # what the AND-ed date/platform/kind filters imply (in-memory candidate pruning)
    prefilter: Prefilter = field(default_factory=Prefilter)
    # `-word` exclusions as one FTS expression, and `where` without them: an executor that
    # removes the excluded records itself checks only `base_where` in SQL
    exclude_fts: str | None = None
    base_where: str = "1 = 1"

    @property
    def has_text(self) -> bool:
        return self.fts is not None

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


def _records_with_text(backend: SqliteBackend, param: str) -> str:
    return (
        "SELECT v.record_id FROM record_versions v WHERE v.id IN ("
        + backend.matching_versions_sql(param)
        + ")"
    )


def _atom_predicate(atom: Atom, ctx: FilterContext) -> str:
    if isinstance(atom.item, FilterTerm):
        sql = FILTERS[atom.item.name].handler(atom.item.value, ctx)
        return ctx.backend.negate(sql) if atom.negated else f"({sql})"
    param = ctx.bind_name(ctx.backend.match_expression([[atom.item]]))
    op = "NOT IN" if atom.negated else "IN"
    return f"r.id {op} ({_records_with_text(ctx.backend, param)})"


def compile_query(tree: QueryTree, backend: SqliteBackend, tz: ZoneInfo) -> CompiledQuery:
    """Compile a parsed query; raises QueryError for filter values that cannot be read."""
    ctx = FilterContext(backend=backend, tz=tz)
    text_clauses: list[list[Term]] = []
    excluded: list[Term] = []
    conditions: list[str] = []
    prefilter = Prefilter()
    for clause in tree.clauses:
        atoms = clause.atoms
        only = atoms[0] if len(atoms) == 1 else None
        if only is not None and not only.negated and isinstance(only.item, FilterTerm):
            narrow = PREFILTERS.get(only.item.name)
            if narrow is not None:
                prefilter = narrow(only.item.value, tz, prefilter)
        if all(isinstance(a.item, Term) and not a.negated for a in atoms):
            text_clauses.append([a.item for a in atoms if isinstance(a.item, Term)])
        elif len(atoms) == 1 and atoms[0].negated and isinstance(atoms[0].item, Term):
            excluded.append(atoms[0].item)
        else:
            preds = [_atom_predicate(a, ctx) for a in atoms]
            conditions.append(preds[0] if len(preds) == 1 else "(" + " OR ".join(preds) + ")")
    base_where = " AND ".join(conditions) if conditions else "1 = 1"
    exclude_fts = backend.match_expression([excluded]) if excluded else None
    if exclude_fts is not None:
        param = ctx.bind_name(exclude_fts)
        conditions.append(f"r.id NOT IN ({_records_with_text(backend, param)})")
    fts = backend.match_expression(text_clauses) if text_clauses else None
    where = " AND ".join(conditions) if conditions else "1 = 1"
    return CompiledQuery(
        text=tree.text,
        tree=tree,
        fts=fts,
        where=where,
        params=ctx.params,
        text_clauses=tuple(tuple(c) for c in text_clauses),
        prefilter=prefilter,
        exclude_fts=exclude_fts,
        base_where=base_where,
    )
