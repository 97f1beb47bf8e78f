"""`stancemap calibrate`: cross-validation that never lets a fold see its own test paragraphs."""

from __future__ import annotations

import pandas as pd
import pytest

import models.calibrate as cal
from models.classify import EmbeddingClassifier

# New sentences (not from the seeds), one gold label each, written for these tests.
PARAGRAPHS = [
    ("Beijing called on both sides to cease fire and return to talks.", "china_neutral"),
    ("China will keep good relations with every nation and joins no bloc.", "china_neutral"),
    ("A Chinese envoy offered to mediate between Kyiv and Moscow.", "china_neutral"),
    ("Washington's sanctions are reckless and it must change course, the spokesman said.",
     "us_critical"),
    ("The United States keeps bullying smaller countries with tariffs.", "us_critical"),
    ("America is to blame for pouring weapons into the conflict.", "us_critical"),
    ("NATO's march eastward left Russia no choice, the commentator argued.", "russia_aligned"),
    ("Moscow's security concerns are legitimate and must be respected.", "russia_aligned"),
    ("The two leaders spoke for nearly two hours on Friday.", "none"),
    ("The call was the first between them since November.", "none"),
    ("Markets in Asia closed slightly lower on the day.", "none"),
    ("Officials released a short readout after the meeting.", "none"),
]  # fmt: skip


def _gold() -> list[dict]:
    return [
        {"doc": "t.txt", "index": i, "text": t, "kind": "content", "stance": s, "accept": [s]}
        for i, (t, s) in enumerate(PARAGRAPHS)
    ]


@pytest.fixture(scope="module")
def classifier(scheme, encoder):
    return EmbeddingClassifier(scheme, encoder.encode)


def test_each_fold_is_fitted_without_its_test_paragraphs(classifier, monkeypatch):
    fitted: list[set[int]] = []
    real_fit = cal.fit

    def spy(scored, idx, scheme):
        fitted.append(set(idx))
        return real_fit(scored, idx, scheme)

    monkeypatch.setattr(cal, "fit", spy)
    folds = 4
    result = cal.calibrate(classifier, _gold(), folds=folds, repeats=2)
    everything = set(range(len(PARAGRAPHS)))
    per_draw = [fitted[d * folds : (d + 1) * folds] for d in range(2)]
    for draw in per_draw:  # the held-out parts of one draw cover every paragraph exactly once
        held = [everything - train for train in draw]
        assert sorted(i for part in held for i in part) == sorted(everything)
        assert all(part and len(part) < len(everything) for part in held)
    assert fitted[-1] == everything  # the final, pasteable setting is fitted on all gold
    assert len(result.draws) == 2


@pytest.mark.parametrize("repeats", [1, 3])
def test_report_gives_mean_and_spread_over_fold_draws(classifier, repeats):
    result = cal.calibrate(classifier, _gold(), folds=3, repeats=repeats)
    acc, acc_sd, f1, f1_sd = result.spread
    assert len(result.draws) == repeats
    assert 0.0 <= acc <= 1.0 and 0.0 <= f1 <= 1.0
    assert acc_sd >= 0.0 and f1_sd >= 0.0
    assert repeats > 1 or acc_sd == f1_sd == 0.0
    text = cal.format_calibration(result)
    assert f"{repeats} fold draws" in text
    assert "[thresholds]" in text
    assert result.setting.temperature in cal.TEMPERATURES
    assert set(result.setting.thresholds.values()) <= set(cal.THRESHOLDS)
    assert result.setting.quote_units in cal.QUOTE_UNITS
    assert f"quote_units = {result.setting.quote_units}" in text


def test_another_models_setting_pastes_as_its_own_table(classifier):
    import tomllib

    from models.schemes import DEFAULT_SCHEME, parse_scheme

    result = cal.calibrate(classifier, _gold(), folds=3)
    text = cal.format_calibration(result, "mpnet-fp32")
    assert "# and in each [[labels]]" not in text
    pasted = tomllib.loads(text[text.index("[thresholds.mpnet]") :])["thresholds"]["mpnet"]
    data = tomllib.loads(DEFAULT_SCHEME.read_text())
    data["thresholds"]["mpnet"] = pasted
    chosen = parse_scheme(data).for_model("mpnet")
    assert {n: chosen.threshold(n) for n in result.thresholds} == result.thresholds
    assert chosen.thresholds.temperature == result.temperature
    gate = (chosen.thresholds.params["target_miss_sentence"],
            chosen.thresholds.params["target_miss_paragraph"])  # fmt: skip
    assert gate == result.setting.gate
    assert chosen.thresholds.params["quote_units"] == result.setting.quote_units


def test_the_default_models_own_table_is_where_its_setting_goes(classifier):
    import tomllib

    result = cal.calibrate(classifier, _gold(), folds=3)
    cases = [  # (model, the scheme has a table of its own, header printed)
        ("minilm", False, "[thresholds]"),
        ("minilm", True, "[thresholds.minilm]"),
        ("minilm-fp32", True, "[thresholds.minilm]"),
        ("mpnet", False, "[thresholds.mpnet]"),
    ]
    for model, own, header in cases:
        text = cal.format_calibration(result, model, own_table=own)
        assert f"\n{header}\n" in text, (model, own)
        if header != "[thresholds]":
            table = tomllib.loads(text[text.index(header) :])["thresholds"][
                "minilm" if "minilm" in model else model
            ]
            assert {n: table[n] for n in result.thresholds} == result.thresholds


TINY = cal.Grid(temperatures=(0.05,), thresholds=(0.4, 0.6), gates=((1.0, 0.0),),
                quote_units=(1.0,), passes=1)  # fmt: skip


@pytest.mark.parametrize("scorers", [((1, 0),), ((2, 1), (3, 0)), ((1, 1), (2, 0), (3, 1))])
def test_ceiling_never_under_the_scheme_and_its_setting_gives_its_figures(
    classifier, scheme, encoder, scorers
):
    from models.ceiling import ceiling, format_ceiling, with_scorer
    from models.evaluate import evaluate_table
    from models.prototypes import param

    gold = _gold()

    def figures(clf: EmbeddingClassifier) -> tuple[float, float]:
        df = pd.DataFrame({"doc": "t.txt", "text": [t for t, _ in PARAGRAPHS], "kind": "content"})
        df["stance"] = [r.stance for r in clf.classify(list(df["text"]))]
        rep = evaluate_table(df, gold)
        return rep.accuracy, rep.macro_f1

    c = ceiling(classifier, gold, grid=TINY, scorers=scorers)
    own = figures(classifier)
    assert c.report.accuracy + c.report.macro_f1 >= sum(own)
    own_scorer = (int(param(scheme, "top_k", 1)), int(param(scheme, "own_contrasts", 0)))
    assert (c.top_k, c.own_contrasts) in (*scorers, own_scorer)
    # the setting it names, written into the scheme, scores what it says
    chosen = cal.with_setting(with_scorer(scheme, c.top_k, c.own_contrasts), c.setting)
    again = figures(EmbeddingClassifier(chosen, encoder.encode))
    assert again == pytest.approx((c.report.accuracy, c.report.macro_f1))
    text = format_ceiling(c)
    assert f"accuracy {c.report.accuracy:.3f}" in text and "not a figure to quote" in text


@pytest.mark.parametrize(
    "stances",
    [
        [s for _, s in PARAGRAPHS],  # all right
        ["none"] * len(PARAGRAPHS),  # always abstain
        ["us_critical", "none", "china_neutral"] * (len(PARAGRAPHS) // 3),  # a mix
    ],
)
def test_fit_scoring_by_position_equals_matching_by_text(classifier, stances):
    from models.evaluate import evaluate_table

    gold = _gold()
    scored = cal._Scored(classifier, gold)
    idx = list(range(len(gold)))
    df = pd.DataFrame({"doc": "t.txt", "text": [t for t, _ in PARAGRAPHS], "kind": "content"})
    df["stance"] = stances
    assert scored.report(idx, stances) == evaluate_table(df, gold)
    half = idx[::2]  # a fold: a subset, in its own order
    sub = df.iloc[half].reset_index(drop=True)
    assert scored.report(half, list(sub["stance"])) == evaluate_table(sub, [gold[i] for i in half])
