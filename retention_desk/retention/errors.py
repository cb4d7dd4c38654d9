"""The one error the retention API raises: a sentence for the user."""

from __future__ import annotations


class RetentionError(ValueError):
    """Unknown series, empty release reason, duplicate hold name, a rule's query that cannot
    be read (the query is named), a schedule file refused (file, line and reason)."""
