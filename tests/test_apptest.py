"""Streamlit AppTest: every page and URL parameters (valid and garbage), on the real seed analysis.

AppTest runs the app in-process; the seeds are analysed once (session fixture) into a temporary
cache that the app finds through STANCEMAP_CACHE, so no test waits for a model. Uploads and
corrections go to a temporary STANCEMAP_WORKSPACE (one per test that writes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.frames import filter_rows, prepare, select_rows
from dashboard.state import Selection, ViewState
from models.corrections import append_correction, make_correction
from models.schemes import load_scheme
from models.workspace import Workspace

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TIMEOUT = 180


@pytest.fixture(scope="module")
def app_env(seed_analysis, cache_dir: Path, tmp_path_factory):
    """The environment the app runs in: the warm cache, timing captions on, an empty workspace."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STANCEMAP_CACHE", str(cache_dir))
        mp.setenv("STANCEMAP_WORKSPACE", str(tmp_path_factory.mktemp("workspace")))
        mp.setenv("STANCEMAP_TIMING", "1")
        mp.delenv("STANCEMAP_CORPUS", raising=False)
        mp.delenv("STANCEMAP_MODEL", raising=False)
        mp.delenv("STANCEMAP_MODELS", raising=False)
        yield cache_dir


@pytest.fixture(scope="module")
def rows(seed_table: pd.DataFrame) -> pd.DataFrame:
    return filter_rows(prepare(seed_table), ViewState())


def run(params: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(markdown: str) -> str:
    """Undo dashboard.textfmt.escape_md (backslash escapes) for assertions."""
    return re.sub(r"\\(.)", r"\1", markdown)


def count_in_view(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if "paragraphs from" in c.value)
    return int(caption.split()[0])


def test_overview_renders_every_part(app_env, rows: pd.DataFrame) -> None:
    at = run()
    assert [t.value for t in at.title] == ["Stance map"]
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:2] == ["Stance mix per source", "Who speaks for whom (affiliation)"]
    assert any(s.startswith("Stance mix per speaker") for s in subheaders)
    assert count_in_view(at) == len(rows)
    assert {w.key for w in at.sidebar.multiselect} == {"source", "speaker", "aff", "stance-pick"}
    assert at.sidebar.selectbox(key="model").value == "minilm"
    assert at.sidebar.code[0].value.startswith("http")  # the share link
    assert not at.warning


def test_reader_page_renders(app_env, seed_table: pd.DataFrame) -> None:
    at = run(page="views/reader.py")
    assert [t.value for t in at.title] == ["Article reader"]
    doc = at.selectbox(key="reader-doc").value
    n = int((seed_table["doc"] == doc).sum())
    numbered = [c.value for c in at.caption if c.value.startswith("¶")]
    assert len(numbered) == n  # every paragraph, furniture included


@pytest.mark.parametrize("by", ["source", "speaker", "affiliation"])
def test_shared_selection_lists_its_paragraphs(app_env, rows: pd.DataFrame, by: str) -> None:
    first = rows.iloc[0]
    sel = Selection(by, str(first[by]), str(first["stance"]))
    at = run({"sel_by": sel.by, "sel": sel.group, "sel_stance": sel.stance})
    expected = len(select_rows(rows, sel))
    heading = next(plain(m.value) for m in at.markdown if "paragraph" in m.value)
    assert heading.endswith(f"— {expected} paragraph(s)")
    assert not at.warning


def test_a_card_says_which_labels_its_speaker_does_not_voice(app_env, rows, scheme) -> None:
    from models.voices import unvoiced

    held = [r for _, r in rows.iterrows() if unvoiced(r, scheme)]
    assert held  # the seeds have US officials whose words scored a label they do not voice
    sel = Selection("affiliation", "United States", "none")
    at = run({"sel_by": sel.by, "sel": sel.group, "sel_stance": sel.stance})
    notes = [plain(c.value) for c in at.caption if "not voiced by" in plain(c.value)]
    assert notes and all("United States speakers" in n for n in notes)
    titled = {", ".join(scheme.titles[s] for s in unvoiced(r, scheme)) for r in held}
    assert {n.rsplit(": ", 1)[1] for n in notes} <= titled  # labels by their titles


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"narration": "false"}, "narration"),
        ({"conf": "0.5"}, "conf"),
        ({"stance": ["none"]}, "stance"),
        ({"q": "China"}, "q"),
    ],
)
def test_bound_filters_from_the_url(app_env, rows: pd.DataFrame, params: dict, field: str):
    at = run(params)
    state = ViewState(
        narration=params.get("narration") != "false",
        min_conf=float(params.get("conf", 0)),
        stances=tuple(params.get("stance", ())),
        query=params.get("q", ""),
    )
    assert count_in_view(at) == len(filter_rows(rows, state)) < len(rows)
    assert field in at.sidebar.code[0].value


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"bogus": "1"}, "bogus"),
        ({"<script>alert(1)</script>": "x"}, "script"),
        ({"conf": "1e309"}, "conf"),
        ({"p": "99999999999999999999999", "doc": "nope.txt"}, "p"),
        ({"stance": ["<script>alert(1)</script>"]}, "stance"),
        ({"source": ['<img src=x onerror="alert(1)">']}, "source"),
        ({"sel_by": "source", "sel": "[x](javascript:alert(1))", "sel_stance": "none"}, "x"),
        ({"model": ":red[x]"}, "model"),
        ({"corpus": "../../etc/passwd"}, "corpus"),
        ({"corpus": "no-such-corpus-1234"}, "corpus"),
    ],
)
def test_garbage_params_give_a_notice_not_a_traceback(app_env, rows, params, named: str):
    at = run(params)
    notices = [w.value for w in at.warning]
    assert notices and any(named in plain(n) for n in notices)
    assert all("<script>" not in n and "](" not in n for n in notices)  # escaped
    assert count_in_view(at) == len(rows)  # the garbage filtered nothing


def test_reader_marks_the_opened_paragraph(app_env, rows: pd.DataFrame) -> None:
    target = rows.iloc[len(rows) // 2]
    params = {"doc": str(target["doc"]), "p": str(int(target["paragraph"]))}
    at = run(params, page=None)
    at.switch_page("views/reader.py").run()
    assert at.selectbox(key="reader-doc").value == target["doc"]
    opened = [c.value for c in at.caption if c.value.startswith("▶ opened")]
    assert len(opened) == 1 and f"¶{int(target['paragraph']) + 1} ·" in opened[0]  # from ¶1
    linked = [c.value for c in at.caption if c.value.startswith("▶ linked paragraph")]
    assert linked == [opened[0].replace("▶ opened", "▶ linked paragraph")]  # shown first too
    first = next(c.value for c in at.caption if c.value.startswith(("▶", "¶")))
    assert first == linked[0]


def test_filter_change_reruns_fast(app_env, rows: pd.DataFrame) -> None:
    at = run()
    at.sidebar.toggle(key="narration").set_value(False).run()
    assert count_in_view(at) == len(filter_rows(rows, ViewState(narration=False)))
    ms = [float(c.value.split()[1]) for c in at.caption if c.value.startswith("render ")]
    assert ms and ms[0] < 1000, ms  # server-side script time; typically well under 200 ms


def test_model_switch_reanalyses_with_progress(app_env, tiny_nli: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANCEMAP_MODELS", f"nli:{tiny_nli}")
    at = run()
    at.sidebar.selectbox(key="model").select(f"nli:{tiny_nli}").run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "paragraphs from" in c.value)
    assert "nli" in caption
    assert list(Path(app_env, "dashboard").glob("nli_*.parquet"))


def test_upload_page_states_the_limit(app_env) -> None:
    at = run(page="views/upload.py")
    assert [t.value for t in at.title] == ["Upload articles"]
    assert any("20 MB" in m.value for m in at.markdown)
    assert [i.value for i in at.info] == ["Choose one or more files to start."]


ARTICLE = (
    "The senator said on Monday that the talks with Beijing had failed, according to a "
    "statement from her office.\n\nAnalysts in Washington disagreed with that assessment, "
    "a researcher at a policy institute said."
)


def test_a_stored_corpus_opens_by_its_link(app_env, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    info = Workspace(tmp_path).create_corpus(
        "Senate <b>watch</b>", [("one.txt", ARTICLE.encode())], {"one.txt": "Daily [x](y)"}
    )
    at = run({"corpus": info.id})  # analysed on the first view (real MiniLM + spaCy)
    assert at.sidebar.selectbox(key="corpus-pick").value == info.id
    caption = plain(next(c.value for c in at.caption if "paragraphs from" in c.value))
    assert caption.startswith("2 paragraphs from 1 article") and info.name in caption
    assert at.sidebar.multiselect(key="source").options == ["Daily [x](y)"]
    assert not at.warning


def test_corrections_win_in_every_count(app_env, rows: pd.DataFrame, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    row = rows.iloc[0]
    new = "us_critical" if row["stance"] != "us_critical" else "none"
    path = Workspace(tmp_path).corrections_path("seeds")
    append_correction(path, make_correction(row.to_dict(), "stance", new))
    sel = Selection("source", str(row["source"]), new)
    at = run({"sel_by": sel.by, "sel": sel.group, "sel_stance": sel.stance})
    before = len(select_rows(rows, sel))
    heading = next(plain(m.value) for m in at.markdown if "paragraph(s)" in plain(m.value))
    assert heading.endswith(f"— {before + 1} paragraph(s)")
    notes = [plain(c.value) for c in at.caption if "corrected:" in plain(c.value)]
    titles = load_scheme().titles
    assert len(notes) == 1
    assert f"corrected: {titles[new]} (model: {titles[row['stance']]})" in notes[0]
    at.sidebar.multiselect(key="stance-pick").select(new).run()  # the filters see it too
    assert count_in_view(at) == int((rows["stance"] == new).sum()) + 1
