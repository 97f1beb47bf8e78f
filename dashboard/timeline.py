"""Stance over time, pure: the grain a corpus's dates call for, periods, and the tidy frame of
one group's stance mix per period (with counts and intervals, as the bars have).

>>> import pandas as pd
>>> grain_for(pd.Series(["2022-03-01", "2022-03-20", ""]))
'day'
>>> grain_for(pd.Series(["2022-01-01", "2022-06-30"]))
'week'
>>> grain_for(pd.Series(["2020-01-01", "2022-01-01"]))
'month'
>>> grain_for(pd.Series(["2022-03-18", ""])) is None   # one date: nothing to draw over time
True
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.certainty import Measured, add_intervals

GRAINS = ("day", "week", "month")
DAY_SPAN = 45  # days: up to this span, one point a day
WEEK_SPAN = 366  # up to a year, one a week; beyond, one a month


def parse_dates(dates: pd.Series) -> pd.Series:
    """ISO dates (``YYYY-MM-DD``, anything else is NaT) as datetimes."""
    return pd.to_datetime(dates.fillna("").astype(str).str[:10], format="%Y-%m-%d", errors="coerce")


def grain_for(dates: pd.Series) -> str | None:
    """day / week / month from the span of the dates; None with fewer than two distinct ones."""
    days = parse_dates(dates).dropna()
    if days.nunique() < 2:
        return None
    span = (days.max() - days.min()).days
    return "day" if span <= DAY_SPAN else "week" if span <= WEEK_SPAN else "month"


def period_start(dates: pd.Series, grain: str) -> pd.Series:
    """Each date's period, as the ISO date of its first day (weeks start on Monday)."""
    days = parse_dates(dates)
    if grain == "week":
        days = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    elif grain == "month":
        days = days.dt.to_period("M").dt.start_time
    return days.dt.strftime("%Y-%m-%d").fillna("")


def period_end(start: str, grain: str) -> str:
    """The last day of the period that starts on ``start``.

    >>> period_end("2022-02-01", "month"), period_end("2022-03-14", "week")
    ('2022-02-28', '2022-03-20')
    """
    first = pd.Timestamp(start)
    last = {
        "day": first,
        "week": first + pd.Timedelta(days=6),
        "month": first + pd.offsets.MonthEnd(0),
    }[grain]
    return last.strftime("%Y-%m-%d")


def over_time(
    rows: pd.DataFrame,
    *,
    labels: Sequence[str],
    grain: str,
    measured: Measured | None = None,
) -> pd.DataFrame:
    """Tidy stance mix per period of dated rows: [period, stance, count, total, share, order,
    lo, hi]; every label in every period (count 0 included), periods in order."""
    cols = ["period", "stance", "count", "total", "share", "order", "lo", "hi"]
    dated = rows.assign(period=period_start(rows["date"], grain))
    dated = dated[dated["period"] != ""]
    if dated.empty:
        return pd.DataFrame(columns=cols)
    counts = dated.groupby(["period", "stance"]).size().rename("count")
    shown = list(dict.fromkeys([*labels, *dated["stance"].astype(str)]))
    periods = sorted(dated["period"].unique())
    grid = pd.MultiIndex.from_product([periods, shown], names=["period", "stance"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out = out[out["stance"].isin(labels) | (out["count"] > 0)].copy()
    out["count"] = out["count"].astype(int)
    out["total"] = out["period"].map(out.groupby("period")["count"].sum()).astype(int)
    out["share"] = out["count"] / out["total"].where(out["total"] > 0, 1)
    rank = {label: i for i, label in enumerate(labels)}
    out["order"] = out["stance"].map(rank).fillna(len(rank)).astype(int)
    out = out.sort_values(["period", "order"]).reset_index(drop=True)
    return add_intervals(out, measured)[cols]


def in_range(rows: pd.DataFrame, start: str, end: str) -> pd.Series:
    """Mask of rows dated within [start, end] (either may be ""; undated rows are out when a
    bound is set)."""
    mask = pd.Series(True, index=rows.index)
    if not (start or end):
        return mask
    days = parse_dates(rows["date"])
    if start:
        mask &= days >= pd.Timestamp(start)
    if end:
        mask &= days <= pd.Timestamp(end)
    return mask & days.notna()
