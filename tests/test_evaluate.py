"""The scorer: accept-sets, macro-F1, actor surname matching, furniture handling."""

from __future__ import annotations

import pandas as pd
import pytest

from models.evaluate import _surname_match, evaluate_table, format_report

GOLD = [
    {"doc": "a.txt", "index": 0, "kind": "content", "text": "China wants peace talks now.",
     "stance": "china_neutral", "accept": ["china_neutral"], "actor": "Antony Blinken"},
    {"doc": "a.txt", "index": 1, "kind": "content", "text": "The US is to blame for this.",
     "stance": "us_critical", "accept": ["us_critical", "none"], "actor": ""},
    {"doc": "a.txt", "index": 2, "kind": "content", "text": "Officials met on Friday.",
     "stance": "none", "accept": ["none"], "actor": "", "actor_ok": ["U.S. officials"]},
    {"doc": "a.txt", "index": 3, "kind": "boilerplate", "text": "Advertisement"},
    {"doc": "a.txt", "index": 4, "kind": "heading", "text": "A headline here"},
]  # fmt: skip


def table(stances, actors, kinds=("content",) * 3, furniture=("boilerplate", "heading")):
    texts = [g["text"] for g in GOLD]
    return pd.DataFrame(
        {
            "doc": "a.txt",
            "text": texts,
            "kind": [*kinds, *furniture],
            "stance": [*stances, "", ""],
            "actor": [*actors, "", ""],
        }
    )


@pytest.mark.parametrize(
    ("stances", "accuracy", "macro_f1"),
    [
        (["china_neutral", "us_critical", "none"], 1.0, 1.0),
        (["china_neutral", "none", "none"], 1.0, 2 / 3),  # "none" accepted; us_critical unseen
        (["none", "none", "none"], 2 / 3, 0.8 / 3),
        (["us_critical", "china_neutral", "russia_aligned"], 0.0, 0.0),
    ],
)
def test_stance_scores(stances, accuracy, macro_f1):
    r = evaluate_table(table(stances, ["", "", ""]), GOLD)
    assert r.n == 3 and r.matched == 3
    assert r.accuracy == pytest.approx(accuracy, abs=1e-3)
    assert r.macro_f1 == pytest.approx(macro_f1, abs=1e-3)


@pytest.mark.parametrize(
    ("actors", "expected"),
    [
        (["Antony Blinken", "", ""], 1.0),
        (["Mr. Blinken", "", "U.S. officials"], 1.0),
        (["Antony", "", ""], 2 / 3),
        (["", "Someone", "Officials"], 1 / 3),
    ],
)
def test_actor_accuracy(actors, expected):
    r = evaluate_table(table(["none"] * 3, actors), GOLD)
    assert r.actor_accuracy == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("pred", "wanted", "ok"),
    [
        ("Matthew Geraci", "Matthew Geraci", True),
        ("Geraci", "Matthew Geraci", True),
        ("President Xi", "Xi Jinping", False),
        ("", "", True),
        ("narrator", "", True),
        ("", "Wang Yi", False),
    ],
)
def test_surname_match(pred, wanted, ok):
    assert _surname_match(pred, wanted) is ok


def test_furniture_counted_as_content_is_reported():
    r = evaluate_table(table(["none"] * 3, [""] * 3, furniture=("content", "heading")), GOLD)
    assert r.furniture_kept_out == (1, 2)


def test_missing_rows_are_unmatched_and_wrong():
    r = evaluate_table(table(["china_neutral", "us_critical", "none"], [""] * 3).iloc[1:], GOLD)
    assert r.matched == 2 and r.unmatched == ["a.txt:0"]
    assert r.accuracy == pytest.approx(2 / 3, abs=1e-3)
    text = format_report(r)
    assert "unmatched gold items: a.txt:0" in text and "confusion" in text


@pytest.mark.parametrize(
    ("stances", "wrong"),
    [
        (["china_neutral", "us_critical", "none"], []),
        (
            ["none", "none", "us_critical"],
            [(0, "china_neutral", "none"), (2, "none", "us_critical")],
        ),
    ],
)
def test_misses_and_documents(stances, wrong):
    two_docs = table(stances, [""] * 3)
    two_docs.loc[2, "doc"] = "b.txt"
    gold = [dict(g, doc="b.txt") if g["index"] == 2 else g for g in GOLD]
    r = evaluate_table(two_docs, gold)
    assert [(m["index"], m["gold"], m["predicted"]) for m in r.misses] == wrong
    assert r.per_doc["a.txt"]["n"] == 2 and r.per_doc["b.txt"]["n"] == 1
    assert r.per_doc["b.txt"]["accuracy"] == (0.0 if wrong else 1.0)
    text = format_report(r, misses=True)
    assert "by document" in text
    assert ("wrong stances" in text) == bool(wrong)
    assert "wrong stances" not in format_report(r)


def test_a_missing_paragraph_is_a_miss_of_its_document():
    r = evaluate_table(table(["china_neutral", "us_critical", "none"], [""] * 3).iloc[1:], GOLD)
    assert [(m["index"], m["predicted"]) for m in r.misses] == [(0, "(missing)")]
    assert (
        r.per_doc["a.txt"] == {"n": 3, "accuracy": round(2 / 3, 3)}
        and r.accuracy == r.per_doc["a.txt"]["accuracy"]
    )


def test_misses_print_untrusted_text_on_one_line():
    gold = [dict(GOLD[0], text="China wants\x1b[31m peace\n\ttalks now.")]
    t = pd.DataFrame({"doc": ["a.txt"], "text": [gold[0]["text"]], "kind": ["content"],
                      "stance": ["none"], "actor": [""]})  # fmt: skip
    line = format_report(evaluate_table(t, gold), misses=True).splitlines()[-1]
    assert "\x1b" not in line and "\n" not in line and "\t" not in line
    assert line.endswith("China wants [31m peace talks now.")
