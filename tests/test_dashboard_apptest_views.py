"""AppTest of the views added for issue 18: schemes, counts and certainty, the URL's hygiene,
the reader's names and numbers, the paragraph table. Same set-up as tests/test_apptest.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dashboard.schemes import scheme_folder
from models.schemes import DEFAULT_SCHEME
from tests import test_apptest as base
from tests.test_apptest import plain, run

app_env = base.app_env  # the same module-scoped fixtures
rows = base.rows

EVAL = Path(__file__).parent / "data" / "scheme_fixture_eval.json"


@pytest.mark.parametrize("page", ["views/reader.py", "views/upload.py", "views/scheme.py"])
def test_filters_hide_on_pages_they_do_not_apply_to(app_env, page: str) -> None:
    at = run(page=page)
    assert not at.sidebar.multiselect and not at.sidebar.slider
    assert [s.label for s in at.sidebar.selectbox] == ["Corpus", "Model", "Stance scheme"]


def test_bad_values_leave_the_url_after_their_notice(app_env) -> None:
    at = run({"bogus": "1", "sel_by": "xx", "sel": "CNN", "sel_stance": "none", "p": "-1"})
    notices = [plain(w.value) for w in at.warning]
    assert any('"sel_by" is "xx"' in n for n in notices)  # not ignored in silence
    assert len(notices) == 3
    assert not set(at.query_params) & {"bogus", "sel_by", "sel", "sel_stance", "p"}


def test_min_count_from_the_url_leaves_small_groups_out(app_env, rows) -> None:
    at = run({"min_n": str(len(rows) + 1)})
    infos = [i.value for i in at.info]
    assert sum("or more paragraphs" in i for i in infos) == 3  # every chart says why it is empty
    assert at.sidebar.number_input(key="min_n").value == len(rows) + 1


def test_every_chart_explains_its_whiskers(app_env) -> None:
    at = run()
    lines = [plain(c.value) for c in at.caption if "Whiskers" in plain(c.value)]
    assert len(lines) == 3  # the default scheme ships its held-out precision and recall
    assert all("precision and recall" in line and "scheme_default_eval.json" in line
               for line in lines)  # fmt: skip


def test_the_paragraph_table_reads_like_the_cards(app_env, rows) -> None:
    at = run()
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "source", "speaker", "stance", "score", "text", "article", "paragraph", "open"
    ]  # fmt: skip
    assert (frame["score"] == frame["score"].round(2)).all()
    assert frame["paragraph"].min() >= 1  # numbered from ¶1, like the reader
    assert frame["open"].str.startswith("/reader?").all() and "p=" in frame["open"].iloc[0]
    assert set(frame["stance"]) <= {"US-critical", "China-neutral", "Russia-aligned", "None"}


def test_reader_names_articles_by_outlet_and_title(app_env) -> None:
    at = run(page="views/reader.py")
    names = at.selectbox(key="reader-doc").options
    assert len(names) == 5
    assert not any(re.search(r"\d{3}_[0-9a-f]{16}", n) for n in names), names
    assert all(" — " in n for n in names)
    numbers = [c.value.split()[0] for c in at.caption if c.value.startswith("¶")]
    assert numbers[:3] == ["¶1", "¶2", "¶3"]


@pytest.fixture
def workspace_scheme(tmp_path: Path, monkeypatch) -> str:
    """A copy of the default scheme under another name, uploaded to a temporary workspace,
    with a measured-error file beside it (a fixture with made-up figures)."""
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    folder = scheme_folder(tmp_path)
    folder.mkdir()
    text = DEFAULT_SCHEME.read_text("utf-8")
    text = text.replace('name = "us-china-russia"', 'name = "renamed copy"', 1)
    text = text.replace('title = "US-critical"', 'title = "Critical of the US"', 1)
    (folder / "copy.toml").write_text(text, "utf-8")
    shutil.copy(EVAL, folder / "copy_eval.json")
    return "copy"


def test_a_shared_scheme_link_reproduces_the_view(app_env, workspace_scheme: str) -> None:
    at = run({"scheme": workspace_scheme, "min_n": "3"})
    assert not at.warning, [w.value for w in at.warning]
    caption = plain(next(c.value for c in at.caption if "paragraphs from" in c.value))
    assert "scheme renamed copy" in caption
    assert at.sidebar.selectbox(key="scheme-pick").value == workspace_scheme
    lines = [plain(c.value) for c in at.caption if "Whiskers" in plain(c.value)]
    assert lines and all("precision and recall" in line for line in lines)
    assert all("scheme_fixture" not in line and "copy_eval.json" in line for line in lines)
    legend = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
    assert "**Critical of the US**" in legend
    share = at.sidebar.code[0].value
    assert f"scheme={workspace_scheme}" in share and "min_n=3" in share


def test_the_scheme_page_shows_every_label(app_env) -> None:
    at = run(page="views/scheme.py")
    assert [t.value for t in at.title] == ["Stance scheme"]
    shown = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
    for title in ("US-critical", "China-neutral", "Russia-aligned", "None"):
        assert f"**{title}**" in shown
    assert len(at.expander) >= 4  # each label's examples


def test_no_time_chart_without_dates(app_env) -> None:
    at = run()  # the seeds have one dated article: nothing to draw over time
    assert not any(s.value.startswith("Stance over time") for s in at.subheader)


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> tuple[str, str]:
    """(workspace, corpus id) of a small dated corpus (3 days, 2 outlets, 12 paragraphs)."""
    from models.workspace import Workspace
    from tests.corpus_helpers import dated_jsonl

    root = tmp_path_factory.mktemp("dated-ws")
    info = Workspace(root).create_corpus("Dated", [("dated.jsonl", dated_jsonl())], {})
    return str(root), info.id


def test_a_dated_corpus_is_drawn_over_time(app_env, dated, monkeypatch) -> None:
    root, corpus = dated
    monkeypatch.setenv("STANCEMAP_WORKSPACE", root)
    at = run({"corpus": corpus, "t_by": "speaker"})
    assert "Stance over time (per day)" in [s.value for s in at.subheader]
    assert at.radio(key="t-by-pick").value == "speaker"
    assert any("One point per day" in plain(c.value) for c in at.caption)
    ranged = run({"corpus": corpus, "from": "2022-03-08", "to": "2022-03-08"})
    caption = plain(next(c.value for c in ranged.caption if "paragraphs from" in c.value))
    assert caption.startswith("4 paragraphs from 2 articles")  # one day of two outlets
    assert any(
        "Only paragraphs dated 2022-03-08 to 2022-03-08" in plain(i.value) for i in ranged.info
    )


def test_a_scheme_of_labels_and_descriptions_only_is_offered(app_env, tmp_path, monkeypatch):
    """Such a scheme passes the upload's check; until the library trains a model for it, the
    embedding backend refuses it: the page says so (no traceback), the sidebar stays usable."""
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    folder = scheme_folder(tmp_path)
    folder.mkdir()
    (folder / "eu-lens.toml").write_text(
        'name = "EU lens"\n[[labels]]\nname = "eu_critical"\ndescription = "Criticises the EU."\n'
    )
    at = run({"scheme": "eu-lens"})
    assert at.sidebar.selectbox(key="scheme-pick").value == "eu-lens"
    errors = [plain(e.value) for e in at.error]
    titles = [t.value for t in at.title]
    assert titles == ["Stance map"] or any("under the scheme EU lens" in e for e in errors)
