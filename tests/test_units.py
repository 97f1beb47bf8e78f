"""The units a paragraph is scored by: its sentences and its quotations (real MiniLM)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from models.classify import EmbeddingClassifier
from models.prototypes import paragraph_units, with_paragraph_means
from models.text import MAX_UNIT_CHARS


@pytest.fixture(scope="module")
def embedding(scheme, encoder):
    return EmbeddingClassifier(scheme, encoder.encode)


def _without_quote_units(scheme):
    params = {**scheme.thresholds.params, "quote_units": 0.0}
    return replace(scheme, thresholds=replace(scheme.thresholds, params=params))


# New text written for the tests (not from the seed articles).
@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ('The envoy said the sanctions "will only prolong the suffering". Talks resume.',
         ["will only prolong the suffering"]),
        ("She called them “a fig leaf for escalation,” and left.", ["a fig leaf for escalation"]),
        ('He warned of "costs" for any help.', []),  # one word: a term, not something said
        ('"We want peace."', []),  # the quotation is the whole sentence already
        ('"Stop now," he said, "and talk." "Stop now," she echoed.', ["Stop now", "and talk."]),
        ("No quotation marks at all here.", []),
        ('He said "stop now" and she said "Stop now!"', ["stop now"]),  # once each
    ],
)  # fmt: skip
def test_quotations_of_two_words_or_more_become_units(text, quotes):
    units, owner, quoted = paragraph_units([text])
    assert [u for u, q in zip(units, quoted, strict=True) if q] == quotes
    assert all(u in text for u in units) and owner.tolist() == [0] * len(units)
    assert quoted.tolist() == sorted(quoted.tolist())  # sentences first, then quotations


def test_a_long_quotation_is_cut_like_a_long_sentence():
    text = 'The envoy said: "' + "we want talks, " * 80 + 'now." Then he left.'
    units, _, quoted = paragraph_units([text])
    said = [u for u, q in zip(units, quoted, strict=True) if q]
    assert said and all(0 < len(u) <= MAX_UNIT_CHARS for u in units)  # a piece the sentence
    # pieces do not already hold is a unit of its own
    assert all(u in text for u in said)


def test_paragraph_mean_leaves_quotation_units_out():
    vecs = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    owner = np.array([0, 0, 0])
    quoted = np.array([False, False, True])
    out, own, units, q = with_paragraph_means(vecs, owner, ["a.", "b.", "c"], ["a. b. c"], quoted)
    np.testing.assert_allclose(out[-1], np.array([1.0, 1.0]) / np.sqrt(2))
    assert own.tolist() == [0, 0, 0, 0] and units[-1] == "a. b. c"
    assert q.tolist() == [False, False, True, False]


PARAGRAPHS = [
    'Asked about the talks, the spokesman said Washington was "pouring fuel on the fire '
    'with its arms shipments" and must change course.',
    'The minister, who arrived on Monday, described the policy as "containment of a rising '
    'power," adding that talks would go on.',
    "The delegation arrived in Geneva on Tuesday and will stay for three days.",
]


def test_quotation_units_only_add_evidence(embedding):
    """Scored with its quotations a paragraph can only gain: a label's score is its best unit."""
    units = embedding.units(PARAGRAPHS)
    assert units.quoted.sum() == 2
    with_quotes = embedding.decide(units, len(PARAGRAPHS))
    without = embedding.decide(units, len(PARAGRAPHS), _without_quote_units(embedding.scheme))
    quotes = {u for u, q in zip(units.texts, units.quoted, strict=True) if q}
    for a, b, text in zip(with_quotes, without, PARAGRAPHS, strict=True):
        for label in embedding.scheme.label_names[:-1]:
            assert a.scores[label] >= b.scores[label]
        assert b.evidence not in quotes
        assert a.evidence in text
    assert with_quotes[2] == without[2]  # no quotation, nothing changes


def test_subset_keeps_the_quotation_mask(embedding):
    units = embedding.units(PARAGRAPHS)
    sub = units.subset([1])
    assert sub.quoted.tolist() == [False, True]
    assert sub.texts[1] == "containment of a rising power"


def test_quote_units_off_encodes_no_quotations(embedding, encoder):
    off = EmbeddingClassifier(_without_quote_units(embedding.scheme), encoder.encode)
    assert not off.units(PARAGRAPHS).quoted.any()
    assert off.units(PARAGRAPHS, quotes=True).quoted.sum() == 2  # calibrate tries both
    assert off.classify(PARAGRAPHS) == embedding.decide(
        embedding.units(PARAGRAPHS), len(PARAGRAPHS), off.scheme
    )  # leaving them out of the encoding or of the scoring: the same results
