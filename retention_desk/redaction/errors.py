"""The one error the redaction API raises: a sentence for the user."""

from __future__ import annotations


class RedactionError(ValueError):
    """An unknown code (the message lists close ones), a range outside the text, empty or
    splitting a character sequence, an unknown record, version, medium, request or redaction,
    a catalogue file that cannot be used (file, line and reason)."""
