"""dashboard.frames (filter, select, mix) and dashboard.charts (Altair builders).

Both run on the real seed analysis (MiniLM + spaCy, from the session fixture).
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts import PICK, color_scale, stance_bars
from dashboard.frames import (
    export_frame,
    filter_rows,
    mix,
    options,
    prepare,
    select_rows,
    vocab_of,
)
from dashboard.state import GROUPINGS, Selection, ViewState, parse_query, speaker_label


@pytest.fixture(scope="module")
def rows(seed_table: pd.DataFrame) -> pd.DataFrame:
    return filter_rows(prepare(seed_table), ViewState())


def _spec(chart) -> dict:
    spec = chart.to_dict()
    spec["values"] = next(iter(spec.pop("datasets").values()))
    spec["bars"] = spec["layer"][0]  # the clickable bars; whiskers and counts follow
    return spec


@pytest.mark.parametrize("by", GROUPINGS)
def test_bars_use_the_scheme_colours_titles_and_shares(rows: pd.DataFrame, scheme, by: str):
    data = mix(rows, by=by, labels=scheme.label_names)
    spec = _spec(stance_bars(data, by=by, colors=scheme.colors, titles=scheme.titles))
    enc = spec["bars"]["encoding"]
    assert enc["color"]["field"] == "label"  # people read the titles; the URL keeps the ids
    assert enc["color"]["scale"] == {
        "domain": [scheme.titles[name] for name in scheme.label_names],
        "range": [scheme.colors[name] for name in scheme.label_names],
    }
    assert enc["x"]["field"] == "share" and enc["yOffset"]["field"] == "label"
    assert enc["y"]["field"] == by
    assert enc["y"]["sort"] == list(dict.fromkeys(data[by]))
    tips = {t["field"] for t in enc["tooltip"]}
    assert {by, "label", "count", "share", "total", "lo", "hi"} <= tips
    assert len(spec["values"]) == len(data)
    assert sum(v["count"] for v in spec["values"]) == len(rows)
    assert {v["label"] for v in spec["values"]} <= set(scheme.titles.values())


def test_every_bar_carries_its_count_and_interval(rows: pd.DataFrame, scheme) -> None:
    data = mix(rows, by="source", labels=scheme.label_names)
    whiskers, counts = _spec(stance_bars(data, by="source", colors=scheme.colors))["layer"][1:]
    assert whiskers["mark"]["type"] == "rule"
    assert (whiskers["encoding"]["x"]["field"], whiskers["encoding"]["x2"]["field"]) == ("lo", "hi")
    assert counts["mark"]["type"] == "text" and counts["encoding"]["text"]["field"] == "count"
    assert whiskers["mark"]["aria"] is False and counts["mark"]["aria"] is False  # bars only
    assert ((data["lo"] <= data["share"]) & (data["share"] <= data["hi"])).all()


@pytest.mark.parametrize(
    ("by", "selected", "has_initial"),
    [
        ("source", None, False),
        ("source", "first-source", True),
        ("speaker", "first-source", False),  # another chart's click does not mark this one
        ("source", "unknown-group", False),  # a stale selection (filtered out) marks nothing
    ],
)
def test_selection_param(rows: pd.DataFrame, scheme, by: str, selected, has_initial: bool) -> None:
    data = mix(rows, by=by, labels=scheme.label_names)
    first = str(rows["source"].iloc[0])
    sel = {
        None: None,
        "first-source": Selection("source", first, str(rows["stance"].iloc[0])),
        "unknown-group": Selection("source", "No Such Outlet", "none"),
    }[selected]
    spec = _spec(stance_bars(data, by=by, colors=scheme.colors, selected=sel))
    (param,) = spec["params"]
    assert param["name"] == PICK
    assert param["select"] == {"type": "point", "fields": [by, "stance"]}
    assert ("value" in param) == has_initial
    if has_initial:
        assert param["value"] == [{by: sel.group, "stance": sel.stance}]
    assert spec["bars"]["encoding"]["opacity"]["condition"]["param"] == PICK


@pytest.mark.parametrize("legend", [True, False])
def test_legend_option(rows: pd.DataFrame, scheme, legend: bool) -> None:
    data = mix(rows, by="source", labels=scheme.label_names)
    spec = _spec(stance_bars(data, by="source", colors=scheme.colors, legend=legend))
    assert (spec["bars"]["encoding"]["color"].get("legend") is not None) == legend


def test_scale(scheme) -> None:
    assert color_scale(scheme.colors).to_dict()["range"] == list(scheme.colors.values())
    titled = color_scale(scheme.colors, scheme.titles).to_dict()["domain"]
    assert titled == [scheme.titles[n] for n in scheme.colors]


def test_empty_frame_still_builds(scheme) -> None:
    empty = mix(pd.DataFrame(columns=["source", "stance"]), by="source", labels=scheme.label_names)
    spec = _spec(stance_bars(empty, by="source", colors=scheme.colors))
    assert spec["values"] == []


# -- frames, on the real seed analysis ----------------------------------------------------------


@pytest.fixture(scope="module")
def table(seed_table: pd.DataFrame) -> pd.DataFrame:
    return prepare(seed_table)


def test_prepare_names_narration_after_the_outlet(table: pd.DataFrame) -> None:
    narr = table[table["actor"] == ""]
    assert len(narr) > 0
    assert (narr["speaker"] == narr["source"] + " (narration)").all()
    spoken = table[table["actor"] != ""]
    assert (spoken["speaker"] == spoken["actor"]).all()
    assert speaker_label("", "CNN") == "CNN (narration)"


def _state_for(table: pd.DataFrame, case: str) -> ViewState:
    content = table[table["kind"] == "content"]
    first = content.iloc[0]
    return {
        "all": ViewState(),
        "source": ViewState(sources=(first["source"],)),
        "stance": ViewState(stances=("none",)),
        "conf": ViewState(min_conf=0.5),
        "no-narration": ViewState(narration=False),
        "query": ViewState(query=first["text"].split()[1].upper()),
        "speaker": ViewState(speakers=(first["speaker"],)),
        "nothing": ViewState(query="zzzz-no-such-text-zzzz"),
    }[case]


def _expected(table: pd.DataFrame, state: ViewState) -> pd.Series:
    """The same filter written row by row: the reference for the vectorised one."""

    def keep(r: pd.Series) -> bool:
        hay = f"{r['text']}\n{r['speaker']}\n{r['quote']}".lower()
        return (
            r["kind"] == "content"
            and (not state.sources or r["source"] in state.sources)
            and (not state.speakers or r["speaker"] in state.speakers)
            and (not state.stances or r["stance"] in state.stances)
            and r["stance_score"] >= state.min_conf
            and (state.narration or r["actor"] != "")
            and state.query.lower() in hay
        )

    return table[table.apply(keep, axis=1)].index


@pytest.mark.parametrize(
    "case", ["all", "source", "stance", "conf", "no-narration", "query", "speaker", "nothing"]
)
def test_filter_rows_matches_a_row_by_row_reference(table: pd.DataFrame, case: str) -> None:
    state = _state_for(table, case)
    got = filter_rows(table, state)
    assert list(got.index) == list(_expected(table, state))
    assert (got["kind"] == "content").all()


@pytest.mark.parametrize("by", ["source", "speaker", "affiliation"])
def test_mix_and_select_agree(table: pd.DataFrame, scheme, by: str) -> None:
    rows = filter_rows(table, ViewState())
    data = mix(rows, by=by, labels=scheme.label_names)
    assert list(data.columns) == [by, "stance", "count", "share", "total", "order", "lo", "hi"]
    assert data["count"].sum() == len(rows)
    assert (data.groupby(by)["stance"].nunique() == len(scheme.label_names)).all()
    shares = data.groupby(by)["share"].sum()
    assert shares.round(6).eq(1.0).all()
    totals = data.drop_duplicates(by)["total"].tolist()
    assert totals == sorted(totals, reverse=True)  # largest group first
    for rec in data.itertuples(index=False):
        picked = select_rows(rows, Selection(by, getattr(rec, by), rec.stance))
        assert len(picked) == rec.count
        assert (picked["stance"] == rec.stance).all()


def test_mix_top_and_empty(table: pd.DataFrame, scheme) -> None:
    rows = filter_rows(table, ViewState())
    top = mix(rows, by="speaker", labels=scheme.label_names, top=3)
    assert top["speaker"].nunique() == min(3, rows["speaker"].nunique())
    assert len(top) == 3 * len(scheme.label_names)  # every label, count 0 included


@pytest.mark.parametrize("min_count", [1, 5, 20, 10_000])
def test_mix_min_count_leaves_small_groups_out(table: pd.DataFrame, scheme, min_count: int):
    rows = filter_rows(table, ViewState())
    data = mix(rows, by="speaker", labels=scheme.label_names, min_count=min_count)
    sizes = rows["speaker"].value_counts()
    assert set(data["speaker"]) == set(sizes[sizes >= min_count].index)
    assert mix(rows.iloc[:0], by="source", labels=scheme.label_names).empty


def test_select_none_is_everything(table: pd.DataFrame) -> None:
    rows = filter_rows(table, ViewState())
    assert select_rows(rows, None) is rows


def test_vocab_options_and_export(table: pd.DataFrame, scheme, seed_table: pd.DataFrame) -> None:
    vocab = vocab_of(table, stances=scheme.label_names, models=["minilm"])
    assert vocab.sources == frozenset(table["source"])
    assert set(options(table, "source")) <= vocab.sources
    assert list(export_frame(table).columns) == list(seed_table.columns)
    state, notices = parse_query({"source": sorted(vocab.sources)}, vocab=vocab)
    assert state.sources == tuple(sorted(vocab.sources)) and notices == ()


def test_export_has_both_values_of_a_correction(seed_table: pd.DataFrame, scheme) -> None:
    from models.corrections import apply_corrections, make_correction

    row = seed_table[seed_table["kind"] == "content"].iloc[0]
    new = next(label for label in scheme.label_names if label != row["stance"])
    fixes = [make_correction(row.to_dict(), "stance", new)]
    table = prepare(apply_corrections(seed_table, fixes, scheme.abstain))
    out = export_frame(table)
    cols = list(out.columns)
    i = cols.index("stance")
    assert cols[i : i + 3] == ["stance", "model_stance", "corrected_stance"]
    assert "speaker" not in cols and {"corrected_by", "corrected_at"} <= set(cols)
    changed = out[out["corrected_stance"] != ""]
    assert len(changed) == (seed_table["text"] == row["text"]).sum()
    first = changed.iloc[0]
    assert (first["stance"], first["model_stance"]) == (new, row["stance"])
    assert first["corrected_by"] == "person"
    counts = filter_rows(table, ViewState())["stance"].value_counts()
    before = filter_rows(prepare(seed_table), ViewState())["stance"].value_counts()
    assert counts[new] == before.get(new, 0) + len(changed)


def test_article_names_read_like_a_contents_list(seed_table: pd.DataFrame) -> None:
    from dashboard.frames import article_names

    names = article_names(seed_table)
    assert list(names) == list(dict.fromkeys(seed_table["doc"]))  # corpus order
    assert all(" — " in n and ".txt" not in n for n in names.values())
    made = pd.DataFrame(
        {
            "doc": ["b.txt", "b.txt", "a.txt", "c.txt"],
            "paragraph": [1, 0, 0, 0],
            "kind": ["content", "heading", "content", "boilerplate"],
            "text": [
                "Body of b.",
                "Headline of b",
                "One two three four five six seven eight nine ten eleven twelve",
                "Menu",
            ],
            "title": ["", "", "", "Given title"],
            "source": ["X", "X", "", "Y"],
        }
    )
    assert article_names(made) == {
        "b.txt": "X — Headline of b",  # the opening heading
        "a.txt": "One two three four five six seven eight nine ten…",  # no outlet: no dash
        "c.txt": "Y — Given title",
    }
