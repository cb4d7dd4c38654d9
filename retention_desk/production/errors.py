"""Errors of the production plan: one sentence for the user, naming the request and why."""

from __future__ import annotations


class ProductionError(ValueError):
    """A production plan that cannot be built (a stale redaction, a range that no longer
    fits its text): the message names the request and how many."""
