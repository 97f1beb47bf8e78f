"""The zero-shot classifiers with real models: MiniLM (default) and a tiny random NLI model."""

from __future__ import annotations

import numpy as np
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
        ("minilm-batched", "embedding", "minilm"),  # the former name of the batched int8
        ("mpnet", "embedding", "mpnet"),  # packaged: pip install 'stancemap[mpnet]'
        ("mpnet-fp32", "embedding", "mpnet-fp32"),
        ("/models/my-encoder/", "embedding", "my-encoder"),
        ("nli:facebook/bart-large-mnli", "nli", "nli:facebook/bart-large-mnli"),
    ],
)
def test_parse_model_spec(spec, backend, name):
    s = parse_model_spec(spec)
    assert (s.backend, s.name) == (backend, name)


def test_cache_names_keep_models_apart(tmp_path):
    specs = ["minilm", "minilm-fp32", "mpnet", "mpnet-fp32", "./mpnet", str(tmp_path / "mpnet")]
    names = [parse_model_spec(s).cache_name for s in specs]
    assert len(set(names)) == len(names)  # a folder named like a packaged model is not it
    assert parse_model_spec("mpnet-fp32-int8").target == "mpnet-fp32-int8"  # a folder, not mpnet


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


# --------------------------------------------------------------------------- targets, contrasts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The US is to blame.", {"us"}),
        ("U.S. officials met.", {"us"}),
        ("Officials in Washington were worried.", {"us"}),
        ("america tries to draw China away", {"us", "china"}),
        ("Leaders must work together to get us out of this.", set()),  # "us" is not the US
        ("USAID sent food.", set()),  # a longer word is not a name
        ("NATO's growth alarmed Moscow.", {"nato", "russia"}),
        ("The Western media reported it.", {"west"}),
        ("The bank left rates unchanged.", set()),
    ],
)
def test_target_mentions_from_scheme_names(scheme, text, expected):
    from models.targets import load_targets

    assert load_targets(scheme).mentions(text) == expected


def test_targets_come_from_the_scheme_data():
    from models.schemes import SchemeError
    from models.targets import load_targets

    label = {"name": "eu_critical", "prototypes": ["x"], "targets": ["eu"]}
    s = parse_scheme({"name": "eu", "targets": {"eu": ["EU", "Brussels"]}, "labels": [label]})
    t = load_targets(s)
    assert t.by_label == {"eu_critical": frozenset({"eu"})}
    assert t.mentions("Brussels said") == {"eu"} and t.mentions("eu rules") == set()
    assert not load_targets(parse_scheme({"name": "eu", "labels": [{**label, "targets": []}]}))
    with pytest.raises(SchemeError, match="unknown targets"):
        parse_scheme({"name": "eu", "labels": [label]})


def test_changed_target_names_change_the_fingerprint():
    base = {
        "name": "eu",
        "targets": {"eu": ["EU"]},
        "labels": [{"name": "eu_critical", "prototypes": ["x"], "targets": ["eu"]}],
    }
    renamed = {**base, "targets": {"eu": ["EU", "Brussels"]}}
    assert parse_scheme(base).fingerprint != parse_scheme(renamed).fingerprint


@pytest.mark.parametrize(
    ("mentions", "miss_sentence", "miss_paragraph", "expected"),
    [
        ([{"us"}, set()], 1.0, 0.0, [[0.8, 0.2], [0.6, 0.4]]),  # the paragraph names the US
        ([{"us"}, set()], 0.5, 0.0, [[0.8, 0.2], [0.3, 0.4]]),  # sentence without it: halved
        ([set(), set()], 1.0, 0.0, [[0.0, 0.2], [0.0, 0.4]]),  # never named: no us_critical
        ([set(), set()], 1.0, 0.5, [[0.4, 0.2], [0.3, 0.4]]),
    ],
)
def test_target_gate(mentions, miss_sentence, miss_paragraph, expected):

    from models.targets import Targets, target_gate

    t = Targets.build({"us": ["US"]}, {"us_critical": ["us"]})
    probs = np.array([[0.8, 0.2], [0.6, 0.4]])
    out = target_gate(
        probs,
        np.array([0, 0]),
        [frozenset(m) for m in mentions],
        ("us_critical", "none"),
        t,
        miss_sentence=miss_sentence,
        miss_paragraph=miss_paragraph,
    )
    assert out == pytest.approx(np.array(expected))
    assert probs.tolist() == [[0.8, 0.2], [0.6, 0.4]]  # pure


@pytest.mark.parametrize(
    ("params", "expected_a", "expected_none"),
    [
        ({"top_k": 1}, 0.9, 0.6),  # the best prototype; the contrast votes for `none`
        ({"top_k": 2}, 0.7, 0.4),  # the mean of the two best
        ({"top_k": 1, "own_contrasts": 1}, 0.9, 0.2),  # contrast 0.6 < 0.9: no effect on `a`
        ({"top_k": 2, "own_contrasts": 1}, 0.7, 0.2),
    ],
)
def test_label_similarity_top_k(params, expected_a, expected_none):

    from models.prototypes import label_similarity

    s = parse_scheme(
        {
            "name": "t",
            "labels": [
                {"name": "a", "prototypes": ["p1", "p2", "p3"], "contrasts": ["c1"]},
                {"name": "none", "prototypes": ["n1"]},
            ],
            "thresholds": params,
        }
    )
    owners = np.array(["a", "a", "a", "a", "none"])
    contrast = np.array([False, False, False, True, False])
    raw = np.array([[0.9, 0.5, 0.1, 0.6, 0.2]])
    sims = label_similarity(raw, owners, contrast, s)
    assert sims[0].tolist() == pytest.approx([expected_a, expected_none])


def test_own_contrast_pulls_its_label_down():

    from models.prototypes import label_similarity

    s = parse_scheme(
        {
            "name": "t",
            "labels": [
                {"name": "a", "prototypes": ["p"], "contrasts": ["c"]},
                {"name": "none", "prototypes": ["n"]},
            ],
            "thresholds": {"own_contrasts": 1},
        }
    )
    sims = label_similarity(
        np.array([[0.6, 0.8, 0.1]]), np.array(["a", "a", "none"]), np.array([0, 1, 0], bool), s
    )
    assert sims[0, 0] == pytest.approx(0.4)  # 0.6 - (0.8 - 0.6)


# New sentences written for the tests (not from the seed articles).
@pytest.mark.parametrize(
    ("text", "not_label"),
    [
        ("The big powers must work together to get us out of this mess.", "us_critical"),
        ("Washington officials criticised Beijing's supposed neutrality.", "china_neutral"),
        ("The ministry said it stands for peace and dialogue between all sides.", "us_critical"),
    ],
)
def test_target_and_contrast_cases(embedding, text, not_label):
    (result,) = embedding.classify([text])
    assert not_label not in result.stances and result.stance != not_label


def test_negated_support_reads_neutral(embedding):
    (r,) = embedding.classify(
        ["Beijing is a careful actor. It does not back the fighting and will not arm either side."]
    )
    assert r.stance == "china_neutral"


def test_units_subset_renumbers(embedding):
    units = embedding.units(["One sentence here. And another one.", "The US is to blame."])
    sub = units.subset([1])
    assert sub.owner.tolist() == [0] and sub.texts == ["The US is to blame."]
    assert sub.mentions == [frozenset({"us"})]
