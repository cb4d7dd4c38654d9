"""The detector against the labelled corpora: the issue's targets, asserted (behaviour, not
timing). The generated corpus must be what its committed, seeded generator makes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from retention_desk.detection import detect_text
from retention_desk.detection.score import Prediction, Report, load_corpus, score

CORPUS = Path(__file__).parent / "corpus"


def _score(name: str) -> Report:
    examples = load_corpus(CORPUS / name)
    predictions = {
        ex.id: [Prediction(s, e, c.kind) for c in detect_text(ex.text) for s, e in c.redact]
        for ex in examples
    }
    return score(examples, predictions)


@pytest.mark.parametrize("name", ["corpus.jsonl", "handwritten.jsonl"])
def test_targets_met(name: str) -> None:
    report = _score(name)
    overall = report.overall
    assert overall.recall >= 0.995, overall.missed
    assert overall.precision >= 0.95
    assert overall.visible_rate >= 0.95
    for kind in (
        "ssn",
        "card",
        "financial_account",
        "taxpayer_id",
        "drivers_licence",
        "birth_date",
        "home_address",
    ):
        assert report.kinds[kind].identifiers > 0, kind  # every kind is measured
    assert report.false_alarm_texts <= 0.01 * report.negative_texts, report.false_alarm_ids


def test_corpus_sizes_and_negatives() -> None:
    generated = load_corpus(CORPUS / "corpus.jsonl")
    hand = load_corpus(CORPUS / "handwritten.jsonl")
    assert len(generated) >= 1000 and len(hand) >= 150
    for examples in (generated, hand):
        assert sum(1 for ex in examples if not ex.spans) >= 0.4 * len(examples)
        for ex in examples:
            for span in ex.spans:
                assert 0 <= span.start < span.end <= len(ex.text)
                assert all(span.start <= a < b <= span.end for a, b in span.visible)
    assert any("seguro" in ex.text.lower() for ex in hand)  # Spanish is there


def _load(module: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module, CORPUS / f"{module}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_corpus_is_reproducible(tmp_path: Path) -> None:
    mod = _load("make_corpus")
    mod.OUT = tmp_path / "corpus.jsonl"
    mod.main()
    assert mod.OUT.read_text(encoding="utf-8") == (CORPUS / "corpus.jsonl").read_text(
        encoding="utf-8"
    )


def test_handwritten_jsonl_matches_its_source() -> None:
    mod = _load("make_handwritten")
    lines = (CORPUS / "handwritten.txt").read_text(encoding="utf-8").splitlines()
    texts = [mod.parse(line)[0] for line in lines if line.strip() and not line.startswith("#")]
    with (CORPUS / "handwritten.jsonl").open(encoding="utf-8") as fh:
        assert [json.loads(line)["text"] for line in fh] == texts
