"""The page list of a WACZ (`pages/pages.jsonl`): which captures are pages, their titles and
the text the crawler extracted.

The first line is a header (`{"format": "json-pages-1.0", ...}`); every other line is a page
with `url` and `ts` (RFC 3339) and optionally `title`, `id`, `text`. Captures are matched to
pages by URL and, where a URL was captured more than once, the nearest time.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from retention_desk.importers.common import ParseError, parse_time

MAX_PAGES_BYTES = 512 * 1024 * 1024


class PageList:
    def __init__(self, entries: list[dict[str, Any]], header: dict[str, Any] | None) -> None:
        self.header = header or {}
        self.entries = entries
        self.by_url: dict[str, list[int]] = {}
        for position, entry in enumerate(entries):
            self.by_url.setdefault(_url_key(str(entry.get("url") or "")), []).append(position)
        self.matched: set[int] = set()
        self._times: dict[int, datetime | None] = {}

    @classmethod
    def parse(cls, data: bytes, *, name: str, warnings: list[str]) -> PageList:
        """Read pages.jsonl; broken lines are reported and skipped, never fatal."""
        entries: list[dict[str, Any]] = []
        header: dict[str, Any] | None = None
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                warnings.append(f"{name}: line {number} is not JSON; skipped")
                continue
            if not isinstance(item, dict):
                warnings.append(f"{name}: line {number} is not a JSON object; skipped")
                continue
            if "format" in item and "url" not in item and header is None:
                header = item
                continue
            if not item.get("url"):
                warnings.append(f"{name}: line {number} has no url; skipped")
                continue
            entries.append(item)
        return cls(entries, header)

    def _time(self, position: int) -> datetime | None:
        if position not in self._times:
            try:
                self._times[position] = parse_time(self.entries[position].get("ts"))
            except ParseError:
                self._times[position] = None
        return self._times[position]

    def match(self, url: str | None, when: datetime | None) -> dict[str, Any] | None:
        """The page entry for a capture of `url` at `when` (nearest in time), or None."""
        candidates = self.by_url.get(_url_key(url or ""))
        if not candidates:
            return None
        best = candidates[0]
        if len(candidates) > 1 and when is not None:

            def distance(position: int) -> float:
                t = self._time(position)
                return abs((t - when).total_seconds()) if t is not None else float("inf")

            best = min(candidates, key=distance)
        self.matched.add(best)
        return self.entries[best]

    def unmatched(self) -> list[dict[str, Any]]:
        return [e for i, e in enumerate(self.entries) if i not in self.matched]


def _url_key(url: str) -> str:
    # pages.jsonl and WARC-Target-URI usually agree exactly; tolerate a trailing slash
    return url.strip().rstrip("/")
