"""dashboard.state: URL <-> ViewState, links and chart clicks.

URL parsing is pure: tables of query strings in, state and notices out. The filters and
aggregations behind the charts are tested on the real seed analysis in test_dashboard_charts.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.state import (
    PARAMS,
    Selection,
    ViewState,
    Vocab,
    link,
    opened,
    parse_query,
    selection_from_points,
    to_query,
    with_selection,
)

VOCAB = Vocab(
    sources=frozenset({"CNN", "RT"}),
    speakers=frozenset({"Xi Jinping", "CNN (narration)"}),
    affiliations=frozenset({"China", "United States"}),
    stances=frozenset({"us_critical", "none"}),
    models=frozenset({"minilm", "minilm-fp32"}),
    docs=frozenset({"a.txt"}),
    corpora=frozenset({"seeds", "my-articles-1a2b3c4d"}),
)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ViewState()),
        ({"source": ["CNN", "RT"]}, ViewState(sources=("CNN", "RT"))),
        ({"source": "CNN"}, ViewState(sources=("CNN",))),
        ({"source": ["CNN", "CNN"]}, ViewState(sources=("CNN",))),
        ({"speaker": ["CNN (narration)"]}, ViewState(speakers=("CNN (narration)",))),
        (
            {"aff": ["China"], "stance": ["none"]},
            ViewState(affiliations=("China",), stances=("none",)),
        ),
        ({"conf": "0.35"}, ViewState(min_conf=0.35)),
        ({"conf": "1"}, ViewState(min_conf=1.0)),
        ({"narration": "false"}, ViewState(narration=False)),
        ({"narration": "TRUE"}, ViewState(narration=True)),
        ({"q": "peace talks"}, ViewState(query="peace talks")),
        ({"model": "minilm-fp32"}, ViewState(model="minilm-fp32")),
        ({"doc": "a.txt", "p": "7"}, ViewState(doc="a.txt", paragraph=7)),
        ({"corpus": "my-articles-1a2b3c4d"}, ViewState(corpus="my-articles-1a2b3c4d")),
        ({"corpus": "seeds"}, ViewState()),
        (
            {"sel_by": "source", "sel": "RT", "sel_stance": "none"},
            ViewState(sel=Selection("source", "RT", "none")),
        ),
        (
            {"sel_by": "speaker", "sel": "CNN (narration)", "sel_stance": "us_critical"},
            ViewState(sel=Selection("speaker", "CNN (narration)", "us_critical")),
        ),
    ],
)
def test_parse_valid(params: dict, expected: ViewState) -> None:
    state, notices = parse_query(params, vocab=VOCAB)
    assert (state, notices) == (expected, ())


@pytest.mark.parametrize(
    ("params", "expected", "named"),
    [
        ({"bogus": "1"}, ViewState(), "bogus"),
        ({"<script>alert(1)</script>": "x"}, ViewState(), "<script>"),
        ({"source": ["CNN", "Fox"]}, ViewState(sources=("CNN",)), "source"),
        ({"stance": ["<script>alert(1)</script>"]}, ViewState(), "stance"),
        ({"stance": ["not_a_label"]}, ViewState(), "stance"),
        ({"conf": "1e999"}, ViewState(), "conf"),
        ({"conf": "nan"}, ViewState(), "conf"),
        ({"conf": "-0.1"}, ViewState(), "conf"),
        ({"conf": "2"}, ViewState(), "conf"),
        ({"conf": "abc"}, ViewState(), "conf"),
        ({"p": "99999999999999999999999"}, ViewState(), "p"),
        ({"p": "-1"}, ViewState(), "p"),
        ({"p": "٣"}, ViewState(), "p"),  # a non-ASCII digit
        ({"narration": "maybe"}, ViewState(), "narration"),
        ({"model": "evil-model"}, ViewState(), "model"),
        ({"doc": "../../etc/passwd"}, ViewState(), "doc"),
        ({"corpus": "../../etc"}, ViewState(), "corpus"),
        ({"corpus": "other-corpus-99999999"}, ViewState(), "corpus"),
        ({"corpus": "<script>alert(1)</script>"}, ViewState(), "corpus"),
        ({"corpus": "x" * 41}, ViewState(), "corpus"),
        ({"q": "x" * 5000}, ViewState(), "q"),
        ({"sel_by": "source", "sel": "RT"}, ViewState(), "sel_stance"),
        ({"sel_by": "bogus", "sel": "RT", "sel_stance": "none"}, ViewState(), "sel_by"),
        ({"sel_by": "source", "sel": "Fox", "sel_stance": "none"}, ViewState(), "Fox"),
    ],
)
def test_parse_garbage_is_ignored_with_a_notice(params: dict, expected: ViewState, named: str):
    state, notices = parse_query(params, vocab=VOCAB)
    assert state == expected
    assert len(notices) == 1
    assert named in notices[0]
    assert len(notices[0]) < 160  # huge values are never echoed in full


def test_parse_without_vocab_keeps_values() -> None:
    state, notices = parse_query({"source": ["Anything"], "stance": ["x"]})
    assert state.sources == ("Anything",) and state.stances == ("x",) and notices == ()


def test_repeated_values_are_capped() -> None:
    state, _ = parse_query({"source": [f"s{i}" for i in range(500)]})
    assert len(state.sources) == 100


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(sources=("CNN", "RT"), stances=("none",), min_conf=0.4, narration=False),
        ViewState(query="a&b=c #x", model="minilm-fp32", speakers=("CNN (narration)",)),
        ViewState(sel=Selection("affiliation", "China", "us_critical"), doc="a.txt", paragraph=0),
    ],
)
def test_round_trip_through_a_link(state: ViewState) -> None:
    url = link(state, "reader", base="http://host:8501/")
    parts = urlsplit(url)
    assert parts.path == "/reader"
    assert parse_query(parse_qs(parts.query, keep_blank_values=True)) == (state, ())


@pytest.mark.parametrize(
    ("state", "page", "expected"),
    [
        (ViewState(), "overview", "/"),
        (ViewState(), "reader", "/reader"),
        (ViewState(sources=("RT",)), "overview", "/?source=RT"),
        (ViewState(narration=True, min_conf=0.0), "overview", "/"),  # defaults stay out
        (opened(ViewState(), "a.txt", 3), "reader", "/reader?doc=a.txt&p=3"),
        (ViewState(corpus="my-1a2b", sources=("RT",)), "overview", "/?corpus=my-1a2b&source=RT"),
    ],
)
def test_link(state: ViewState, page: str, expected: str) -> None:
    assert link(state, page) == expected


def test_every_param_is_documented_and_unique() -> None:
    names = [p.name for p in PARAMS]
    assert len(names) == len(set(names))
    assert all(p.help for p in PARAMS)
    fields = set(ViewState.__dataclass_fields__)
    assert {p.field for p in PARAMS} == fields


@pytest.mark.parametrize(
    ("by", "points", "expected"),
    [
        (
            "source",
            [{"source": "CNN", "stance": "none", "share": 0.5}],
            Selection("source", "CNN", "none"),
        ),
        (
            "speaker",
            [{"speaker": "Xi Jinping", "stance": "us_critical"}],
            Selection("speaker", "Xi Jinping", "us_critical"),
        ),
        ("source", [], None),
        ("source", None, None),
        ("source", [{"speaker": "Xi", "stance": "none"}], None),  # another chart's fields
        ("source", [{"source": 3, "stance": "none"}], None),
        ("nonsense", [{"nonsense": "x", "stance": "none"}], None),
    ],
)
def test_selection_from_points(by: str, points, expected) -> None:
    assert selection_from_points(by, points) == expected


def test_with_selection_keeps_filters() -> None:
    state = ViewState(sources=("RT",), min_conf=0.3)
    picked = with_selection(state, Selection("source", "RT", "none"))
    assert picked.sources == ("RT",) and picked.sel == Selection("source", "RT", "none")
    assert with_selection(picked, None) == state
    assert to_query(picked)["sel"] == "RT"


def test_every_url_parameter_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in PARAMS if f"| `{p.name}` |" not in readme]
    assert not missing, f"add these URL parameters to the README table: {missing}"
