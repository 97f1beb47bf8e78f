"""dashboard.charts: pure Altair builders over the real seed analysis."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts import PICK, color_scale, stance_bars, stance_totals
from dashboard.frames import filter_rows, mix, prepare
from dashboard.state import GROUPINGS, Selection, ViewState


@pytest.fixture(scope="module")
def rows(seed_table: pd.DataFrame) -> pd.DataFrame:
    return filter_rows(prepare(seed_table), ViewState())


def _spec(chart) -> dict:
    spec = chart.to_dict()
    spec["values"] = next(iter(spec.pop("datasets").values()))
    return spec


@pytest.mark.parametrize("by", GROUPINGS)
def test_bars_use_the_scheme_colours_and_shares(rows: pd.DataFrame, scheme, by: str) -> None:
    data = mix(rows, by=by, labels=scheme.label_names)
    spec = _spec(stance_bars(data, by=by, colors=scheme.colors))
    enc = spec["encoding"]
    assert enc["color"]["scale"] == {
        "domain": list(scheme.label_names),
        "range": [scheme.colors[name] for name in scheme.label_names],
    }
    assert enc["x"]["field"] == "share" and enc["x"]["stack"] == "zero"
    assert enc["y"]["field"] == by
    assert enc["y"]["sort"] == list(dict.fromkeys(data[by]))
    tips = {t["field"] for t in enc["tooltip"]}
    assert {by, "stance", "count", "share", "total"} <= tips
    assert len(spec["values"]) == len(data)
    assert sum(v["count"] for v in spec["values"]) == len(rows)


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
    assert spec["encoding"]["opacity"]["condition"]["param"] == PICK


@pytest.mark.parametrize("legend", [True, False])
def test_legend_option(rows: pd.DataFrame, scheme, legend: bool) -> None:
    data = mix(rows, by="source", labels=scheme.label_names)
    color = _spec(stance_bars(data, by="source", colors=scheme.colors, legend=legend))["encoding"][
        "color"
    ]
    assert (color.get("legend") is not None) == legend


def test_totals_and_scale(rows: pd.DataFrame, scheme) -> None:
    spec = _spec(stance_totals(rows, colors=scheme.colors))
    assert sum(v["count"] for v in spec["values"]) == len(rows)
    assert color_scale(scheme.colors).to_dict()["range"] == list(scheme.colors.values())


def test_empty_frame_still_builds(scheme) -> None:
    empty = mix(pd.DataFrame(columns=["source", "stance"]), by="source", labels=scheme.label_names)
    spec = _spec(stance_bars(empty, by="source", colors=scheme.colors))
    assert spec["values"] == []
