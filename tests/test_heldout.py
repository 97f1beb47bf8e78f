"""Held-out evaluation by article (``evaluate --by article``) and ``stancemap train``.

The gold items here are invented for the tests (not from any gold article).
"""

from __future__ import annotations

import json

import pytest

from models.cli import main
from models.heldout import Bin, by_article, expected_calibration_error, reliability

GOLD = [
    {"doc": "a.txt", "index": 0, "kind": "content", "stance": "china_neutral",
     "accept": ["china_neutral"],
     "text": "Beijing called on both sides to stop fighting and return to talks at once."},
    {"doc": "a.txt", "index": 1, "kind": "content", "stance": "none", "accept": ["none"],
     "text": "The ministers met in Vienna on Tuesday for three hours."},
    {"doc": "a.txt", "index": 2, "kind": "heading", "text": "Talks in Vienna"},
    {"doc": "b.txt", "index": 0, "kind": "content", "stance": "us_critical",
     "accept": ["us_critical", "russia_aligned"],
     "text": "The state newspaper said Washington's sanctions and arms deliveries fuel the war."},
    {"doc": "b.txt", "index": 1, "kind": "content", "stance": "none", "accept": ["none"],
     "text": "Trade between the two countries rose by four percent last year."},
]  # fmt: skip


@pytest.mark.parametrize(
    ("stances", "scores", "expected"),
    [
        # (low, high, n, confidence, accuracy) of each non-empty bin
        (["a", "b"], [0.95, 0.45], [(0.4, 0.5, 1, 0.45, 0.0), (0.9, 1.0, 1, 0.95, 1.0)]),
        (["a", "a"], [1.0, 0.1], [(0.0, 0.4, 1, 0.1, 1.0), (0.9, 1.0, 1, 1.0, 1.0)]),
    ],
)
def test_reliability_bins(stances, scores, expected):
    items = [{"accept": ["a"]}, {"accept": ["a", "c"]}]
    bins = reliability(items, stances, scores)
    assert [(b.low, b.high, b.n, round(b.confidence, 2), b.accuracy) for b in bins] == expected


def test_expected_calibration_error():
    bins = [Bin(0.0, 0.5, 3, 0.4, 0.4), Bin(0.5, 1.0, 1, 0.9, 0.5)]
    assert expected_calibration_error(bins) == pytest.approx(0.1)
    assert expected_calibration_error([]) == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("train_on_gold", [False, True])
def test_by_article_scores_each_article_held_out(scheme, encoder, train_on_gold):
    result = by_article(scheme, encoder.encode, GOLD, train_on_gold=train_on_gold)
    assert [a.doc for a in result.articles] == ["a.txt", "b.txt"]
    assert [a.n for a in result.articles] == [2, 2]  # headings are not scored
    for a in result.articles:
        assert set(a.reports) == {"model", "always-none", "similarity"}
        assert a.reports["always-none"].accuracy == 0.5
    assert len(result.predictions) == len(result.confidences) == 4
    assert result.pooled["model"].n == 4
    assert sum(b.n for b in result.reliability) == 4


@pytest.mark.slow
def test_evaluate_by_article_on_the_command_line(tmp_path, capsys, cache_dir):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD), encoding="utf-8")
    argv = ["evaluate", "--gold", str(gold), "--by", "article", "--cache-dir", str(cache_dir)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "a.txt" in out and "b.txt" in out and "always-none" in out and "similarity" in out
    assert "mean of articles" in out and "expected calibration error" in out


@pytest.mark.slow
def test_train_caches_the_head_and_takes_gold_and_corrections(tmp_path, capsys, cache_dir):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD), encoding="utf-8")
    save = tmp_path / "head.npz"
    assert main(["train", "--cache-dir", str(cache_dir), "--save", str(save)]) == 0
    first = capsys.readouterr().out
    assert "examples" in first and "head " in first and save.stat().st_size > 0
    assert main(["train", "--gold", str(gold), "--cache-dir", str(cache_dir)]) == 0
    with_gold = capsys.readouterr().out
    assert first.split("head ")[1].split()[0] != with_gold.split("head ")[1].split()[0]
    missing = [
        "train",
        "--corrections",
        str(tmp_path / "none.jsonl"),
        "--cache-dir",
        str(cache_dir),
    ]
    assert main(missing) == 2
    assert "corrections file not found" in capsys.readouterr().err
