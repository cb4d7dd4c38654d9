"""Turn handwritten.txt (marked-up, hand-written texts) into handwritten.jsonl.

Markup: `[[kind:...]]` marks a labelled identifier, `{...}` inside it the part that may stay
visible. Short kinds: ssn card acct tin dl dob addr. Numbers are checked (SSA ranges, Luhn)
so a typo in a label fails loudly instead of skewing the figures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from stdnum import luhn
from stdnum.us import ssn

HERE = Path(__file__).parent
KINDS = {
    "ssn": "ssn",
    "card": "card",
    "acct": "financial_account",
    "tin": "taxpayer_id",
    "dl": "drivers_licence",
    "dob": "birth_date",
    "addr": "home_address",
}
LAST4 = {"card", "financial_account", "taxpayer_id", "drivers_licence"}
MARK_RE = re.compile(r"\[\[(\w+):(.*?)\]\]")


def parse(line: str) -> tuple[str, list[dict[str, object]]]:
    text = ""
    spans: list[dict[str, object]] = []
    pos = 0
    for m in MARK_RE.finditer(line):
        text += line[pos : m.start()]
        start = len(text)
        visible: list[list[int]] = []
        for piece in re.split(r"(\{.*?\})", m.group(2)):
            if piece.startswith("{"):
                visible.append([len(text), len(text) + len(piece) - 2])
                text += piece[1:-1]
            else:
                text += piece
        kind = KINDS[m.group(1)]
        value = re.sub(r"\D", "", text[start:])
        if kind == "ssn" and not ssn.is_valid(value):
            raise ValueError(f"invalid SSN in {line!r}")
        if kind == "card" and not luhn.is_valid(value):
            raise ValueError(f"card fails Luhn in {line!r}")
        if kind in LAST4:
            alnum = [i for i in range(start, len(text)) if text[i].isalnum()]
            shown = [i for a, b in visible for i in range(a, b) if text[i].isalnum()]
            if shown != alnum[-4:]:
                raise ValueError(f"visible part is not the last four in {line!r}")
        spans.append({"kind": kind, "start": start, "end": len(text), "visible": visible})
        pos = m.end()
    text += line[pos:]
    return text, spans


def main() -> None:
    rows = []
    lines = (HERE / "handwritten.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        text, spans = parse(line)
        rows.append({"id": f"hand-{len(rows):03d}", "text": text, "spans": spans})
    with (HERE / "handwritten.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    negatives = sum(1 for r in rows if not r["spans"])
    print(f"{len(rows)} texts, {negatives} without identifiers")


if __name__ == "__main__":
    main()
