"""Errors the search package raises to its callers."""

from __future__ import annotations


class QueryError(ValueError):
    """The query cannot be run as typed; the message says why, in one sentence or two.

    Raised only for an unknown filter name, a filter value the filter cannot read (a bad date,
    an unknown kind) or an over-long query. Free text never raises it.
    """


class RecordNotFound(LookupError):
    """No record with that id is in the archive."""
