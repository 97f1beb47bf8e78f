"""dashboard.certainty: Wilson intervals, the classifier's measured error, the _eval.json file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.certainty import (
    Measured,
    add_intervals,
    eval_path,
    load_measured,
    method_line,
    parse_measured,
    share_interval,
    wilson,
)

FIXTURE = Path(__file__).parent / "data" / "scheme_fixture_eval.json"


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [  # reference values of the Wilson score interval at 95 %
        (5, 20, 0.1119, 0.4687),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (50, 100, 0.4038, 0.5962),
        (0, 0, 0.0, 1.0),
    ],
)
def test_wilson(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson(k, n)
    assert got == pytest.approx((lo, hi), abs=1e-4)


@pytest.mark.parametrize(
    ("k", "n", "precision", "recall", "expect"),
    [
        (5, 20, None, None, "wilson"),  # sample size only
        (5, 20, 1.0, 1.0, "wilson"),  # a perfect classifier adds nothing
        (5, 20, 0.5, 1.0, "lower"),  # half its finds are wrong: the true share may be lower
        (5, 20, 1.0, 0.5, "higher"),  # it finds half: the true share may be higher
        (5, 20, 0.9, 0.0, "to-one"),  # finds nothing it should: anything up to 1
    ],
)
def test_share_interval_widens_towards_the_corrected_share(k, n, precision, recall, expect):
    w_lo, w_hi = wilson(k, n)
    lo, hi = share_interval(k, n, precision=precision, recall=recall)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    assert lo <= w_lo and hi >= w_hi  # never narrower than the sample alone
    if expect == "wilson":
        assert (lo, hi) == pytest.approx((w_lo, w_hi))
    elif expect == "lower":
        assert lo == pytest.approx(w_lo * precision / recall) and hi == pytest.approx(w_hi)
    elif expect == "higher":
        assert lo == pytest.approx(w_lo) and hi == pytest.approx(min(1.0, w_hi / recall))
    else:
        assert hi == 1.0


def test_add_intervals_agrees_with_share_interval_row_by_row() -> None:
    measured = load_measured(FIXTURE.with_name("scheme_fixture.toml"))[0]
    assert measured is not None
    counts = pd.DataFrame(
        {
            "stance": ["us_critical", "china_neutral", "russia_aligned", "none", "other"],
            "count": [5, 3, 0, 12, 1],
            "total": [20, 20, 20, 20, 0],
        }
    )
    out = add_intervals(counts, measured)
    for row in out.itertuples():
        pr = measured.labels.get(row.stance)
        p, r = pr if pr else (None, None)
        want = share_interval(row.count, row.total, precision=p, recall=r)
        assert (row.lo, row.hi) == pytest.approx(want), row


def test_the_eval_file_sits_beside_the_scheme(tmp_path: Path) -> None:
    assert eval_path("models/data/scheme_default.toml") == Path(
        "models/data/scheme_default_eval.json"
    )
    scheme = tmp_path / "scheme_x.toml"
    assert load_measured(scheme) == (None, "")  # no file: sample size only, no problem
    shutil.copy(FIXTURE, tmp_path / "scheme_x_eval.json")
    measured, problem = load_measured(scheme)
    assert problem == "" and measured is not None
    # labels without both rates, or with a rate outside [0, 1], are left out
    assert measured.labels == {"us_critical": (0.5, 1.0), "china_neutral": (0.9, 0.6)}
    assert measured.source == "test fixture: made-up figures"


@pytest.mark.parametrize(
    "content", ["{not json", json.dumps([1, 2]), json.dumps({"labels": 3}), "\xff\xfe"]
)
def test_a_broken_eval_file_is_a_problem_not_a_crash(tmp_path: Path, content: str) -> None:
    (tmp_path / "s_eval.json").write_bytes(content.encode("latin-1"))
    measured, problem = load_measured(tmp_path / "s.toml")
    assert measured is None and "s_eval.json" in problem


def test_method_line_says_which_error_it_includes() -> None:
    assert "sample size only" in method_line(None)
    assert "sample size only" in method_line(None, "x_eval.json could not be read")
    m = parse_measured({"source": "dev gold", "labels": {"a": {"precision": 1, "recall": 1}}})
    m = Measured(m.source, "x_eval.json", m.labels)
    line = method_line(m)
    assert "precision and recall" in line and "x_eval.json: dev gold" in line
    assert "\n" not in line
