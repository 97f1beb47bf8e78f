"""dashboard.timeline: the grain from the span of the dates, periods, the mix per period."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.state import ViewState, parse_query
from dashboard.timeline import grain_for, in_range, over_time, period_end, period_start


@pytest.mark.parametrize(
    ("dates", "grain"),
    [
        ([], None),
        (["", "nonsense"], None),
        (["2022-03-18", "2022-03-18"], None),  # one day: no time to draw
        (["2022-03-01", "2022-03-02"], "day"),
        (["2022-03-01", "2022-04-15"], "day"),
        (["2022-03-01", "2022-04-16"], "week"),
        (["2022-01-01", "2023-01-01"], "week"),
        (["2022-01-01", "2023-01-03"], "month"),
    ],
)
def test_grain_from_the_span(dates: list[str], grain: str | None) -> None:
    assert grain_for(pd.Series(dates, dtype=str)) == grain


@pytest.mark.parametrize(
    ("day", "grain", "start", "end"),
    [
        ("2022-03-18", "day", "2022-03-18", "2022-03-18"),
        ("2022-03-18", "week", "2022-03-14", "2022-03-20"),  # weeks start on Monday
        ("2022-02-18", "month", "2022-02-01", "2022-02-28"),
    ],
)
def test_periods(day: str, grain: str, start: str, end: str) -> None:
    assert period_start(pd.Series([day, ""]), grain).tolist() == [start, ""]
    assert period_end(start, grain) == end


def test_over_time_counts_every_dated_row_once() -> None:
    rows = pd.DataFrame(
        {
            "date": ["2022-03-01", "2022-03-01", "2022-03-03", "", "2022-03-03"],
            "stance": ["a", "none", "a", "a", "a"],
        }
    )
    data = over_time(rows, labels=("a", "none"), grain="day")
    assert data["count"].sum() == 4  # the undated row is left out
    assert data["period"].tolist() == ["2022-03-01"] * 2 + ["2022-03-03"] * 2
    last = data[(data["period"] == "2022-03-03") & (data["stance"] == "none")].iloc[0]
    assert (last["count"], last["total"], last["share"]) == (0, 2, 0.0)
    assert ((data["lo"] <= data["share"]) & (data["share"] <= data["hi"])).all()


def test_a_time_range_keeps_dated_rows_inside_it() -> None:
    rows = pd.DataFrame({"date": ["2022-03-01", "2022-03-05", "", "2022-03-09"]})
    assert in_range(rows, "", "").tolist() == [True] * 4
    assert in_range(rows, "2022-03-02", "2022-03-09").tolist() == [False, True, False, True]
    assert in_range(rows, "", "2022-03-05").tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"from": "2022-02-30"}, "from"),
        ({"to": "18/03/2022"}, "to"),
        ({"t_by": "affiliation"}, "t_by"),
    ],
)
def test_bad_time_parameters_are_ignored_with_a_notice(params: dict, notice: str) -> None:
    state, notices = parse_query(params)
    assert state == ViewState() and len(notices) == 1 and f'"{notice}"' in notices[0]


def test_time_parameters_round_trip() -> None:
    state = ViewState(
        time_by="speaker", time_group="Xi", date_from="2022-03-01", date_to="2022-03-07"
    )
    from dashboard.state import to_query

    assert parse_query(to_query(state)) == (state, ())
