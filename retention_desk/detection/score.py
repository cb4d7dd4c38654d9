"""Scoring a detector against a labelled corpus (JSONL, one text per line).

A label is a span `{"kind", "start", "end", "visible": [[s, e], ...]}`: the identifier as
written and the parts of it the law lets stay visible. A prediction is a range that would be
blacked out (with the kind that found it, if the detector says). Definitions:

- **recall** (per label kind): share of labelled identifiers fully hidden, i.e. every letter
  and digit of the span outside its visible parts lies inside some predicted range (of any
  kind). Separators (spaces, dashes) are not required: they carry nothing.
- **precision** (per predicted kind, and overall over the union of all predictions): share of
  predicted non-whitespace characters that are correct. A character is correct when it lies
  in a labelled span and is either outside that span's visible parts or a separator (the box
  over "4111 1111 1111 " covers the space before the visible "1111").
- **visible kept** (per label kind): share of labelled visible parts (last four digits,
  birth year, city/state/zip) none of whose letters or digits is predicted.
- **false-alarm texts**: texts with no label where something was predicted.

Pure functions over data, so the tests, the bench and any `--jsonl` output can be scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

UNKNOWN = "?"  # predictions whose detector does not say the kind


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    visible: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Prediction:
    start: int
    end: int
    kind: str = UNKNOWN


@dataclass
class KindScore:
    kind: str
    identifiers: int = 0
    hidden: int = 0
    predicted_chars: int = 0
    correct_chars: int = 0
    visible_parts: int = 0
    visible_kept: int = 0
    missed: list[str] = field(default_factory=list)  # example ids, for reading failures

    @property
    def recall(self) -> float:
        return self.hidden / self.identifiers if self.identifiers else 1.0

    @property
    def precision(self) -> float:
        return self.correct_chars / self.predicted_chars if self.predicted_chars else 1.0

    @property
    def visible_rate(self) -> float:
        return self.visible_kept / self.visible_parts if self.visible_parts else 1.0


@dataclass
class Report:
    kinds: dict[str, KindScore]
    overall: KindScore
    texts: int
    negative_texts: int
    false_alarm_texts: int
    false_alarm_ids: list[str] = field(default_factory=list)


def example_from_json(data: Mapping[str, object]) -> Example:
    spans = tuple(
        Span(
            str(s["kind"]),
            int(s["start"]),
            int(s["end"]),
            tuple((int(a), int(b)) for a, b in s.get("visible", ())),
        )
        for s in data.get("spans", ())  # type: ignore[union-attr]
    )
    return Example(str(data["id"]), str(data["text"]), spans)


def load_corpus(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as fh:
        return [example_from_json(json.loads(line)) for line in fh if line.strip()]


def _covered(ranges: Iterable[tuple[int, int]], size: int) -> bytearray:
    mask = bytearray(size)
    for start, end in ranges:
        for i in range(max(0, start), min(size, end)):
            mask[i] = 1
    return mask


def _as_prediction(p: Prediction | tuple[int, int] | Sequence[int]) -> Prediction:
    if isinstance(p, Prediction):
        return p
    return Prediction(int(p[0]), int(p[1]))


def score(
    examples: Sequence[Example],
    predictions: Mapping[str, Sequence[Prediction | tuple[int, int]]],
) -> Report:
    """Score predictions (by example id; a missing id predicts nothing)."""
    kinds: dict[str, KindScore] = {}
    overall = KindScore("overall")
    negatives = alarms = 0
    alarm_ids: list[str] = []

    def bucket(kind: str) -> KindScore:
        return kinds.setdefault(kind, KindScore(kind))

    for ex in examples:
        text, size = ex.text, len(ex.text)
        preds = [_as_prediction(p) for p in predictions.get(ex.id, ())]
        redacted = _covered(((p.start, p.end) for p in preds), size)
        # correct[i]: a character a redaction may cover
        correct = bytearray(size)
        for span in ex.spans:
            visible = _covered(span.visible, size)
            for i in range(max(0, span.start), min(size, span.end)):
                if not visible[i] or not text[i].isalnum():
                    correct[i] = 1
        for span in ex.spans:
            visible = _covered(span.visible, size)
            needed = [
                i
                for i in range(max(0, span.start), min(size, span.end))
                if text[i].isalnum() and not visible[i]
            ]
            hidden = all(redacted[i] for i in needed)
            for ks in (bucket(span.kind), overall):
                ks.identifiers += 1
                ks.hidden += hidden
                if not hidden:
                    ks.missed.append(ex.id)
            for vs, ve in span.visible:
                kept = not any(redacted[i] for i in range(vs, min(ve, size)) if text[i].isalnum())
                for ks in (bucket(span.kind), overall):
                    ks.visible_parts += 1
                    ks.visible_kept += kept
        for pred in preds:
            ks = bucket(pred.kind)
            for i in range(max(0, pred.start), min(size, pred.end)):
                if not text[i].isspace():
                    ks.predicted_chars += 1
                    ks.correct_chars += correct[i]
        chars = [i for i in range(size) if redacted[i] and not text[i].isspace()]
        overall.predicted_chars += len(chars)
        overall.correct_chars += sum(correct[i] for i in chars)
        if not ex.spans:
            negatives += 1
            if chars:
                alarms += 1
                alarm_ids.append(ex.id)
    return Report(kinds, overall, len(examples), negatives, alarms, alarm_ids)


def format_report(report: Report, title: str) -> str:
    """A fixed-width table: one row per kind, then overall."""
    lines = [
        title,
        f"{'kind':<18} {'ids':>5} {'recall':>8} {'pred ch':>8} {'precision':>9} "
        f"{'visible':>7} {'kept':>7}",
    ]
    for ks in [*sorted(report.kinds.values(), key=lambda k: k.kind), report.overall]:
        # a rate over nothing is shown as "-", not as a perfect score
        recall = f"{ks.recall:.2%}" if ks.identifiers else "-"
        precision = f"{ks.precision:.2%}" if ks.predicted_chars else "-"
        kept = f"{ks.visible_rate:.2%}" if ks.visible_parts else "-"
        lines.append(
            f"{ks.kind:<18} {ks.identifiers:>5} {recall:>8} {ks.predicted_chars:>8} "
            f"{precision:>9} {ks.visible_parts:>7} {kept:>7}"
        )
    lines.append(
        f"texts {report.texts}, without identifiers {report.negative_texts}, "
        f"false-alarm texts {report.false_alarm_texts}"
    )
    return "\n".join(lines)
