"""dashboard.state (URL <-> ViewState, chart clicks) and dashboard.textfmt (escaping).

URL parsing is pure: tables of query strings in, state and notices out. The filters and
aggregations behind the charts are tested on the real seed analysis in test_dashboard_charts.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.components import stance_css
from dashboard.review import clean_actor, correction_note, corrections_for
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
from dashboard.textfmt import escape_md, highlight, speaker_needles
from dashboard.uploads import clean_source, default_source, refusal, split_by_size
from models.cache import digest

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


# -- untrusted text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "![img](http://evil.example/x.png)",
        ":red[x]",
        "$x^2$ and **bold** and `code` and <b>html</b>",
        "# heading\n- list",
    ],
)
def test_escape_md_leaves_no_markup(text: str) -> None:
    out = escape_md(text)
    # Every ASCII punctuation character is backslash-escaped, so nothing is markup any more.
    import string

    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert out[i + 1] in string.punctuation
            i += 2
            continue
        assert out[i] not in string.punctuation, (text, out, i)
        i += 1


@pytest.mark.parametrize(
    ("text", "quote", "actor", "marked"),
    [
        (
            'Xi said "we want peace" today.',
            "we want peace",
            "Xi Jinping",
            [":orange-background[we want peace]", "**Xi**"],
        ),
        ("Wang Yi spoke; Wang agreed.", "", "Wang Yi", ["**Wang Yi**"]),
        ("Nobody is named here.", "", "Joe Biden", []),
        (
            'He said "<script>x</script>".',
            "<script>x</script>",
            "",
            [":orange-background[\\<script\\>x\\<\\/script\\>]"],
        ),
        (
            "Quote one. Quote two.",
            "Quote one … Quote two",
            "",
            [":orange-background[Quote one]", ":orange-background[Quote two]"],
        ),
    ],
)
def test_highlight(text: str, quote: str, actor: str, marked: list[str]) -> None:
    out = highlight(text, quote=quote, actor=actor)
    for m in marked:
        assert m in out
    if not marked:
        assert out == escape_md(text)


def test_speaker_needles() -> None:
    assert speaker_needles("Xi Jinping") == ["Xi Jinping", "Jinping", "Xi"]
    assert speaker_needles("") == []


def test_stance_css_only_takes_valid_colours_and_names() -> None:
    css = stance_css({"ok": "#123456", "bad}": "#000000", "evil": "red;}</style><script>"})
    assert "st-key-stance-ok-" in css and "#123456" in css
    assert "bad}" not in css and "<script>" not in css


# -- corrections and uploads ---------------------------------------------------------------------

ROW = {"doc": "a.txt", "text": "Some text.", "paragraph": 4, "stance": "none", "actor": "Xi"}


@pytest.mark.parametrize(
    ("stance", "actor", "expected"),
    [
        ("us_critical", "Xi", [("stance", "us_critical", "none")]),
        ("none", "Wang Yi", [("actor", "Wang Yi", "Xi")]),
        ("none", "", [("actor", "", "Xi")]),  # back to the outlet's narration
        (
            "us_critical",
            " Wang\tYi ",
            [("stance", "us_critical", "none"), ("actor", "Wang Yi", "Xi")],
        ),
        ("none", "Xi", [("stance", "none", "none")]),  # no change: a confirmation
    ],
)
def test_corrections_for(stance: str, actor: str, expected: list) -> None:
    got = corrections_for(ROW, stance, actor)
    assert [(c.field, c.value, c.previous) for c in got] == expected
    assert all(c.doc == "a.txt" and c.text_hash == digest("Some text.") for c in got)
    assert all(c.author == "person" and c.paragraph == 4 for c in got)


def test_corrections_for_keeps_the_models_value_as_previous() -> None:
    corrected = {**ROW, "stance": "us_critical", "model_stance": "none"}
    (c,) = corrections_for(corrected, "russia_aligned", "Xi")
    assert (c.value, c.previous) == ("russia_aligned", "none")


@pytest.mark.parametrize(
    ("row", "note"),
    [
        ({"corrected_stance": "", "corrected_actor": "", "corrected_by": ""}, ""),
        (
            {"corrected_stance": "us_critical", "model_stance": "none"},
            "corrected: us_critical (model: none)",
        ),
        ({"corrected_stance": "none", "model_stance": "none"}, "confirmed: none (model: none)"),
        (
            {"corrected_actor": "Wang Yi", "model_actor": "Xi", "corrected_by": "person"},
            "actor corrected: Wang Yi (model: Xi)",
        ),
        (
            {"corrected_actor": "", "model_actor": "Xi", "actor": "", "corrected_by": "person"},
            "actor corrected: narration (model: Xi)",
        ),
    ],
)
def test_correction_note(row: dict, note: str) -> None:
    assert correction_note(row) == note


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Wang\tYi ", "Wang Yi"), ("a\x00b", "a b"), ("x" * 500, "x" * 200), (None, "")],
)
def test_clean_names(raw, clean: str) -> None:
    assert clean_actor(raw) == clean_source(raw) == clean


class FakeUpload:  # the two attributes of streamlit's UploadedFile the page checks first
    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size


def test_over_limit_files_are_refused_and_the_rest_kept() -> None:
    sizes = {"a.txt": 10, "big.csv": 21_000_000, "b.md": 20_000_000}
    files = [FakeUpload(name, size) for name, size in sizes.items()]
    kept, refused = split_by_size(files)
    assert [f.name for f in kept] == ["a.txt", "b.md"] and [f.name for f in refused] == ["big.csv"]
    assert refusal(refused[0]) == "big.csv: 21.0 MB is over the 20.0 MB limit per file; not used."


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("cnn_biden-xi.txt", "cnn biden-xi"),
        ("Bericht über Xi.md", "Bericht über Xi"),
        ("../../x/evil name.html", "evil name"),
        ("<img src=x onerror=alert(1)>.txt", "<img src=x onerror=alert(1)>"),
        (".txt", ".txt"),
    ],
)
def test_default_source(name: str, source: str) -> None:
    assert default_source(name) == source


def test_every_url_parameter_is_documented_in_the_readme() -> None:
    from pathlib import Path

    from dashboard.state import PARAMS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in PARAMS if f"| `{p.name}` |" not in readme]
    assert not missing, f"add these URL parameters to the README table: {missing}"
