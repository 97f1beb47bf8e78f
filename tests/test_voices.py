"""A label the speaker's side does not voice is dropped (models.voices), in the scheme and end
to end."""

from __future__ import annotations

import pytest

from models.records import StanceResult
from models.schemes import SchemeError, parse_scheme
from models.voices import in_voice

SCHEME = parse_scheme(
    {
        "name": "s",
        "labels": [
            {"name": "pro", "prototypes": ["I support it."], "not_voiced_by": ["Them", "Others"]},
            {"name": "anti", "prototypes": ["I oppose it."], "not_voiced_by": ["Us"]},
            {"name": "meh", "prototypes": ["Whatever."]},
        ],
    }
)
SCORES = {"pro": 0.8, "anti": 0.7, "meh": 0.3, "none": 0.2}


def _result(stance: str, stances: tuple[str, ...]) -> StanceResult:
    score = SCORES[stance]
    return StanceResult(stance, score, SCORES, stance == "none", stances, "It.", score)


@pytest.mark.parametrize(
    ("stance", "stances", "side", "want", "want_stances", "want_score"),
    [
        ("pro", ("pro", "anti"), "Them", "anti", ("anti",), 0.7),  # the next label over threshold
        ("pro", ("pro",), "Others", "none", (), 0.3),  # nothing left: abstain (1 - best voiced)
        ("pro", ("pro", "anti"), "Us", "pro", ("pro",), 0.8),  # only the second label is barred
        ("pro", ("pro",), "Us", "pro", ("pro",), 0.8),  # another side: unchanged
        ("pro", ("pro",), "", "pro", ("pro",), 0.8),  # narration (no side): unchanged
        ("pro", ("pro",), "them", "pro", ("pro",), 0.8),  # sides match exactly, as in the table
        ("none", (), "Them", "none", (), 0.2),  # an abstention stays one
        ("meh", ("meh",), "Them", "meh", ("meh",), 0.3),  # a label with no barred sides
    ],
)  # fmt: skip
def test_in_voice(stance, stances, side, want, want_stances, want_score):
    out = in_voice(_result(stance, stances), side, SCHEME)
    assert (out.stance, out.stances, out.stance_score) == (want, want_stances, want_score)
    assert out.abstained == (want == "none")
    assert {k: v for k, v in out.scores.items() if k != "none"} == {
        k: v for k, v in SCORES.items() if k != "none"
    }  # the classifier's label scores are kept
    assert out.evidence == "It."


def test_not_voiced_by_must_be_a_list_of_strings_and_moves_the_fingerprint():
    base = {"name": "s", "labels": [{"name": "pro", "prototypes": ["Yes."]}]}
    with pytest.raises(SchemeError, match=r"pro\.not_voiced_by must be a list of strings"):
        parse_scheme({**base, "labels": [{**base["labels"][0], "not_voiced_by": "Them"}]})
    plain = parse_scheme(base)
    barred = parse_scheme({**base, "labels": [{**base["labels"][0], "not_voiced_by": ["Them"]}]})
    assert barred.labels[0].not_voiced_by == ("Them",)
    assert plain.fingerprint != barred.fingerprint


def test_no_us_affiliated_speaker_carries_a_barred_label_in_the_seed_table(seed_table, scheme):
    barred = {lb.name for lb in scheme.labels if "United States" in lb.not_voiced_by}
    assert barred  # the default scheme bars them
    us = seed_table[seed_table["affiliation"] == "United States"]
    assert len(us) > 5
    assert not set(us["stance"]) & barred
    assert not {s for v in us["stances"] for s in v.split(";") if s} & barred
    over = [(us[f"score_{n}"] >= scheme.threshold(n)).sum() for n in barred]
    assert sum(over) > 0  # the classifier scored some over threshold: the rule kept them out
