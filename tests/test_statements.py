"""The same statement across outlets (models.statements), on invented sentences; one slow test on
the seeds. Invented text only: no sentence of any gold or evaluation file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.statements import (
    COLUMNS,
    mentions,
    near_copy,
    reported_clause,
    statement_summary,
    statements,
    verb_of,
    words_of,
)

HARBOUR = "The harbour will stay closed to fishing boats until the storm has passed"
HARBOUR_PARAPHRASE = "fishing boats may not leave the harbour before the storm is over"
BRIDGE = "The bridge will reopen to traffic before the winter storms arrive"
BRIDGE_SPUN = "The bridge is going to reopen to traffic ahead of the winter storms arriving"
COUNCIL = "the council must publish every contract it signs"
COUNCIL_PARAPHRASE = "every contract the council signs has to be made public"
JOBS = "Our factories will not cut a single job this year"
WAGES = "Our factories will raise wages for every worker this year"


def _row(doc: str, source: str, speaker: str, words: str, cue: str = "said", quoted=True, p=0):
    """A content paragraph carrying ``words``, quoted or as a reported clause."""
    if quoted:
        text = f"“{words},” {speaker or 'a spokesperson'} {cue}."
    else:
        text = f"{speaker} {cue} that {words}."
    return dict(
        doc=doc, source=source, paragraph=p, kind="content", text=text, stance="none",
        actor=speaker, cue=cue if speaker else "", quote=words if quoted else "",
    )  # fmt: skip


def _table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def _orthogonal(texts):
    """An encoder under which no two statements are alike: only near copies can join."""
    return np.eye(len(texts), dtype=np.float32)


def _groups(df: pd.DataFrame) -> list[list[str]]:
    """Each statement's carrying sources, in statement order."""
    return [list(g["source"]) for _, g in df.groupby("statement_id", sort=True)]


@pytest.fixture(scope="module")
def embed(encoder):
    return encoder.encode


@pytest.mark.parametrize(
    "rows, groups",
    [
        pytest.param(  # the same quote in two outlets
            [_row("a", "Daily", "Ana Ruiz", BRIDGE), _row("b", "Herald", "Ana Ruiz", BRIDGE)],
            [["Daily", "Herald"]], id="exact",
        ),
        pytest.param(  # a synonym-spun copy
            [_row("a", "Daily", "Ana Ruiz", BRIDGE), _row("b", "Herald", "Ana Ruiz", BRIDGE_SPUN)],
            [["Daily", "Herald"]], id="near-copy",
        ),
        pytest.param(  # a partial quote of the longer form
            [_row("a", "Daily", "Ana Ruiz", BRIDGE),
             _row("b", "Herald", "Ana Ruiz", "reopen to traffic before the winter storms")],
            [["Daily", "Herald"]], id="contained",
        ),
        pytest.param(  # the same words, two named speakers: kept apart
            [_row("a", "Daily", "Ana Ruiz", BRIDGE), _row("b", "Herald", "Tom Berg", BRIDGE)],
            [["Daily"], ["Herald"]], id="speakers-apart",
        ),
        pytest.param(  # one side unattributed, the same words: joined under the named speaker
            [_row("a", "Daily", "Ana Ruiz", BRIDGE), _row("b", "Herald", "", BRIDGE_SPUN)],
            [["Daily", "Herald"]], id="unattributed-copy",
        ),
        pytest.param(  # different words of one speaker stay two statements
            [_row("a", "Daily", "Ana Ruiz", BRIDGE), _row("b", "Herald", "Ana Ruiz", HARBOUR)],
            [["Daily"], ["Herald"]], id="different",
        ),
    ],
)  # fmt: skip
def test_near_copies_group_without_embeddings(rows, groups):
    df = statements(_table(*rows), _orthogonal)
    assert _groups(df) == groups
    assert list(df.columns) == COLUMNS


@pytest.mark.parametrize(
    "rows, groups",
    [
        pytest.param(
            [_row("a", "Daily", "Ana Ruiz", HARBOUR),
             _row("b", "Herald", "Ana Ruiz", HARBOUR_PARAPHRASE, quoted=False)],
            [["Daily", "Herald"]], id="paraphrase",
        ),
        pytest.param(
            [_row("a", "Daily", "Ana Ruiz", COUNCIL, quoted=False),
             _row("b", "Herald", "Ana Ruiz", COUNCIL_PARAPHRASE),
             _row("c", "Courier", "Ana Ruiz", COUNCIL)],
            [["Daily", "Herald", "Courier"]], id="paraphrase-three-outlets",
        ),
        pytest.param(  # a paraphrase by someone else is someone else's statement
            [_row("a", "Daily", "Ana Ruiz", HARBOUR), _row("b", "Herald", "Tom Berg",
             HARBOUR_PARAPHRASE)],
            [["Daily"], ["Herald"]], id="paraphrase-speakers-apart",
        ),
        pytest.param(  # an unattributed paraphrase (not the same words) does not join
            [_row("a", "Daily", "Ana Ruiz", HARBOUR), _row("b", "Herald", "", HARBOUR_PARAPHRASE)],
            [["Daily"], ["Herald"]], id="paraphrase-unattributed",
        ),
        pytest.param(  # same speaker, same topic, another statement (cosine 0.64)
            [_row("a", "Daily", "Ana Ruiz", JOBS), _row("b", "Herald", "Ana Ruiz", WAGES)],
            [["Daily"], ["Herald"]], id="same-topic-apart",
        ),
        pytest.param(  # two paraphrases inside one article are two points, not one statement
            [_row("a", "Daily", "Ana Ruiz", HARBOUR),
             _row("a", "Daily", "Ana Ruiz", HARBOUR_PARAPHRASE, p=1)],
            [["Daily"], ["Daily"]], id="same-article",
        ),
    ],
)  # fmt: skip
def test_paraphrases_group_by_embedding(rows, groups, embed):
    assert _groups(statements(_table(*rows), embed)) == groups


def test_form_verb_stance_and_representative_text(embed):
    rows = [
        _row("a", "Daily", "Ana Ruiz", COUNCIL, cue="informed Radio Nine", quoted=False),
        _row("b", "Herald", "Ana Ruiz", COUNCIL_PARAPHRASE, cue="stressed"),
        _row("c", "Courier", "Ana Ruiz", COUNCIL, cue="adding"),
    ]
    rows[1]["stance"] = "china_neutral"
    df = statements(_table(*rows), embed)
    assert df["form"].tolist() == ["paraphrased", "quoted", "quoted"]
    assert df["verb"].tolist() == ["inform", "stress", "add"]
    assert df["stance"].tolist() == ["none", "china_neutral", "none"]
    assert set(df["statement"]) == {COUNCIL_PARAPHRASE}  # the longest quoted form
    assert df["text"].tolist() == [COUNCIL, COUNCIL_PARAPHRASE, COUNCIL]
    s = statement_summary(df).iloc[0]
    assert (s.outlets, s.outlet_list, s.paragraphs) == (3, "Daily; Herald; Courier", 3)
    assert (s.forms, s.stances) == ("quoted 2, paraphrased 1", "none 2, china_neutral 1")


def test_order_min_outlets_and_furniture(embed):
    rows = [
        _row("a", "Daily", "Tom Berg", JOBS),
        _row("b", "Herald", "Ana Ruiz", BRIDGE), _row("c", "Courier", "Ana Ruiz", BRIDGE),
        _row("d", "Herald", "Ana Ruiz", HARBOUR) | {"kind": "boilerplate"},
    ]  # fmt: skip
    df = statements(_table(*rows), embed)
    assert _groups(df) == [["Herald", "Courier"], ["Daily"]]  # most outlets first
    assert _groups(statements(_table(*rows), embed, min_outlets=2)) == [["Herald", "Courier"]]
    assert statements(_table(rows[3]), embed).empty


@pytest.mark.parametrize(
    "text, cue, clause",
    [
        ("Ana Ruiz said that the port will close.", "said", "the port will close"),
        ("The port will close in May, Ruiz said on Monday.", "said", "The port will close in May"),
        ("Ruiz told Radio Nine on Monday that the port will close.", "told Radio Nine",
         "the port will close"),
        ("According to Ruiz, the port will close.", "according to", "the port will close"),
        ("It rained. Ruiz warned the port would close within a week.", "warned",
         "the port would close within a week"),
        ("Ruiz spoke at length.", "said", ""),
    ],
)  # fmt: skip
def test_reported_clause(text, cue, clause):
    assert reported_clause(text, cue) == clause


@pytest.mark.parametrize(
    "cue, verb",
    [("said", "say"), ("says", "say"), ("added", "add"), ("informed Newsweek", "inform"),
     ("noted", "note"), ("tweeted", "tweet"), ("is certain", "is certain"), ("", "")],
)  # fmt: skip
def test_verb_of(cue, verb):
    assert verb_of(cue) == verb


def test_quotes_split_into_sentences_and_one_word_quotes_are_not_statements():
    row = _row("a", "Daily", "Ana Ruiz", f"{BRIDGE}. {HARBOUR}") | {"quote": ""}
    row["text"] = f"“{BRIDGE}. {HARBOUR},” Ruiz said, calling it “final”."
    assert [m.text for m in mentions(_table(row))] == [f"{BRIDGE}.", HARBOUR]
    assert not near_copy(words_of(BRIDGE), words_of(HARBOUR))


def test_cli_output_is_safe(embed):
    from models.cli_statements import format_statements

    rows = [
        _row("a", "Daily\x1b[2J", "Ana\u202eRuiz", BRIDGE),
        _row("b", "Herald", "Ana\u202eRuiz", BRIDGE),
    ]
    out = format_statements(statements(_table(*rows), embed))
    assert "\x1b" not in out and "\u202e" not in out and "Daily [2J ¶0" in out


@pytest.mark.slow
def test_seeds_largest_statements(seeds_dir, cache_dir, embed, tmp_path):
    """The seeds' statements in two outlets are Blinken's, Psaki's and Biden's; none is carried
    by three (read by hand: the other cross-outlet echoes have another speaker in each outlet,
    or the outlet's narration), so the three-outlet case is tested on invented sentences."""
    from models.cli import main
    from models.pipeline import analyze
    from models.table import read_table

    table = analyze([seeds_dir], cache_dir=cache_dir).table
    df = statements(table, embed, min_outlets=2)
    summary = statement_summary(df)
    assert summary["outlets"].iloc[0] >= 2 and summary["outlets"].is_monotonic_decreasing
    top = df[df["statement_id"] == 1]
    assert set(top["speaker"]) == {"Antony Blinken"}
    assert set(top["source"]) == {"The Wall Street Journal", "CNN"}
    assert set(top["verb"]) == {"say"} and set(top["form"]) == {"quoted"}
    assert set(summary["speaker"]) == {"Antony Blinken", "Jen Psaki", "Joe Biden"}
    biden = df[df["speaker"] == "Joe Biden"]  # quoted by RT, paraphrased by CNN
    assert sorted(zip(biden["source"], biden["form"], biden["verb"], strict=True)) == [
        ("CNN", "paraphrased", "warn"), ("RT", "quoted", "warn")]  # fmt: skip
    out = tmp_path / "statements.csv"
    assert (
        main(["statements", str(seeds_dir), "--out", str(out), "--cache-dir", str(cache_dir)]) == 0
    )
    assert read_table(out)[COLUMNS[:7]].equals(df[COLUMNS[:7]].reset_index(drop=True))
