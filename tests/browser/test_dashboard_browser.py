"""The dashboard in real Chromium against a real `streamlit run`: links, clicks, untrusted text.

Screenshots go to test-artifacts/ (gitignored). Set STANCEMAP_DOCS_SCREENSHOT=1 to also refresh
docs/screenshot.png from the overview.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.frames import filter_rows, mix, prepare, select_rows
from dashboard.state import Selection, ViewState, link, parse_query
from tests.browser.ui import bar, card_texts, open_view, server_ms, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def rows(seed_table: pd.DataFrame) -> pd.DataFrame:
    return filter_rows(prepare(seed_table), ViewState())


@pytest.fixture(scope="module")
def target(rows: pd.DataFrame, scheme) -> Selection:
    """The largest (source, stance) segment of the seeds."""
    data = mix(rows, by="source", labels=scheme.label_names)
    top = data.sort_values("count", ascending=False, kind="stable").iloc[0]
    return Selection("source", str(top["source"]), str(top["stance"]))


def expected_cards(rows: pd.DataFrame, sel: Selection, limit: int = 40) -> pd.DataFrame:
    return select_rows(rows, sel).head(limit)


def test_overview_first_view(server: str, new_page, artifacts: Path, rows) -> None:
    page = new_page()
    open_view(page, server + "/")  # the first session loads the table into the cache
    seconds = open_view(new_page(), server + "/")
    TIMINGS["first_view_s"] = round(seconds, 3)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 3
    assert page.get_by_text(f"{len(rows)} paragraphs from").count() == 1
    page.screenshot(path=artifacts / "overview.png")
    if os.environ.get("STANCEMAP_DOCS_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(artifacts / "overview.png", ROOT / "docs" / "screenshot.png")
    # recorded, not asserted: speed is measured by `stancemap bench --dashboard`, and a busy CI
    # machine would make a time limit here fail at random
    assert seconds > 0


def test_shared_link_shows_the_filtered_chart_and_paragraphs(
    server: str, new_page, artifacts: Path, rows, target: Selection
) -> None:
    state = ViewState(sources=(target.group,), sel=target)
    page = new_page()
    open_view(page, link(state, "overview", base=server))
    marks = page.locator('[role="graphics-symbol"][aria-label*="; source: "]')
    marks.first.wait_for()
    groups = {m.get_attribute("aria-label").split("source: ")[1].split(";")[0] for m in marks.all()}
    assert groups == {target.group}  # the source filter reached the chart
    want = expected_cards(rows[rows["source"] == target.group], target)
    got = card_texts(page, len(want))
    assert len(want) > 0
    for text, (_, row) in zip(got, want.iterrows(), strict=True):
        assert row["text"][:40] in text
    page.screenshot(path=artifacts / "shared-link.png")


def test_click_a_segment_then_share_the_url(
    server: str, new_page, artifacts: Path, rows, target: Selection
) -> None:
    page = new_page()
    open_view(page, server + "/")
    assert not card_texts(page)
    bar(page, "source", target.group, target.stance).first.click()
    page.wait_for_url(re.compile(r"sel_by=source"))
    settle(page)
    state, notices = parse_query(parse_qs(urlsplit(page.url).query))
    assert (state.sel, notices) == (target, ())
    want = [row["text"][:40] for _, row in expected_cards(rows, target).iterrows()]
    got = card_texts(page, len(want))
    assert all(w in g for w, g in zip(want, got, strict=True))
    page.screenshot(path=artifacts / "clicked.png")

    fresh = new_page()  # a new browser context: only the URL carries the view
    open_view(fresh, page.url)
    assert card_texts(fresh, len(got)) == got
    fresh.screenshot(path=artifacts / "clicked-fresh-context.png")


def test_filter_widget_writes_the_url_and_reruns_fast(server: str, new_page, rows) -> None:
    page = new_page()
    open_view(page, server + "/")
    page.get_by_text("Include narration").click()
    page.wait_for_url(re.compile(r"narration=false"))
    n = len(filter_rows(rows, ViewState(narration=False)))
    # the URL changes before the rerun has begun: wait for the rerun's own text, then its end
    expect(page.get_by_text(f"{n} paragraphs from")).to_have_count(1, timeout=60_000)
    settle(page)
    TIMINGS["filter_rerun_server_ms"] = server_ms(page)
    bar(page, "affiliation", *_first_segment(rows, "affiliation")).first.click()
    page.wait_for_url(re.compile(r"sel_by=affiliation"))
    settle(page)
    TIMINGS["click_rerun_server_ms"] = server_ms(page)
    assert "narration=false" in page.url  # the click kept the filter
    assert TIMINGS["filter_rerun_server_ms"] > 0 and TIMINGS["click_rerun_server_ms"] > 0


def _first_segment(rows: pd.DataFrame, by: str) -> tuple[str, str]:
    first = rows[rows["actor"] != ""].iloc[0]
    return str(first[by]), str(first["stance"])


def test_open_in_article_marks_the_paragraph(
    server: str, new_page, artifacts: Path, rows, target: Selection
) -> None:
    page = new_page()
    open_view(page, link(ViewState(sel=target), base=server))
    first = expected_cards(rows, target).iloc[0]
    page.get_by_text("Open in article").first.click()
    page.wait_for_url(re.compile(r"/reader\?"))
    settle(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["doc"] == [first["doc"]] and query["p"] == [str(int(first["paragraph"]))]
    opened = page.locator('[class*="st-key-stance-"][class*="-opened"]')
    expect(opened).to_have_count(1, timeout=60_000)  # a page switch: wait for the new page
    assert first["text"][:40] in opened.inner_text()
    opened.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "reader-opened.png")

    fresh = new_page()
    open_view(fresh, page.url)
    assert fresh.locator('[class*="-opened"]').inner_text() == opened.inner_text()


def test_garbage_url_gives_notices_and_runs_nothing(server: str, new_page, dialogs) -> None:
    page = new_page()
    evil = (
        "/?%3Cscript%3Ealert(1)%3C%2Fscript%3E=1&conf=1e999&p=999999999999999999999"
        "&stance=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&sel_by=source&sel=%5Bx%5D(javascript%3Aalert(1))"
        "&sel_stance=none"
    )
    open_view(page, server + evil)
    alerts = page.locator('[data-testid="stAlertContentWarning"]')
    text = " ".join(a.inner_text() for a in alerts.all())
    assert alerts.count() >= 4
    assert "<script>alert(1)</script>" in text  # shown literally, as text
    assert "conf" in text and "stance" in text
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    assert not dialogs


EVIL = (
    'The minister said "<img src=x onerror=alert(1)> [x](javascript:alert(1)) :red[x] $y$" '
    "in a statement on Friday, according to officials.\n\n"
    "<script>alert(2)</script> Analysts in the capital disagreed with that view."
)


def test_untrusted_corpus_text_renders_literally(
    server_factory, new_page, dialogs, tmp_path_factory, artifacts: Path
) -> None:
    corpus = tmp_path_factory.mktemp("evil-corpus")
    (corpus / "evil.txt").write_text(EVIL, encoding="utf-8")
    (corpus / "sources.csv").write_text("file,source,date\nevil.txt,Evil <b>Daily</b>,\n")
    url = server_factory(
        "evil", STANCEMAP_CORPUS=str(corpus), STANCEMAP_CACHE=str(tmp_path_factory.mktemp("c"))
    )
    page = new_page()
    open_view(page, url + "/reader")  # the first run analyses the file (real MiniLM + spaCy)
    body = page.locator('[data-testid="stMain"]').inner_text()
    for literal in ("<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", ":red[x]", "$y$"):
        assert literal in body, literal
    assert "<script>alert(2)</script>" in body
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.locator('[data-testid="stMain"] b').filter(has_text="Daily").count() == 0
    page.screenshot(path=artifacts / "untrusted-text.png")
    assert not dialogs


def test_zz_write_timings(artifacts: Path) -> None:
    """Runs last in this module: the measured figures, for the report."""
    (artifacts / "timings.json").write_text(json.dumps(TIMINGS, indent=2))
    print("dashboard timings:", TIMINGS)
    assert TIMINGS
