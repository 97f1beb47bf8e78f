"""AppTest of the Review page (issue 18): the least sure paragraph first, Accept / Save / Skip
write through the corrections machinery, Retrain names the new head in the URL and keeps it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import data
from dashboard.teach import item_key, queue
from models.corrections import append_correction, load_corrections, make_correction
from models.workspace import Workspace
from tests import test_apptest as base
from tests.test_apptest import plain, run

app_env = base.app_env  # the same module-scoped fixtures
rows = base.rows
PAGE = "views/review.py"


def _shown(at) -> str:
    return at.text[0].value  # the paragraph, as plain text


def test_review_walks_the_queue_and_writes_corrections(
    app_env, rows: pd.DataFrame, scheme, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    todo = queue(rows)
    first, second, third = (todo.iloc[i] for i in range(3))
    at = run(page=PAGE)
    assert [t.value for t in at.title] == ["Review"]
    assert _shown(at) == first["text"]
    stance = at.selectbox[0]
    assert stance.value == first["stance"]  # preselected: Enter accepts the model's stance
    next(b for b in at.button if b.label == "Accept").click().run()
    path = Workspace(tmp_path).corrections_path("seeds")
    (c,) = load_corrections(path)
    assert (c.field, c.value, c.previous) == ("stance", first["stance"], first["stance"])
    assert _shown(at) == second["text"]
    other = next(s for s in scheme.label_names if s != second["stance"])
    at.selectbox[0].set_value(other)
    at.text_input[0].set_value("Wang Yi")
    next(b for b in at.button if b.label == "Save").click().run()
    fields = [(c.field, c.value) for c in load_corrections(path)[1:]]
    assert fields == [("stance", other), ("actor", "Wang Yi")]
    assert _shown(at) == third["text"]
    next(b for b in at.button if b.label == "Skip").click().run()
    assert _shown(at) == todo.iloc[3]["text"] and len(load_corrections(path)) == 3
    at.text_input[0].set_value("Li Wei")  # a fixed speaker confirms the stance it was shown
    next(b for b in at.button if b.label == "Save").click().run()
    fields = [(c.field, c.value) for c in load_corrections(path)[3:]]
    assert fields == [("stance", todo.iloc[3]["stance"]), ("actor", "Li Wei")]
    assert any("3 reviewed" in c.value for c in at.caption)
    assert item_key(third) in at.session_state["_stancemap_review_skipped"]


def test_an_unknown_head_gives_a_notice_and_leaves_the_url(app_env, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    at = run({"head": "0123456789abcdef"})  # the Overview, like every page
    assert any("unknown model version" in w.value for w in at.warning)
    assert "head" not in at.query_params


def test_retrain_names_its_head_and_the_head_reopens(
    app_env, rows: pd.DataFrame, scheme, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path))
    path = Workspace(tmp_path).corrections_path("seeds")
    picked = [g.iloc[0] for _, g in rows.groupby("doc")][:3]  # three articles
    for row in picked:
        new = next(s for s in scheme.label_names if s != row["stance"])
        append_correction(path, make_correction(row.to_dict(), "stance", new))
    at = run(page=PAGE)
    retrain = at.button(key="retrain")
    assert retrain.label == "Retrain with 3 stance corrections"
    retrain.click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    head = at.query_params["head"]
    head = head[-1] if isinstance(head, list) else head
    assert (tmp_path / "heads" / f"{head}.json").is_file()
    result = at.get("markdown")
    assert any(f"model version `{head}`" in m.value for m in result)
    assert any("3 stance corrections in 3 articles" in m.value for m in result)
    shown = next(plain(c.value) for c in at.caption if " · model: " in plain(c.value))
    assert f"model: {scheme.titles[at.selectbox[0].value]} (" in shown  # the new head's stance
    cfg = data.config()
    assert data.table_path(cfg, "minilm", scheme, cfg.corpus, head).is_file()  # its own table
    again = run({"head": head})  # a new session: the same head from the workspace, no notice
    assert not again.warning
    assert any(head in c.value for c in again.sidebar.code)
