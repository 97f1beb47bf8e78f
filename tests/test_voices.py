"""A label the speaker's side does not voice is dropped (models.voices), in the scheme and end
to end."""

from __future__ import annotations

import pytest

from models.records import StanceResult
from models.schemes import SchemeError, parse_scheme
from models.voices import in_voice, unvoiced

LABELS = [
    {"name": "pro", "prototypes": ["I support it."], "not_voiced_by": ["China", "Russia"]},
    {"name": "anti", "prototypes": ["I oppose it."], "not_voiced_by": ["United States"]},
    {"name": "meh", "prototypes": ["Whatever."], "threshold": 0.2},
]
SCHEME = parse_scheme({"name": "s", "labels": LABELS, "thresholds": {"abstain": 0.5}})
SINGLE = parse_scheme({"name": "s", "labels": LABELS, "multi_label": False})
SCORES = {"pro": 0.8, "anti": 0.7, "meh": 0.3, "none": 0.2}


def _result(stance: str, stances: tuple[str, ...], scores=SCORES) -> StanceResult:
    score = scores[stance]
    return StanceResult(stance, score, scores, stance == "none", stances, "It.", score)


@pytest.mark.parametrize(
    ("scheme", "stance", "stances", "side", "want", "want_stances", "want_score"),
    [
        # a barred top label gives way to the voiced label furthest over its own threshold:
        # meh (0.3 / 0.2) before anti (0.7 / 0.5), whatever the order of `stances`
        (SCHEME, "pro", ("pro", "anti", "meh"), "China", "meh", ("meh", "anti"), 0.3),
        (SCHEME, "pro", ("pro", "meh", "anti"), "China", "meh", ("meh", "anti"), 0.3),
        # ... taken from the scores, not only from `stances` (a single-label scheme, or a label
        # under `multi`, is over its threshold without being listed there)
        (SINGLE, "pro", ("pro",), "Russia", "meh", ("meh",), 0.3),
        (SCHEME, "pro", ("pro",), "Russia", "meh", ("meh",), 0.3),
        # a voiced top label stays; only its barred companions leave (NLI lists in scheme order)
        (SCHEME, "pro", ("pro", "anti"), "United States", "pro", ("pro",), 0.8),
        (SCHEME, "pro", ("anti",), "United States", "pro", (), 0.8),
        (SCHEME, "pro", ("pro",), "other", "pro", ("pro",), 0.8),  # an unbarred side: unchanged
        (SCHEME, "pro", ("pro",), "", "pro", ("pro",), 0.8),  # narration (no side): unchanged
        (SCHEME, "none", (), "China", "none", (), 0.2),  # an abstention stays one
        (SCHEME, "meh", ("meh",), "China", "meh", ("meh",), 0.3),  # a label nobody is barred from
    ],
)  # fmt: skip
def test_in_voice(scheme, stance, stances, side, want, want_stances, want_score):
    before = _result(stance, stances)
    out = in_voice(before, side, scheme)
    assert (out.stance, out.stances, out.stance_score) == (want, want_stances, want_score)
    assert out.abstained == (want == "none")
    assert {k: v for k, v in out.scores.items() if k != "none"} == {
        k: v for k, v in SCORES.items() if k != "none"
    }  # the classifier's label scores are kept
    assert out.evidence == ("It." if out.stance == before.stance else "")  # no stale evidence


def test_nothing_voiced_over_threshold_abstains():
    scores = {"pro": 0.8, "anti": 0.4, "meh": 0.1, "none": 0.2}
    out = in_voice(_result("pro", ("pro",), scores), "China", SCHEME)
    assert (out.stance, out.stances, out.abstained) == ("none", (), True)
    assert out.unvoiced == ("pro",)  # recorded for the table's `unvoiced` column
    assert out.stance_score == out.scores["none"] == 0.6  # 1 - the best voiced label
    assert out.evidence == "" and out.evidence_score == 0.0


@pytest.mark.parametrize(
    ("row", "want"),
    [
        ({"affiliation": "China", "stance": "none", "stances": "", "score_pro": 0.9}, ("pro",)),
        ({"affiliation": "Russia", "stance": "none", "stances": "", "score_pro": 0.4}, ()),
        ({"affiliation": "other", "stance": "none", "stances": "", "score_pro": 0.9}, ()),
        ({"affiliation": "China", "stance": "pro", "stances": "pro", "score_pro": 0.9}, ()),
        ({"affiliation": "China", "stance": "none", "score_pro": float("nan")}, ()),
        ({"affiliation": "China", "stance": "none", "score_pro": 0.9,
          "corrected_actor": "Someone"}, ()),  # corrected: the rule ran on another speaker
        ({"affiliation": "China", "stance": "none", "score_pro": 0.9,
          "corrected_actor": "", "corrected_stance": float("nan")}, ("pro",)),
        # the pipeline's own record wins over the scores (any head, any scale)
        ({"affiliation": "China", "stance": "none", "score_pro": 0.4, "unvoiced": "pro"},
         ("pro",)),
        ({"affiliation": "China", "stance": "none", "score_pro": 0.9, "unvoiced": ""}, ()),
    ],
)  # fmt: skip
def test_unvoiced_tells_why_a_row_lacks_a_label(row, want):
    assert unvoiced(row, SCHEME) == want


def test_not_voiced_by_is_checked_and_moves_the_table_key_not_the_stance_cache():
    base = {"name": "s", "labels": [{"name": "pro", "prototypes": ["Yes."]}]}
    with pytest.raises(SchemeError, match=r"pro\.not_voiced_by must be a list of strings"):
        parse_scheme({**base, "labels": [{**base["labels"][0], "not_voiced_by": "China"}]})
    with pytest.raises(SchemeError, match=r"unknown sides \['US'\]; the sides are United States"):
        parse_scheme({**base, "labels": [{**base["labels"][0], "not_voiced_by": ["US"]}]})
    with pytest.raises(SchemeError, match="abstain label 'none' takes no not_voiced_by"):
        parse_scheme(
            {**base, "labels": [*base["labels"], {"name": "none", "not_voiced_by": ["China"]}]}
        )
    plain = parse_scheme(base)
    barred = parse_scheme({**base, "labels": [{**base["labels"][0], "not_voiced_by": ["China"]}]})
    assert barred.labels[0].not_voiced_by == ("China",)
    assert plain.fingerprint == barred.fingerprint  # cached stances stay: the rule runs after
    assert plain.table_fingerprint != barred.table_fingerprint  # a cached table does not
    assert plain.table_fingerprint == plain.fingerprint


def test_no_us_affiliated_speaker_carries_a_barred_label_in_the_seed_table(
    seed_table, scheme, cache_dir
):
    from models.cache import Cache
    from models.pipeline import Engine, Settings

    barred = {lb.name for lb in scheme.labels if "United States" in lb.not_voiced_by}
    assert barred  # the default scheme bars them
    us = seed_table[seed_table["affiliation"] == "United States"]
    assert len(us) > 5
    assert not set(us["stance"]) & barred
    assert not {s for v in us["stances"] for s in v.split(";") if s} & barred
    # the classifier alone gave some of these paragraphs a barred label: the rule kept it out
    raw = Engine(Settings(scheme), Cache(cache_dir)).stances(list(us["text"]))
    assert {r.stance for r in raw} & barred
