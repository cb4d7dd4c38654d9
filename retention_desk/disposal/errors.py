"""The one error type of the disposal package."""

from __future__ import annotations


class DisposalError(ValueError):
    """A sentence for the user. `item` names the missing or wrong input (`by`, `title`,
    `reference`, `date`, `notice_sent`, `attachment`, `as_of`, `report`) so a front end can
    point at its own field or option; None when no single input is at fault. `missing` is
    True when that input was not given at all (rather than given wrong)."""

    def __init__(self, message: str, item: str | None = None, *, missing: bool = False) -> None:
        super().__init__(message)
        self.item = item
        self.missing = missing
