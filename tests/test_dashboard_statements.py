"""The Statements page's pure steps (dashboard.statement_frames) and its URL keys
(dashboard.state), table-driven, on invented rows."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.state import ViewState, link, parse_query_dropped, statement_view, to_query
from dashboard.statement_frames import (
    LIST_COLUMNS,
    carried_line,
    carriers,
    check_statement,
    export_statements,
    fingerprint,
    paragraph_texts,
    speaker_shown,
    statement_list,
)
from models.statements import COLUMNS

TITLES = {"us_critical": "US-critical", "none": "None"}


def _row(sid, source, form="quoted", verb="say", stance="none", speaker="Ana Ruiz", p=0):
    return dict(
        statement_id=sid, speaker=speaker, statement=f"statement {sid}", doc=f"{source}.txt",
        source=source, paragraph=p, form=form, verb=verb, stance=stance, text=f"words {sid}",
    )  # fmt: skip


DF = pd.DataFrame(
    [
        _row(1, "WSJ", verb="say", stance="us_critical"),
        _row(1, "CNN", form="paraphrased", verb="claim", p=3),
        _row(1, "CNN", form="quoted", verb="insist", p=5),
        _row(2, "RT", speaker=""),
        _row(2, "RT", speaker="", p=1),
        _row(3, "CNN", stance="us_critical"),
    ]
)


@pytest.mark.parametrize(
    ("params", "stmt", "stmt_min", "notice", "dropped"),
    [
        ({}, None, 2, "", []),
        ({"stmt": "3"}, 3, 2, "", []),
        ({"stmt": "3", "stmt_min": "1"}, 3, 1, "", []),
        ({"stmt": "0"}, None, 2, '"stmt": not a whole number', ["stmt"]),
        ({"stmt": "x<script>"}, None, 2, '"stmt": not a whole number', ["stmt"]),
        ({"stmt": "٣"}, None, 2, '"stmt": not a whole number', ["stmt"]),  # not ASCII digits
        ({"stmt_min": "-1"}, None, 2, '"stmt_min": not a whole number', ["stmt_min"]),
        ({"stmt_min": "99999999"}, None, 2, '"stmt_min": not a whole number', ["stmt_min"]),
    ],
)
def test_statement_keys_parse_or_leave_with_a_notice(params, stmt, stmt_min, notice, dropped):
    state, notices, drop = parse_query_dropped(params)
    assert (state.stmt, state.stmt_min) == (stmt, stmt_min)
    assert [n for n in notices if notice and notice in n] or not notice
    assert sorted(drop) == dropped


@pytest.mark.parametrize(
    ("stmt", "stmt_min", "url"),
    [
        (None, 2, "/statements"),
        (4, 2, "/statements?stmt=4"),
        (4, 1, "/statements?stmt=4&stmt_min=1"),
        (None, 3, "/statements?stmt_min=3"),
    ],
)
def test_statement_links_round_trip(stmt, stmt_min, url):
    state = statement_view(ViewState(), stmt, stmt_min)
    assert link(state, "statements") == url
    assert parse_query_dropped(to_query(state))[0] == state


@pytest.mark.parametrize(
    ("min_outlets", "ids", "outlets"),
    [(1, [1, 2, 3], [2, 1, 1]), (2, [1], [2]), (3, [], [])],
)
def test_statement_list_keeps_statements_of_enough_outlets(min_outlets, ids, outlets):
    listed = statement_list(DF, TITLES, min_outlets)
    assert list(listed.columns) == LIST_COLUMNS
    assert listed["statement_id"].tolist() == ids
    assert listed["outlets"].tolist() == outlets


def test_statement_list_says_how_each_outlet_carried_it():
    first, unattributed = statement_list(DF, TITLES).iloc[0], statement_list(DF, TITLES).iloc[1]
    assert first["outlet_list"] == "WSJ; CNN"
    assert first["carried"] == (
        "WSJ: quoted (say), stance US-critical · CNN: paraphrased (claim), stance None · "
        "CNN: quoted (insist), stance None"
    )
    assert first["stances"] == "None 2, US-critical 1"  # titles, not ids
    assert first["paragraphs"] == 3
    assert unattributed["speaker"] == "(unattributed)"


@pytest.mark.parametrize(
    ("form", "verb", "stance", "line"),
    [
        ("quoted", "say", "none", "RT: quoted (say), stance None"),
        ("paraphrased", "", "x", "RT: paraphrased, stance x"),
    ],
)
def test_carried_line(form, verb, stance, line):
    row = {"source": "RT", "form": form, "verb": verb, "stance": stance}
    assert carried_line(row, TITLES) == line


@pytest.mark.parametrize(("speaker", "shown"), [("Xi", "Xi"), ("", "(unattributed)"),
                                                (None, "(unattributed)")])  # fmt: skip
def test_speaker_shown(speaker, shown):
    assert speaker_shown(speaker) == shown


def test_carriers_show_titles_and_paragraph_numbers_from_one():
    rows = carriers(DF, 1, TITLES)
    assert rows[["source", "number", "form", "verb", "stance", "label"]].values.tolist() == [
        ["WSJ", 1, "quoted", "say", "US-critical", "us_critical"],
        ["CNN", 4, "paraphrased", "claim", "None", "none"],
        ["CNN", 6, "quoted", "insist", "None", "none"],
    ]
    assert carriers(DF, 99, TITLES).empty


@pytest.mark.parametrize(
    ("stmt", "kept", "notice"),
    [(None, None, ""), (1, 1, ""), (3, 3, ""), (4, None, "no statement 4")],
)
def test_check_statement(stmt, kept, notice):
    got, note = check_statement(DF, stmt)
    assert got == kept and (notice in note if notice else note == "")


def test_paragraph_texts_and_export():
    table = pd.DataFrame({"doc": ["CNN.txt"] * 2, "paragraph": [3, 5], "text": ["a", "b"]})
    assert paragraph_texts(table, carriers(DF, 1, TITLES)) == ["", "a", "b"]
    assert list(export_statements(DF).columns) == COLUMNS
    assert set(export_statements(DF)["stance"]) == {"us_critical", "none"}  # ids in exports


def test_fingerprint_follows_the_content_a_correction_changes():
    t = pd.DataFrame({"doc": ["a"], "paragraph": [0], "kind": ["content"], "text": ["x"],
                      "actor": [""], "cue": [""], "quote": [""], "stance": ["none"]})  # fmt: skip
    assert fingerprint(t) == fingerprint(t)
    assert fingerprint(t) != fingerprint(t.assign(actor="Ana Ruiz"))
    assert fingerprint(t) != fingerprint(t.assign(stance="us_critical"))
