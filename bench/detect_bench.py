"""Identifier detection (issue 14): our detector beside Presidio on the labelled corpora, and
the speed of detection over 100k comment-length records beside a bare `re` alternation.

    pip install -e ".[bench]"
    python -m bench.detect_bench                 # both corpora, both detectors, 100k records
    python -m bench.detect_bench --records 20000 --no-presidio

Presidio runs as its AnalyzerEngine with its predefined recognizers and a blank spaCy English
pipeline (no model download: a tokenizer and a component that sets each token's lemma to its
lower-case text, so Presidio's context words such as "ssn" or "account" still raise scores).
Its entity types are mapped to our kinds; it has no notion of a visible part, so it redacts
whole spans and is scored as it is. Results at Presidio's default score threshold (0: every
result) and at 0.5.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from retention_desk.detection import Person, detect_text
from retention_desk.detection.score import Example, Prediction, format_report, load_corpus, score

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "detection" / "corpus"
CORPORA = ("corpus.jsonl", "handwritten.jsonl")

PRESIDIO_KINDS = {
    "US_SSN": "ssn",
    "CREDIT_CARD": "card",
    "US_BANK_NUMBER": "financial_account",
    "US_ITIN": "taxpayer_id",
    "US_DRIVER_LICENSE": "drivers_licence",
    "DATE_TIME": "birth_date",
}

Predictor = Callable[[str], list[Prediction]]


def ours(text: str) -> list[Prediction]:
    return [Prediction(a, b, c.kind) for c in detect_text(text) for a, b in c.redact]


def presidio_predictor(threshold: float) -> Predictor:
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from spacy.language import Language

    if "lower_lemma" not in Language.factories:

        @Language.component("lower_lemma")
        def lower_lemma(doc):  # type: ignore[no-untyped-def]
            for token in doc:
                token.lemma_ = token.lower_
            return doc

    class BlankEngine(SpacyNlpEngine):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])
            nlp = spacy.blank("en")
            nlp.add_pipe("lower_lemma")
            self.nlp = {"en": nlp}

        def load(self) -> None:
            pass

    engine = AnalyzerEngine(nlp_engine=BlankEngine(), supported_languages=["en"])
    entities = list(PRESIDIO_KINDS)

    def predict(text: str) -> list[Prediction]:
        results = engine.analyze(text, language="en", entities=entities, score_threshold=threshold)
        return [Prediction(r.start, r.end, PRESIDIO_KINDS[r.entity_type]) for r in results]

    return predict


def run_corpus(name: str, examples: Sequence[Example], predictor: Predictor) -> tuple[str, float]:
    started = time.perf_counter()
    predictions = {ex.id: predictor(ex.text) for ex in examples}
    elapsed = time.perf_counter() - started
    return format_report(score(examples, predictions), name), elapsed


# ------------------------------------------------------------------ speed

FILLER = [
    "Thank you APD for keeping our neighborhood safe",
    "Gracias por todo lo que hacen, bendiciones",
    "Why does it take three hours for an officer to show up on the west side?",
    "The light at Montgomery and San Mateo has been out for a week",
    "Anyone else hear the helicopter over Nob Hill last night?",
    "Mi vecino tiene perros sueltos y nadie hace nada",
    "Great turnout at the community meeting, see you next month",
    "This is why nobody trusts the city, fix the roads first",
    "Shared with my neighborhood group 👍",
    "Can we get more patrols near the park on weekends? kids play there",
    "ya estuvo con los carros a toda velocidad en la Central",
    "The survey link doesn't work on my phone",
]


def build_records(count: int, seed: int = 14, corpus_share: int = 3) -> list[str]:
    """Comment-length texts: one in `corpus_share` sampled from the corpora, half of those
    with digits perturbed (so checksums mostly fail, as in real text), the rest filler
    sentences with no identifier. `corpus_share=1`: every record from the corpora (the
    worst case: every text has numbers and cues)."""
    rng = random.Random(seed)
    texts = [ex.text for name in CORPORA for ex in load_corpus(CORPUS / name)]
    out: list[str] = []
    for i in range(count):
        if i % corpus_share == 0:
            text = rng.choice(texts)
            if rng.random() < 0.5:
                text = re.sub(r"\d", lambda _m: str(rng.randint(0, 9)), text)
            out.append(f"{rng.choice(FILLER)}. {text}" if rng.random() < 0.3 else text)
        else:
            n = rng.randint(1, 3)
            out.append(" ".join(rng.choice(FILLER) for _ in range(n)))
    return out


BARE_RE = re.compile(
    r"\b\d{3}[-. ]?\d{2}[-. ]?\d{4}\b"  # SSN / ITIN
    r"|\b(?:\d[ -]?){12,18}\d\b"  # cards
    r"|\b\d{2}-\d{7}\b"  # EIN
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"  # numeric dates
    r"|\b[A-Z]?\d{6,17}\b"  # accounts and licences
)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--no-presidio", action="store_true")
    args = parser.parse_args(argv)

    corpora = {name: load_corpus(CORPUS / name) for name in CORPORA}
    predictors: list[tuple[str, Predictor]] = [("retention_desk", ours)]
    if not args.no_presidio:
        predictors += [
            ("presidio (threshold 0)", presidio_predictor(0.0)),
            ("presidio (threshold 0.5)", presidio_predictor(0.5)),
        ]
    for label, predictor in predictors:
        for name, examples in corpora.items():
            table, elapsed = run_corpus(f"{label} on {name}", examples, predictor)
            print(table)
            print(f"({len(examples)} texts in {elapsed:.2f} s)\n")

    for share, label in ((3, "a third from the corpora"), (1, "all from the corpora")):
        records = build_records(args.records, corpus_share=share)
        chars = sum(map(len, records))
        found: list[int] = []
        ours_wall, ours_cpu = timed(
            lambda records=records, found=found: found.append(
                sum(len(detect_text(t)) for t in records)
            )
        )
        bare_wall, bare_cpu = timed(
            lambda records=records: sum(len(BARE_RE.findall(t)) for t in records)
        )
        print(f"speed: {len(records)} records ({label}), {chars / len(records):.0f} chars avg")
        print(f"  detect_text: {ours_wall:.2f} s wall, {ours_cpu:.2f} s CPU, {found[0]} candidates")
        print(f"  bare re alternation: {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU")
        print(f"  ratio detect_text / bare re: {ours_wall / bare_wall:.1f}x (wall)")
        named = [
            Person("José Luis Pérez García", ("@jlperez_87",), "14-2-1.2(A)(1)"),
            Person("Karen Smith", ("ksmith",), "14-2-1.2(A)(1)"),
            Person("Ana Baca", (), "14-2-1.2(A)(2)"),
        ]
        wall, cpu = timed(
            lambda records=records, named=named: [detect_text(t, persons=named) for t in records]
        )
        print(f"  detect_text with 3 named persons: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
