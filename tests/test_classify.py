"""The zero-shot classifiers with real models: MiniLM (default) and a tiny random NLI model."""

from __future__ import annotations

import pytest

from models.classify import EmbeddingClassifier, NLIClassifier, parse_model_spec
from models.schemes import parse_scheme


@pytest.fixture(scope="module")
def embedding(scheme, encoder):
    return EmbeddingClassifier(scheme, encoder.encode)


# New sentences written for the tests (not from the seed articles).
@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Beijing called on all parties to cease fire and return to negotiations, "
            "and sent humanitarian supplies.",
            "china_neutral",
        ),
        (
            "It is Washington, with its sanctions and its endless arms shipments, "
            "that is to blame for this disaster.",
            "us_critical",
        ),
        (
            "Moscow says the expansion of the North Atlantic alliance towards its borders "
            "left it no choice.",
            "russia_aligned",
        ),
        ("The delegation arrived in Geneva on Tuesday and will stay for three days.", "none"),
        ("The central bank left interest rates unchanged.", "none"),
    ],
)
def test_clear_cases(embedding, text, label):
    (result,) = embedding.classify([text])
    assert result.stance == label
    assert result.abstained == (label == "none")


def test_result_shape_and_evidence(embedding, scheme):
    text = (
        "The talks lasted two hours. Beijing urged both sides to negotiate a ceasefire "
        "and respect each other's sovereignty."
    )
    (r,) = embedding.classify([text])
    assert set(r.scores) == set(scheme.label_names)
    assert all(0.0 <= v <= 1.0 for v in r.scores.values())
    assert r.stance == "china_neutral" and r.stances[0] == "china_neutral"
    assert r.evidence in text and "ceasefire" in r.evidence
    assert 0.0 < r.evidence_score <= 1.0
    assert r.stance_score == r.scores["china_neutral"]


@pytest.mark.parametrize("texts", [[""], ["   "], ["", "The bank left rates unchanged."]])
def test_empty_paragraphs_abstain(embedding, texts):
    results = embedding.classify(texts)
    assert len(results) == len(texts)
    assert results[0].stance == "none" and results[0].abstained


def test_user_scheme_other_labels(encoder):
    s = parse_scheme(
        {
            "name": "energy",
            "labels": [
                {"name": "pro_nuclear", "prototypes": ["Nuclear power is clean and safe."]},
                {
                    "name": "anti_nuclear",
                    "prototypes": ["Nuclear plants are dangerous.", "A meltdown is too risky."],
                },
                {"name": "none", "prototypes": ["The meeting was held on Monday."]},
            ],
            "thresholds": {"abstain": 0.5},
        }
    )
    clf = EmbeddingClassifier(s, encoder.encode)
    a, b = clf.classify(
        [
            "Reactors are a safe, clean source of electricity.",
            "The risk of a reactor accident is far too high.",
        ]
    )
    assert (a.stance, b.stance) == ("pro_nuclear", "anti_nuclear")
    assert set(a.scores) == {"pro_nuclear", "anti_nuclear", "none"}


@pytest.mark.parametrize(
    ("spec", "backend", "name"),
    [
        (None, "embedding", "minilm"),
        ("minilm", "embedding", "minilm"),
        ("minilm-fp32", "embedding", "minilm-fp32"),
        ("nli:facebook/bart-large-mnli", "nli", "nli:facebook/bart-large-mnli"),
    ],
)
def test_parse_model_spec(spec, backend, name):
    s = parse_model_spec(spec)
    assert (s.backend, s.name) == (backend, name)


def test_nli_folder_is_detected(tiny_nli):
    assert parse_model_spec(str(tiny_nli)).backend == "nli"


@pytest.mark.parametrize("multi", [True, False])
def test_nli_pipeline_wiring(tiny_nli, scheme, multi):
    from dataclasses import replace

    clf = NLIClassifier(replace(scheme, multi_label=multi), str(tiny_nli))
    texts = ["China calls for peace talks.", "The US is to blame.", "Rates were unchanged."]
    results = clf.classify(texts)
    assert len(results) == 3
    for r in results:
        assert set(r.scores) == set(scheme.label_names)
        assert r.stance in scheme.label_names
        assert r.abstained == (r.stance == "none")
        assert all(0.0 <= v <= 1.0 for v in r.scores.values())
    if not multi:  # single-label: a softmax over the hypotheses
        stance_sum = sum(v for k, v in results[0].scores.items() if k != "none")
        assert stance_sum == pytest.approx(1.0, abs=1e-3)


def test_nli_missing_model_is_a_clear_error(scheme, tmp_path):
    from models.encoder import ModelLoadError

    with pytest.raises(ModelLoadError, match="cannot load NLI model"):
        NLIClassifier(scheme, str(tmp_path / "no-such-model"))
