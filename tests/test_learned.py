"""The learned stance head: its training data, training, persistence and decisions.

Sentences here are written for the tests (not from any gold article).
"""

from __future__ import annotations

import numpy as np
import pytest

from models.learned import (
    FEW_EXAMPLES,
    LearnedClassifier,
    TrainingSet,
    gold_examples,
    head_from_bytes,
    head_to_bytes,
    scheme_examples,
    train_head,
)
from models.schemes import SchemeError, load_scheme, parse_scheme

DESCRIPTIONS_ONLY = {
    "name": "peace-or-war",
    "labels": [
        {"name": "peace", "description": "Calls for peace talks, a ceasefire or dialogue."},
        {"name": "war", "description": "Calls for more weapons, escalation or military victory."},
        {"name": "none", "description": "Reports events without taking a side."},
    ],
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # descriptions only: each label learns from its description (and the generic none pool)
        (DESCRIPTIONS_ONLY, {"peace": 1, "war": 1}),
        # a hypothesis with few examples: the scheme's template and the zero-shot frames
        (
            {"name": "s", "labels": [{"name": "pro", "hypothesis": "supports the plan"}]},
            {"pro": 1 + 2},
        ),
        # prototypes and examples count as examples; contrasts teach the abstain label
        (
            {
                "name": "s",
                "labels": [
                    {
                        "name": "pro",
                        "prototypes": ["We back the plan."],
                        "examples": ["The plan deserves support.", "Approve it now."],
                        "contrasts": ["Critics reject the plan."],
                    }
                ],
            },
            {"pro": 3},
        ),
    ],
)
def test_scheme_examples_per_label(data, expected):
    training = scheme_examples(parse_scheme(data))
    counts = training.counts()
    for label, n in expected.items():
        assert counts[label] == n
    assert counts["none"] >= 100  # the shipped topic-free examples of plain reporting


def test_many_examples_need_no_frames():
    examples = [f"We support the plan, reason {i}." for i in range(FEW_EXAMPLES)]
    data = {
        "name": "s",
        "labels": [{"name": "pro", "hypothesis": "backs it", "examples": examples}],
    }
    assert scheme_examples(parse_scheme(data)).counts()["pro"] == FEW_EXAMPLES + 1


def test_generic_none_can_be_switched_off():
    data = {**DESCRIPTIONS_ONLY, "generic_none": False}
    assert scheme_examples(parse_scheme(data)).counts()["none"] == 1


def test_examples_file(tmp_path):
    (tmp_path / "ex.csv").write_text(
        'label,text\npeace,"Both sides must talk."\nnone,"The talks start Monday."\n',
        encoding="utf-8",
    )
    (tmp_path / "s.toml").write_text(
        'name = "s"\nexamples_file = "ex.csv"\n'
        '[[labels]]\nname = "peace"\ndescription = "calls for peace"\n',
        encoding="utf-8",
    )
    s = load_scheme(tmp_path / "s.toml")
    assert s.label("peace").examples == ("Both sides must talk.",)
    assert s.abstain.examples == ("The talks start Monday.",)


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("label,text\nwar,Fight on.\n", "unknown labels ['war']"),
        ("kind,words\npeace,Talk.\n", "`label` and `text` columns"),
    ],
)
def test_bad_examples_file_says_what_to_fix(tmp_path, csv_text, message):
    (tmp_path / "ex.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        'name = "s"\nexamples_file = "ex.csv"\n[[labels]]\nname = "peace"\ndescription = "d"\n',
        encoding="utf-8",
    )
    with pytest.raises(SchemeError, match=message.replace("[", r"\[")):
        load_scheme(tmp_path / "s.toml")


def test_gold_examples_keep_the_schemes_labels(scheme):
    items = [
        {"doc": "a", "kind": "content", "text": "Talk now.", "stance": "china_neutral"},
        {"doc": "a", "kind": "heading", "text": "Title", "stance": "none"},
        {"doc": "a", "kind": "content", "text": "Other.", "stance": "not_a_label"},
    ]
    assert gold_examples(items, scheme) == TrainingSet(("Talk now.",), ("china_neutral",))


def test_training_needs_two_labels(encoder):
    with pytest.raises(ValueError, match="two labels"):
        train_head(TrainingSet(("a", "b"), ("x", "x")), encoder.encode)


@pytest.fixture(scope="module")
def default_head(scheme, encoder):
    return train_head(scheme_examples(scheme), encoder.encode)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Beijing urged every party to lay down arms and return to the negotiating table, "
            "the spokeswoman said.",
            "china_neutral",
        ),
        (
            "It is Washington, with its sanctions and its endless arms shipments, "
            "that is to blame for this disaster, the newspaper wrote.",
            "us_critical",
        ),
        (
            "Moscow says the alliance's march towards its borders left it no choice.",
            "russia_aligned",
        ),
        ("The delegation arrived in Geneva on Tuesday and will stay for three days.", "none"),
        # the opposite of a position is not the position
        ("Allied ministers rejected claims that the alliance provoked the war.", "none"),
    ],
)
def test_clear_cases(scheme, encoder, default_head, text, label):
    (result,) = LearnedClassifier(scheme, encoder.encode, default_head).classify([text])
    assert result.stance == label
    assert abs(sum(result.scores.values()) - 1.0) < 1e-3
    assert result.evidence and result.evidence in text  # a sentence, a quotation or all of it


@pytest.mark.slow
def test_training_is_deterministic_and_round_trips(scheme, encoder, default_head):
    again = train_head(scheme_examples(scheme), encoder.encode)
    assert np.array_equal(again.coef_, default_head.coef_)
    restored = head_from_bytes(head_to_bytes(default_head))
    texts = ["Both sides should talk.", "Trade rose by 3 percent.", ""]
    a = LearnedClassifier(scheme, encoder.encode, default_head).classify(texts)
    b = LearnedClassifier(scheme, encoder.encode, restored).classify(texts)
    assert a == b
    assert b[2].stance == "none" and b[2].abstained  # an empty paragraph abstains


@pytest.mark.slow
def test_a_descriptions_only_scheme_classifies(encoder):
    s = parse_scheme(DESCRIPTIONS_ONLY)
    clf = LearnedClassifier(s, encoder.encode, train_head(scheme_examples(s), encoder.encode))
    results = clf.classify(
        ["Both governments must agree a ceasefire and start peace talks at once.",
         "The ministry published its annual report on Tuesday."]
    )  # fmt: skip
    assert [r.stance for r in results] == ["peace", "none"]


def test_a_copied_default_scheme_keeps_the_shipped_examples(tmp_path):
    from models.schemes import DEFAULT_SCHEME

    copy = tmp_path / "mine.toml"
    text = DEFAULT_SCHEME.read_text("utf-8").replace('name = "us-china-russia"', 'name = "m"', 1)
    copy.write_text(text, "utf-8")
    mine, shipped = load_scheme(copy), load_scheme()
    assert mine.label("us_critical").examples == shipped.label("us_critical").examples
