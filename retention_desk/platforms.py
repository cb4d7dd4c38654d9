"""How platforms are named for people: one table for every page of the GUI and the CLI.

Records store a short platform key (`x`, `facebook`, `web`...); whatever shows one to a person
goes through `platform_label`, so the same platform is spelled the same everywhere.
"""

from __future__ import annotations

PLATFORM_LABELS: dict[str, str] = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "reddit": "Reddit",
    "flickr": "Flickr",
    "wordpress": "WordPress",
    "wiki": "Wiki",
    "web": "Web",
    "csv": "CSV",
}


def platform_label(key: str | None) -> str:
    """The display name of a platform key; an unknown key (a CSV slug) is shown as it is."""
    if not key:
        return "(no platform)"
    return PLATFORM_LABELS.get(key, key)


def account_label(platform: str | None, name: str | None) -> str:
    """An account as people read it: its whole name, then the platform in brackets.

    The name comes first so that two accounts of one platform still differ when a narrow
    column cuts the end off.
    """
    shown = name or "(unnamed account)"
    return f"{shown} ({platform_label(platform)})" if platform else shown
