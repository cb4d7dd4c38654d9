"""Errors of the request desk: one sentence for the user, naming the request and the reason."""

from __future__ import annotations


class IpraError(ValueError):
    """A request-desk operation that cannot be done as asked (the message says why)."""
