"""`retention-desk calendar`: the business-day calendar of the IPRA clocks (being built)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    sub.add_parser("calendar", help="the business-day calendar the IPRA clocks count on")
