"""The scorer's own definitions: recall of fully hidden identifiers, precision of redacted
characters (separators inside a span count as correct), visible parts kept."""

from __future__ import annotations

from retention_desk.detection.score import Example, Prediction, Span, example_from_json, score

CARD = "card 4111 1111 1111 1111 ok"  # span 5..24, visible 20..24


def _card() -> Example:
    return Example("c", CARD, (Span("card", 5, 24, ((20, 24),)),))


def test_exact_redaction_scores_perfectly() -> None:
    report = score([_card()], {"c": [Prediction(5, 20, "card")]})
    ks = report.kinds["card"]
    assert (ks.recall, ks.precision, ks.visible_rate) == (1.0, 1.0, 1.0)
    assert report.overall.predicted_chars == 12  # digits only: the spaces are not counted


def test_separator_not_required_for_recall() -> None:
    # the box stops before the space in front of the visible "1111": still fully hidden
    report = score([_card()], {"c": [(5, 19)]})
    assert report.overall.recall == 1.0


def test_missing_one_digit_is_a_miss() -> None:
    report = score([_card()], {"c": [(6, 20)]})
    assert report.overall.recall == 0.0
    assert report.overall.missed == ["c"]


def test_redacting_the_visible_part_costs_precision_and_visible_kept() -> None:
    report = score([_card()], {"c": [(5, 24)]})
    ks = report.overall
    assert ks.recall == 1.0
    assert ks.predicted_chars == 16 and ks.correct_chars == 12
    assert ks.visible_rate == 0.0


def test_chars_outside_spans_are_wrong_and_negative_text_is_a_false_alarm() -> None:
    neg = Example("n", "call 505-555-0142", ())
    report = score([_card(), neg], {"c": [(0, 20)], "n": [(5, 17)]})
    assert report.overall.correct_chars == 12
    assert report.overall.predicted_chars == 4 + 12 + 12  # "card", 12 digits, the phone
    assert report.false_alarm_texts == 1 and report.false_alarm_ids == ["n"]
    assert report.negative_texts == 1


def test_overlapping_predictions_count_once_overall() -> None:
    report = score([_card()], {"c": [Prediction(5, 20, "card"), Prediction(5, 20, "ssn")]})
    assert report.overall.predicted_chars == 12
    assert report.kinds["ssn"].predicted_chars == 12  # per predicted kind, each counts


def test_missing_id_predicts_nothing_and_json_round_trip() -> None:
    ex = example_from_json(
        {
            "id": "d",
            "text": "DOB 3/14/1987",
            "spans": [{"kind": "birth_date", "start": 4, "end": 13, "visible": [[9, 13]]}],
        }
    )
    report = score([ex], {})
    assert report.kinds["birth_date"].recall == 0.0
    assert report.kinds["birth_date"].visible_rate == 1.0
